package record

import (
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/secure-aws/secure-aws/awstypes"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRecorderKeepsEveryOption: what the tests and the offline plan rely on the recorder
// to have kept.
func TestRecorderKeepsEveryOption(t *testing.T) {
	rec := New("secure-aws", "test")
	var arn *Value[string]
	require.NoError(t, rec.Run(map[string]string{"aws:region": "us-gov-west-1", "aws:allowedAccountIds": `["222222222222"]`}, false, func(ctx *pulumi.Context) error {
		bucket, err := s3.NewBucketV2(ctx, "b", &s3.BucketV2Args{Bucket: pulumi.String("acme-b")},
			pulumi.Protect(true), pulumi.RetainOnDelete(true), pulumi.Aliases([]pulumi.Alias{{Name: pulumi.String("old-b")}}))
		if err != nil {
			return err
		}
		user, err := iam.NewUser(ctx, "u", &iam.UserArgs{Name: pulumi.String("app-test"), Path: pulumi.String("/apps/")},
			pulumi.DependsOn([]pulumi.Resource{bucket}), pulumi.IgnoreChanges([]string{"tags"}))
		if err != nil {
			return err
		}
		arn = Capture[string](user.Arn)
		return nil
	}))

	b, ok := rec.Find(awstypes.Bucket, "b")
	require.True(t, ok)
	assert.True(t, b.Protect)
	assert.True(t, b.RetainOnDelete)
	assert.Contains(t, b.Aliases, "name=old-b type= parent=", "the program's alias (the SDK adds the provider's own)")
	assert.Equal(t, "urn:pulumi:test::secure-aws::aws:s3/bucketV2:BucketV2::b", b.URN)

	u, ok := rec.Find(awstypes.User, "u")
	require.True(t, ok)
	assert.Equal(t, []string{b.URN}, u.Dependencies)
	assert.Equal(t, []string{"tags"}, u.IgnoreChanges)
	got, known, _ := arn.Get()
	require.True(t, known)
	assert.Equal(t, "arn:aws-us-gov:iam::222222222222:user/apps/app-test", got, "ARNs as AWS builds them, from the stack's region and account")
}

func TestRecorderRefusesInvokes(t *testing.T) {
	rec := New("secure-aws", "test")
	err := rec.Run(nil, false, func(ctx *pulumi.Context) error {
		_, err := iam.LookupUser(ctx, &iam.LookupUserArgs{UserName: "someone"})
		return err
	})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "unexpected invoke aws:iam/getUser:getUser")
}

func TestRecorderUnknownsInPreview(t *testing.T) {
	rec := New("secure-aws", "test")
	rec.Unknowns = true
	require.NoError(t, rec.Run(nil, true, func(ctx *pulumi.Context) error {
		user, err := iam.NewUser(ctx, "u", &iam.UserArgs{Name: pulumi.String("app-test")})
		if err != nil {
			return err
		}
		_, err = iam.NewAccessKey(ctx, "k", &iam.AccessKeyArgs{User: user.Arn})
		return err
	}))
	key, ok := rec.Find(awstypes.AccessKey, "k")
	require.True(t, ok)
	assert.True(t, key.Inputs.ContainsUnknowns(), "an input from an attribute not known in a preview stays unknown")
}
