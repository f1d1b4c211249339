package components

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sns"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/secure-aws/secure-aws/cis"
	"github.com/secure-aws/secure-aws/iampolicy"
	"github.com/secure-aws/secure-aws/spec"
)

// SecurityAlertsType is the type token of SecurityAlerts; renaming it changes every child URN.
const SecurityAlertsType = "secure-aws:components:SecurityAlerts"

// AlertTopicName is the name of the topic SecurityAlerts creates for its email recipients.
const AlertTopicName = "security-alerts"

// SecurityAlertsArgs configures SecurityAlerts.
type SecurityAlertsArgs struct {
	// Account watched (required).
	Account spec.Account
	// Region of the rules and the topic: the region where the global services' events
	// arrive, us-east-1 (required; internal/config holds it).
	Region string
	// Alerts names the recipients: emails subscribed to a topic of the component's, or a
	// topic that exists (required; see Alerts.Problems).
	Alerts spec.Alerts
	// AllowBudgets lets AWS Budgets publish to the component's topic and use its key.
	// Default false.
	AllowBudgets bool
}

// SecurityAlerts sends an email (through SNS) within minutes of the events CIS v5.0.0
// section 4 (v7.0.0 section 5) asks to be monitored: root use, console sign-in without
// MFA, IAM, CloudTrail and S3 bucket policy changes, and Access Analyzer archive rules. Each is an
// EventBridge rule on the CloudTrail events of the default event bus, which needs a trail
// logging. The topic it creates is encrypted with a customer managed key with rotation and
// refuses publishing without TLS.
type SecurityAlerts struct {
	pulumi.ResourceState

	// TopicArn is the topic the alerts go to.
	TopicArn pulumi.StringOutput `output:"topicArn"`
	// KeyArn is the KMS key of the component's topic; empty for a topic that exists.
	KeyArn pulumi.StringOutput `output:"keyArn"`
}

// alertRule is one EventBridge rule: its name suffix, what it watches and its pattern.
type alertRule struct {
	id, description string
	pattern         eventPattern
	// readOnlyToo matches read-only management events as well: a rule in the ENABLED state
	// sees only CloudTrail's mutating ones, "Read-only management events — Matched only by
	// rules with state set to ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS"
	// (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event-cloudtrail.html).
	readOnlyToo bool
}

// state is the rule's state: ENABLED, or enabled for every management event.
func (r alertRule) state() string {
	if r.readOnlyToo {
		return "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS"
	}
	return "ENABLED"
}

// eventPattern is an EventBridge event pattern on CloudTrail events
// (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html).
type eventPattern struct {
	Source     []string    `json:"source,omitempty"`
	DetailType []string    `json:"detail-type"`
	Detail     eventDetail `json:"detail"`
}

type eventDetail struct {
	EventSource         []string       `json:"eventSource,omitempty"`
	EventName           []string       `json:"eventName,omitempty"`
	EventType           []match        `json:"eventType,omitempty"`
	UserIdentity        *identityMatch `json:"userIdentity,omitempty"`
	AdditionalEventData *struct {
		MFAUsed []match `json:"MFAUsed"`
	} `json:"additionalEventData,omitempty"`
	ResponseElements *struct {
		ConsoleLogin []match `json:"ConsoleLogin"`
	} `json:"responseElements,omitempty"`
}

type identityMatch struct {
	Type      []match `json:"type"`
	InvokedBy []match `json:"invokedBy,omitempty"`
}

// match is one value of a pattern: equal to a string, anything but a string, or
// (not) present.
type match struct {
	equals, anythingBut string
	exists              *bool
}

func (m match) MarshalJSON() ([]byte, error) {
	switch {
	case m.exists != nil:
		return json.Marshal(struct {
			Exists bool `json:"exists"`
		}{*m.exists})
	case m.anythingBut != "":
		return json.Marshal(struct {
			AnythingBut string `json:"anything-but"`
		}{m.anythingBut})
	}
	return json.Marshal(m.equals)
}

func is(values ...string) []match {
	out := make([]match, len(values))
	for i, v := range values {
		out[i] = match{equals: v}
	}
	return out
}

// apiCall is the detail-type of CloudTrail's API call events.
const apiCall = "AWS API Call via CloudTrail"

// signIns are the detail-types of console sign-in events, both spellings AWS documents:
// "AWS Console Signin via CloudTrail" in EventBridge's list
// (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event-cloudtrail.html)
// and "AWS Console Sign In via CloudTrail" in AWS's own root sign-in rule
// (https://repost.aws/knowledge-center/root-user-account-eventbridge-rule). A pattern
// matches either; with one alone, a sign-in spelled the other way would raise no alert.
var signIns = []string{"AWS Console Sign In via CloudTrail", "AWS Console Signin via CloudTrail"}

