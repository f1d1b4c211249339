package mototest

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/secure-aws/secure-aws/awstypes"
	"github.com/secure-aws/secure-aws/internal/record"
)

// The kinds of Subject of the alerts, the budget and the contacts (issue 22).
const (
	KindKey     = "key"     // KMSKey, by description
	KindTopic   = "topic"   // Topic, by name
	KindRule    = "rule"    // EventRule, by name
	KindBudget  = "budget"  // Budget, by name
	KindContact = "contact" // Contact, by type
)

// KMSKey reads back the customer managed key whose description is description, and that
// is not pending deletion, with the AWS CLI (aws kms): key (describe-key's KeyMetadata),
// rotation (get-key-rotation-status) and policy (get-key-policy). None such fails the
// test.
func (s *Server) KMSKey(t testing.TB, description string) map[string]any {
	t.Helper()
	listed, code := s.AWS(t, "kms", "list-keys")
	if code != "" {
		t.Fatalf("listing KMS keys: %s", code)
	}
	for _, k := range asList(path(listed, "Keys")) {
		id := fmt.Sprint(path(k, "KeyId"))
		described, code := s.AWS(t, "kms", "describe-key", "--key-id", id)
		if code != "" {
			t.Fatalf("KMS key %s: %s", id, code)
		}
		meta := path(described, "KeyMetadata")
		if path(meta, "Description") != description || path(meta, "KeyState") == "PendingDeletion" {
			continue
		}
		out := s.readBack(t, [][]string{
			{"rotation", "kms", "get-key-rotation-status", "--key-id", id},
			{"policy", "kms", "get-key-policy", "--key-id", id, "--policy-name", "default"},
		})
		out["key"] = meta
		return out
	}
	t.Fatalf("no KMS key described %q", description)
	return nil
}

// Topic reads back the SNS topic called name with the AWS CLI (aws sns): attributes
// (get-topic-attributes) and subscriptions (list-subscriptions-by-topic). A topic that
// does not exist fails the test.
func (s *Server) Topic(t testing.TB, name string) map[string]any {
	t.Helper()
	listed, code := s.AWS(t, "sns", "list-topics")
	if code != "" {
		t.Fatalf("listing SNS topics: %s", code)
	}
	for _, tp := range asList(path(listed, "Topics")) {
		arn := fmt.Sprint(path(tp, "TopicArn"))
		if arnName(arn) == name {
			return s.readBack(t, [][]string{
				{"attributes", "sns", "get-topic-attributes", "--topic-arn", arn},
				{"subscriptions", "sns", "list-subscriptions-by-topic", "--topic-arn", arn},
			})
		}
	}
	t.Fatalf("SNS topic %s does not exist", name)
	return nil
}

// arnName is the last part of an ARN of the form ...:<name> (an SNS topic's).
func arnName(arn string) string { return arn[strings.LastIndex(arn, ":")+1:] }

// EventRule reads back the EventBridge rule called name with the AWS CLI (aws events):
// rule (describe-rule) and targets (list-targets-by-rule).
func (s *Server) EventRule(t testing.TB, name string) map[string]any {
	t.Helper()
	return s.readBack(t, [][]string{
		{"rule", "events", "describe-rule", "--name", name},
		{"targets", "events", "list-targets-by-rule", "--rule", name},
	})
}

// Budget reads back the account's budget called name with the AWS CLI (aws budgets):
// budget (describe-budget) and notifications (describe-notifications-for-budget). moto
// 5.2.1 cannot list a notification's subscribers (docs/engine-tests.md).
func (s *Server) Budget(t testing.TB, name string) map[string]any {
	t.Helper()
	flags := []string{"--account-id", s.Account(t), "--budget-name", name}
	return s.readBack(t, [][]string{
		append([]string{"budget", "budgets", "describe-budget"}, flags...),
		append([]string{"notifications", "budgets", "describe-notifications-for-budget"}, flags...),
	})
}

// Contact reads back the account's alternate contact of typ (BILLING, OPERATIONS,
// SECURITY) with the AWS CLI (aws account get-alternate-contact): contact.
func (s *Server) Contact(t testing.TB, typ string) map[string]any {
	t.Helper()
	return s.readBack(t, [][]string{{"contact", "account", "get-alternate-contact", "--alternate-contact-type", typ}})
}

