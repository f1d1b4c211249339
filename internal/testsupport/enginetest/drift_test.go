package enginetest

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-aws/secure-aws/awstypes"
	"github.com/secure-aws/secure-aws/components"
	"github.com/secure-aws/secure-aws/internal/drift"
	"github.com/secure-aws/secure-aws/internal/preview"
	"github.com/secure-aws/secure-aws/internal/testsupport/world"
	"github.com/secure-aws/secure-aws/spec"
)

// TestDrift: changes made in AWS behind the program's back, seen and undone.
//   - The scheduled drift workflow's check (cmd/drift, the same drift.Check) reports
//     nothing right after up; after a bucket policy is edited and a public access block
//     deleted in the stand-in's AWS, it reports exactly those two, per resource, with what
//     the next up would do, and changes neither AWS nor the state.
//   - The deploy workflow's refreshing preview shows the same two steps, and its up puts
//     the program's settings back; the next check finds nothing.
func TestDrift(t *testing.T) {
	p := newProject(t)
	const name = "drift"
	p.writeStack(name, ownStack(map[string]string{
		"secure-aws:buckets": `[{"name":"enginetest-drift"}]`,
	}))
	s := p.stack(name)
	_, err := p.up(s)
	require.NoError(t, err)

	var stdout, stderr strings.Builder
	require.Equal(t, drift.NoDrift, drift.Run(t.Context(), s, &stdout, &stderr), "no drift right after up: %s%s", stdout.String(), stderr.String())
	assert.Regexp(t, `^### Stack drift: no drift\n\nAll \d+ resources match the program\.\n$`, stdout.String())

	resources, err := world.Load(p.world)
	require.NoError(t, err)
	i := world.Find(resources, awstypes.BucketPolicy, "enginetest-drift")
	require.GreaterOrEqual(t, i, 0)
	original := resources[i].Inputs["policy"]
	resources[i].Inputs["policy"] = `{"Version":"2012-10-17","Statement":[]}`
	j := world.Find(resources, awstypes.PublicAccessBlock, "enginetest-drift")
	require.GreaterOrEqual(t, j, 0)
	resources = slices.Delete(resources, j, j+1)
	require.NoError(t, world.Save(p.world, resources))
	before, _ := p.export(s)
	opsBefore := len(p.ops())

	report, err := drift.Check(t.Context(), s)
	require.NoError(t, err, "drift is a finding, not a failure")
	component := fmt.Sprintf("urn:pulumi:%s::secure-aws::secure-aws:components:SecureBucket$", name)
	policy := component + awstypes.BucketPolicy + "::enginetest-drift-tls-only"
	block := component + awstypes.PublicAccessBlock + "::enginetest-drift-public-access"
	assert.Equal(t, []drift.Change{{URN: policy, Op: "update", Properties: []string{"policy"}}, {URN: block, Op: "create"}}, report.Changes)
	stdout.Reset()
	assert.Equal(t, drift.Drifted, drift.Run(t.Context(), s, &stdout, &stderr), "the workflow's exit code for drift")
	assert.Contains(t, stdout.String(), "| `enginetest-drift-tls-only` | `"+awstypes.BucketPolicy+"` | update | `policy` |")
	after, _ := p.export(s)
	assert.Equal(t, before, after, "the check persists nothing")
	for _, kind := range []string{"create", "update", "delete"} {
		assert.Empty(t, opsOf(p.ops()[opsBefore:], kind), "the check does not %s anything in AWS", kind)
	}

	pre, err := p.previewRefresh(s)
	require.NoError(t, err)
	assert.Equal(t, []string{"create " + block, "update " + policy}, pre.changed(), "the deploy's preview shows the same")
	_, err = p.up(s)
	require.NoError(t, err)
	resources, err = world.Load(p.world)
	require.NoError(t, err)
	assert.Equal(t, original, resources[world.Find(resources, awstypes.BucketPolicy, "enginetest-drift")].Inputs["policy"], "up put the program's policy back")
	assert.GreaterOrEqual(t, world.Find(resources, awstypes.PublicAccessBlock, "enginetest-drift"), 0, "and the public access block")
	report, err = drift.Check(t.Context(), s)
	require.NoError(t, err)
	assert.False(t, report.Drifted(), "%+v", report.Changes)
}

