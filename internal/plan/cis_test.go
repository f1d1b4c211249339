package plan

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-aws/secure-aws/awsnames"
	"github.com/secure-aws/secure-aws/awstypes"
	"github.com/secure-aws/secure-aws/cis"
	"github.com/secure-aws/secure-aws/iampolicy"
	"github.com/secure-aws/secure-aws/internal/accountcheck"
	"github.com/secure-aws/secure-aws/internal/config"
	"github.com/secure-aws/secure-aws/internal/record"
	"github.com/secure-aws/secure-aws/internal/stackfile"
	"github.com/secure-aws/secure-aws/internal/testsupport/fixtures"
	"github.com/secure-aws/secure-aws/internal/testsupport/golden"
	"github.com/secure-aws/secure-aws/rules"
)

const repoDir = "../.."

// TestCISCoverageTable: every covered id is a v5.0.0 recommendation, once, in the
// benchmark's order; every README step it names is a step of README's "Manual steps"; and
// every pack rule it names is a rule of the pack.
func TestCISCoverageTable(t *testing.T) {
	order := map[string]int{}
	for i, c := range cis.Controls() {
		order[c.ID] = i
	}
	readme, err := os.ReadFile(filepath.Join(repoDir, "README.md"))
	require.NoError(t, err)
	_, steps, ok := strings.Cut(string(readme), "\n## Manual steps")
	require.True(t, ok, "README has its manual steps")
	steps, _, _ = strings.Cut(steps, "\n## ")
	var ruleNames []string
	for _, r := range rules.All() {
		ruleNames = append(ruleNames, r.Name)
	}
	packRule := regexp.MustCompile("pack rule `([a-z0-9-]+)`")
	last := -1
	for _, cv := range cisCoverages {
		i, known := order[cv.id]
		require.True(t, known, "%s is no CIS v5.0.0 recommendation", cv.id)
		assert.Greater(t, i, last, "%s: twice, or out of the benchmark's order", cv.id)
		last = i
		assert.NotEmpty(t, cv.how, cv.id)
		if cv.readme != "" {
			assert.Regexp(t, `(?m)^[0-9]+\. `+regexp.QuoteMeta(cv.readme), steps, "%s: README's manual steps have no %s", cv.id, cv.readme)
		}
		if cv.status(&config.Config{Account: config.Account{Manage: true}}) == CISManual {
			assert.NotEmpty(t, cv.readme, "%s: a manual recommendation names its README step", cv.id)
		}
		for _, m := range packRule.FindAllStringSubmatch(cv.how, -1) {
			assert.Contains(t, ruleNames, m[1], cv.id)
		}
	}
}

// TestCISMarkdownIsTheDocs: docs/cis.md is generated from the table the plans use.
func TestCISMarkdownIsTheDocs(t *testing.T) {
	golden.Assert(t, filepath.Join(repoDir, "docs", "cis.md"), []byte(CISMarkdown()))
}

// statuses is a report as id -> status.
func statuses(rows []CISRow) map[string]CISStatus {
	out := map[string]CISStatus{}
	for _, r := range rows {
		out[r.ID] = r.Status
	}
	return out
}