// apiCalls matches the calls named of one service.
func apiCalls(service string, names ...string) eventPattern {
	return eventPattern{
		Source:     []string{"aws." + service},
		DetailType: []string{apiCall},
		Detail:     eventDetail{EventSource: []string{service + ".amazonaws.com"}, EventName: names},
	}
}

var absent = false

// alertRules are the alerts, after the metric filters of CIS v5.0.0 section 4 (v7.0.0
// section 5), written as EventBridge patterns.
var alertRules = []alertRule{
	{
		id:          "root-activity",
		description: cis.Ref("4.3") + ": the root user signed in or called an API",
		// CIS's metric filter counts every event of root, reads included: a root key
		// listing buckets is root use.
		readOnlyToo: true,
		pattern: eventPattern{
			DetailType: append([]string{apiCall}, signIns...),
			Detail: eventDetail{
				UserIdentity: &identityMatch{Type: is("Root"), InvokedBy: []match{{exists: &absent}}},
				EventType:    []match{{anythingBut: "AwsServiceEvent"}},
			},
		},
	},
	{
		id:          "console-signin-without-mfa",
		description: cis.Ref("4.2") + ": an IAM user signed in to the console without MFA",
		pattern: eventPattern{
			DetailType: signIns,
			Detail: eventDetail{
				EventName:    []string{"ConsoleLogin"},
				UserIdentity: &identityMatch{Type: is("IAMUser")},
				AdditionalEventData: &struct {
					MFAUsed []match `json:"MFAUsed"`
				}{[]match{{anythingBut: "Yes"}}},
				ResponseElements: &struct {
					ConsoleLogin []match `json:"ConsoleLogin"`
				}{is("Success")},
			},
		},
	},
	{
		id:          "iam-changes",
		description: cis.Ref("4.4") + ": an IAM policy, user, group, role, login profile or access key changed",
		pattern: apiCalls("iam",
			"AddUserToGroup", "AttachGroupPolicy", "AttachRolePolicy", "AttachUserPolicy",
			"CreateAccessKey", "CreateGroup", "CreateLoginProfile", "CreatePolicy", "CreatePolicyVersion", "CreateRole", "CreateUser",
			"DeleteAccessKey", "DeleteGroup", "DeleteGroupPolicy", "DeleteLoginProfile", "DeletePolicy", "DeletePolicyVersion",
			"DeleteRole", "DeleteRolePolicy", "DeleteUser", "DeleteUserPolicy",
			"DetachGroupPolicy", "DetachRolePolicy", "DetachUserPolicy",
			"PutGroupPolicy", "PutRolePolicy", "PutUserPolicy", "RemoveUserFromGroup", "SetDefaultPolicyVersion",
			"UpdateAccessKey", "UpdateAssumeRolePolicy", "UpdateLoginProfile"),
	},
	{
		id:          "cloudtrail-changes",
		description: cis.Ref("4.5") + ": a trail was created, changed, stopped or deleted",
		pattern:     apiCalls("cloudtrail", "CreateTrail", "DeleteTrail", "PutEventSelectors", "StartLogging", "StopLogging", "UpdateTrail"),
	},
	{
		id:          "s3-bucket-policy-changes",
		description: cis.Ref("4.8") + ": a bucket's policy, ACL, CORS, lifecycle, replication or public access block changed",
		pattern: apiCalls("s3",
			"DeleteBucketCors", "DeleteBucketLifecycle", "DeleteBucketPolicy", "DeleteBucketPublicAccessBlock", "DeleteBucketReplication",
			"PutBucketAcl", "PutBucketCors", "PutBucketLifecycle", "PutBucketPolicy", "PutBucketPublicAccessBlock", "PutBucketReplication"),
	},
	{
		id:          "access-analyzer-archive-rules",
		description: "an IAM Access Analyzer archive rule, which hides findings, was created or changed",
		pattern:     apiCalls("access-analyzer", "CreateArchiveRule", "UpdateArchiveRule"),
	},
}

// AlertRuleNames are the names of the EventBridge rules, in order.
func AlertRuleNames() []string {
	out := make([]string, len(alertRules))
	for i, r := range alertRules {
		out[i] = "security-alert-" + r.id
	}
	return out
}

