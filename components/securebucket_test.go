package components

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-aws/secure-aws/awstypes"
	"github.com/secure-aws/secure-aws/iampolicy"
	"github.com/secure-aws/secure-aws/spec"
)

func newTestBucket(lock *spec.ObjectLock) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		_, err := NewSecureBucket(ctx, "assets", &SecureBucketArgs{Account: testAccount, BucketName: "acme-assets-staging", ObjectLock: lock})
		return err
	}
}

func TestSecureBucketRegistersEverySafeguard(t *testing.T) {
	rec := mustRun(t, newTestBucket(nil))

	types := map[string]int{}
	for _, r := range rec.Registrations() {
		types[r.Type]++
	}
	assert.Equal(t, map[string]int{
		SecureBucketType:           1,
		awstypes.Bucket:            1,
		awstypes.Versioning:        1,
		awstypes.Encryption:        1,
		awstypes.Ownership:         1,
		awstypes.PublicAccessBlock: 1,
		awstypes.BucketPolicy:      1,
		awstypes.Lifecycle:         1,
	}, types)

	bucket := one(t, rec, awstypes.Bucket)
	assert.Equal(t, map[string]any{"bucket": "acme-assets-staging"}, inputs(bucket),
		"a stable name and nothing else: no forceDestroy, no inline settings, no lock flag that would replace it")

	assert.Equal(t, map[string]any{"status": "Enabled"}, inputs(one(t, rec, awstypes.Versioning))["versioningConfiguration"])
	enc := inputs(one(t, rec, awstypes.Encryption))
	assert.Equal(t, []any{map[string]any{"applyServerSideEncryptionByDefault": map[string]any{"sseAlgorithm": "AES256"}}}, enc["rules"])
	ownership := inputs(one(t, rec, awstypes.Ownership))
	assert.Equal(t, map[string]any{"objectOwnership": "BucketOwnerEnforced"}, ownership["rule"])
	block := inputs(one(t, rec, awstypes.PublicAccessBlock))
	for _, k := range []string{"blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"} {
		assert.Equal(t, true, block[k], k)
	}
	lifecycle := one(t, rec, awstypes.Lifecycle)
	assert.Equal(t, []any{map[string]any{
		"id": "abort-incomplete-uploads", "status": "Enabled", "filter": map[string]any{"prefix": ""},
		"abortIncompleteMultipartUpload": map[string]any{"daysAfterInitiation": float64(7)},
	}}, inputs(lifecycle)["rules"], "declared, so a rule added by hand is drift; it expires nothing")
	assert.Contains(t, lifecycle.Dependencies, one(t, rec, awstypes.Versioning).URN, "lifecycle waits for versioning")
}

func TestSecureBucketProtectsData(t *testing.T) {
	rec := mustRun(t, newTestBucket(nil))
	component := one(t, rec, SecureBucketType)
	for _, r := range rec.Registrations() {
		if r.Type == SecureBucketType {
			continue
		}
		assert.Equal(t, component.URN, r.Parent, "%s is parented to the component", r.Name)
		dataBearing := r.Type == awstypes.Bucket || r.Type == awstypes.Versioning
		assert.Equal(t, dataBearing, r.Protect, "protect on %s", r.Type)
		assert.True(t, r.RetainOnDelete, "%s is retained: a bucket left in AWS keeps its safeguards", r.Type)
	}
}

func TestSecureBucketPolicyDeniesInsecureTransportAfterPublicAccessBlock(t *testing.T) {
	rec := mustRun(t, newTestBucket(nil))
	policy := one(t, rec, awstypes.BucketPolicy)
	assert.JSONEq(t, iampolicy.TLSOnlyBucketPolicy("aws", "acme-assets-staging").MustJSON(), policy.Input("policy"))
	deny := statement(t, policyStatements(t, policy, "policy"), "DenyInsecureTransport")
	assert.Equal(t, "Deny", deny["Effect"])
	assert.Equal(t, map[string]any{"Bool": map[string]any{"aws:SecureTransport": "false"}}, deny["Condition"])
	assert.Contains(t, policy.Dependencies, one(t, rec, awstypes.PublicAccessBlock).URN, "the policy must wait for the public access block (409 otherwise)")
}

