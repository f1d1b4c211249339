package program_test

import (
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/require"

	"github.com/secure-aws/secure-aws/awstypes"
	"github.com/secure-aws/secure-aws/internal/testsupport/mototest"
)

// TestMotoAcceptsEveryPolicy: every IAM policy, role trust and bucket policy the program
// writes for the repository's stack files, whatever a team puts in them, passes the policy
// validation of moto, an AWS no one here wrote (it refuses what IAM calls a
// MalformedPolicyDocument). The program's own checks and the stand-in agree with the
// program by construction; this does not.
func TestMotoAcceptsEveryPolicy(t *testing.T) {
	if testing.Short() {
		t.Skip("needs moto: the full tests run it")
	}
	server := mototest.Start(t)
	cfg := server.Config(t)
	iamc, s3c := iam.NewFromConfig(cfg), s3.NewFromConfig(cfg)
	checked := 0
	for _, stack := range repoStacks(t) {
		server.Reset(t)
		for i, r := range runStack(t, stack).Registrations() {
			name := aws.String(fmt.Sprintf("p%d", i))
			var err error
			switch r.Type {
			case awstypes.Policy:
				_, err = iamc.CreatePolicy(t.Context(), &iam.CreatePolicyInput{PolicyName: name, PolicyDocument: aws.String(r.Input("policy"))})
			case awstypes.Role:
				_, err = iamc.CreateRole(t.Context(), &iam.CreateRoleInput{RoleName: name, AssumeRolePolicyDocument: aws.String(r.Input("assumeRolePolicy"))})
			case awstypes.BucketPolicy:
				bucket := aws.String(r.Input("bucket"))
				if _, err = s3c.CreateBucket(t.Context(), &s3.CreateBucketInput{Bucket: bucket}); err == nil {
					_, err = s3c.PutBucketPolicy(t.Context(), &s3.PutBucketPolicyInput{Bucket: bucket, Policy: aws.String(r.Input("policy"))})
				}
			default:
				continue
			}
			require.NoError(t, err, "%s: moto refuses %s %s", stack, r.Type, r.Name)
			checked++
		}
	}
	require.NotZero(t, checked)
	t.Logf("%d policy documents accepted", checked)
}
