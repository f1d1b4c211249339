package awsapi

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-aws/secure-aws/awstypes"
	"github.com/secure-aws/secure-aws/internal/testsupport/mototest"
)

// props parses a resource's inputs written as JSON, as the program sends them.
func props(t *testing.T, js string) resource.PropertyMap {
	t.Helper()
	var v map[string]any
	require.NoError(t, json.Unmarshal([]byte(js), &v))
	return resource.NewPropertyMapFromMap(v)
}

func newMotoS3(t *testing.T) *S3 {
	t.Helper()
	b, err := NewS3(motoConfig(t))
	require.NoError(t, err)
	return b
}

// motoConfig is the configuration of a provider whose aws:endpoints name a new moto.
func motoConfig(t *testing.T) Config {
	t.Helper()
	return serverConfig(t, mototest.Start(t)) // a few seconds for the package: it runs under -short too, as internal/awsaccount's moto test does
}

// serverConfig is the configuration of a provider whose aws:endpoints name every service
// of the backend at server.
func serverConfig(t *testing.T, server *mototest.Server) Config {
	t.Helper()
	endpoint := resource.NewProperty(server.URL)
	v := resource.NewProperty([]resource.PropertyValue{resource.NewProperty(resource.PropertyMap{
		"s3": endpoint, "s3control": endpoint, "sts": endpoint, "iam": endpoint, "cloudtrail": endpoint,
		"kms": endpoint, "sns": endpoint, "events": endpoint, "budgets": endpoint, "account": endpoint,
		"guardduty": endpoint, "configservice": endpoint, "ec2": endpoint})})
	endpoints, err := ParseEndpoints(v)
	require.NoError(t, err)
	c := Config{Region: "us-east-1", Partition: "aws", Endpoints: endpoints, S3UsePathStyle: true}
	for _, kv := range server.Env() { // the key the server signs with
		switch k, v, _ := strings.Cut(kv, "="); k {
		case "AWS_ACCESS_KEY_ID":
			c.AccessKey = v
		case "AWS_SECRET_ACCESS_KEY":
			c.SecretKey = v
		}
	}
	return c
}

// vault is a bucket as the program's backup vault configures it (plans/*.md), one
// resource per S3 type, in the order the engine creates them.
const vaultBucket = "acme-backups-moto"

var vault = []struct{ typ, inputs string }{
	{awstypes.Bucket, `{"bucket":"acme-backups-moto"}`},
	{awstypes.Versioning, `{"bucket":"acme-backups-moto","versioningConfiguration":{"status":"Enabled"}}`},
	{awstypes.Encryption, `{"bucket":"acme-backups-moto","rules":[{"applyServerSideEncryptionByDefault":{"sseAlgorithm":"AES256"}}]}`},
	{awstypes.Ownership, `{"bucket":"acme-backups-moto","rule":{"objectOwnership":"BucketOwnerEnforced"}}`},
	{awstypes.PublicAccessBlock, `{"bucket":"acme-backups-moto","blockPublicAcls":true,"blockPublicPolicy":true,"ignorePublicAcls":true,"restrictPublicBuckets":true}`},
	{awstypes.BucketPolicy, `{"bucket":"acme-backups-moto","policy":"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"DenyInsecureTransport\",\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"s3:*\",\"Resource\":[\"arn:aws:s3:::acme-backups-moto\",\"arn:aws:s3:::acme-backups-moto/*\"],\"Condition\":{\"Bool\":{\"aws:SecureTransport\":\"false\"}}}]}"}`},
	{awstypes.ObjectLock, `{"bucket":"acme-backups-moto","objectLockEnabled":"Enabled","rule":{"defaultRetention":{"days":35,"mode":"COMPLIANCE"}}}`},
	{awstypes.Lifecycle, `{"bucket":"acme-backups-moto","rules":[{"expiration":{"days":365},"filter":{"prefix":""},"id":"backup-retention","noncurrentVersionExpiration":{"noncurrentDays":120},"noncurrentVersionTransitions":[{"noncurrentDays":30,"storageClass":"GLACIER"}],"status":"Enabled","transitions":[{"days":30,"storageClass":"GLACIER"}]},{"abortIncompleteMultipartUpload":{"daysAfterInitiation":7},"expiration":{"expiredObjectDeleteMarker":true},"filter":{"prefix":""},"id":"cleanup","status":"Enabled"}],"transitionDefaultMinimumObjectSize":"all_storage_classes_128K"}`},
	{awstypes.AccountPublicAccess, `{"accountId":"123456789012","blockPublicAcls":true,"blockPublicPolicy":true,"ignorePublicAcls":true,"restrictPublicBuckets":true}`},
}

