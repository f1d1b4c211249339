package awsmodel_test

import (
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-aws/secure-aws/awstypes"
	"github.com/secure-aws/secure-aws/internal/awsmodel"
	"github.com/secure-aws/secure-aws/internal/config"
	"github.com/secure-aws/secure-aws/internal/program"
	"github.com/secure-aws/secure-aws/internal/record"
	"github.com/secure-aws/secure-aws/internal/testsupport/fixtures"
	"github.com/secure-aws/secure-aws/internal/testsupport/stackgen"
)

// TestEveryTypeIsModelled: every resource type the program creates has a replacement
// rule, so the stand-in provider never guesses; a new type fails here until it is added.
func TestEveryTypeIsModelled(t *testing.T) {
	everything := stackgen.Everything()
	rec := record.New(config.Project, "production")
	require.NoError(t, rec.Run(everything, false, program.Run(program.Env{Account: fixtures.HealthyAccount{}, ConfigKeys: slices.Collect(maps.Keys(everything))})))
	types := map[string]bool{}
	for _, r := range rec.Registrations() {
		if r.Custom && !strings.HasPrefix(r.Type, "pulumi:providers:") {
			types[r.Type] = true
		}
	}
	require.Len(t, types, len(awsmodel.ReplaceOn), "the program creates exactly the modelled types")
	for typ := range types {
		_, ok := awsmodel.ReplaceOn[typ]
		assert.True(t, ok, "%s has no entry in awsmodel.ReplaceOn", typ)
	}
}

// TestStateAsAWSReports: ids and ARNs take the shapes AWS gives them.
func TestStateAsAWSReports(t *testing.T) {
	a := awsmodel.Account{ID: "222222222222", Partition: "aws-cn", Region: "cn-north-1"}
	noCredential := func(string, string) string { t.Fatal("no credential expected"); return "" }
	in := func(kv ...string) resource.PropertyMap {
		m := resource.PropertyMap{}
		for i := 0; i < len(kv); i += 2 {
			m[resource.PropertyKey(kv[i])] = resource.NewProperty(kv[i+1])
		}
		return m
	}
	for _, c := range []struct {
		typ    string
		inputs resource.PropertyMap
		id     string
		arn    string
	}{
		{awstypes.User, in("name", "web-prod", "path", "/apps/"), "web-prod", "arn:aws-cn:iam::222222222222:user/apps/web-prod"},
		{awstypes.User, in("name", "bob"), "bob", "arn:aws-cn:iam::222222222222:user/bob"},
		{awstypes.Group, in("name", "admins", "path", "/admins/"), "admins", "arn:aws-cn:iam::222222222222:group/admins/admins"},
		{awstypes.Role, in("name", "deploy"), "deploy", "arn:aws-cn:iam::222222222222:role/deploy"},
		{awstypes.Policy, in("name", "web-s3", "path", "/apps/"), "arn:aws-cn:iam::222222222222:policy/apps/web-s3", "arn:aws-cn:iam::222222222222:policy/apps/web-s3"},
		{awstypes.Bucket, in("bucket", "acme-assets"), "acme-assets", "arn:aws-cn:s3:::acme-assets"},
		{awstypes.Versioning, in("bucket", "acme-assets"), "acme-assets", ""},
		{awstypes.OIDCProvider, in("url", "https://token.actions.githubusercontent.com"), "arn:aws-cn:iam::222222222222:oidc-provider/token.actions.githubusercontent.com", "arn:aws-cn:iam::222222222222:oidc-provider/token.actions.githubusercontent.com"},
		{awstypes.Analyzer, in("analyzerName", "acme"), "acme", "arn:aws-cn:access-analyzer:cn-north-1:222222222222:analyzer/acme"},
		{awstypes.AccountPublicAccess, in(), "222222222222", ""},
		{awstypes.AccountPasswordPolicy, in(), "iam-account-password-policy", ""},
	} {
		id, state := a.State(c.typ, "x", c.inputs, noCredential)
		assert.Equal(t, c.id, id, c.typ)
		if c.arn != "" {
			assert.Equal(t, c.arn, state["arn"].StringValue(), c.typ)
		}
	}
	// EBS encryption by default has no ARN; the provider makes up a unique id per resource.
	ebsID, _ := a.State(awstypes.EBSEncryptionByDefault, "x", in(), noCredential)
	otherID, _ := a.State(awstypes.EBSEncryptionByDefault, "y", in(), noCredential)
	assert.True(t, strings.HasPrefix(ebsID, "terraform-"), ebsID)
	assert.NotEqual(t, ebsID, otherID)
	id, _ := a.State(awstypes.GroupAttachment, "web-s3", in("group", "web-prod"), noCredential)
	assert.Regexp(t, `^web-prod-[a-z2-7]{16}$`, id)
}

