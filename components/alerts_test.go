package components

import (
	"encoding/json"
	"maps"
	"slices"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-aws/secure-aws/awstypes"
	"github.com/secure-aws/secure-aws/iampolicy"
	"github.com/secure-aws/secure-aws/internal/testsupport/mototest"
	"github.com/secure-aws/secure-aws/spec"
)

func newAlerts(alerts spec.Alerts, budgets bool) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		_, err := NewSecurityAlerts(ctx, "alerts", &SecurityAlertsArgs{Account: testAccount, Region: "us-east-1", Alerts: alerts, AllowBudgets: budgets})
		return err
	}
}

// TestSecurityAlertsWithEmails: a rotated key, a topic encrypted with it whose policy lets
// only the publishers (for this account) publish and denies it without TLS, a confirmed-by-
// mail subscription per address, and a rule and target per alert, every target the topic.
func TestSecurityAlertsWithEmails(t *testing.T) {
	rec := mustRun(t, newAlerts(spec.Alerts{Emails: []string{"sec@acme.example", "ops@acme.example"}}, false))
	key := one(t, rec, awstypes.KMSKey)
	assert.Equal(t, true, inputs(key)["enableKeyRotation"])
	assertGoldenPolicy(t, "alert_key_policy", key.Input("policy"))
	topic := one(t, rec, awstypes.Topic)
	assert.Equal(t, AlertTopicName, topic.Input("name"))
	assert.Contains(t, topic.Input("kmsMasterKeyId"), ":kms:us-east-1:111111111111:key/", "the customer managed key, not alias/aws/sns")
	assertGoldenPolicy(t, "alert_topic_policy", topic.Input("policy"))
	assert.NotContains(t, topic.Input("policy"), "budgets.amazonaws.com", "no budget, no Budgets publisher")

	subs := rec.OfType(awstypes.TopicSubscription)
	require.Len(t, subs, 2)
	for _, s := range subs {
		assert.Equal(t, "email", s.Input("protocol"))
		assert.Equal(t, "arn:aws:sns:us-east-1:111111111111:"+AlertTopicName, s.Input("topic"))
	}
	rules, targets := rec.OfType(awstypes.EventRule), rec.OfType(awstypes.EventTarget)
	require.Len(t, rules, len(alertRules))
	require.Len(t, targets, len(alertRules))
	var names []string
	for _, r := range rules {
		names = append(names, r.Input("name"))
		var pattern map[string]any
		require.NoError(t, json.Unmarshal([]byte(r.Input("eventPattern")), &pattern), r.Name)
		assert.NotEmpty(t, pattern["detail-type"], "%s matches CloudTrail events by type", r.Name)
		want := "ENABLED"
		if r.Name == "alerts-root-activity" {
			want = "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS" // root's reads are root use too
		}
		assert.Equal(t, want, r.Input("state"), r.Name)
	}
	assert.ElementsMatch(t, AlertRuleNames(), names)
	for _, tg := range targets {
		assert.Equal(t, "arn:aws:sns:us-east-1:111111111111:"+AlertTopicName, tg.Input("arn"), tg.Name)
	}
}

// TestSecurityAlertPatterns pins the patterns that need more than a list of API calls: the
// root rule skips calls AWS services make as root, the MFA rule matches successful IAM user
// sign-ins whose MFAUsed is anything but Yes.
func TestSecurityAlertPatterns(t *testing.T) {
	rec := mustRun(t, newAlerts(spec.Alerts{Emails: []string{"sec@acme.example"}}, false))
	pattern := func(name string) string {
		r, ok := rec.Find(awstypes.EventRule, "alerts-"+name)
		require.True(t, ok, name)
		return r.Input("eventPattern")
	}
	assert.JSONEq(t, `{"detail-type":["AWS API Call via CloudTrail","AWS Console Sign In via CloudTrail","AWS Console Signin via CloudTrail"],"detail":{"eventType":[{"anything-but":"AwsServiceEvent"}],"userIdentity":{"type":["Root"],"invokedBy":[{"exists":false}]}}}`, pattern("root-activity"))
	assert.JSONEq(t, `{"detail-type":["AWS Console Sign In via CloudTrail","AWS Console Signin via CloudTrail"],"detail":{"eventName":["ConsoleLogin"],"userIdentity":{"type":["IAMUser"]},"additionalEventData":{"MFAUsed":[{"anything-but":"Yes"}]},"responseElements":{"ConsoleLogin":["Success"]}}}`, pattern("console-signin-without-mfa"))
	assert.Contains(t, pattern("cloudtrail-changes"), `"StopLogging"`)
	assert.Contains(t, pattern("access-analyzer-archive-rules"), `"source":["aws.access-analyzer"]`)
}