// NewSecurityAlerts registers SecurityAlerts.
func NewSecurityAlerts(ctx *pulumi.Context, name string, args *SecurityAlertsArgs, opts ...pulumi.ResourceOption) (*SecurityAlerts, error) {
	if args == nil {
		return nil, errors.New("security alerts: args are required")
	}
	problems := accountProblems(args.Account)
	if args.Region == "" {
		problems = append(problems, spec.FieldProblem{Field: "region", Message: "is required"})
	}
	problems = append(problems, spec.Prefixed("alerts", args.Alerts.Problems())...)
	if err := spec.ProblemsError(problems); err != nil {
		return nil, fmt.Errorf("security alerts %s: %w", name, err)
	}
	c := &SecurityAlerts{}
	if err := ctx.RegisterComponentResource(SecurityAlertsType, name, c, opts...); err != nil {
		return nil, fmt.Errorf("registering %s %s: %w", SecurityAlertsType, name, err)
	}
	parent := pulumi.Parent(c)
	c.TopicArn = pulumi.String(args.Alerts.TopicARN).ToStringOutput()
	c.KeyArn = emptyString()
	if args.Alerts.TopicARN == "" {
		topicARN := "arn:" + args.Account.Partition + ":sns:" + args.Region + ":" + args.Account.ID + ":" + AlertTopicName
		publishers := iampolicy.AlertPublishers(args.AllowBudgets)
		keyPolicy, err := iampolicy.AlertKeyPolicy(args.Account.Partition, args.Account.ID, topicARN, publishers).JSON()
		if err != nil {
			return nil, fmt.Errorf("rendering the alert key's policy: %w", err)
		}
		key, err := kms.NewKey(ctx, name+"-key", &kms.KeyArgs{
			Description:       pulumi.String("Encrypts the " + AlertTopicName + " SNS topic; EventBridge and AWS Budgets may use it for that topic only"),
			EnableKeyRotation: pulumi.Bool(true),
			// The longest wait: a key deleted by mistake can be restored for 30 days.
			DeletionWindowInDays: pulumi.Int(30),
			Policy:               pulumi.String(keyPolicy),
		}, parent)
		if err != nil {
			return nil, fmt.Errorf("creating the alert key: %w", err)
		}
		topicPolicy, err := iampolicy.AlertTopicPolicy(args.Account.ID, topicARN, publishers).JSON()
		if err != nil {
			return nil, fmt.Errorf("rendering the alert topic's policy: %w", err)
		}
		topic, err := sns.NewTopic(ctx, name+"-topic", &sns.TopicArgs{
			Name:           pulumi.String(AlertTopicName),
			KmsMasterKeyId: key.Arn,
			Policy:         pulumi.String(topicPolicy),
		}, parent)
		if err != nil {
			return nil, fmt.Errorf("creating the alert topic: %w", err)
		}
		for _, email := range args.Alerts.Emails {
			// Named after the address, so reordering the list replaces nothing. AWS mails a
			// confirmation link; nothing arrives until it is followed.
			if _, err := sns.NewTopicSubscription(ctx, name+"-"+email, &sns.TopicSubscriptionArgs{
				Topic:    topic.Arn,
				Protocol: pulumi.String("email"),
				Endpoint: pulumi.String(email),
			}, parent); err != nil {
				return nil, fmt.Errorf("subscribing %s to the alerts: %w", email, err)
			}
		}
		c.TopicArn, c.KeyArn = topic.Arn, key.Arn
	}
	names := AlertRuleNames()
	for i, r := range alertRules {
		pattern, err := json.Marshal(r.pattern)
		if err != nil {
			return nil, fmt.Errorf("rendering the pattern of %s: %w", r.id, err)
		}
		rule, err := cloudwatch.NewEventRule(ctx, name+"-"+r.id, &cloudwatch.EventRuleArgs{
			Name:         pulumi.String(names[i]),
			Description:  pulumi.String(r.description),
			EventPattern: pulumi.String(string(pattern)),
			State:        pulumi.String(r.state()),
		}, parent)
		if err != nil {
			return nil, fmt.Errorf("creating the alert rule %s: %w", r.id, err)
		}
		if _, err := cloudwatch.NewEventTarget(ctx, name+"-"+r.id, &cloudwatch.EventTargetArgs{
			Rule:     rule.Name,
			TargetId: pulumi.String("sns"),
			Arn:      c.TopicArn,
		}, parent); err != nil {
			return nil, fmt.Errorf("sending the alert rule %s to the topic: %w", r.id, err)
		}
	}
	if err := registerOutputs(ctx, c, name); err != nil {
		return nil, err
	}
	return c, nil
}
