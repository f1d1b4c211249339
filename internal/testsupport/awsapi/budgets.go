package awsapi

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/budgets"
	budgettypes "github.com/aws/aws-sdk-go-v2/service/budgets/types"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"github.com/secure-aws/secure-aws/awstypes"
)

// Budgets serves the cost budget and its notifications through the Budgets API at the
// configured budgets endpoint, as hashicorp/terraform-provider-aws
// internal/service/budgets/budget.go calls it: the id is <account id>:<name>; the budget
// is created bare and each notification added with its subscribers (CreateNotification).
type Budgets struct {
	client    *budgets.Client
	partition string
}

// NewBudgets makes the Budgets backend for c, which must name the budgets endpoint.
func NewBudgets(c Config) (*Budgets, error) {
	cfg, e, err := c.clientConfig("budgets", "Budgets")
	if err != nil {
		return nil, err
	}
	return &Budgets{client: budgets.NewFromConfig(cfg, func(o *budgets.Options) { o.BaseEndpoint = aws.String(e) }), partition: c.Partition}, nil
}

// Serves implements Backend.
func (b *Budgets) Serves(typ string) bool { return typ == awstypes.Budget }

// budgetInputs are a budget's inputs, by their Pulumi names.
type budgetInputs struct {
	AccountID     string               `json:"accountId"`
	Name          string               `json:"name"`
	BudgetType    string               `json:"budgetType"`
	LimitAmount   string               `json:"limitAmount"`
	LimitUnit     string               `json:"limitUnit"`
	TimeUnit      string               `json:"timeUnit"`
	Notifications []budgetNotification `json:"notifications,omitempty"`
}

// budgetNotification is one notification of a budget with its subscribers.
type budgetNotification struct {
	ComparisonOperator       string   `json:"comparisonOperator"`
	NotificationType         string   `json:"notificationType"`
	Threshold                float64  `json:"threshold"`
	ThresholdType            string   `json:"thresholdType"`
	SubscriberSnsTopicArns   []string `json:"subscriberSnsTopicArns,omitempty"`
	SubscriberEmailAddresses []string `json:"subscriberEmailAddresses,omitempty"`
}

// sameAlert says whether n and o are the same notification, whoever they notify.
func (n budgetNotification) sameAlert(o budgetNotification) bool {
	return n.ComparisonOperator == o.ComparisonOperator && n.NotificationType == o.NotificationType &&
		n.Threshold == o.Threshold && n.ThresholdType == o.ThresholdType
}

func (n budgetNotification) api() *budgettypes.Notification {
	return &budgettypes.Notification{ComparisonOperator: budgettypes.ComparisonOperator(n.ComparisonOperator),
		NotificationType: budgettypes.NotificationType(n.NotificationType), Threshold: n.Threshold,
		ThresholdType: budgettypes.ThresholdType(n.ThresholdType)}
}

func (n budgetNotification) subscribers() []budgettypes.Subscriber {
	var out []budgettypes.Subscriber
	for _, a := range n.SubscriberSnsTopicArns {
		out = append(out, budgettypes.Subscriber{SubscriptionType: budgettypes.SubscriptionTypeSns, Address: aws.String(a)})
	}
	for _, a := range n.SubscriberEmailAddresses {
		out = append(out, budgettypes.Subscriber{SubscriptionType: budgettypes.SubscriptionTypeEmail, Address: aws.String(a)})
	}
	return out
}

func (b *Budgets) decode(typ string, inputs resource.PropertyMap, in *budgetInputs) error {
	if !b.Serves(typ) {
		return notServed("Budgets", typ)
	}
	return decode(typ, inputs, in)
}

