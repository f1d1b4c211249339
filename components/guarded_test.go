package components

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-aws/secure-aws/awstypes"
	"github.com/secure-aws/secure-aws/iampolicy"
	"github.com/secure-aws/secure-aws/internal/record"
	"github.com/secure-aws/secure-aws/internal/testsupport/golden"
	"github.com/secure-aws/secure-aws/internal/testsupport/iameval"
)

// Guarded buckets (rule R15): the backup vault, the audit trail's bucket and the Pulumi
// state bucket name in their own policy who may write and who may read their objects, so
// that an identity policy granted in error, by any stack of the account, cannot open them.
// The decisions below are taken by internal/testsupport/iameval, an evaluator written apart from the
// code that writes the policies, on the JSON the components register.

const account = "arn:aws:iam::111111111111:"

// bucketPolicyOf is the policy text the run registered for bucket.
func bucketPolicyOf(t *testing.T, rec *record.Recorder, bucket string) string {
	t.Helper()
	for _, p := range rec.OfType(awstypes.BucketPolicy) {
		if p.Input("bucket") == bucket {
			return p.Input("policy")
		}
	}
	t.Fatalf("no bucket policy of %s", bucket)
	return ""
}

// assertGoldenPolicy pins a policy document, indented, in testdata/<name>.json.
func assertGoldenPolicy(t *testing.T, name, text string) {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, json.Indent(&buf, []byte(text), "", "  "))
	buf.WriteString("\n")
	golden.Assert(t, filepath.Join("testdata", name+".json"), buf.Bytes())
}

