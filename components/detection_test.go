package components

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-aws/secure-aws/awstypes"
)

func newTestDetection(args *DetectionArgs) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		_, err := NewDetection(ctx, "detection", args)
		return err
	}
}

func detectionArgs() *DetectionArgs {
	return &DetectionArgs{
		Account: testAccount, Region: "us-east-1", Regions: []string{"us-east-1", "eu-west-1"},
		EnableGuardDuty: true, FindingFrequency: "SIX_HOURS", ConfigBucket: "acme-config", EnableSecurityHub: true,
	}
}

// TestDetection: in each region a GuardDuty detector, an AWS Config recorder (global
// resources in the stack's region only) with its delivery channel into the secure bucket
// and started, and Security Hub CSPM with exactly the CIS v5.0.0 and FSBP standards.
func TestDetection(t *testing.T) {
	rec := mustRun(t, newTestDetection(detectionArgs()))
	for _, typ := range []string{awstypes.GuardDutyDetector, awstypes.ConfigRecorder, awstypes.ConfigDelivery, awstypes.ConfigRecorderStatus, awstypes.SecurityHubAccount} {
		assert.Len(t, rec.OfType(typ), 2, "%s: one per region", typ)
	}
	for _, d := range rec.OfType(awstypes.GuardDutyDetector) {
		assert.Equal(t, true, inputs(d)["enable"])
		assert.Equal(t, "SIX_HOURS", d.Input("findingPublishingFrequency"))
		assert.True(t, d.RetainOnDelete, "leaving the program does not turn detection off")
	}
	global := map[string]any{}
	for _, r := range rec.OfType(awstypes.ConfigRecorder) {
		group := inputs(r)["recordingGroup"].(map[string]any)
		assert.Equal(t, true, group["allSupported"])
		global[r.Name] = group["includeGlobalResourceTypes"]
		assert.Equal(t, "arn:aws:iam::111111111111:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig", r.Input("roleArn"), "the service-linked role (Security Hub's Config.1)")
	}
	assert.Equal(t, map[string]any{"detection-us-east-1-config-recorder": true, "detection-eu-west-1-config-recorder": false}, global, "global resources recorded once")
	for _, c := range rec.OfType(awstypes.ConfigDelivery) {
		assert.Equal(t, "acme-config", c.Input("s3BucketName"))
	}
	assert.Empty(t, rec.OfType(awstypes.ObjectLock), "AWS Config does not deliver to a locked bucket")
	policy := one(t, rec, awstypes.BucketPolicy)
	delivery := statement(t, policyStatements(t, policy, "policy"), "AWSConfigBucketDelivery")
	assert.Equal(t, map[string]any{"Service": "config.amazonaws.com"}, delivery["Principal"])
	assert.Equal(t, "arn:aws:s3:::acme-config/AWSLogs/111111111111/Config/*", delivery["Resource"])
	statement(t, policyStatements(t, policy, "policy"), "AWSConfigBucketPermissionsCheck")
	statement(t, policyStatements(t, policy, "policy"), "DenyObjectWritesByOthers")

	for _, h := range rec.OfType(awstypes.SecurityHubAccount) {
		assert.Equal(t, false, inputs(h)["enableDefaultStandards"], "not CIS v1.2.0")
	}
	var standards []string
	for _, s := range rec.OfType(awstypes.SecurityHubStandard) {
		standards = append(standards, s.Input("standardsArn"))
	}
	assert.ElementsMatch(t, []string{
		"arn:aws:securityhub:us-east-1::standards/cis-aws-foundations-benchmark/v/5.0.0",
		"arn:aws:securityhub:us-east-1::standards/aws-foundational-security-best-practices/v/1.0.0",
		"arn:aws:securityhub:eu-west-1::standards/cis-aws-foundations-benchmark/v/5.0.0",
		"arn:aws:securityhub:eu-west-1::standards/aws-foundational-security-best-practices/v/1.0.0",
	}, standards)
}

// TestDetectionSwitches: each service is its own switch; off creates nothing of it.
func TestDetectionSwitches(t *testing.T) {
	args := detectionArgs()
	args.EnableGuardDuty, args.EnableSecurityHub, args.ConfigBucket = false, false, ""
	rec := mustRun(t, newTestDetection(args))
	for _, typ := range []string{awstypes.GuardDutyDetector, awstypes.ConfigRecorder, awstypes.SecurityHubAccount, awstypes.Bucket, awstypes.ServiceLinkedRole} {
		assert.Empty(t, rec.OfType(typ), typ)
	}
	args = detectionArgs()
	args.EnableSecurityHub = false
	rec = mustRun(t, newTestDetection(args))
	assert.Empty(t, rec.OfType(awstypes.SecurityHubAccount))
	assert.Len(t, rec.OfType(awstypes.ConfigRecorder), 2)
}

// TestDetectionRefusals: Security Hub without AWS Config, an unknown frequency and a region
// outside the partition are refused before anything is registered.
func TestDetectionRefusals(t *testing.T) {
	args := detectionArgs()
	args.ConfigBucket = ""
	requireRejected(t, "needs configBucket", newTestDetection(args))
	args = detectionArgs()
	args.FindingFrequency = "DAILY"
	requireRejected(t, "findingFrequency", newTestDetection(args))
	args = detectionArgs()
	args.Regions = []string{"us-east-1", "cn-north-1"}
	requireRejected(t, "regions[1]", newTestDetection(args))
	require.Error(t, func() error { _, err := NewDetection(nil, "x", nil); return err }())
}