// TestCISReportFollowsTheConfiguration: the report of the example managing stack, and what
// each switch that turns a thing off loses; a stack that does not manage the account
// leaves the account-wide recommendations to the one that does.
func TestCISReportFollowsTheConfiguration(t *testing.T) {
	st, err := stackfile.Load(fixtures.Examples(t), "production")
	require.NoError(t, err)
	load := func(t *testing.T) *config.Config {
		cfg, err := config.Load("production", config.MapGetter(st.Config))
		require.NoError(t, err)
		require.True(t, cfg.Account.Manage, "the example production stack manages the account")
		return cfg
	}
	base := statuses(cisReport(load(t)))
	want := map[string]CISStatus{
		"1.1": CISManual, "1.2": CISMeets, "1.3": CISChecked, "1.4": CISChecked, "1.5": CISChecked, "1.6": CISManual,
		"1.7": CISMeets, "1.8": CISMeets, "1.9": CISChecked, "1.10": CISMeets, "1.11": CISChecked, "1.12": CISChecked,
		"1.13": CISChecked, "1.14": CISMeets, "1.16": CISMeets,
		"2.1.1": CISMeets, "2.1.2": CISManual, "2.1.4": CISMeets, "3.1": CISMeets, "3.2": CISMeets,
		"3.4": CISMeets, "3.5": CISMeets, "3.6": CISMeets, "3.8": CISMeets,
		"4.2": CISManual, "4.3": CISManual, "4.4": CISManual, "4.5": CISManual, "4.8": CISManual,
	}
	for _, c := range cis.Controls() {
		w, ok := want[c.ID]
		if !ok {
			w = CISNotCovered
		}
		assert.Equal(t, w, base[c.ID], c.ID)
	}

	for name, tc := range map[string]struct {
		off  func(*config.Config)
		lost map[string]CISStatus
	}{
		"root check off": {func(c *config.Config) { c.Account.RootCredentialCheck = accountcheck.ModeOff },
			map[string]CISStatus{"1.3": CISManual, "1.4": CISManual, "1.5": CISManual}},
		"credential audit off": {func(c *config.Config) { c.Account.CredentialAudit.Mode = accountcheck.ModeOff },
			map[string]CISStatus{"1.9": CISNotCovered, "1.11": CISNotCovered, "1.12": CISNotCovered, "1.13": CISNotCovered}},
		"no trail": {func(c *config.Config) { c.Account.Trail = nil },
			map[string]CISStatus{"3.1": CISNotCovered, "3.2": CISNotCovered, "3.4": CISNotCovered, "3.5": CISNotCovered, "3.6": CISNotCovered, "3.8": CISNotCovered, "4.2": CISNotCovered, "4.3": CISNotCovered, "4.4": CISNotCovered, "4.5": CISNotCovered, "4.8": CISNotCovered}},
		"no alerts": {func(c *config.Config) { c.Account.Alerts, c.Account.Budget = nil, nil },
			map[string]CISStatus{"4.2": CISNotCovered, "4.3": CISNotCovered, "4.4": CISNotCovered, "4.5": CISNotCovered, "4.8": CISNotCovered}},
		"trail without access logging": {func(c *config.Config) { c.Account.Trail.AccessLogBucket = "" },
			map[string]CISStatus{"3.4": CISNotCovered}},
		// The alert topic's key still rotates: 3.6 holds.
		"trail without its key": {func(c *config.Config) { c.Account.Trail.KMS = false },
			map[string]CISStatus{"3.5": CISNotCovered}},
		"no KMS key": {func(c *config.Config) { c.Account.Trail.KMS, c.Account.Alerts, c.Account.Budget = false, nil, nil },
			map[string]CISStatus{"3.5": CISNotCovered, "3.6": CISNotCovered, "4.2": CISNotCovered, "4.3": CISNotCovered, "4.4": CISNotCovered, "4.5": CISNotCovered, "4.8": CISNotCovered}},
		"a bucket without data events": {func(c *config.Config) { c.Buckets[0].DataEvents = "" },
			map[string]CISStatus{"3.8": CISNotCovered}},
		"no detection": {func(c *config.Config) { c.Account.Detection = nil },
			map[string]CISStatus{"3.3": CISNotCovered, "4.16": CISNotCovered}},
		"reuse prevention below 24": {func(c *config.Config) { c.Account.PasswordPolicy.ReusePrevention = 12 },
			map[string]CISStatus{"1.8": CISNotCovered}},
		"every region of the partition": {func(c *config.Config) { c.Account.Regions = awsnames.Regions(c.Partition) },
			map[string]CISStatus{"1.19": CISMeets, "3.3": CISMeets, "4.16": CISMeets, "5.1.1": CISMeets}},
	} {
		t.Run(name, func(t *testing.T) {
			cfg := load(t)
			tc.off(cfg)
			got := statuses(cisReport(cfg))
			for id, s := range base {
				w, lost := tc.lost[id]
				if !lost {
					w = s
				}
				assert.Equal(t, w, got[id], id)
			}
		})
	}

	t.Run("not the managing stack", func(t *testing.T) {
		cfg := load(t)
		cfg.Account.Manage = false
		got := statuses(cisReport(cfg))
		for _, id := range []string{"1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "1.7", "1.8", "1.9", "1.10", "1.11", "1.12", "1.13", "1.15", "1.16", "1.19", "2.1.4", "3.1", "3.2", "3.3", "3.4", "3.5", "3.6", "3.8", "4.2", "4.3", "4.4", "4.5", "4.8", "4.16", "5.1.1"} {
			assert.Equal(t, CISManagingStack, got[id], id)
		}
		for _, id := range []string{"1.14", "2.1.1"} {
			assert.Equal(t, CISMeets, got[id], "%s: its own principals and buckets", id)
		}
	})
}