// TestSecurityAlertsLetBudgetsPublish: with a budget, AWS Budgets may publish and use the
// key, for this account only; EventBridge's statements carry no aws:Source* condition,
// which AWS does not support for EventBridge in a topic policy or in the key policy of an
// encrypted topic (iampolicy.AlertTopicPolicy, AlertKeyPolicy): with one, no alert would
// ever arrive.
func TestSecurityAlertsLetBudgetsPublish(t *testing.T) {
	rec := mustRun(t, newAlerts(spec.Alerts{Emails: []string{"sec@acme.example"}}, true))
	for _, typ := range []string{awstypes.Topic, awstypes.KMSKey} {
		doc, err := iampolicy.Parse(one(t, rec, typ).Input("policy"))
		require.NoError(t, err, typ)
		publishers := map[string][]iampolicy.Condition{}
		for _, s := range doc.Statements {
			for _, p := range s.Principals {
				if p.Type == "Service" {
					for _, id := range p.Identifiers {
						publishers[id] = s.Conditions
					}
				}
			}
		}
		require.Contains(t, publishers, "budgets.amazonaws.com", typ)
		assert.Contains(t, publishers["budgets.amazonaws.com"], iampolicy.Condition{Operator: "StringEquals", Key: "aws:SourceAccount", Values: []string{"111111111111"}}, typ)
		require.Contains(t, publishers, "events.amazonaws.com", typ)
		for _, c := range publishers["events.amazonaws.com"] {
			assert.NotContains(t, c.Key, "aws:Source", "%s: EventBridge's statement", typ)
		}
	}
}

// TestSecurityAlertsToExistingTopic: a topic that exists gets the rules and nothing else.
func TestSecurityAlertsToExistingTopic(t *testing.T) {
	arn := "arn:aws:sns:us-east-1:222222222222:soc"
	rec := mustRun(t, newAlerts(spec.Alerts{TopicARN: arn}, true))
	for _, typ := range []string{awstypes.KMSKey, awstypes.Topic, awstypes.TopicSubscription} {
		assert.Empty(t, rec.OfType(typ), typ)
	}
	for _, tg := range rec.OfType(awstypes.EventTarget) {
		assert.Equal(t, arn, tg.Input("arn"))
	}
	assert.Len(t, rec.OfType(awstypes.EventRule), len(alertRules))
}

func TestSecurityAlertsRejectsBadArgs(t *testing.T) {
	for _, c := range []struct {
		name, want string
		alerts     spec.Alerts
	}{
		{"no recipient", "alerts.emails or topicArn is required", spec.Alerts{}},
		{"both", "alerts.topicArn is set beside emails", spec.Alerts{Emails: []string{"a@b.example"}, TopicARN: "arn:aws:sns:us-east-1:111111111111:t"}},
		{"bad address", "alerts.emails[0]", spec.Alerts{Emails: []string{"not an address"}}},
		{"twice", "alerts.emails[1]", spec.Alerts{Emails: []string{"a@b.example", "A@b.example"}}},
		{"bad topic", "alerts.topicArn", spec.Alerts{TopicARN: "arn:aws:sqs:us-east-1:111111111111:q"}},
	} {
		t.Run(c.name, func(t *testing.T) { requireRejected(t, c.want, newAlerts(c.alerts, false)) })
	}
	requireRejected(t, "args are required", func(ctx *pulumi.Context) error {
		_, err := NewSecurityAlerts(ctx, "alerts", nil)
		return err
	})
}

