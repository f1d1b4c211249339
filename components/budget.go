package components

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/budgets"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/secure-aws/secure-aws/spec"
)

// AccountBudgetType is the type token of AccountBudget; renaming it changes every child URN.
const AccountBudgetType = "secure-aws:components:AccountBudget"

// AccountBudgetArgs configures AccountBudget.
type AccountBudgetArgs struct {
	// Account whose cost is watched (required).
	Account spec.Account
	// BudgetName names the budget (required).
	BudgetName string
	// Budget is the monthly limit and its thresholds (required; see Budget.Problems).
	Budget spec.Budget
	// TopicArn is the SNS topic notified at each threshold: the security alerts' (required).
	TopicArn pulumi.StringInput
}

// AccountBudget is a monthly cost budget of the account that notifies an SNS topic when
// the actual cost passes each threshold: a stolen key mining on the account's bill shows
// there within hours, long before the invoice.
type AccountBudget struct {
	pulumi.ResourceState

	// Name is the budget's name.
	Name pulumi.StringOutput `output:"name"`
}

// NewAccountBudget registers AccountBudget.
func NewAccountBudget(ctx *pulumi.Context, name string, args *AccountBudgetArgs, opts ...pulumi.ResourceOption) (*AccountBudget, error) {
	if args == nil {
		return nil, errors.New("account budget: args are required")
	}
	problems := append(accountProblems(args.Account), spec.Prefixed("budget", args.Budget.Problems())...)
	if args.BudgetName == "" {
		problems = append(problems, spec.FieldProblem{Field: "budgetName", Message: "is required"})
	}
	if args.TopicArn == nil {
		problems = append(problems, spec.FieldProblem{Field: "topicArn", Message: "is required: the topic notified"})
	}
	if err := spec.ProblemsError(problems); err != nil {
		return nil, fmt.Errorf("account budget %s: %w", name, err)
	}
	c := &AccountBudget{}
	if err := ctx.RegisterComponentResource(AccountBudgetType, name, c, opts...); err != nil {
		return nil, fmt.Errorf("registering %s %s: %w", AccountBudgetType, name, err)
	}
	notifications := budgets.BudgetNotificationArray{}
	for _, t := range args.Budget.Thresholds {
		notifications = append(notifications, budgets.BudgetNotificationArgs{
			ComparisonOperator:     pulumi.String("GREATER_THAN"),
			NotificationType:       pulumi.String("ACTUAL"),
			Threshold:              pulumi.Float64(float64(t)),
			ThresholdType:          pulumi.String("PERCENTAGE"),
			SubscriberSnsTopicArns: pulumi.StringArray{args.TopicArn},
		})
	}
	budget, err := budgets.NewBudget(ctx, name+"-budget", &budgets.BudgetArgs{
		AccountId:     pulumi.String(args.Account.ID),
		Name:          pulumi.String(args.BudgetName),
		BudgetType:    pulumi.String("COST"),
		LimitAmount:   pulumi.String(strconv.Itoa(args.Budget.LimitUSD)),
		LimitUnit:     pulumi.String("USD"),
		TimeUnit:      pulumi.String("MONTHLY"),
		Notifications: notifications,
	}, pulumi.Parent(c))
	if err != nil {
		return nil, fmt.Errorf("creating the budget %s: %w", args.BudgetName, err)
	}
	c.Name = budget.Name
	if err := registerOutputs(ctx, c, name); err != nil {
		return nil, err
	}
	return c, nil
}
