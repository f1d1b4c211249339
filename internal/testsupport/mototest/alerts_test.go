package mototest

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-aws/secure-aws/awstypes"
	"github.com/secure-aws/secure-aws/internal/record"
)

// TestMismatchesNamesAlertSettings: for the alert key, topic (with its subscriptions),
// rule (with its targets), the budget and a contact, what the AWS CLI read back equal to
// the plan's inputs has no difference, and each setting that differs is named; a
// subscription and a target belong to the read-back of their topic and rule.
func TestMismatchesNamesAlertSettings(t *testing.T) {
	const topicARN = "arn:aws:sns:us-east-1:111111111111:security-alerts"
	const policy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"events.amazonaws.com"},"Action":"sns:Publish","Resource":"*"}]}`
	reg := func(typ string, inputs map[string]any) record.Registration {
		return record.Registration{Type: typ, Inputs: resource.NewPropertyMapFromMap(inputs)}
	}
	regs := []record.Registration{
		reg(awstypes.KMSKey, map[string]any{"description": "alerts", "enableKeyRotation": true, "policy": policy}),
		reg(awstypes.Topic, map[string]any{"name": "security-alerts", "kmsMasterKeyId": "arn:aws:kms:us-east-1:111111111111:key/model", "policy": policy}),
		reg(awstypes.TopicSubscription, map[string]any{"topic": topicARN, "protocol": "email", "endpoint": "sec@acme.example"}),
		reg(awstypes.EventRule, map[string]any{"name": "root", "description": "root", "eventPattern": `{"source":["aws.signin"]}`, "state": "ENABLED"}),
		reg(awstypes.EventTarget, map[string]any{"rule": "root", "targetId": "sns", "arn": topicARN}),
		reg(awstypes.Budget, map[string]any{"name": "monthly", "budgetType": "COST", "limitAmount": "200", "limitUnit": "USD", "timeUnit": "MONTHLY",
			"notifications": []any{map[string]any{"notificationType": "ACTUAL", "comparisonOperator": "GREATER_THAN", "threshold": 80, "thresholdType": "PERCENTAGE"}}}),
		reg(awstypes.AlternateContact, map[string]any{"alternateContactType": "SECURITY", "name": "Sam", "title": "Lead", "emailAddress": "s@acme.example", "phoneNumber": "+1"}),
	}
	for _, r := range regs[2:5:5] {
		subject, ok := SubjectOf(r)
		require.True(t, ok, r.Type)
		assert.Contains(t, []Subject{{KindTopic, "security-alerts"}, {KindRule, "root"}}, subject, r.Type)
	}
	obj := func(kv ...any) map[string]any {
		m := map[string]any{}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i].(string)] = kv[i+1]
		}
		return m
	}
	assertMismatchCases(t, regs, []mismatchCase{
		{Subject{KindKey, "alerts"}, map[string]any{
			"key": obj("KeyState", "Enabled"), "rotation": obj("KeyRotationEnabled", true), "policy": obj("Policy", policy),
		}, func(m map[string]any) { m["rotation"] = obj("KeyRotationEnabled", false) }, "rotation of key alerts: the plan says true, AWS has false"},
		{Subject{KindTopic, "security-alerts"}, map[string]any{
			"attributes":    obj("Attributes", obj("KmsMasterKeyId", "arn:aws:kms:us-east-1:111111111111:key/moto", "Policy", policy)),
			"subscriptions": obj("Subscriptions", []any{obj("Protocol", "email", "Endpoint", "sec@acme.example")}),
		}, func(m map[string]any) {
			m["subscriptions"] = obj("Subscriptions", []any{obj("Protocol", "email", "Endpoint", "sec@acme.example"), obj("Protocol", "email", "Endpoint", "x@evil.example")})
		}, "subscriptions of topic security-alerts"},
		{Subject{KindRule, "root"}, map[string]any{
			"rule":    obj("Description", "root", "State", "ENABLED", "EventPattern", `{"source": ["aws.signin"]}`),
			"targets": obj("Targets", []any{obj("Id", "sns", "Arn", topicARN)}),
		}, func(m map[string]any) { m["rule"].(map[string]any)["State"] = "DISABLED" }, "state of rule root: the plan says ENABLED, AWS has DISABLED"},
		{Subject{KindBudget, "monthly"}, map[string]any{
			"budget":        obj("Budget", obj("BudgetType", "COST", "TimeUnit", "MONTHLY", "BudgetLimit", obj("Amount", "200.0", "Unit", "USD"))),
			"notifications": obj("Notifications", []any{obj("NotificationType", "ACTUAL", "ComparisonOperator", "GREATER_THAN", "Threshold", float64(80), "ThresholdType", "PERCENTAGE")}),
		}, func(m map[string]any) { m["notifications"] = obj("Notifications", []any{}) }, "notifications of budget monthly"},
		{Subject{KindContact, "SECURITY"}, map[string]any{
			"contact": obj("AlternateContact", obj("Name", "Sam", "Title", "Lead", "EmailAddress", "s@acme.example", "PhoneNumber", "+1")),
		}, func(m map[string]any) {
			m["contact"].(map[string]any)["AlternateContact"].(map[string]any)["EmailAddress"] = "x@evil.example"
		},
			"emailAddress of contact SECURITY: the plan says s@acme.example, AWS has x@evil.example"},
	})
}