// TestCISReportOfEveryStack: whatever the repository's stack files hold, each report lists
// every v5.0.0 recommendation once, and leaves none to the managing stack in the stack
// that manages the account, none checked in a stack that does not.
func TestCISReportOfEveryStack(t *testing.T) {
	names, err := stackfile.Names(repoDir)
	require.NoError(t, err)
	for _, stack := range names {
		st, err := stackfile.Load(repoDir, stack)
		require.NoError(t, err)
		cfg, err := config.Load(stack, config.MapGetter(st.Config))
		require.NoError(t, err)
		rows := cisReport(cfg)
		var ids []string
		for _, r := range rows {
			ids = append(ids, r.ID)
			assert.NotEmpty(t, r.How, "%s %s", stack, r.ID)
			if cfg.Account.Manage {
				assert.NotEqual(t, CISManagingStack, r.Status, "%s %s", stack, r.ID)
			} else {
				assert.NotEqual(t, CISChecked, r.Status, "%s %s: the account checks are the managing stack's", stack, r.ID)
			}
		}
		assert.Len(t, ids, len(cis.Controls()), stack)
		assert.True(t, slices.Equal(ids, slices.Compact(slices.Clone(ids))), stack)
	}
}

// TestCISMeetsOnlyWhatTheStackCreates holds every "meets" the report claims against what
// the stack's plan creates, in each of the repository's stack files: a claim the
// resources do not bear out fails.
// 1.10: no console user has an access key. 1.14: no user has a policy of its own. 1.15: nothing attaches AdministratorAccess or a
// policy allowing `*` on `*`. 1.19: an analyzer in each region of the partition. 2.1.1:
// every bucket's policy denies `s3:*` to everyone without TLS. 2.1.4: the account's public
// access block, all four settings on, and each bucket's. 1.16: a role holds AWSSupportAccess.
// 3.1, 3.2: a multi-region trail with global events, logging and file validation. 4.x: an
// alert rule that cites it.
func TestCISMeetsOnlyWhatTheStackCreates(t *testing.T) {
	names, err := stackfile.Names(repoDir)
	require.NoError(t, err)
	for _, stack := range names {
		t.Run(stack, func(t *testing.T) {
			p, err := Run(repoDir, stack)
			require.NoError(t, err)
			assertCISClaims(t, p.Config, p.CIS(), p.Resources)
		})
	}
}

