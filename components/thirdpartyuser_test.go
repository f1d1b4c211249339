package components

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"

	"github.com/secure-aws/secure-aws/iampolicy"
	"github.com/secure-aws/secure-aws/spec"
)

func zencoderArgs() *ThirdPartyUserArgs {
	return &ThirdPartyUserArgs{
		Account:     testAccount,
		Stack:       testStack,
		Environment: "production",
		Principal: spec.Principal{
			Name: "zencoder",
			Grants: []iampolicy.S3Grant{
				{Bucket: "acme-assets-production", Prefix: "uploads/", Actions: []string{"s3:GetObject", "s3:ListBucket"}},
				{Bucket: "acme-assets-production", Prefix: "encoded/", Actions: []string{"s3:PutObject"}},
			},
		},
	}
}

func newTestThirdParty(args *ThirdPartyUserArgs) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		_, err := NewThirdPartyUser(ctx, "zencoder", args)
		return err
	}
}

func TestThirdPartyUserIsLimitedToPrefixes(t *testing.T) {
	rec := mustRun(t, newTestThirdParty(zencoderArgs()))
	statements := principalChecks(t, rec, "zencoder-production", spec.ThirdPartyUserPath, false,
		"BucketAcmeAssetsProductionUploads", "ObjectsAcmeAssetsProductionUploads",
		"ObjectsAcmeAssetsProductionEncoded", "DenyDestructiveS3Actions")

	list := statement(t, statements, "BucketAcmeAssetsProductionUploads")
	assert.Equal(t, "s3:ListBucket", list["Action"])
	assert.Equal(t, map[string]any{"StringLike": map[string]any{"s3:prefix": "uploads/*"}, "StringEquals": map[string]any{"s3:ResourceAccount": "111111111111"}}, list["Condition"],
		"listing is confined to the prefix, on the bucket of the stack's account")
	assert.Equal(t, "arn:aws:s3:::acme-assets-production/uploads/*", statement(t, statements, "ObjectsAcmeAssetsProductionUploads")["Resource"])
	encoded := statement(t, statements, "ObjectsAcmeAssetsProductionEncoded")
	assert.Equal(t, "s3:PutObject", encoded["Action"])
	assert.Equal(t, "arn:aws:s3:::acme-assets-production/encoded/*", encoded["Resource"])
	// The deny covers the whole bucket, not just the prefixes.
	deny := statement(t, statements, "DenyDestructiveS3Actions")
	assert.ElementsMatch(t, []any{"arn:aws:s3:::acme-assets-production", "arn:aws:s3:::acme-assets-production/*"}, deny["Resource"])
}

func TestThirdPartyUserRejectsBadArgs(t *testing.T) {
	whole := zencoderArgs()
	whole.Grants[1].Actions = []string{"s3:PutObject", "s3:GetBucketTagging"}
	noService := zencoderArgs()
	noService.Name = ""
	noStack := zencoderArgs()
	noStack.Stack = ""
	cases := map[string]struct {
		args *ThirdPartyUserArgs
		want string
	}{
		"nil":                       {nil, "args are required"},
		"no service":                {noService, "name is required"},
		"no stack":                  {noStack, "stack is required"},
		"bucket action with prefix": {whole, "cannot be limited to prefix"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) { requireRejected(t, c.want, newTestThirdParty(c.args)) })
	}
}