// TestDriftOfReplication: a replication set by hand on a bucket copies its objects
// elsewhere; the provider shows no diff for it, so the check reads it from the refreshed
// state and reports it (exit 1) as something the next up leaves: it still does after one.
func TestDriftOfReplication(t *testing.T) {
	p := newProject(t)
	const name = "replicated"
	p.writeStack(name, ownStack(map[string]string{"secure-aws:buckets": `[{"name":"enginetest-replicated"}]`}))
	s := p.stack(name)
	_, err := p.up(s)
	require.NoError(t, err)
	resources, err := world.Load(p.world)
	require.NoError(t, err)
	i := world.Find(resources, awstypes.Bucket, "enginetest-replicated")
	require.GreaterOrEqual(t, i, 0)
	resources[i].Inputs["replicationConfigurations"] = []any{map[string]any{"role": "arn:aws:iam::222222222222:role/copy",
		"rules": []any{map[string]any{"status": "Enabled", "destinations": []any{map[string]any{"bucket": "arn:aws:s3:::elsewhere"}}}}}}
	require.NoError(t, world.Save(p.world, resources))

	bucket := fmt.Sprintf("urn:pulumi:%s::secure-aws::secure-aws:components:SecureBucket$%s::enginetest-replicated-bucket", name, awstypes.Bucket)
	want := []drift.Change{{URN: bucket, Op: drift.ByHand, Properties: []string{"replicationConfigurations"}}}
	for _, when := range []string{"before", "after"} {
		report, err := drift.Check(t.Context(), s)
		require.NoError(t, err)
		assert.Equal(t, want, report.Changes, "%s the next up", when)
		var stdout, stderr strings.Builder
		assert.Equal(t, drift.Drifted, drift.Run(t.Context(), s, &stdout, &stderr))
		_, err = p.up(s)
		require.NoError(t, err)
	}
}

// TestDriftCheckThatCannotRun: a check that cannot compare (here the configuration is
// refused) is an error, never "no drift".
func TestDriftCheckThatCannotRun(t *testing.T) {
	p := newProject(t)
	cfg := ownStack(nil)
	p.writeStack("broken", cfg)
	s := p.stack("broken")
	_, err := p.up(s)
	require.NoError(t, err)
	cfg["secure-aws:environment"] = "Prod"
	p.writeStack("broken", cfg)
	var stdout, stderr strings.Builder
	require.Equal(t, drift.CannotRun, drift.Run(t.Context(), s, &stdout, &stderr))
	assert.Contains(t, stdout.String(), "### Stack broken: the drift check could not run")
	assert.Contains(t, stdout.String(), "secure-aws:environment", "the summary says why")
	assert.Contains(t, stderr.String(), "secure-aws:environment")
}

// TestDriftWorkflowRunsTheCheck: the scheduled workflow runs what TestDriftCheck tests,
// daily and on demand, in the environment the drift role trusts, for every stack file.
func TestDriftWorkflowRunsTheCheck(t *testing.T) {
	wf := workflows(t)["drift.yml"]
	var schedule []struct {
		Cron string `yaml:"cron"`
	}
	node := wf.On["schedule"]
	require.NoError(t, node.Decode(&schedule))
	require.Len(t, schedule, 1)
	assert.Regexp(t, `^\d+ \d+ \* \* \*$`, schedule[0].Cron, "daily")
	assert.Contains(t, wf.On, "workflow_dispatch", "on demand")
	job := wf.Jobs["drift"]
	assert.Equal(t, spec.DriftEnvironment, job.Environment)
	checks := 0
	for _, s := range job.Steps {
		if strings.Contains(s.Run, `go run ./cmd/drift --stack "$STACK"`) {
			checks++
			assert.Equal(t, "bash", s.Shell, "shell: bash runs with pipefail: the check's exit code, not tee's, decides the job")
		}
	}
	assert.Equal(t, 1, checks, "one step runs the check")
	assert.Equal(t, "drift-${{ matrix.stack }}", job.Concurrency.Group, "its own group: never cancels or holds back a deploy")
	assert.Equal(t, "${{ matrix.driftRole }}", stepUsing(t, job, credentials).With["role-to-assume"], "the drift role of the stack's own account")
	guarded := false
	for _, s := range wf.Jobs["environment"].Steps {
		guarded = guarded || strings.Contains(s.Run, "scripts/check-environments.sh --main-only "+spec.DriftEnvironment)
	}
	assert.True(t, guarded, "the environment holding the passphrase is checked to run main only")
}