// assertCISClaims checks the claims of a report against the registrations of its stack.
func assertCISClaims(t *testing.T, cfg *config.Config, rows []CISRow, regs []record.Registration) {
	t.Helper()
	meets, manual := map[string]bool{}, map[string]bool{}
	for _, r := range rows {
		meets[r.ID], manual[r.ID] = r.Status == CISMeets, r.Status == CISManual
	}
	of := func(typ string) []record.Registration {
		var out []record.Registration
		for _, r := range regs {
			if r.Type == typ {
				out = append(out, r)
			}
		}
		return out
	}
	on := func(r record.Registration, keys ...string) bool {
		for _, k := range keys {
			if v := r.Inputs[resource.PropertyKey(k)]; !v.IsBool() || !v.BoolValue() {
				return false
			}
		}
		return true
	}
	blocks := []string{"blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"}
	if meets["1.10"] {
		console := map[string]bool{}
		for _, lp := range of(awstypes.LoginProfile) {
			console[lp.Input("user")] = true
		}
		for _, k := range of(awstypes.AccessKey) {
			assert.False(t, console[k.Input("user")], "1.10: %s has a console password and an access key", k.Input("user"))
		}
	}
	if meets["1.14"] {
		assert.Empty(t, of(awstypes.UserPolicy), "1.14")
		assert.Empty(t, of(awstypes.UserAttachment), "1.14")
		assert.Empty(t, of(awstypes.PolicyAttachment), "1.14")
	}
	if meets["1.15"] {
		for _, typ := range []string{awstypes.GroupAttachment, awstypes.RoleAttachment, awstypes.UserAttachment} {
			for _, a := range of(typ) {
				assert.NotContains(t, a.Input("policyArn"), ":policy/AdministratorAccess", "1.15: %s", a.Name)
			}
		}
		for _, pol := range of(awstypes.Policy) {
			doc, err := iampolicy.Parse(pol.Input("policy"))
			require.NoError(t, err, pol.Name)
			for _, s := range doc.Statements {
				full := s.Effect == iampolicy.Allow && slices.Contains(s.Actions, "*") && slices.Contains(s.Resources, "*")
				assert.False(t, full, "1.15: %s allows * on *", pol.Name)
			}
		}
	}
	if meets["1.16"] {
		assert.True(t, slices.ContainsFunc(of(awstypes.RoleAttachment), func(a record.Registration) bool {
			return strings.HasSuffix(a.Input("policyArn"), ":policy/AWSSupportAccess")
		}), "1.16: a role with AWSSupportAccess")
	}
	if meets["1.19"] {
		assert.GreaterOrEqual(t, len(of(awstypes.Analyzer)), len(awsnames.Regions(cfg.Partition)), "1.19: an analyzer in each region")
	}
	if meets["2.1.1"] {
		tlsOnly := map[string]bool{}
		for _, bp := range of(awstypes.BucketPolicy) {
			doc, err := iampolicy.Parse(bp.Input("policy"))
			require.NoError(t, err, bp.Name)
			for _, s := range doc.Statements {
				everyone := slices.ContainsFunc(s.Principals, func(p iampolicy.Principal) bool { return slices.Contains(p.Identifiers, "*") })
				insecure := slices.ContainsFunc(s.Conditions, func(c iampolicy.Condition) bool {
					return c.Operator == "Bool" && c.Key == "aws:SecureTransport" && slices.Equal(c.Values, []string{"false"})
				})
				if s.Effect == iampolicy.Deny && everyone && insecure && slices.Contains(s.Actions, "s3:*") {
					for _, r := range s.Resources {
						tlsOnly[r] = true
					}
				}
			}
		}
		for _, b := range of(awstypes.Bucket) {
			arn := iampolicy.ObjectsARN(cfg.Partition, b.Input("bucket"), "")
			assert.True(t, tlsOnly[arn], "2.1.1: %s has no TLS-only policy", b.Input("bucket"))
		}
	}
	for _, id := range []string{"3.1", "3.2"} {
		if meets[id] {
			trails := of(awstypes.Trail)
			if assert.Len(t, trails, 1, id) {
				assert.True(t, on(trails[0], "isMultiRegionTrail", "includeGlobalServiceEvents", "enableLogging", "enableLogFileValidation"), id)
			}
		}
	}
	for _, id := range []string{"4.2", "4.3", "4.4", "4.5", "4.8"} {
		if meets[id] || manual[id] { // manual: the rules are there, a person confirms the subscription
			assert.True(t, slices.ContainsFunc(of(awstypes.EventRule), func(r record.Registration) bool {
				return strings.HasPrefix(r.Input("description"), cis.Ref(id))
			}), "%s: an alert rule for it", id)
		}
	}
	if meets["2.1.4"] {
		account := of(awstypes.AccountPublicAccess)
		if assert.Len(t, account, 1, "2.1.4: the account's public access block") {
			assert.True(t, on(account[0], blocks...), "2.1.4: all four settings")
		}
		blocked := map[string]bool{}
		for _, b := range of(awstypes.PublicAccessBlock) {
			blocked[b.Input("bucket")] = on(b, blocks...)
		}
		for _, b := range of(awstypes.Bucket) {
			assert.True(t, blocked[b.Input("bucket")], "2.1.4: %s", b.Input("bucket"))
		}
	}
}