// TestAlertPoliciesAcceptedByMoto: the key and topic policies the component sends, with a
// budget (both publishers), are taken by an AWS no one here wrote: moto creates the key
// with its policy and still lets the account describe it (moto refuses DescribeKey when
// the key policy denies it), creates the topic encrypted with that key, and sets the
// topic's policy (moto parses it as JSON); each reads back as sent.
func TestAlertPoliciesAcceptedByMoto(t *testing.T) {
	if testing.Short() {
		t.Skip("reads moto back with the AWS CLI: runs without -short")
	}
	server := mototest.StartInAccount(t, testAccount.ID)
	rec := mustRun(t, newAlerts(spec.Alerts{Emails: []string{"sec@acme.example"}}, true))
	keyPolicy := one(t, rec, awstypes.KMSKey).Input("policy")
	topic := one(t, rec, awstypes.Topic)
	topicPolicy := topic.Input("policy")
	field := func(v any, path ...string) any {
		for _, p := range path {
			m, _ := v.(map[string]any)
			v = m[p]
		}
		return v
	}

	created, code := server.AWS(t, "kms", "create-key", "--description", "alerts", "--policy", keyPolicy)
	require.Empty(t, code, "moto refused the key policy")
	keyARN, _ := field(created, "KeyMetadata", "Arn").(string)
	require.NotEmpty(t, keyARN)
	_, code = server.AWS(t, "kms", "describe-key", "--key-id", keyARN)
	require.Empty(t, code, "the key policy locks the account out")
	got, code := server.AWS(t, "kms", "get-key-policy", "--key-id", keyARN, "--policy-name", "default")
	require.Empty(t, code)
	assert.JSONEq(t, keyPolicy, field(got, "Policy").(string))

	made, code := server.AWS(t, "sns", "create-topic", "--name", topic.Input("name"), "--attributes", "KmsMasterKeyId="+keyARN)
	require.Empty(t, code)
	topicARN, _ := field(made, "TopicArn").(string)
	require.Equal(t, "arn:aws:sns:us-east-1:"+testAccount.ID+":"+AlertTopicName, topicARN, "the ARN the policies name")
	_, code = server.AWS(t, "sns", "set-topic-attributes", "--topic-arn", topicARN, "--attribute-name", "Policy", "--attribute-value", topicPolicy)
	require.Empty(t, code, "moto refused the topic policy")
	attrs, code := server.AWS(t, "sns", "get-topic-attributes", "--topic-arn", topicARN)
	require.Empty(t, code)
	assert.JSONEq(t, topicPolicy, field(attrs, "Attributes", "Policy").(string))
	assert.Equal(t, keyARN, field(attrs, "Attributes", "KmsMasterKeyId"))
}

