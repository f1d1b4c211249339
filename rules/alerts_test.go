package rules_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/secure-aws/secure-aws/awstypes"
	"github.com/secure-aws/secure-aws/iampolicy"
)

const testTopicARN = "arn:aws:sns:us-east-1:111111111111:security-alerts"

// topic is an SNS topic named security-alerts with the key and policy given ("": unset).
func topic(key string, policy iampolicy.Document) map[string]any {
	in := map[string]any{"name": "security-alerts"}
	if key != "" {
		in["kmsMasterKeyId"] = key
	}
	if len(policy.Statements) > 0 {
		in["policy"] = policy.MustJSON()
	}
	return in
}

// TestAlertTopicSecure: the program's topic passes; each weakness alone is a violation: no
// key, the AWS managed key (by alias or alias ARN), no TLS deny, a TLS deny with a second
// condition or on another topic. Unknown values are no violation.
func TestAlertTopicSecure(t *testing.T) {
	good := iampolicy.AlertTopicPolicy("111111111111", testTopicARN, iampolicy.AlertPublishers(true))
	cmk := "arn:aws:kms:us-east-1:111111111111:key/0b1c"
	allowOnly := iampolicy.Document{Statements: good.Statements[:1]}
	twoConditions := iampolicy.AlertTopicPolicy("111111111111", testTopicARN, iampolicy.AlertPublishers(false))
	twoConditions.Statements[1].Conditions = append(twoConditions.Statements[1].Conditions, iampolicy.Condition{Operator: "StringEquals", Key: "aws:SourceAccount", Values: []string{"222222222222"}})
	otherTopic := iampolicy.AlertTopicPolicy("111111111111", "arn:aws:sns:us-east-1:111111111111:other", iampolicy.AlertPublishers(false))
	for _, c := range []struct {
		name   string
		inputs map[string]any
		want   int
	}{
		{"the program's topic", topic(cmk, good), 0},
		{"unencrypted", topic("", good), 1},
		{"AWS managed key", topic("alias/aws/sns", good), 1},
		{"AWS managed key by ARN", topic("arn:aws:kms:us-east-1:111111111111:alias/aws/sns", good), 1},
		{"no TLS deny", topic(cmk, allowOnly), 1},
		{"TLS deny with a second condition", topic(cmk, twoConditions), 1},
		{"TLS deny on another topic", topic(cmk, otherTopic), 1},
		{"unknown key and policy", map[string]any{"name": "security-alerts", "kmsMasterKeyId": unknown(), "policy": unknown()}, 0},
	} {
		assert.Len(t, check(t, "alert-topic-secure", res(awstypes.Topic, "alerts-topic", c.inputs)), c.want, c.name)
	}
}

// TestKMSKeyRotated: a key without rotation is a violation, with it or unknown none.
func TestKMSKeyRotated(t *testing.T) {
	assert.Empty(t, check(t, "kms-key-rotated", res(awstypes.KMSKey, "k", map[string]any{"enableKeyRotation": true})))
	assert.Empty(t, check(t, "kms-key-rotated", res(awstypes.KMSKey, "k", map[string]any{"enableKeyRotation": unknown()})))
	assert.Len(t, check(t, "kms-key-rotated", res(awstypes.KMSKey, "k", map[string]any{"enableKeyRotation": false})), 1)
	assert.Len(t, check(t, "kms-key-rotated", res(awstypes.KMSKey, "k", map[string]any{})), 1, "left out, AWS's default is off")
}