// TestCredentials: a credential is a secret output, or with a PGP key only a ciphertext
// that does not contain it.
func TestCredentials(t *testing.T) {
	a := awsmodel.Account{ID: "222222222222", Partition: "aws", Region: "us-east-1"}
	gen := func(user, kind string) string { return "plain-" + kind + "-" + user }
	id, state := a.State(awstypes.AccessKey, "web-key", resource.PropertyMap{"user": resource.NewProperty("web")}, gen)
	assert.Regexp(t, `^AKIA[A-Z2-7]{16}$`, id)
	require.True(t, state["secret"].IsSecret())
	assert.Equal(t, "plain-secret-web", state["secret"].SecretValue().Element.StringValue())
	assert.Equal(t, "Active", state["status"].StringValue())

	_, state = a.State(awstypes.LoginProfile, "alice", resource.PropertyMap{"user": resource.NewProperty("alice"), "pgpKey": resource.NewProperty("mQENBFake")}, gen)
	assert.NotContains(t, state, resource.PropertyKey("password"))
	assert.True(t, strings.HasPrefix(state["encryptedPassword"].StringValue(), "wcFMA"))
	assert.NotContains(t, state["encryptedPassword"].StringValue(), "plain-")
	assert.NotEmpty(t, state["keyFingerprint"].StringValue())
}

// TestDiff: a changed input the provider replaces on is a replacement, any other an
// update in place; ignored inputs and equal ones are no change, an unknown one is.
func TestDiff(t *testing.T) {
	olds := resource.NewPropertyMapFromMap(map[string]any{"bucket": "a", "versioningConfiguration": map[string]any{"status": "Enabled"}, "gone": "x"})
	news := resource.NewPropertyMapFromMap(map[string]any{"bucket": "b", "versioningConfiguration": map[string]any{"status": "Suspended"}, "added": "y"})
	changed, replaces := awsmodel.Diff(awstypes.Versioning, olds, news, nil)
	assert.Equal(t, []string{"added", "bucket", "gone", "versioningConfiguration"}, changed)
	assert.Equal(t, []string{"bucket"}, replaces)

	changed, replaces = awsmodel.Diff(awstypes.Versioning, olds, news, []string{"bucket", "added", "gone"})
	assert.Equal(t, []string{"versioningConfiguration"}, changed)
	assert.Empty(t, replaces)

	changed, _ = awsmodel.Diff(awstypes.Versioning, olds, olds.Copy(), nil)
	assert.Empty(t, changed)
	unknown := olds.Copy()
	unknown["bucket"] = resource.MakeComputed(resource.NewProperty(""))
	changed, replaces = awsmodel.Diff(awstypes.Versioning, olds, unknown, nil)
	assert.Equal(t, []string{"bucket"}, changed)
	assert.Equal(t, []string{"bucket"}, replaces)
}

// TestCreateFailure: the provider refuses to create what exists with AWS's code, except
// a bucket in us-east-1, where S3 answers 200 OK and the provider's own check refuses it
// with BucketAlreadyExists (terraform-provider-aws internal/service/s3/bucket.go,
// resourceBucketCreate); a "put" type overwrites.
func TestCreateFailure(t *testing.T) {
	for _, tc := range []struct {
		typ, region, code string
		fails             bool
	}{
		{awstypes.Bucket, "us-east-1", "BucketAlreadyExists", true},
		{awstypes.Bucket, "eu-west-1", "BucketAlreadyOwnedByYou", true},
		{awstypes.User, "us-east-1", "EntityAlreadyExists", true},
		{awstypes.Versioning, "us-east-1", "", false},
	} {
		code, fails := awsmodel.CreateFailure(tc.typ, tc.region)
		assert.Equal(t, tc.fails, fails, "%s in %s", tc.typ, tc.region)
		assert.Equal(t, tc.code, code, "%s in %s", tc.typ, tc.region)
	}
}