// TestSecurityAlertsCoverCISMetricFilters: each rule matches at least every event name of
// the metric filter CIS v5.0.0 gives for its recommendation (its remediation, "aws logs
// put-metric-filter ... --filter-pattern"), from the same service.
func TestSecurityAlertsCoverCISMetricFilters(t *testing.T) {
	cisFilters := map[string]struct {
		source string
		names  []string
	}{
		"iam-changes": {"iam.amazonaws.com", []string{ // 4.4
			"DeleteGroupPolicy", "DeleteRolePolicy", "DeleteUserPolicy", "PutGroupPolicy", "PutRolePolicy", "PutUserPolicy",
			"CreatePolicy", "DeletePolicy", "CreatePolicyVersion", "DeletePolicyVersion", "AttachRolePolicy", "DetachRolePolicy",
			"AttachUserPolicy", "DetachUserPolicy", "AttachGroupPolicy", "DetachGroupPolicy"}},
		"cloudtrail-changes": {"cloudtrail.amazonaws.com", []string{"CreateTrail", "UpdateTrail", "DeleteTrail", "StartLogging", "StopLogging"}}, // 4.5
		"s3-bucket-policy-changes": {"s3.amazonaws.com", []string{ // 4.8
			"PutBucketAcl", "PutBucketPolicy", "PutBucketCors", "PutBucketLifecycle", "PutBucketReplication",
			"DeleteBucketPolicy", "DeleteBucketCors", "DeleteBucketLifecycle", "DeleteBucketReplication"}},
	}
	for _, r := range alertRules {
		want, ok := cisFilters[r.id]
		if !ok {
			continue
		}
		delete(cisFilters, r.id)
		assert.Equal(t, []string{want.source}, r.pattern.Detail.EventSource, r.id)
		assert.Subset(t, r.pattern.Detail.EventName, want.names, r.id)
	}
	assert.Empty(t, cisFilters, "a rule for each filter")
}

// alertSample is a CloudTrail event as EventBridge delivers it, named by its eventID.
type alertSample struct {
	id, source, detailType string
	detail                 map[string]any
}

// alertSamples are events after AWS's CloudTrail record reference
// (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-user-identity.html,
// .../cloudtrail-event-reference-aws-console-sign-in-events.html), a few fields each.
func alertSamples() []alertSample {
	signIn := func(id, detailType, identity, mfa, result string) alertSample {
		return alertSample{id, "aws.signin", detailType, map[string]any{
			"eventSource": "signin.amazonaws.com", "eventName": "ConsoleLogin", "eventType": "AwsConsoleSignIn",
			"userIdentity":        map[string]any{"type": identity},
			"additionalEventData": map[string]any{"MFAUsed": mfa},
			"responseElements":    map[string]any{"ConsoleLogin": result},
		}}
	}
	call := func(id, service, name string, identity map[string]any, eventType string) alertSample {
		return alertSample{id, "aws." + service, "AWS API Call via CloudTrail", map[string]any{
			"eventSource": service + ".amazonaws.com", "eventName": name, "eventType": eventType, "userIdentity": identity,
		}}
	}
	root, user := map[string]any{"type": "Root"}, map[string]any{"type": "IAMUser"}
	return []alertSample{
		signIn("root-sign-in", "AWS Console Sign In via CloudTrail", "Root", "No", "Success"),
		signIn("root-signin", "AWS Console Signin via CloudTrail", "Root", "Yes", "Success"),
		signIn("user-sign-in-without-mfa", "AWS Console Sign In via CloudTrail", "IAMUser", "No", "Success"),
		signIn("user-signin-without-mfa", "AWS Console Signin via CloudTrail", "IAMUser", "No", "Success"),
		signIn("user-sign-in-with-mfa", "AWS Console Sign In via CloudTrail", "IAMUser", "Yes", "Success"),
		signIn("user-failed-sign-in", "AWS Console Sign In via CloudTrail", "IAMUser", "No", "Failure"),
		call("root-read", "s3", "ListBuckets", root, "AwsApiCall"),
		call("root-by-a-service", "s3", "ListBuckets", map[string]any{"type": "Root", "invokedBy": "support.amazonaws.com"}, "AwsApiCall"),
		call("root-service-event", "s3", "ListBuckets", root, "AwsServiceEvent"),
		call("attach-user-policy", "iam", "AttachUserPolicy", user, "AwsApiCall"),
		call("create-login-profile", "iam", "CreateLoginProfile", user, "AwsApiCall"),
		call("stop-logging", "cloudtrail", "StopLogging", user, "AwsApiCall"),
		call("put-bucket-policy", "s3", "PutBucketPolicy", user, "AwsApiCall"),
		call("put-object", "s3", "PutObject", user, "AwsApiCall"),
		call("create-archive-rule", "access-analyzer", "CreateArchiveRule", user, "AwsApiCall"),
	}
}

