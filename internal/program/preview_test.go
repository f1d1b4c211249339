package program_test

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-aws/secure-aws/awstypes"
	"github.com/secure-aws/secure-aws/internal/config"
	"github.com/secure-aws/secure-aws/internal/plan"
	"github.com/secure-aws/secure-aws/internal/program"
	"github.com/secure-aws/secure-aws/internal/record"
	"github.com/secure-aws/secure-aws/rules"
)

// TestPreviewWithUnknownValues runs every stack file as a first `pulumi preview` sees it:
// nothing exists yet, so no id, ARN or generated secret is known. The program must
// register the same resources, and the rules must neither fail nor report a violation.
func TestPreviewWithUnknownValues(t *testing.T) {
	for _, stack := range repoStacks(t) {
		t.Run(stack, func(t *testing.T) {
			rec := record.New(config.Project, stack)
			rec.Unknowns = true
			root := fakeRoot{err: errors.New("no credentials during this preview")}
			cfg := loadStack(t, stack)
			require.NoError(t, rec.Run(cfg, true, program.Run(program.Env{Account: root, ConfigKeys: keysOf(cfg)})))
			assert.Equal(t, count(runStack(t, stack)), count(rec), "a preview registers what an update does")

			unknown := 0
			for _, r := range rec.Registrations() {
				if r.Inputs.ContainsUnknowns() {
					unknown++
				}
			}
			if len(rec.OfType(awstypes.Policy)) > 0 {
				assert.Positive(t, unknown, "the preview really carries unknown values (policy ARNs, group names)")
			}

			stack := plan.Resources(rec.Registrations())
			var violations []rules.Violation
			require.NotPanics(t, func() { violations = rules.Evaluate(rules.All(), stack) })
			assert.Empty(t, violations)

			// What can be judged still is: an unprotected bucket is reported in a preview too.
			if len(rec.OfType(awstypes.Bucket)) == 0 {
				return
			}
			for i := range stack {
				if stack[i].Type == awstypes.Bucket {
					stack[i].Protect = false
				}
			}
			assert.NotEmpty(t, rules.Evaluate(rules.All(), stack), "rules still fire on known values during a preview")
		})
	}
}

// TestStateBucketFollowsEveryRule: with ci.stateBucket, the managing stack adopts the
// state bucket (imported, never created) as one of its secure buckets, guarded by its own
// policy, and every rule passes on the result, the preview role's state reads included.
func TestStateBucketFollowsEveryRule(t *testing.T) {
	cfg := loadExample(t, "production")
	var ci map[string]any
	require.NoError(t, json.Unmarshal([]byte(cfg["secure-aws:ci"]), &ci))
	ci["stateBucket"] = "acme-pulumi-state"
	text, err := json.Marshal(ci)
	require.NoError(t, err)
	cfg["secure-aws:ci"] = string(text)
	rec, err := runConfig(t, "production", cfg, healthyRoot, false)
	require.NoError(t, err)

	bucket, ok := rec.Find(awstypes.Bucket, "ci-state-bucket")
	require.True(t, ok, "the state bucket is a child of the CI component")
	assert.Equal(t, "acme-pulumi-state", bucket.ImportID)
	assert.Empty(t, rules.Evaluate(rules.All(), plan.Resources(rec.Registrations())))
	assert.Len(t, rec.OfType(awstypes.Bucket), len(runExample(t, "production").OfType(awstypes.Bucket))+1, "one bucket more: the state's")
}