// TestS3AgainstMoto: every S3 type the program creates is created in moto with the
// program's inputs, and a refresh (old inputs given) and an import (none) read back
// exactly those inputs; the ids and the bucket's ARN are what the provider reports.
func TestS3AgainstMoto(t *testing.T) {
	b := newMotoS3(t)
	ctx := t.Context()
	for _, r := range vault {
		inputs := props(t, r.inputs)
		id, state, err := b.Create(ctx, r.typ, inputs)
		require.NoError(t, err, r.typ)
		want := vaultBucket
		if r.typ == awstypes.AccountPublicAccess {
			want = "123456789012"
		}
		assert.Equal(t, want, id, r.typ)
		for k, v := range inputs {
			assert.True(t, v.DeepEquals(state[k]), "%s: state %s = %v, sent %v", r.typ, k, state[k], v)
		}
		for _, olds := range []resource.PropertyMap{inputs, nil} {
			read, _, err := b.Read(ctx, r.typ, id, olds)
			require.NoError(t, err, r.typ)
			for k, v := range inputs {
				assert.True(t, v.DeepEquals(read[k]), "%s (refresh: %v): read %s = %v, sent %v", r.typ, olds != nil, k, read[k], v)
			}
		}
	}
	_, state, err := b.Read(ctx, awstypes.Bucket, vaultBucket, nil)
	require.NoError(t, err)
	assert.Equal(t, "arn:aws:s3:::"+vaultBucket, state["arn"].StringValue())
}

// TestS3UpdateAndDeleteAgainstMoto: an update is read back, a deleted side resource reads
// as gone, deleting versioning suspends it, and a bucket that does not exist reads as gone.
func TestS3UpdateAndDeleteAgainstMoto(t *testing.T) {
	b := newMotoS3(t)
	ctx := t.Context()
	for _, r := range vault[:6] {
		_, _, err := b.Create(ctx, r.typ, props(t, r.inputs))
		require.NoError(t, err, r.typ)
	}
	suspended := props(t, `{"bucket":"acme-backups-moto","versioningConfiguration":{"status":"Suspended"}}`)
	state, err := b.Update(ctx, awstypes.Versioning, vaultBucket, nil, suspended)
	require.NoError(t, err)
	assert.Equal(t, "Suspended", state["versioningConfiguration"].ObjectValue()["status"].StringValue())
	read, _, err := b.Read(ctx, awstypes.Versioning, vaultBucket, nil)
	require.NoError(t, err)
	assert.True(t, suspended.DeepEquals(read), "read %v", read)

	for _, typ := range []string{awstypes.Encryption, awstypes.Ownership, awstypes.PublicAccessBlock, awstypes.BucketPolicy} {
		require.NoError(t, b.Delete(ctx, typ, vaultBucket, nil), typ)
		read, state, err := b.Read(ctx, typ, vaultBucket, nil)
		require.NoError(t, err, typ)
		assert.Nil(t, read, typ)
		assert.Nil(t, state, typ)
	}
	require.NoError(t, b.Delete(ctx, awstypes.Versioning, vaultBucket, nil))
	read, _, err = b.Read(ctx, awstypes.Versioning, vaultBucket, nil)
	require.NoError(t, err)
	assert.Equal(t, "Suspended", read["versioningConfiguration"].ObjectValue()["status"].StringValue())

	require.NoError(t, b.Delete(ctx, awstypes.Bucket, vaultBucket, nil))
	for _, typ := range []string{awstypes.Bucket, awstypes.Versioning, awstypes.Lifecycle} {
		read, _, err := b.Read(ctx, typ, vaultBucket, nil)
		require.NoError(t, err, typ)
		assert.Nil(t, read, typ)
	}
}

// TestS3RefusesWhatItDoesNotServe: an input the backend has no field for is an error
// naming it, not an input AWS silently never sees.
func TestS3RefusesWhatItDoesNotServe(t *testing.T) {
	b := newMotoS3(t)
	_, _, err := b.Create(t.Context(), awstypes.Bucket, props(t, `{"bucket":"acme-x","forceDestroy":true}`))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "forceDestroy")
	assert.False(t, b.Serves(awstypes.User))
}

