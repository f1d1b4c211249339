package program_test

import (
	"fmt"
	"maps"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-aws/secure-aws/internal/config"
	"github.com/secure-aws/secure-aws/internal/program"
	"github.com/secure-aws/secure-aws/internal/record"
	"github.com/secure-aws/secure-aws/internal/testsupport/stackgen"
)

// runOnce runs the whole program on cfg under a fresh recording mock.
func runOnce(tb testing.TB, stack string, cfg map[string]string) *record.Recorder {
	rec := record.New(config.Project, stack)
	if err := rec.Run(cfg, false, program.Run(program.Env{Account: healthyRoot, ConfigKeys: keysOf(cfg)})); err != nil {
		tb.Fatal(err)
	}
	return rec
}

// BenchmarkProgram measures a whole run of the program under mocks: configuration,
// validation, every component and registration. Run with
//
//	go test ./internal/program -run '^$' -bench . -benchmem
func BenchmarkProgram(b *testing.B) {
	stacks := map[string]map[string]string{}
	for _, stack := range []string{"staging", "production"} {
		stacks[stack] = loadExample(b, stack)
	}
	for _, stack := range []string{"staging", "production"} {
		b.Run("stack="+stack, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				runOnce(b, stack, stacks[stack])
			}
		})
	}
	for _, n := range []int{20, 200} {
		cfg := stackgen.Apps(n)
		b.Run(fmt.Sprintf("apps=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				runOnce(b, "staging", cfg)
			}
		})
	}
}

// TestCostGrowsLinearly measures the allocations (counts, not time) of stacks of 25, 50,
// 100 and 200 applications: what each added application costs must stay the same as the
// stack grows, where a quadratic step would make it grow with the stack.
func TestCostGrowsLinearly(t *testing.T) {
	require.Equal(t, 200*20, len(runOnce(t, "staging", stackgen.Apps(200)).Registrations()), "each app registers 12 principal resources (5 of them the owned member and policy lists) and 8 bucket resources")
	sizes := []int{25, 50, 100, 200}
	allocs := map[int]float64{}
	for _, n := range sizes {
		cfg := stackgen.Apps(n)
		allocs[n] = testing.AllocsPerRun(2, func() { runOnce(t, "staging", cfg) })
	}
	first := (allocs[50] - allocs[25]) / 25
	for i := 1; i < len(sizes); i++ {
		lo, hi := sizes[i-1], sizes[i]
		perApp := (allocs[hi] - allocs[lo]) / float64(hi-lo)
		t.Logf("%d -> %d applications: %.0f allocations per added application", lo, hi, perApp)
		assert.InDelta(t, first, perApp, first*0.15, "the marginal cost of an application must not grow with the stack")
	}
}

// TestImportsOnlyUsedAWSPackages: each AWS service package costs build time and memory
// (aws/ec2 alone costs minutes and gigabytes), so the program imports only those it uses.
func TestImportsOnlyUsedAWSPackages(t *testing.T) {
	// go test puts the toolchain's go first on the PATH of the tests it runs.
	out, err := exec.Command("go", "list", "-deps", "github.com/secure-aws/secure-aws/...").Output()
	require.NoError(t, err)
	var aws []string
	for _, pkg := range strings.Fields(string(out)) {
		if rest, ok := strings.CutPrefix(pkg, "github.com/pulumi/pulumi-aws/sdk/v6/go/aws"); ok {
			aws = append(aws, rest)
		}
	}
	// Why each is imported; the cold build is measured beside a minimal program importing
	// the same packages in docs/performance.md (scripts/buildcost.sh).
	why := map[string]string{
		"":                "the provider, for the account defaults in further regions",
		"/internal":       "the SDK's own helpers, imported by every service package",
		"/accessanalyzer": "IAM Access Analyzers (AccountBaseline)",
		"/cloudtrail":     "the audit trail (account.trail)",
		"/ebs":            "EBS encryption by default in each of account.regions (a few files); /ec2 (IMDSv2 defaults, AMI and snapshot block public access) is left out: its 6.7 MB of Go cost far more than the 10 % of a cold build allowed (docs/performance.md)",
		"/iam":            "every principal, group, role and policy",
		"/s3":             "every bucket and the account's public access block",
		"/sns":            "the security alerts' topic and email subscriptions (account.alerts)",
		"/kms":            "the customer managed keys of the alert topic (EventBridge and AWS Budgets cannot publish through the AWS managed alias/aws/sns) and of the trail (account.trail.kms)",
		"/cloudwatch":     "the alerts' EventBridge rules and targets (pulumi-aws keeps EventBridge under cloudwatch)",
		"/guardduty":      "GuardDuty detectors (account.detection.guardDuty)",
		"/cfg":            "AWS Config recorders and delivery channels (account.detection.configBucket)",
		"/securityhub":    "Security Hub CSPM and its standards (account.detection.securityHub)",
		"/budgets":        "the account's monthly budget (account.budget)",
		"/account":        "the account's alternate contacts (account.contacts)",
	}
	assert.ElementsMatch(t, slices.Collect(maps.Keys(why)), aws, "an AWS package the program imports, or no longer imports: say why in this list")
}