// alertMismatches compares a key, topic, rule, budget or contact read back with the
// plan's inputs for it. The plan does not know the key's id AWS chooses, so a topic's key
// is compared by presence.
func alertMismatches(regs []record.Registration, subject Subject, got map[string]any) []string {
	var out []string
	d := differ(&out, subject.Kind+" "+subject.Name)
	switch subject.Kind {
	case KindKey:
		for _, in := range inputsOf(regs, awstypes.KMSKey, "description", subject.Name) {
			d("rotation", or(in["enableKeyRotation"], false), path(got, "rotation", "KeyRotationEnabled"))
			d("state", "Enabled", path(got, "key", "KeyState"))
			if doc, ok := in["policy"].(string); ok {
				d("policy", jsonValue(doc), jsonValue(fmt.Sprint(path(got, "policy", "Policy"))))
			}
		}
	case KindTopic:
		for _, in := range inputsOf(regs, awstypes.Topic, "name", subject.Name) {
			d("encryption", in["kmsMasterKeyId"] != nil, or(path(got, "attributes", "Attributes", "KmsMasterKeyId"), "") != "")
			if doc, ok := in["policy"].(string); ok {
				d("policy", jsonValue(doc), jsonValue(fmt.Sprint(path(got, "attributes", "Attributes", "Policy"))))
			}
		}
		var want, have []string
		for _, in := range inputsOf(regs, awstypes.TopicSubscription, "", "") {
			if arnName(fmt.Sprint(in["topic"])) == subject.Name {
				want = append(want, fmt.Sprint(in["protocol"], " ", in["endpoint"]))
			}
		}
		for _, s := range asList(path(got, "subscriptions", "Subscriptions")) {
			have = append(have, fmt.Sprint(path(s, "Protocol"), " ", path(s, "Endpoint")))
		}
		d("subscriptions", sorted(want), sorted(have))
	case KindRule:
		for _, in := range inputsOf(regs, awstypes.EventRule, "name", subject.Name) {
			d("description", in["description"], path(got, "rule", "Description"))
			d("state", or(in["state"], "ENABLED"), path(got, "rule", "State"))
			d("event pattern", jsonValue(fmt.Sprint(in["eventPattern"])), jsonValue(fmt.Sprint(path(got, "rule", "EventPattern"))))
		}
		var want []string
		for _, in := range inputsOf(regs, awstypes.EventTarget, "rule", subject.Name) {
			want = append(want, fmt.Sprint(in["targetId"], " ", in["arn"]))
		}
		var have []string
		for _, tg := range asList(path(got, "targets", "Targets")) {
			have = append(have, fmt.Sprint(path(tg, "Id"), " ", path(tg, "Arn")))
		}
		d("targets", sorted(want), sorted(have))
	case KindBudget:
		for _, in := range inputsOf(regs, awstypes.Budget, "name", subject.Name) {
			b := path(got, "budget", "Budget")
			d("budget type", in["budgetType"], path(b, "BudgetType"))
			d("time unit", in["timeUnit"], path(b, "TimeUnit"))
			d("limit", amount(in["limitAmount"])+" "+fmt.Sprint(in["limitUnit"]), amount(path(b, "BudgetLimit", "Amount"))+" "+fmt.Sprint(path(b, "BudgetLimit", "Unit")))
			var want, have []string
			for _, n := range asList(in["notifications"]) {
				want = append(want, fmt.Sprint(path(n, "notificationType"), " ", path(n, "comparisonOperator"), " ", path(n, "threshold"), " ", path(n, "thresholdType")))
			}
			for _, n := range asList(path(got, "notifications", "Notifications")) {
				have = append(have, fmt.Sprint(path(n, "NotificationType"), " ", path(n, "ComparisonOperator"), " ", path(n, "Threshold"), " ", path(n, "ThresholdType")))
			}
			d("notifications", sorted(want), sorted(have))
		}
	case KindContact:
		for _, in := range inputsOf(regs, awstypes.AlternateContact, "alternateContactType", subject.Name) {
			for _, k := range []string{"name", "title", "emailAddress", "phoneNumber"} {
				d(k, in[k], path(got, "contact", "AlternateContact", upper(k)))
			}
		}
	}
	return out
}

// amount is a budget amount as a number's text: AWS answers 200.0 for 200.
func amount(v any) string {
	f, err := strconv.ParseFloat(fmt.Sprint(v), 64)
	if err != nil {
		return fmt.Sprint(v)
	}
	return strconv.FormatFloat(f, 'f', -1, 64)
}