// everything is an identity policy like AdministratorAccess, and for S3 like
// AmazonS3FullAccess.
const everything = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`

// strayGrant is the identity policy another stack's application gets when its stack file
// names a guarded bucket in externalBuckets and grants on it (which the account-wide
// configuration checks refuse; the bucket's own policy holds even if they are bypassed).
func strayGrant(t *testing.T, bucket string) string {
	doc, err := iampolicy.S3AccessDocument("aws", iampolicy.BucketOwners{Account: testAccount.ID}, []iampolicy.S3Grant{{Bucket: bucket, Actions: []string{"s3:GetObject", "s3:GetObjectVersion", "s3:PutObject", "s3:ListBucket"}}})
	require.NoError(t, err)
	return doc.MustJSON()
}

// caller is a principal with its identity policies and how it signed in.
type caller struct {
	arn      string
	identity []string
	mfa      bool
}

func (c caller) request(action, resource string) iameval.Request {
	r := iameval.Request{Principal: c.arn, Action: action, Resource: resource}.
		With("aws:SecureTransport", "true").With("s3:ResourceAccount", testAccount.ID)
	if c.mfa {
		r = r.With("aws:MultiFactorAuthPresent", "true")
	}
	return r
}

type decision struct {
	who     string
	caller  caller
	action  string
	object  bool // on an object rather than the bucket
	allowed bool
}

// assertDecisions asks for each case's action on the bucket, or on its object key.
func assertDecisions(t *testing.T, bucketPolicy, bucket, key string, cases []decision) {
	t.Helper()
	for _, c := range cases {
		resource := "arn:aws:s3:::" + bucket
		if c.object {
			resource += "/" + key
		}
		assert.Equal(t, c.allowed, iameval.Allowed(t, c.caller.identity, bucketPolicy, c.caller.request(c.action, resource)), "%s: %s on %s", c.who, c.action, resource)
	}
}

// TestBackupVaultGuardsItself: only the vault's writer adds backups, no one changes or
// deletes one, and only a person signed in with MFA reads or restores one; the deploy
// role still manages the bucket's configuration. Another stack's application with an
// identity Allow on the vault is denied.
func TestBackupVaultGuardsItself(t *testing.T) {
	args := vaultArgs()
	args.Bucket = "acme-backups-production"
	args.Environment = "production"
	rec := mustRun(t, newTestVault(args))
	policy := bucketPolicyOf(t, rec, "acme-backups-production")
	assertGoldenPolicy(t, "vault_policy", policy)

	writer := caller{arn: account + "user/backup/backup-production", identity: []string{one(t, rec, awstypes.Policy).Input("policy")}}
	stray := caller{arn: account + "user/apps/my-application-staging", identity: []string{strayGrant(t, "acme-backups-production")}}
	otherWriter := caller{arn: account + "user/backup/backup-staging", identity: []string{strayGrant(t, "acme-backups-production")}}
	admin := caller{arn: account + "user/admins/alice", identity: []string{everything}, mfa: true}
	adminNoMFA := caller{arn: account + "user/admins/alice", identity: []string{everything}}
	deploy := caller{arn: account + "role/" + DeployRoleName, identity: []string{everything}}
	assertDecisions(t, policy, "acme-backups-production", "db/2026-12-03.dump", []decision{
		{"the writer", writer, "s3:PutObject", true, true},
		{"the writer", writer, "s3:DeleteObject", true, false},
		{"the writer", writer, "s3:GetObject", true, false},
		{"another stack's app", stray, "s3:PutObject", true, false},
		{"another stack's app", stray, "s3:GetObject", true, false},
		{"another stack's app", stray, "s3:GetObjectVersion", true, false},
		{"another stack's app", stray, "s3:ListBucket", false, true}, // object names, no content
		{"another environment's writer", otherWriter, "s3:PutObject", true, false},
		{"an admin with MFA", admin, "s3:GetObject", true, true},
		{"an admin with MFA", admin, "s3:GetObjectVersion", true, true},
		{"an admin with MFA", admin, "s3:RestoreObject", true, true},
		{"an admin with MFA", admin, "s3:PutObject", true, false},
		{"an admin with MFA", admin, "s3:DeleteObjectVersion", true, false},
		{"an admin with MFA", admin, "s3:PutObjectRetention", true, false},
		{"an admin without MFA", adminNoMFA, "s3:GetObject", true, false},
		{"the deploy role", deploy, "s3:GetObject", true, false},
		{"the deploy role", deploy, "s3:PutObject", true, false},
		{"the deploy role", deploy, "s3:PutBucketPolicy", false, true},
		{"the deploy role", deploy, "s3:PutLifecycleConfiguration", false, true},
		{"the deploy role", deploy, "s3:PutBucketVersioning", false, true},
	})
	plain := writer.request("s3:PutObject", "arn:aws:s3:::acme-backups-production/x").With("aws:SecureTransport", "false")
	assert.False(t, iameval.Allowed(t, writer.identity, policy, plain), "the writer, without TLS")
}

// TestAuditTrailGuardsItself: only the trail writes log files; no admin, deploy role or
// application can write, change or delete one, whatever its identity policies allow.
func TestAuditTrailGuardsItself(t *testing.T) {
	rec := mustRun(t, newTestTrail(trailArgs()))
	policy := bucketPolicyOf(t, rec, "acme-audit-trail")
	assertGoldenPolicy(t, "trail_policy", policy)

	const trail = "arn:aws:cloudtrail:us-east-1:111111111111:trail/acme-corp-audit"
	cloudtrail := func(source string) iameval.Request {
		return iameval.Request{Principal: "cloudtrail.amazonaws.com", Service: true, Action: "s3:PutObject", Resource: "arn:aws:s3:::acme-audit-trail/AWSLogs/111111111111/CloudTrail/x.json.gz"}.
			With("aws:SecureTransport", "true").With("aws:SourceArn", source).With("s3:x-amz-acl", "bucket-owner-full-control")
	}
	assert.True(t, iameval.Allowed(t, nil, policy, cloudtrail(trail)), "the trail writes its log files")
	assert.False(t, iameval.Allowed(t, nil, policy, cloudtrail(trail+"-other")), "another trail does not")
	delete := cloudtrail(trail)
	delete.Action = "s3:DeleteObject"
	assert.False(t, iameval.Allowed(t, nil, policy, delete), "the trail deletes nothing")

	stray := caller{arn: account + "user/apps/my-application-staging", identity: []string{strayGrant(t, "acme-audit-trail")}}
	admin := caller{arn: account + "user/admins/alice", identity: []string{everything}, mfa: true}
	deploy := caller{arn: account + "role/" + DeployRoleName, identity: []string{everything}}
	assertDecisions(t, policy, "acme-audit-trail", "AWSLogs/111111111111/CloudTrail/x.json.gz", []decision{
		{"another stack's app", stray, "s3:PutObject", true, false},
		{"an admin with MFA", admin, "s3:PutObject", true, false},
		{"an admin with MFA", admin, "s3:DeleteObject", true, false},
		{"an admin with MFA", admin, "s3:PutObjectLegalHold", true, false},
		{"an admin with MFA", admin, "s3:GetObject", true, true}, // log files are read by whoever audits
		{"the deploy role", deploy, "s3:PutObject", true, false},
		{"the deploy role", deploy, "s3:PutObjectRetention", true, false},
		{"the deploy role", deploy, "s3:PutBucketPolicy", false, true},
	})
}

// TestCIDeployRoleAdoptsTheStateBucket: ci.stateBucket is adopted (imported, never
// created) as a secure bucket, protected and retained; its policy lets only the deploy
// role, or a person signed in with MFA, write the state, and only the CI roles, or such a
// person, read it. The preview role reads the state and may change nothing there; without
// a state bucket, none of it exists.
func TestCIDeployRoleAdoptsTheStateBucket(t *testing.T) {
	off := mustRun(t, newTestCI(ciArgs()))
	assert.Empty(t, off.OfType(SecureBucketType), "no state bucket without ci.stateBucket")

	args := ciArgs()
	args.StateBucket = "acme-pulumi-state"
	rec := mustRun(t, newTestCI(args))
	bucket := one(t, rec, awstypes.Bucket)
	assert.Equal(t, "acme-pulumi-state", bucket.ImportID, "the backend's bucket exists before the first up: it is adopted")
	assert.True(t, bucket.Protect)
	assert.True(t, bucket.RetainOnDelete)
	assert.Equal(t, map[string]any{"status": "Enabled"}, inputs(one(t, rec, awstypes.Versioning))["versioningConfiguration"])
	policyReg := one(t, rec, awstypes.BucketPolicy)
	assert.Contains(t, policyReg.Dependencies, one(t, rec, awstypes.PublicAccessBlock).URN, "the policy waits for the public access block (409 otherwise)")
	policy := policyReg.Input("policy")
	assertGoldenPolicy(t, "state_policy", policy)

	rolePolicy := func(name string) string { return mustFind(t, rec, awstypes.Policy, name).Input("policy") }
	assertGoldenPolicy(t, "preview_policy_with_state", rolePolicy("ci-preview"))
	previewStatements := policyStatements(t, mustFind(t, rec, awstypes.Policy, "ci-preview"), "policy")
	assert.Equal(t, "s3:GetObject", statement(t, previewStatements, "ObjectsAcmePulumiState")["Action"])
	// The state bucket is always adopted, so every preview checks what it has (internal/adoptcheck).
	assert.Equal(t, []any{"s3:GetBucketNotification", "s3:GetLifecycleConfiguration", "s3:GetReplicationConfiguration", "s3:ListBucket"},
		statement(t, previewStatements, "BucketAcmePulumiState")["Action"])
	assert.Equal(t, map[string]any{"Sid": "ListAccessPointsOfAdoptedBuckets", "Effect": "Allow", "Action": "s3:ListAccessPoints", "Resource": "*"},
		statement(t, previewStatements, "ListAccessPointsOfAdoptedBuckets"))
	assert.Equal(t, "Deny", statement(t, previewStatements, "DenyDestructiveS3Actions")["Effect"])

	deploy := caller{arn: account + "role/" + DeployRoleName, identity: []string{everything}}
	preview := caller{arn: account + "role/" + PreviewRoleName, identity: []string{rolePolicy("ci-preview")}}
	drift := caller{arn: account + "role/" + DriftRoleName, identity: []string{rolePolicy("ci-drift")}}
	stray := caller{arn: account + "user/apps/my-application-staging", identity: []string{strayGrant(t, "acme-pulumi-state")}}
	admin := caller{arn: account + "user/admins/alice", identity: []string{everything}, mfa: true}
	bootstrapKey := caller{arn: account + "user/bootstrap", identity: []string{everything}}
	assertDecisions(t, policy, "acme-pulumi-state", ".pulumi/stacks/secure-aws/production.json", []decision{
		{"the deploy role", deploy, "s3:PutObject", true, true},
		{"the deploy role", deploy, "s3:DeleteObject", true, true}, // lock files
		{"the deploy role", deploy, "s3:GetObject", true, true},
		{"the deploy role", deploy, "s3:DeleteObjectVersion", true, false},
		{"the preview role", preview, "s3:GetObject", true, true},
		{"the preview role", preview, "s3:ListBucket", false, true},
		{"the preview role", preview, "s3:PutObject", true, false},
		{"the preview role", preview, "s3:DeleteObject", true, false},
		{"the preview role", preview, "s3:GetLifecycleConfiguration", false, true}, // the adoption check
		{"the preview role", preview, "s3:GetReplicationConfiguration", false, true},
		{"the preview role", preview, "s3:GetBucketNotification", false, true},
		{"the preview role", preview, "s3:PutLifecycleConfiguration", false, false},
		{"the drift role", drift, "s3:GetBucketNotification", false, true},
		{"the drift role", drift, "s3:GetObject", true, true},
		{"the drift role", drift, "s3:PutObject", true, false},
		{"another stack's app", stray, "s3:PutObject", true, false},
		{"another stack's app", stray, "s3:GetObject", true, false},
		{"an admin with MFA", admin, "s3:PutObject", true, true}, // pulumi up by hand, pulumi state
		{"an admin with MFA", admin, "s3:GetObject", true, true},
		{"an admin with MFA", admin, "s3:PutObjectRetention", true, false},
		{"an admin key without MFA", bootstrapKey, "s3:PutObject", true, false},
		{"an admin key without MFA", bootstrapKey, "s3:GetObject", true, false},
	})
}

func mustFind(t *testing.T, rec *record.Recorder, typ, name string) record.Registration {
	t.Helper()
	r, ok := rec.Find(typ, name)
	require.True(t, ok, "%s %s", typ, name)
	return r
}

// TestCIDeployRoleRejectsABadStateBucket: a state bucket that cannot be a secure bucket
// stops the component before it registers anything.
func TestCIDeployRoleRejectsABadStateBucket(t *testing.T) {
	args := ciArgs()
	args.StateBucket = "acme.pulumi.state"
	requireRejected(t, `"." at position 5 is not allowed`, newTestCI(args))
}

// TestGuardedBucketsKeepTheirSafeguards: the guard adds Deny statements only, after the
// TLS-only policy: the vault's and the state's policies still deny requests without TLS.
func TestGuardedBucketsKeepTheirSafeguards(t *testing.T) {
	args := ciArgs()
	args.StateBucket = "acme-pulumi-state"
	for name, rec := range map[string]*record.Recorder{
		"vault": mustRun(t, newTestVault(vaultArgs())),
		"trail": mustRun(t, newTestTrail(trailArgs())),
		"state": mustRun(t, newTestCI(args)),
	} {
		doc, err := iampolicy.Parse(one(t, rec, awstypes.BucketPolicy).Input("policy"))
		require.NoError(t, err, name)
		assert.Equal(t, "DenyInsecureTransport", doc.Statements[0].Sid, name)
		for _, s := range doc.Statements {
			if s.Sid != "AWSCloudTrailAclCheck" && s.Sid != "AWSCloudTrailWrite" {
				assert.Equal(t, iampolicy.Deny, s.Effect, "%s: %s", name, s.Sid)
			}
		}
	}
}
