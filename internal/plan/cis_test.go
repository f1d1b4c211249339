package plan

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-aws/secure-aws/cis"
	"github.com/secure-aws/secure-aws/internal/accountcheck"
	"github.com/secure-aws/secure-aws/internal/config"
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
		"1.13": CISChecked, "1.14": CISMeets, "1.15": CISMeets, "1.16": CISMeets, "1.19": CISMeets,
		"2.1.1": CISMeets, "2.1.2": CISManual, "2.1.4": CISMeets, "3.1": CISMeets, "3.2": CISMeets,
		"3.3": CISMeets, "3.4": CISMeets, "3.5": CISMeets, "3.6": CISMeets, "3.8": CISMeets,
		"4.2": CISMeets, "4.3": CISMeets, "4.4": CISMeets, "4.5": CISMeets, "4.8": CISMeets, "4.16": CISMeets, "5.1.1": CISMeets,
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
		for _, id := range []string{"1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "1.7", "1.8", "1.9", "1.10", "1.11", "1.12", "1.13", "1.16", "1.19", "3.1", "3.2", "3.3", "3.4", "3.5", "3.6", "3.8", "4.2", "4.3", "4.4", "4.5", "4.8", "4.16", "5.1.1"} {
			assert.Equal(t, CISManagingStack, got[id], id)
		}
		for _, id := range []string{"1.14", "1.15", "2.1.1", "2.1.4"} {
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