func TestSecureBucketObjectLock(t *testing.T) {
	rec := mustRun(t, newTestBucket(&spec.ObjectLock{Mode: "COMPLIANCE", Days: 30}))
	assert.NotContains(t, inputs(one(t, rec, awstypes.Bucket)), "objectLockEnabled", "turning the lock on must not replace an existing bucket")
	lock := one(t, rec, awstypes.ObjectLock)
	assert.Equal(t, "Enabled", lock.Input("objectLockEnabled"))
	assert.Equal(t, map[string]any{"defaultRetention": map[string]any{"mode": "COMPLIANCE", "days": float64(30)}}, inputs(lock)["rule"])
	assert.Contains(t, lock.Dependencies, one(t, rec, awstypes.Versioning).URN)
	assert.True(t, lock.Protect, "a lock cannot be turned off; removing it from code must not look like it could")
	assert.True(t, lock.RetainOnDelete)

	off := mustRun(t, newTestBucket(nil))
	assert.Empty(t, off.OfType(awstypes.ObjectLock), "no object lock configuration without spec.ObjectLock")
}

// TestSecureBucketGovernanceLockDeniesBypass: with a GOVERNANCE lock the bucket policy
// denies s3:BypassGovernanceRetention to everyone; COMPLIANCE needs no such statement.
func TestSecureBucketGovernanceLockDeniesBypass(t *testing.T) {
	rec := mustRun(t, newTestBucket(&spec.ObjectLock{Mode: "GOVERNANCE", Days: 30}))
	deny := statement(t, policyStatements(t, one(t, rec, awstypes.BucketPolicy), "policy"), "DenyGovernanceBypass")
	assert.Equal(t, "Deny", deny["Effect"])
	assert.Equal(t, map[string]any{"AWS": "*"}, deny["Principal"])
	assert.Equal(t, "s3:BypassGovernanceRetention", deny["Action"])
	assert.Equal(t, "arn:aws:s3:::acme-assets-staging/*", deny["Resource"])

	for _, lock := range []*spec.ObjectLock{nil, {Mode: "COMPLIANCE", Days: 30}} {
		policy := one(t, mustRun(t, newTestBucket(lock)), awstypes.BucketPolicy)
		assert.JSONEq(t, iampolicy.TLSOnlyBucketPolicy("aws", "acme-assets-staging").MustJSON(), policy.Input("policy"))
	}
}

func TestSecureBucketRejectsBadArgs(t *testing.T) {
	cases := map[string]struct {
		args *SecureBucketArgs
		want string
	}{
		"nil args":         {nil, "args are required"},
		"dotted name":      {&SecureBucketArgs{Account: testAccount, BucketName: "acme.assets"}, `"." at position 5 is not allowed`},
		"uppercase name":   {&SecureBucketArgs{Account: testAccount, BucketName: "Acme"}, "is not a valid name for a bucket this project creates"},
		"no account":       {&SecureBucketArgs{BucketName: "acme-assets"}, "partition is required"},
		"bad account id":   {&SecureBucketArgs{Account: spec.Account{Partition: "aws", ID: "42"}, BucketName: "acme-assets"}, "12-digit"},
		"bad lock mode":    {&SecureBucketArgs{Account: testAccount, BucketName: "acme-assets", ObjectLock: &spec.ObjectLock{Mode: "LEGAL", Days: 1}}, "GOVERNANCE or COMPLIANCE"},
		"zero lock days":   {&SecureBucketArgs{Account: testAccount, BucketName: "acme-assets", ObjectLock: &spec.ObjectLock{Mode: "GOVERNANCE"}}, "out of range"},
		"lock days > 100y": {&SecureBucketArgs{Account: testAccount, BucketName: "acme-assets", ObjectLock: &spec.ObjectLock{Mode: "GOVERNANCE", Days: 36501}}, "out of range"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			requireRejected(t, c.want, func(ctx *pulumi.Context) error {
				_, err := NewSecureBucket(ctx, "b", c.args)
				return err
			})
		})
	}
}

func TestSecureBucketOutputs(t *testing.T) {
	var name, arn interface{ Get() (string, bool, bool) }
	mustRun(t, func(ctx *pulumi.Context) error {
		b, err := NewSecureBucket(ctx, "assets", &SecureBucketArgs{Account: testAccount, BucketName: "acme-assets-staging"})
		if err != nil {
			return err
		}
		name, arn = capture(b.BucketName), capture(b.Arn)
		return nil
	})
	got, known, _ := name.Get()
	require.True(t, known)
	assert.Equal(t, "acme-assets-staging", got)
	got, _, _ = arn.Get()
	assert.Equal(t, "arn:aws:s3:::acme-assets-staging", got)
}
