package mototest

import (
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

// AdminUser is the IAM user Admin makes to sign the test's own requests: allowed every
// action on every resource by an inline policy without a condition.
const AdminUser = "mototest-admin"

// As is the server seen by whoever holds the access key id and secret: Config, Env and AWS
// sign with them. Only a key moto issued (iam create-access-key) passes once Enforce is on.
func (s *Server) As(id, secret string) *Server {
	c := *s
	c.keyID, c.secret = id, secret
	return &c
}

// Admin makes AdminUser with a key (through the SDK: this is set-up, not a read-back) and
// returns the server as AdminUser (As); give its Env to every process of the test (the
// provider, the AWS CLI), so that they keep working once Enforce is on.
func (s *Server) Admin(t testing.TB) *Server {
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
	return s.As(aws.ToString(key.AccessKey.AccessKeyId), aws.ToString(key.AccessKey.SecretAccessKey))
}

// Enforce makes moto authenticate every request until stop or the end of t, and authorize it with the
// identity policies of the user whose key signed it, as moto's
// INITIAL_NO_AUTH_ACTION_COUNT does: set at run time (POST /moto-api/reset-auth, the count
// of requests left unchecked, here 0, and back to unlimited by stop), so a server of
// MOTO_SERVER_URL enforces too. Until then a request signed with a key moto did not issue
// is refused (InvalidClientTokenId, or InvalidAccessKeyId from S3). moto checks the
// signature, the key's existence and the user's policies, inline, attached and through its
// groups; what it leaves out, and the requests whose signature it miscomputes (those with
// an empty body on a REST API, such as GuardDuty's GetDetector), are in
// docs/engine-tests.md. Turn it on for the part of a test that asks who may do what, and
// call stop when that part ends (stop runs again, at no cost, when t ends).
func (s *Server) Enforce(t testing.TB) (stop func()) {
	t.Helper()
	s.post(t, "/moto-api/reset-auth", "0")
	var once sync.Once
	stop = func() { once.Do(func() { s.post(t, "/moto-api/reset-auth", "inf") }) }
	t.Cleanup(stop)
	return stop
}
