package components

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/secure-aws/secure-aws/awstypes"
	"github.com/secure-aws/secure-aws/spec"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func newTestTrail(args *AuditTrailArgs) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		_, err := NewAuditTrail(ctx, "audit", args)
		return err
	}
}

func trailArgs() *AuditTrailArgs {
	return &AuditTrailArgs{Account: testAccount, Region: "us-east-1", TrailName: "acme-corp-audit", BucketName: "acme-audit-trail", LockDays: 365}
}

// TestAuditTrail: a multi-region trail with log file validation into a secure bucket whose
// log files are locked in COMPLIANCE mode, and which only this trail may write to.
func TestAuditTrail(t *testing.T) {
	rec := mustRun(t, newTestTrail(trailArgs()))
	trail := one(t, rec, awstypes.Trail)
	in := inputs(trail)
	assert.Equal(t, true, in["isMultiRegionTrail"])
	assert.Equal(t, true, in["includeGlobalServiceEvents"])
	assert.Equal(t, true, in["enableLogFileValidation"])
	assert.Equal(t, "acme-audit-trail", trail.Input("s3BucketName"))
	policy := one(t, rec, awstypes.BucketPolicy)
	assert.Contains(t, trail.Dependencies, policy.URN, "the trail waits for the policy that lets it write")

	lock := one(t, rec, awstypes.ObjectLock)
	assert.Equal(t, map[string]any{"defaultRetention": map[string]any{"mode": "COMPLIANCE", "days": float64(365)}}, inputs(lock)["rule"])
	write := statement(t, policyStatements(t, policy, "policy"), "AWSCloudTrailWrite")
	assert.Equal(t, map[string]any{"Service": "cloudtrail.amazonaws.com"}, write["Principal"])
	assert.Equal(t, "arn:aws:s3:::acme-audit-trail/AWSLogs/111111111111/*", write["Resource"])
	assert.Equal(t, map[string]any{"StringEquals": map[string]any{
		"aws:SourceArn": "arn:aws:cloudtrail:us-east-1:111111111111:trail/acme-corp-audit",
		"s3:x-amz-acl":  "bucket-owner-full-control",
	}}, write["Condition"], "only this trail, and the bucket owner owns what it writes")
	statement(t, policyStatements(t, policy, "policy"), "DenyInsecureTransport")

	bad := trailArgs()
	bad.LockDays = 0
	requireRejected(t, "days 0 is out of range", newTestTrail(bad))
	require.Error(t, func() error { _, err := NewAuditTrail(nil, "x", nil); return err }())
}

// TestAuditTrailHardening: data events of the named buckets beside every management event,
// access logging of the trail bucket into a log bucket only S3's log delivery for it may
// write, and a rotated key only this trail may encrypt with.
func TestAuditTrailHardening(t *testing.T) {
	args := trailArgs()
	args.DataEvents = []spec.DataEvents{{Bucket: "acme-backups", Mode: spec.DataEventsWrite}, {Bucket: "acme-assets", Mode: spec.DataEventsReadWrite}}
	args.AccessLogBucket = "acme-audit-access-logs"
	args.CreateKey = true
	rec := mustRun(t, newTestTrail(args))
	trail := one(t, rec, awstypes.Trail)
	selectors, ok := inputs(trail)["advancedEventSelectors"].([]any)
	require.True(t, ok)
	require.Len(t, selectors, 3)
	assert.Equal(t, []any{map[string]any{"field": "eventCategory", "equals": []any{"Management"}}}, selectors[0].(map[string]any)["fieldSelectors"], "management events stay recorded")
	writes := selectors[1].(map[string]any)["fieldSelectors"].([]any)
	assert.Contains(t, writes, map[string]any{"field": "resources.ARN", "startsWiths": []any{"arn:aws:s3:::acme-backups/"}})
	assert.Contains(t, writes, map[string]any{"field": "readOnly", "equals": []any{"false"}}, "writes only")
	reads := selectors[2].(map[string]any)["fieldSelectors"].([]any)
	assert.Contains(t, reads, map[string]any{"field": "resources.ARN", "startsWiths": []any{"arn:aws:s3:::acme-assets/"}})
	assert.NotContains(t, reads, map[string]any{"field": "readOnly", "equals": []any{"false"}}, "reads too")

	logging := one(t, rec, awstypes.BucketLogging)
	assert.Equal(t, "acme-audit-trail", logging.Input("bucket"))
	assert.Equal(t, "acme-audit-access-logs", logging.Input("targetBucket"))
	var logPolicy map[string]any
	for _, p := range rec.OfType(awstypes.BucketPolicy) {
		if p.Input("bucket") == "acme-audit-access-logs" {
			logPolicy = statement(t, policyStatements(t, p, "policy"), "S3ServerAccessLogsPolicy")
		}
	}
	require.NotNil(t, logPolicy, "the log bucket's policy lets S3 deliver")
	assert.Equal(t, map[string]any{"Service": "logging.s3.amazonaws.com"}, logPolicy["Principal"])
	assert.Equal(t, map[string]any{
		"ArnLike":      map[string]any{"aws:SourceArn": "arn:aws:s3:::acme-audit-trail"},
		"StringEquals": map[string]any{"aws:SourceAccount": "111111111111"},
	}, logPolicy["Condition"], "only the trail bucket's logs, of this account")

	key := one(t, rec, awstypes.KMSKey)
	assert.Equal(t, true, inputs(key)["enableKeyRotation"])
	assert.True(t, key.Protect, "losing the key loses the log files")
	encrypt := statement(t, policyStatements(t, key, "policy"), "AllowCloudTrailToEncryptLogs")
	assert.Equal(t, map[string]any{
		"StringEquals": map[string]any{"aws:SourceArn": "arn:aws:cloudtrail:us-east-1:111111111111:trail/acme-corp-audit"},
		"StringLike":   map[string]any{"kms:EncryptionContext:aws:cloudtrail:arn": "arn:aws:cloudtrail:*:111111111111:trail/*"},
	}, encrypt["Condition"])
	assert.Equal(t, "kms:GenerateDataKey*", encrypt["Action"])
	assert.Contains(t, trail.Dependencies, key.URN, "the trail is encrypted with the key")

	bad := trailArgs()
	bad.DataEvents = []spec.DataEvents{{Bucket: "acme-assets", Mode: "read"}}
	requireRejected(t, `"read" is not allowed`, newTestTrail(bad))
	bad = trailArgs()
	bad.AccessLogBucket = "Not_A_Bucket"
	requireRejected(t, "accessLogBucket", newTestTrail(bad))
}

// TestAuditTrailDefaultsAddNothing: without its switches the trail keeps AWS's default
// event selection and S3-managed encryption, and creates no log bucket or key.
func TestAuditTrailDefaultsAddNothing(t *testing.T) {
	rec := mustRun(t, newTestTrail(trailArgs()))
	assert.Nil(t, inputs(one(t, rec, awstypes.Trail))["advancedEventSelectors"])
	assert.Empty(t, rec.OfType(awstypes.BucketLogging))
	assert.Empty(t, rec.OfType(awstypes.KMSKey))
	assert.Len(t, rec.OfType(awstypes.Bucket), 1)
}