// Create implements Backend: CreateBudget (AWS refuses a name the account has with
// DuplicateRecordException), then CreateNotification for each notification.
func (b *Budgets) Create(ctx context.Context, typ string, inputs resource.PropertyMap) (string, resource.PropertyMap, error) {
	var in budgetInputs
	if err := b.decode(typ, inputs, &in); err != nil {
		return "", nil, err
	}
	if _, err := b.client.CreateBudget(ctx, &budgets.CreateBudgetInput{AccountId: aws.String(in.AccountID), Budget: in.api()}); err != nil {
		return "", nil, wrap("creating budget", in.Name, err)
	}
	id := in.AccountID + ":" + in.Name
	if err := b.syncNotifications(ctx, in, nil, in.Notifications); err != nil {
		return "", nil, err
	}
	state, err := stateAfterWrite(ctx, b, typ, id, inputs)
	return id, state, err
}

func (in budgetInputs) api() *budgettypes.Budget {
	return &budgettypes.Budget{BudgetName: aws.String(in.Name), BudgetType: budgettypes.BudgetType(in.BudgetType),
		BudgetLimit: &budgettypes.Spend{Amount: aws.String(in.LimitAmount), Unit: aws.String(in.LimitUnit)},
		TimeUnit:    budgettypes.TimeUnit(in.TimeUnit)}
}

// syncNotifications makes the budget's notifications have into want: DeleteNotification
// for each that want lacks or notifies others, CreateNotification for each that have
// lacks.
func (b *Budgets) syncNotifications(ctx context.Context, in budgetInputs, have, want []budgetNotification) error {
	same := func(l []budgetNotification, n budgetNotification) bool {
		return slices.ContainsFunc(l, func(o budgetNotification) bool {
			return o.sameAlert(n) && slices.Equal(o.SubscriberSnsTopicArns, n.SubscriberSnsTopicArns) && slices.Equal(o.SubscriberEmailAddresses, n.SubscriberEmailAddresses)
		})
	}
	for _, n := range have {
		if !same(want, n) {
			if _, err := b.client.DeleteNotification(ctx, &budgets.DeleteNotificationInput{AccountId: aws.String(in.AccountID), BudgetName: aws.String(in.Name),
				Notification: n.api()}); err != nil {
				return wrap("deleting a notification of budget", in.Name, err)
			}
		}
	}
	for _, n := range want {
		if !same(have, n) {
			if _, err := b.client.CreateNotification(ctx, &budgets.CreateNotificationInput{AccountId: aws.String(in.AccountID), BudgetName: aws.String(in.Name),
				Notification: n.api(), Subscribers: n.subscribers()}); err != nil {
				return wrap("creating a notification of budget", in.Name, err)
			}
		}
	}
	return nil
}

// get reads the budget id (DescribeBudget, DescribeNotificationsForBudget); nil when it
// does not exist. moto 5.2.1 has no DescribeSubscribersForNotification (docs/engine-tests.md),
// so a notification's subscribers are those olds, the inputs last sent, give the same
// notification: a subscriber changed by hand is not seen, and an import reads none.
func (b *Budgets) get(ctx context.Context, id string, olds budgetInputs) (*budgetInputs, string, error) {
	account, name, ok := strings.Cut(id, ":")
	if !ok {
		return nil, "", fmt.Errorf("budget id %q: want <account id>:<name>", id)
	}
	out, err := b.client.DescribeBudget(ctx, &budgets.DescribeBudgetInput{AccountId: aws.String(account), BudgetName: aws.String(name)})
	if notFound(err, "NotFoundException") {
		return nil, "", nil
	}
	if err != nil {
		return nil, "", wrap("reading budget", id, err)
	}
	bu := out.Budget
	got := &budgetInputs{AccountID: account, Name: aws.ToString(bu.BudgetName), BudgetType: string(bu.BudgetType), TimeUnit: string(bu.TimeUnit)}
	if l := bu.BudgetLimit; l != nil {
		got.LimitAmount, got.LimitUnit = aws.ToString(l.Amount), aws.ToString(l.Unit)
		// AWS answers 200.0 for 200: the provider compares the amounts as numbers.
		if x, errX := strconv.ParseFloat(got.LimitAmount, 64); errX == nil {
			if y, errY := strconv.ParseFloat(olds.LimitAmount, 64); errY == nil && x == y {
				got.LimitAmount = olds.LimitAmount
			}
		}
	}
	notes, err := b.client.DescribeNotificationsForBudget(ctx, &budgets.DescribeNotificationsForBudgetInput{AccountId: aws.String(account), BudgetName: aws.String(name)})
	if err != nil {
		return nil, "", wrap("reading the notifications of budget", id, err)
	}
	for _, n := range notes.Notifications {
		note := budgetNotification{ComparisonOperator: string(n.ComparisonOperator), NotificationType: string(n.NotificationType),
			Threshold: n.Threshold, ThresholdType: string(n.ThresholdType)}
		if i := slices.IndexFunc(olds.Notifications, note.sameAlert); i >= 0 {
			note.SubscriberSnsTopicArns, note.SubscriberEmailAddresses = olds.Notifications[i].SubscriberSnsTopicArns, olds.Notifications[i].SubscriberEmailAddresses
		}
		got.Notifications = append(got.Notifications, note)
	}
	// A set to the provider: AWS's order, which a changed notification moves to the end,
	// is no diff. Those olds names keep its order, the others follow.
	slices.SortStableFunc(got.Notifications, func(x, y budgetNotification) int {
		at := func(n budgetNotification) int {
			if i := slices.IndexFunc(olds.Notifications, n.sameAlert); i >= 0 {
				return i
			}
			return len(olds.Notifications)
		}
		return at(x) - at(y)
	})
	return got, "arn:" + b.partition + ":budgets::" + account + ":budget/" + got.Name, nil
}