// TestParseEndpointsOnlyLoopback: the backend talks only to an emulator on this machine.
func TestParseEndpointsOnlyLoopback(t *testing.T) {
	for _, tc := range []struct {
		name, value string
		want        map[string]string
		err         string
	}{
		{"unset", ``, nil, ""},
		{"json text", `[{"s3":"http://127.0.0.1:5000"},{"iam":"http://localhost:5000"}]`, map[string]string{"s3": "http://127.0.0.1:5000", "iam": "http://localhost:5000"}, ""},
		{"remote", `[{"s3":"https://s3.example.com"}]`, nil, "only to an emulator on this machine"},
		{"not a list", `{"s3":"http://127.0.0.1:5000"}`, nil, "want a list"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseEndpoints(resource.NewProperty(tc.value))
			if tc.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}

// TestS3CreateOfAnExistingBucketFails: creating a bucket that exists fails as the provider
// fails it. In us-east-1 S3 itself answers 200 OK (moto too), so the provider looks first
// and refuses with BucketAlreadyExists; elsewhere S3 refuses with BucketAlreadyOwnedByYou.
func TestS3CreateOfAnExistingBucketFails(t *testing.T) {
	b := newMotoS3(t)
	ctx := t.Context()
	for _, tc := range []struct{ region, code string }{{"us-east-1", "BucketAlreadyExists"}, {"eu-west-1", "BucketAlreadyOwnedByYou"}} {
		b.region = tc.region
		inputs := props(t, `{"bucket":"acme-exists-`+tc.region+`"}`)
		_, _, err := b.Create(ctx, awstypes.Bucket, inputs)
		require.NoError(t, err, tc.region)
		_, _, err = b.Create(ctx, awstypes.Bucket, inputs)
		require.Error(t, err, "%s: a second create of the bucket fails", tc.region)
		assert.Contains(t, err.Error(), tc.code, tc.region)
	}
}

// motoServerConfig is a new moto and the configuration of a provider whose aws:endpoints
// name it.
func motoServerConfig(t *testing.T) (*mototest.Server, Config) {
	t.Helper()
	server := mototest.Start(t)
	return server, serverConfig(t, server)
}

// TestS3BucketLoggingAgainstMoto: the audit trail's server access logging is put into a
// log bucket whose policy lets the logging service write (moto refuses it without that
// policy, as S3 does), read back by a refresh and an import, updated in place, and turned
// off by a delete.
func TestS3BucketLoggingAgainstMoto(t *testing.T) {
	b := newMotoS3(t)
	ctx := t.Context()
	logging := props(t, `{"bucket":"acme-audit-trail","targetBucket":"acme-audit-access-logs","targetPrefix":"acme-audit-trail/"}`)
	for _, r := range []struct{ typ, inputs string }{
		{awstypes.Bucket, `{"bucket":"acme-audit-trail"}`},
		{awstypes.Bucket, `{"bucket":"acme-audit-access-logs"}`},
	} {
		_, _, err := b.Create(ctx, r.typ, props(t, r.inputs))
		require.NoError(t, err, r.inputs)
	}
	_, _, err := b.Create(ctx, awstypes.BucketLogging, logging)
	require.Error(t, err, "no policy lets the logging service write into the log bucket")
	assert.Contains(t, err.Error(), "InvalidTargetBucketForLogging")

	_, _, err = b.Create(ctx, awstypes.BucketPolicy, props(t, `{"bucket":"acme-audit-access-logs","policy":"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"S3ServerAccessLogsPolicy\",\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"logging.s3.amazonaws.com\"},\"Action\":\"s3:PutObject\",\"Resource\":\"arn:aws:s3:::acme-audit-access-logs/*\",\"Condition\":{\"ArnLike\":{\"aws:SourceArn\":\"arn:aws:s3:::acme-audit-trail\"}}}]}"}`))
	require.NoError(t, err)
	id, state, err := b.Create(ctx, awstypes.BucketLogging, logging)
	require.NoError(t, err)
	assert.Equal(t, "acme-audit-trail", id)
	assert.True(t, logging.DeepEquals(state), "state %v", state)
	for _, olds := range []resource.PropertyMap{logging, nil} {
		read, _, err := b.Read(ctx, awstypes.BucketLogging, id, olds)
		require.NoError(t, err)
		assert.True(t, logging.DeepEquals(read), "refresh %v: read %v", olds != nil, read)
	}

	moved := props(t, `{"bucket":"acme-audit-trail","targetBucket":"acme-audit-access-logs","targetPrefix":"moved/"}`)
	state, err = b.Update(ctx, awstypes.BucketLogging, id, logging, moved)
	require.NoError(t, err)
	assert.Equal(t, "moved/", state["targetPrefix"].StringValue())

	require.NoError(t, b.Delete(ctx, awstypes.BucketLogging, id, moved))
	read, _, err := b.Read(ctx, awstypes.BucketLogging, id, nil)
	require.NoError(t, err)
	assert.Nil(t, read, "logging turned off reads as gone")
}
