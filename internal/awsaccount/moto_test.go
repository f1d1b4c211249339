package awsaccount

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-aws/secure-aws/internal/adoptcheck"
	"github.com/secure-aws/secure-aws/internal/testsupport/mototest"
)

// TestAdoptedBucketAgainstMoto: a bucket with a replication rule, two lifecycle rules, an
// event notification and an access point, made in moto with the AWS SDK; the reader finds
// each, and nothing on a bare bucket.
func TestAdoptedBucketAgainstMoto(t *testing.T) {
	offlineAWSEnv(t)
	moto := mototest.Start(t)
	httpClient := moto.HTTPClient()
	t.Setenv("AWS_ENDPOINT_URL_S3", moto.URL)
	t.Setenv("AWS_ENDPOINT_URL_S3_CONTROL", moto.URL)
	const account = "111111111111"
	ctx := t.Context()

	cfg, err := awsconfig.LoadDefaultConfig(ctx, awsconfig.WithRegion("us-east-1"), awsconfig.WithHTTPClient(httpClient),
		awsconfig.WithCredentialsProvider(credentials.NewStaticCredentialsProvider("AKIDTEST", "secret", "")))
	require.NoError(t, err)
	s3c := s3.NewFromConfig(cfg)
	for _, b := range []string{"legacy-data", "legacy-replica", "legacy-bare"} {
		_, err := s3c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(b)})
		require.NoError(t, err)
	}
	_, err = s3c.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: aws.String("legacy-data"),
		VersioningConfiguration: &s3types.VersioningConfiguration{Status: s3types.BucketVersioningStatusEnabled}})
	require.NoError(t, err)
	_, err = s3c.PutBucketReplication(ctx, &s3.PutBucketReplicationInput{Bucket: aws.String("legacy-data"),
		ReplicationConfiguration: &s3types.ReplicationConfiguration{
			Role: aws.String("arn:aws:iam::" + account + ":role/replication"),
			Rules: []s3types.ReplicationRule{{
				ID: aws.String("to-replica"), Status: s3types.ReplicationRuleStatusEnabled, Priority: aws.Int32(1),
				Filter:                  &s3types.ReplicationRuleFilter{Prefix: aws.String("")},
				DeleteMarkerReplication: &s3types.DeleteMarkerReplication{Status: s3types.DeleteMarkerReplicationStatusDisabled},
				Destination:             &s3types.Destination{Bucket: aws.String("arn:aws:s3:::legacy-replica")},
			}},
		}})
	require.NoError(t, err)
	_, err = s3c.PutBucketLifecycleConfiguration(ctx, &s3.PutBucketLifecycleConfigurationInput{Bucket: aws.String("legacy-data"),
		LifecycleConfiguration: &s3types.BucketLifecycleConfiguration{Rules: []s3types.LifecycleRule{
			{ID: aws.String("expire-old"), Status: s3types.ExpirationStatusEnabled, Filter: &s3types.LifecycleRuleFilter{Prefix: aws.String("")},
				NoncurrentVersionExpiration: &s3types.NoncurrentVersionExpiration{NoncurrentDays: aws.Int32(1)}},
			{ID: aws.String("to-glacier"), Status: s3types.ExpirationStatusEnabled, Filter: &s3types.LifecycleRuleFilter{Prefix: aws.String("logs/")},
				Transitions: []s3types.Transition{{Days: aws.Int32(30), StorageClass: s3types.TransitionStorageClassGlacier}}},
		}}})
	require.NoError(t, err)
	const queue = "arn:aws:sqs:us-east-1:" + account + ":uploads"
	_, err = s3c.PutBucketNotificationConfiguration(ctx, &s3.PutBucketNotificationConfigurationInput{Bucket: aws.String("legacy-data"),
		NotificationConfiguration: &s3types.NotificationConfiguration{QueueConfigurations: []s3types.QueueConfiguration{{
			Id: aws.String("uploads"), QueueArn: aws.String(queue), Events: []s3types.Event{"s3:ObjectCreated:*"},
		}}}})
	require.NoError(t, err)
	_, err = s3control.NewFromConfig(cfg).CreateAccessPoint(ctx, &s3control.CreateAccessPointInput{
		AccountId: aws.String(account), Name: aws.String("partner"), Bucket: aws.String("legacy-data")})
	require.NoError(t, err)

	r := AWSReader{Get: configGetter(map[string]string{"aws:region": "us-east-1", "aws:accessKey": "AKIDTEST", "aws:secretKey": "secret"}), httpClient: httpClient}
	got, err := r.AdoptedBucket(ctx, account, "legacy-data")
	require.NoError(t, err)
	assert.Equal(t, adoptcheck.Existing{
		Replication:   []adoptcheck.ReplicationRule{{ID: "to-replica", Destination: "arn:aws:s3:::legacy-replica"}},
		Lifecycle:     []string{"expire-old", "to-glacier"},
		Notifications: []string{queue},
		AccessPoints:  []string{"partner"},
	}, got)

	bare, err := r.AdoptedBucket(ctx, account, "legacy-bare")
	require.NoError(t, err)
	assert.Equal(t, adoptcheck.Existing{}, bare, "a bucket with none of them has nothing to refuse")

	_, err = r.AdoptedBucket(ctx, account, "no-such-bucket")
	assert.ErrorContains(t, err, "no-such-bucket", "a bucket that is not there is an error, not an empty bucket")
}

// TestUserGroupsAgainstMoto: the credential audit's read of a user's groups, against moto:
// every group the user is in, the one added by hand included, and none for a user in none.
func TestUserGroupsAgainstMoto(t *testing.T) {
	client, r := motoIAM(t)
	ctx := t.Context()
	for _, u := range []string{"my-application-production", "zencoder-production"} {
		_, err := client.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(u), Path: aws.String("/apps/")})
		require.NoError(t, err)
	}
	for _, g := range []string{"my-application-production", "power-users"} {
		_, err := client.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String(g)})
		require.NoError(t, err)
		_, err = client.AddUserToGroup(ctx, &iam.AddUserToGroupInput{GroupName: aws.String(g), UserName: aws.String("my-application-production")})
		require.NoError(t, err)
	}

	groups, err := r.UserGroups(ctx, "my-application-production")
	require.NoError(t, err)
	assert.ElementsMatch(t, []string{"my-application-production", "power-users"}, groups)
	groups, err = r.UserGroups(ctx, "zencoder-production")
	require.NoError(t, err)
	assert.Empty(t, groups)
	_, err = r.UserGroups(ctx, "nobody")
	assert.Error(t, err, "a user that does not exist")
}

// motoIAM starts moto for IAM: a client to set the account up with, and the reader on it.
func motoIAM(t *testing.T) (*iam.Client, AWSReader) {
	t.Helper()
	offlineAWSEnv(t)
	moto := mototest.Start(t)
	httpClient := moto.HTTPClient()
	t.Setenv("AWS_ENDPOINT_URL_IAM", moto.URL)
	cfg, err := awsconfig.LoadDefaultConfig(t.Context(), awsconfig.WithRegion("us-east-1"), awsconfig.WithHTTPClient(httpClient),
		awsconfig.WithCredentialsProvider(credentials.NewStaticCredentialsProvider("AKIDTEST", "secret", "")))
	require.NoError(t, err)
	r := AWSReader{Get: configGetter(map[string]string{"aws:region": "us-east-1", "aws:accessKey": "AKIDTEST", "aws:secretKey": "secret"}), httpClient: httpClient}
	return iam.NewFromConfig(cfg), r
}