// TestDriftOfOwnedLists: what the program owns whole (a group's members, the inline and
// attached policies of its groups, roles and users, a bucket's lifecycle) has no room for
// a hand-made entry. After a person adds a member to the admin group, puts an inline `*:*`
// policy on the developer group, attaches AdministratorAccess to the support role, puts an
// inline policy on an application's user and adds a one-day expiry of old versions to an
// asset bucket, all in the stand-in's AWS, the drift check reports exactly those five
// (exit 1), the deploy's refreshing preview shows them, and the next up removes the
// hand-made entries while the program's own stay.
func TestDriftOfOwnedLists(t *testing.T) {
	p := newProject(t)
	const name = "owned"
	p.writeStack(name, ownStack(map[string]string{
		"secure-aws:account":                    `{"manage":true,` + securityContactJSON + `"alias":"enginetest-owned"}`,
		"secure-aws:admins":                     `[{"name":"alice"}]`,
		"secure-aws:developers":                 `[{"name":"carol"}]`,
		"secure-aws:buckets":                    `[{"name":"enginetest-owned"}]`,
		"secure-aws:apps":                       `[{"name":"web","grants":[{"bucket":"enginetest-owned"}]}]`,
		"secure-aws:credentialsAsPulumiSecrets": "true",
	}))
	s := p.stack(name)
	_, err := p.up(s)
	require.NoError(t, err)
	report, err := drift.Check(t.Context(), s)
	require.NoError(t, err)
	require.False(t, report.Drifted(), "no drift right after up: %+v", report.Changes)

	const everything = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`
	handMade := []world.Resource{
		{Type: awstypes.Membership, ID: "by-hand-mallory", Inputs: map[string]any{"user": "mallory", "groups": []any{"admins"}}},
		{Type: awstypes.GroupPolicy, ID: "developers:everything", Inputs: map[string]any{"group": "developers", "name": "everything", "policy": everything}},
		{Type: awstypes.RoleAttachment, ID: "by-hand-admin", Inputs: map[string]any{"role": components.SupportRoleName, "policyArn": "arn:aws:iam::aws:policy/AdministratorAccess"}},
		{Type: awstypes.UserPolicy, ID: "web-owned:extra", Inputs: map[string]any{"user": "web-owned", "name": "extra", "policy": everything}},
	}
	resources, err := world.Load(p.world)
	require.NoError(t, err)
	l := world.Find(resources, awstypes.Lifecycle, "enginetest-owned")
	require.GreaterOrEqual(t, l, 0, "every bucket has a declared lifecycle")
	lifecycle := resources[l].Inputs["rules"]
	resources[l].Inputs["rules"] = append(slices.Clone(lifecycle.([]any)), map[string]any{
		"id": "by-hand", "status": "Enabled", "filter": map[string]any{"prefix": ""},
		"noncurrentVersionExpiration": map[string]any{"noncurrentDays": 1},
	})
	require.NoError(t, world.Save(p.world, append(resources, handMade...)))

	prefix := fmt.Sprintf("urn:pulumi:%s::secure-aws::secure-aws:components:", name)
	want := []drift.Change{
		{URN: prefix + "AccountBaseline$" + awstypes.RoleAttachmentsExcl + "::account-support-role-attached-policies", Op: "update", Properties: []string{"policyArns"}},
		{URN: prefix + "AdminGroup$" + awstypes.GroupMembership + "::admins-members", Op: "update", Properties: []string{"users"}},
		{URN: prefix + "AppUser$" + awstypes.UserPoliciesExcl + "::web-user-inline-policies", Op: "update", Properties: []string{"policyNames"}},
		{URN: prefix + "DeveloperGroup$" + awstypes.GroupPoliciesExcl + "::developers-inline-policies", Op: "update", Properties: []string{"policyNames"}},
		{URN: prefix + "SecureBucket$" + awstypes.Lifecycle + "::enginetest-owned-lifecycle", Op: "update", Properties: []string{"rules"}},
	}
	report, err = drift.Check(t.Context(), s)
	require.NoError(t, err)
	assert.Equal(t, want, report.Changes, "each hand-made entry is a change of the list that owns it")
	var stdout, stderr strings.Builder
	assert.Equal(t, drift.Drifted, drift.Run(t.Context(), s, &stdout, &stderr), "the workflow's exit code for drift")
	assert.Contains(t, stdout.String(), "| `admins-members` | `"+awstypes.GroupMembership+"` | update | `users` |")

	pre, err := p.previewRefresh(s)
	require.NoError(t, err)
	var urns []string
	for _, c := range want {
		urns = append(urns, "update "+c.URN)
	}
	assert.ElementsMatch(t, urns, pre.changed(), "the deploy's preview shows the same")

	_, err = p.up(s)
	require.NoError(t, err)
	resources, err = world.Load(p.world)
	require.NoError(t, err)
	for _, r := range handMade {
		assert.Less(t, world.Find(resources, r.Type, r.ID), 0, "up removed the hand-made %s %s", r.Type, r.ID)
	}
	i := world.Find(resources, awstypes.GroupMembership, "admins")
	require.GreaterOrEqual(t, i, 0)
	assert.Equal(t, []any{"alice"}, resources[i].Inputs["users"], "the program's member stays")
	assert.Equal(t, lifecycle, resources[world.Find(resources, awstypes.Lifecycle, "enginetest-owned")].Inputs["rules"], "up put the program's lifecycle back")
	var supportPolicies []any
	for _, r := range resources {
		if r.Type == awstypes.RoleAttachment && r.Inputs["role"] == components.SupportRoleName {
			supportPolicies = append(supportPolicies, r.Inputs["policyArn"])
		}
	}
	assert.Equal(t, []any{"arn:aws:iam::aws:policy/AWSSupportAccess"}, supportPolicies, "the support role keeps its own policy, only")
	report, err = drift.Check(t.Context(), s)
	require.NoError(t, err)
	assert.False(t, report.Drifted(), "%+v", report.Changes)
}

// TestDriftRunsAsTheWorkflowsRunIt: cmd/drift and cmd/gate select the stack with
// preview.Select, which runs program.Main (main.go's program, AWS account reader included)
// inline on the CLI found on PATH, with no Go language host: the stack's settings come from
// its stack file and every key it sets reaches the program, so a key the program refuses
// stops the check.
func TestDriftRunsAsTheWorkflowsRunIt(t *testing.T) {
	p := newProject(t)
	const name = "inline"
	// Another repository manages the account and no bucket is adopted: the program reads
	// nothing from AWS's API but what the provider does.
	cfg := ownStack(map[string]string{"secure-aws:buckets": `[{"name":"enginetest-inline"}]`})
	p.writeStack(name, cfg)
	_, err := p.up(p.stack(name))
	require.NoError(t, err)
	// The job's environment, as the workflows give it: the CLI and the stand-in on PATH.
	for k, v := range p.env {
		t.Setenv(k, v)
	}
	t.Setenv("PULUMI_HOME", filepath.Join(filepath.Dir(p.log), "home"))
	t.Setenv("PATH", tools.binDir+string(os.PathListSeparator)+os.Getenv("PATH"))

	s, err := preview.Select(t.Context(), name, p.dir)
	require.NoError(t, err)
	var stdout, stderr strings.Builder
	require.Equal(t, drift.NoDrift, drift.Run(t.Context(), s, &stdout, &stderr), "%s%s", stdout.String(), stderr.String())
	assert.Contains(t, stdout.String(), "### Stack inline: no drift")

	cfg["aws:insecure"] = "true"
	p.writeStack(name, cfg)
	stdout.Reset()
	stderr.Reset()
	require.Equal(t, drift.CannotRun, drift.Run(t.Context(), s, &stdout, &stderr), "%s%s", stdout.String(), stderr.String())
	assert.Contains(t, stdout.String(), "aws:insecure", "the key reached the program, which refused it")
}
