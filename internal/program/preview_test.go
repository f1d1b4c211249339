package program_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-aws/secure-aws/internal/config"
	"github.com/secure-aws/secure-aws/internal/mock"
	"github.com/secure-aws/secure-aws/internal/plan"
	"github.com/secure-aws/secure-aws/internal/program"
	"github.com/secure-aws/secure-aws/rules"
)

// TestPreviewWithUnknownValues runs each example stack as a first `pulumi preview` sees it:
// nothing exists yet, so no id, ARN or generated secret is known. The program must
// register the same resources, and the rules must neither fail nor report a violation.
func TestPreviewWithUnknownValues(t *testing.T) {
	for _, stack := range exampleStacks(t) {
		t.Run(stack, func(t *testing.T) {
			rec := mock.New(config.Project, stack)
			rec.Unknowns = true
			root := fakeRoot{err: errors.New("no credentials during this preview")}
			require.NoError(t, rec.Run(loadStack(t, stack), true, program.Run(root)))
			assert.Equal(t, count(runStack(t, stack)), count(rec), "a preview registers what an update does")

			// The mock monitor drops unknown inputs, as the engine hides them from analyzers
			// that do not ask for them: a customer policy's attachment has no ARN yet.
			unknown := 0
			for _, r := range rec.OfType(rules.TypeGroupAttachment) {
				if r.Input("policyArn") == "" {
					unknown++
				}
			}
			assert.Positive(t, unknown, "the preview really carries unknown values")

			var violations []rules.Violation
			require.NotPanics(t, func() { violations = rules.Evaluate(rules.All, plan.Resources(rec.Registrations())) })
			assert.Empty(t, violations)
		})
	}
}
