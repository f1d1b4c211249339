package mototest

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

// AdminUser is the IAM user Enforce makes to sign the test's own requests: allowed every
// action on every resource by an inline policy without a condition.
const AdminUser = "mototest-admin"

// As is the server seen by whoever holds the access key id and secret: Config, Env and AWS
// sign with them. Only a key moto issued (iam create-access-key) passes once Enforce is on.
func (s *Server) As(id, secret string) *Server {
	c := *s
	c.keyID, c.secret = id, secret
	return &c
}

// Enforce makes moto authenticate every later request and authorize it with the identity
// policies of the user whose key signed it, as moto's INITIAL_NO_AUTH_ACTION_COUNT does:
// set at run time (POST /moto-api/reset-auth, the count of requests left unchecked, here
// 0), so a server of MOTO_SERVER_URL enforces too. It first makes AdminUser with a key
// (through the SDK: this is set-up, not a read-back), and returns the server as AdminUser
// (As); give its Env to every process of the test (the provider, the AWS CLI). Until the
// test ends or Reset, a request signed with any other key is refused
// (InvalidClientTokenId, or InvalidAccessKeyId from S3). moto checks the signature, the
// key's existence and the user's policies, inline, attached and through its groups; what
// it leaves out is in docs/engine-tests.md (every Condition counts as met, an Inactive key
// still signs).
func (s *Server) Enforce(t testing.TB) *Server {
	t.Helper()
	client := iam.NewFromConfig(s.Config(t))
	ctx := t.Context()
	if _, err := client.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(AdminUser)}); err != nil {
		t.Fatalf("making %s: %v", AdminUser, err)
	}
	if _, err := client.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String(AdminUser), PolicyName: aws.String("everything"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`)}); err != nil {
		t.Fatalf("allowing %s everything: %v", AdminUser, err)
	}
	key, err := client.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String(AdminUser)})
	if err != nil {
		t.Fatalf("a key for %s: %v", AdminUser, err)
	}
	s.post(t, "/moto-api/reset-auth", "0")
	t.Cleanup(func() { s.post(t, "/moto-api/reset-auth", "inf") })
	return s.As(aws.ToString(key.AccessKey.AccessKeyId), aws.ToString(key.AccessKey.SecretAccessKey))
}
