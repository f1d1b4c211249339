package components

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-aws/secure-aws/awstypes"
	"github.com/secure-aws/secure-aws/spec"
)

func newBudget(b spec.Budget) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		_, err := NewAccountBudget(ctx, "budget", &AccountBudgetArgs{Account: testAccount, BudgetName: "acme-monthly", Budget: b, TopicArn: pulumi.String("arn:aws:sns:us-east-1:111111111111:security-alerts")})
		return err
	}
}

// TestAccountBudget: a monthly USD cost budget with one actual-cost notification per
// threshold, each to the topic.
func TestAccountBudget(t *testing.T) {
	rec := mustRun(t, newBudget(spec.Budget{LimitUSD: 200, Thresholds: []int{50, 120}}))
	b := inputs(one(t, rec, awstypes.Budget))
	assert.Equal(t, "200", b["limitAmount"])
	assert.Equal(t, "USD", b["limitUnit"])
	assert.Equal(t, "MONTHLY", b["timeUnit"])
	assert.Equal(t, "COST", b["budgetType"])
	notes, _ := b["notifications"].([]any)
	require.Len(t, notes, 2)
	for i, want := range []float64{50, 120} {
		n := notes[i].(map[string]any)
		assert.Equal(t, want, n["threshold"])
		assert.Equal(t, "ACTUAL", n["notificationType"])
		assert.Equal(t, "PERCENTAGE", n["thresholdType"])
		assert.Equal(t, []any{"arn:aws:sns:us-east-1:111111111111:security-alerts"}, n["subscriberSnsTopicArns"])
	}
}

func TestAccountBudgetRejectsBadArgs(t *testing.T) {
	for _, c := range []struct {
		name, want string
		budget     spec.Budget
	}{
		{"no limit", "budget.limitUsd", spec.Budget{Thresholds: []int{50}}},
		{"no thresholds", "budget.thresholds is empty", spec.Budget{LimitUSD: 1, Thresholds: []int{}}},
		{"zero", "budget.thresholds[0] 0 is out of range", spec.Budget{LimitUSD: 1, Thresholds: []int{0}}},
		{"too high", "budget.thresholds[0] 1001 is out of range", spec.Budget{LimitUSD: 1, Thresholds: []int{1001}}},
		{"twice", "budget.thresholds[1] 80 is listed twice", spec.Budget{LimitUSD: 1, Thresholds: []int{80, 80}}},
	} {
		t.Run(c.name, func(t *testing.T) { requireRejected(t, c.want, newBudget(c.budget)) })
	}
}
