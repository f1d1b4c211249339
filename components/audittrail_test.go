package components

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/secure-aws/secure-aws/awstypes"
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
