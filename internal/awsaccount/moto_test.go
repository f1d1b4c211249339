package awsaccount

import (
	"context"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-aws/secure-aws/internal/adoptcheck"
)

// motoServer starts moto (an AWS stand-in no one here wrote) on a free loopback port and
// stops it when the test ends. It returns an HTTP client that sends every request to it,
// whatever the host: S3 Control puts the account id in front of the endpoint's host
// (111111111111.127.0.0.1), which no resolver knows, and nothing may leave the machine.
func motoServer(t *testing.T) (endpoint string, client aws.HTTPClient) {
	t.Helper()
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 is not installed, so moto cannot run")
	}
	if err := exec.Command("python3", "-c", "import moto.server").Run(); err != nil {
		t.Skip("moto is not installed for python3 (pip install 'moto[server]')")
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	_, port, err := net.SplitHostPort(addr)
	require.NoError(t, err)
	cmd := exec.Command("python3", "-m", "moto.server", "-H", "127.0.0.1", "-p", port)
	// moto runs boto itself: it gets none of the test's AWS settings (an empty AWS_PROFILE
	// is a profile it cannot find) and no proxy.
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); !strings.HasPrefix(k, "AWS_") && !strings.HasSuffix(strings.ToUpper(k), "_PROXY") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, "AWS_ACCESS_KEY_ID=testing", "AWS_SECRET_ACCESS_KEY=testing", "AWS_DEFAULT_REGION=us-east-1")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	require.NoError(t, cmd.Start())
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-done
		if t.Failed() {
			t.Logf("moto's log:\n%s", stderr.String())
		}
	})
	dial := func(ctx context.Context, _, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, "tcp", addr)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		conn, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			require.NoError(t, conn.Close())
			break
		}
		select {
		case err := <-done:
			t.Fatalf("moto stopped before it listened: %v", err)
		default:
		}
		require.True(t, time.Now().Before(deadline), "moto did not listen on %s within 30s", addr)
		time.Sleep(100 * time.Millisecond)
	}
	return "http://" + addr, awshttp.NewBuildableClient().WithTransportOptions(func(tr *http.Transport) {
		tr.Proxy = nil
		tr.DialContext = dial
	})
}

// TestAdoptedBucketAgainstMoto: a bucket with a replication rule, two lifecycle rules, an
// event notification and an access point, made in moto with the AWS SDK; the reader finds
// each, and nothing on a bare bucket.
func TestAdoptedBucketAgainstMoto(t *testing.T) {
	offlineAWSEnv(t)
	endpoint, httpClient := motoServer(t)
	t.Setenv("AWS_ENDPOINT_URL_S3", endpoint)
	t.Setenv("AWS_ENDPOINT_URL_S3_CONTROL", endpoint)
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
	offlineAWSEnv(t)
	endpoint, httpClient := motoServer(t)
	t.Setenv("AWS_ENDPOINT_URL_IAM", endpoint)
	ctx := t.Context()
	cfg, err := awsconfig.LoadDefaultConfig(ctx, awsconfig.WithRegion("us-east-1"), awsconfig.WithHTTPClient(httpClient),
		awsconfig.WithCredentialsProvider(credentials.NewStaticCredentialsProvider("AKIDTEST", "secret", "")))
	require.NoError(t, err)
	client := iam.NewFromConfig(cfg)
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

	r := AWSReader{Get: configGetter(map[string]string{"aws:region": "us-east-1", "aws:accessKey": "AKIDTEST", "aws:secretKey": "secret"}), httpClient: httpClient}
	groups, err := r.UserGroups(ctx, "my-application-production")
	require.NoError(t, err)
	assert.ElementsMatch(t, []string{"my-application-production", "power-users"}, groups)
	groups, err = r.UserGroups(ctx, "zencoder-production")
	require.NoError(t, err)
	assert.Empty(t, groups)
	_, err = r.UserGroups(ctx, "nobody")
	assert.Error(t, err, "a user that does not exist")
}