// TestAlertPatternsMatchInMoto: each rule's pattern, as the component sends it, put into
// moto's EventBridge with a queue as its target (moto delivers to SQS, not to SNS), matches
// exactly the sample events it is for: root's sign-ins under either detail-type and its
// reads, but not root acting through an AWS service; sign-ins without MFA of IAM users that
// succeeded; the IAM, trail, bucket policy and archive rule changes.
func TestAlertPatternsMatchInMoto(t *testing.T) {
	if testing.Short() {
		t.Skip("reads moto back with the AWS CLI: runs without -short")
	}
	server := mototest.StartInAccount(t, testAccount.ID)
	rec := mustRun(t, newAlerts(spec.Alerts{Emails: []string{"sec@acme.example"}}, false))
	want := map[string][]string{
		"root-activity":                 {"root-sign-in", "root-signin", "root-read"},
		"console-signin-without-mfa":    {"user-sign-in-without-mfa", "user-signin-without-mfa"},
		"iam-changes":                   {"attach-user-policy", "create-login-profile"},
		"cloudtrail-changes":            {"stop-logging"},
		"s3-bucket-policy-changes":      {"put-bucket-policy"},
		"access-analyzer-archive-rules": {"create-archive-rule"},
	}
	// The AWS CLI v1 sends SQS in us-east-1 to its legacy endpoint whatever
	// AWS_ENDPOINT_URL says: name the server on every SQS call.
	sqs := func(args ...string) (any, string) {
		return server.AWS(t, append([]string{"--endpoint-url", server.URL, "sqs"}, args...)...)
	}
	queues := map[string]string{}
	for _, r := range alertRules {
		reg, ok := rec.Find(awstypes.EventRule, "alerts-"+r.id)
		require.True(t, ok, r.id)
		q, code := sqs("create-queue", "--queue-name", r.id)
		require.Empty(t, code)
		queues[r.id] = q.(map[string]any)["QueueUrl"].(string)
		_, code = server.AWS(t, "events", "put-rule", "--name", reg.Input("name"), "--event-pattern", reg.Input("eventPattern"), "--state", reg.Input("state"))
		require.Empty(t, code, "moto refused the pattern of %s", r.id)
		_, code = server.AWS(t, "events", "put-targets", "--rule", reg.Input("name"), "--targets",
			"Id=q,Arn=arn:aws:sqs:us-east-1:"+testAccount.ID+":"+r.id)
		require.Empty(t, code)
	}
	var entries []map[string]string
	for _, s := range alertSamples() {
		detail := maps.Clone(s.detail)
		detail["eventID"] = s.id
		raw, err := json.Marshal(detail)
		require.NoError(t, err)
		entries = append(entries, map[string]string{"Source": s.source, "DetailType": s.detailType, "Detail": string(raw)})
	}
	for batch := range slices.Chunk(entries, 10) { // PutEvents takes 10 entries at most
		raw, err := json.Marshal(batch)
		require.NoError(t, err)
		out, code := server.AWS(t, "events", "put-events", "--entries", string(raw))
		require.Empty(t, code)
		require.EqualValues(t, 0, out.(map[string]any)["FailedEntryCount"])
	}
	for id, url := range queues {
		// moto hands over every message of a queue at once; each queue gets three at most.
		out, code := sqs("receive-message", "--queue-url", url, "--max-number-of-messages", "10")
		require.Empty(t, code)
		answer, _ := out.(map[string]any) // no answer at all when the queue is empty
		msgs, _ := answer["Messages"].([]any)
		var got []string
		for _, m := range msgs {
			var event struct {
				Detail struct {
					EventID string `json:"eventID"`
				} `json:"detail"`
			}
			require.NoError(t, json.Unmarshal([]byte(m.(map[string]any)["Body"].(string)), &event))
			got = append(got, event.Detail.EventID)
		}
		assert.ElementsMatch(t, want[id], got, id)
	}
}