// Read implements Backend.
func (b *Budgets) Read(ctx context.Context, typ, id string, olds resource.PropertyMap) (resource.PropertyMap, resource.PropertyMap, error) {
	var old budgetInputs
	if err := b.decode(typ, olds, &old); err != nil {
		return nil, nil, err
	}
	got, arn, err := b.get(ctx, id, old)
	if err != nil || got == nil {
		return nil, nil, err
	}
	inputs := encode(got)
	state := inputs.Copy()
	state["arn"] = resource.NewProperty(arn)
	return inputs, state, nil
}

// Update implements Backend: UpdateBudget when the limit or the budget's kind differs from
// what AWS holds (moto 5.2.1 answers it 500: not implemented, docs/engine-tests.md), then
// the notifications synced.
func (b *Budgets) Update(ctx context.Context, typ, id string, olds, news resource.PropertyMap) (resource.PropertyMap, error) {
	var in, old budgetInputs
	if err := b.decode(typ, news, &in); err != nil {
		return nil, err
	}
	if err := b.decode(typ, olds, &old); err != nil {
		return nil, err
	}
	got, _, err := b.get(ctx, id, old)
	if err != nil {
		return nil, err
	}
	if got == nil {
		return nil, fmt.Errorf("updating budget %s: it does not exist", id)
	}
	if in.BudgetType != got.BudgetType || in.LimitAmount != got.LimitAmount || in.LimitUnit != got.LimitUnit || in.TimeUnit != got.TimeUnit {
		if _, err := b.client.UpdateBudget(ctx, &budgets.UpdateBudgetInput{AccountId: aws.String(in.AccountID), NewBudget: in.api()}); err != nil {
			return nil, wrap("updating budget", id, err)
		}
	}
	if err := b.syncNotifications(ctx, in, got.Notifications, in.Notifications); err != nil {
		return nil, err
	}
	return stateAfterWrite(ctx, b, typ, id, news)
}

// Delete implements Backend: DeleteBudget; one already gone is deleted.
func (b *Budgets) Delete(ctx context.Context, typ, id string, olds resource.PropertyMap) error {
	var in budgetInputs
	if err := b.decode(typ, olds, &in); err != nil {
		return err
	}
	_, err := b.client.DeleteBudget(ctx, &budgets.DeleteBudgetInput{AccountId: aws.String(in.AccountID), BudgetName: aws.String(in.Name)})
	if err != nil && !notFound(err, "NotFoundException") {
		return fmt.Errorf("deleting %s %s: %w", typ, id, err)
	}
	return nil
}
