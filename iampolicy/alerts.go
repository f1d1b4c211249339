package iampolicy

import (
	"slices"
	"strings"
)

// The policies of the security alerts' SNS topic and of the KMS key that encrypts it.
//
// The topic is encrypted with a customer managed key, not the AWS managed alias/aws/sns: a
// service that publishes to an encrypted topic (EventBridge for the alert rules, AWS
// Budgets for the budget) must itself be allowed kms:GenerateDataKey* and kms:Decrypt on
// the topic's key, and the AWS managed key's policy cannot be changed to allow it ("You
// must add the policy to the customer managed key because you can't modify the AWS managed
// key for Amazon SNS",
// https://docs.aws.amazon.com/sms-voice/latest/userguide/configuration-sets-sns-creating-role.html).

// AlertPublishers are the service principals that publish alerts: EventBridge always,
// AWS Budgets when the account has a budget.
func AlertPublishers(budget bool) []string {
	if budget {
		return []string{eventBridge, "budgets.amazonaws.com"}
	}
	return []string{eventBridge}
}

// sourceAccount limits a service principal to acting for accountID (the confused-deputy
// guard, https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html).
func sourceAccount(accountID string) Condition {
	return Condition{Operator: "StringEquals", Key: "aws:SourceAccount", Values: []string{accountID}}
}

// AlertTopicPolicy lets publishers, acting for accountID, publish to topicARN, and denies
// every publish without TLS, to everyone (the Amazon SNS security best practice
// "Enforce encryption of data in transit",
// https://docs.aws.amazon.com/sns/latest/dg/sns-security-best-practices.html). The
// account's own principals keep what their identity policies grant: a topic policy need
// not name its own account. EventBridge's statement has no condition: "You can't use
// Condition blocks in Amazon SNS topic policies for EventBridge"
// (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html#eb-sns-permissions);
// AWS Budgets' is held to accountID (sourceAccount).
func AlertTopicPolicy(accountID, topicARN string, publishers []string) Document {
	var doc Document
	for _, p := range publishers {
		doc.Statements = append(doc.Statements, Statement{
			Sid:        publisherSid(p),
			Effect:     Allow,
			Principals: []Principal{{Type: "Service", Identifiers: []string{p}}},
			Actions:    []string{"sns:Publish"},
			Resources:  []string{topicARN},
			Conditions: publisherSourceConditions(p, accountID),
		})
	}
	doc.Statements = append(doc.Statements, DenyInsecureTopicTransport(topicARN))
	return doc
}

// eventBridge is EventBridge's service principal, which publishes the alerts.
const eventBridge = "events.amazonaws.com"

// publisherSid names a publisher's statement after its service: AllowEventsPublish,
// AllowBudgetsPublish.
func publisherSid(service string) string {
	name, _, _ := strings.Cut(service, ".")
	return "Allow" + strings.ToUpper(name[:1]) + name[1:] + "Publish"
}

// publisherSourceConditions are the confused-deputy guard of a publisher
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html): the account it
// acts for. None for EventBridge, where AWS does not support them: in the topic policy
// (above) nor in the key policy ("Adding the aws:SourceAccount, aws:SourceArn, and
// aws:SourceOrgID to a AWS KMS policy is not supported for EventBridge-to-encrypted
// topics",
// https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services):
// with them, every alert fails at SNS or KMS and shows only as the rule's
// FailedInvocations.
func publisherSourceConditions(service, accountID string) []Condition {
	if service == eventBridge {
		return nil
	}
	return []Condition{sourceAccount(accountID)}
}

// DenyInsecureTopicTransport denies publishing to topicARN without TLS, to everyone.
func DenyInsecureTopicTransport(topicARN string) Statement {
	return Statement{
		Sid:        "DenyInsecureTransport",
		Effect:     Deny,
		Principals: []Principal{{Type: "AWS", Identifiers: []string{"*"}}},
		Actions:    []string{"sns:Publish"},
		Resources:  []string{topicARN},
		Conditions: []Condition{{Operator: "Bool", Key: "aws:SecureTransport", Values: []string{"false"}}},
	}
}

// AlertKeyPolicy is the key policy of the topic's key: the account administers it through
// IAM, as AWS's default key policy lets it
// (https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html), and each
// publisher may generate and decrypt data keys (kms:GenerateDataKey*, kms:Decrypt: "Enable
// compatibility between event sources from AWS services and encrypted topics",
// https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services)
// for topicARN only (SNS's encryption context,
// https://docs.aws.amazon.com/sns/latest/dg/sns-server-side-encryption.html), and, but
// for EventBridge (publisherSourceConditions), for accountID only.
func AlertKeyPolicy(partition, accountID, topicARN string, publishers []string) Document {
	doc := Document{Statements: []Statement{{
		Sid:        "EnableIAMPolicies",
		Effect:     Allow,
		Principals: []Principal{{Type: "AWS", Identifiers: []string{"arn:" + partition + ":iam::" + accountID + ":root"}}},
		Actions:    []string{"kms:*"},
		Resources:  []string{"*"},
	}}}
	for _, p := range publishers {
		doc.Statements = append(doc.Statements, Statement{
			Sid:        publisherSid(p),
			Effect:     Allow,
			Principals: []Principal{{Type: "Service", Identifiers: []string{p}}},
			Actions:    []string{"kms:Decrypt", "kms:GenerateDataKey*"},
			Resources:  []string{"*"},
			Conditions: append(publisherSourceConditions(p, accountID),
				Condition{Operator: "StringEquals", Key: "kms:EncryptionContext:aws:sns:topicArn", Values: []string{topicARN}}),
		})
	}
	return doc
}

// alertsDeployActions are what `pulumi up` needs for the alerts' topic, key, subscriptions
// and rules, the budget and the alternate contacts, beyond the deploy role's AWS managed
// policies (IAM, S3, Access Analyzer, CloudTrail). No key deletion is cancelled, no key
// disabled, no message published: the program does none of these.
var alertsDeployActions = []string{
	"account:DeleteAlternateContact", "account:GetAlternateContact", "account:PutAlternateContact",
	"budgets:ListTagsForResource", "budgets:ModifyBudget", "budgets:TagResource", "budgets:UntagResource", "budgets:ViewBudget",
	"events:DeleteRule", "events:DescribeRule", "events:ListTagsForResource", "events:ListTargetsByRule", "events:PutRule",
	"events:PutTargets", "events:RemoveTargets", "events:TagResource", "events:UntagResource",
	"kms:CreateKey", "kms:DescribeKey", "kms:EnableKeyRotation", "kms:GetKeyPolicy", "kms:GetKeyRotationStatus",
	"kms:ListResourceTags", "kms:PutKeyPolicy", "kms:ScheduleKeyDeletion", "kms:TagResource", "kms:UntagResource", "kms:UpdateKeyDescription",
	"sns:CreateTopic", "sns:DeleteTopic", "sns:GetSubscriptionAttributes", "sns:GetTopicAttributes", "sns:ListTagsForResource",
	"sns:SetSubscriptionAttributes", "sns:SetTopicAttributes", "sns:Subscribe", "sns:TagResource", "sns:Unsubscribe", "sns:UntagResource",
}

// AlertsDeployStatement lets the deploy role manage the security alerts, the budget and
// the alternate contacts (account.alerts, account.budget, account.contacts).
func AlertsDeployStatement() Statement {
	return Statement{Sid: "ManageAlertsBudgetContacts", Effect: Allow, Actions: slices.Clone(alertsDeployActions), Resources: []string{"*"}}
}
