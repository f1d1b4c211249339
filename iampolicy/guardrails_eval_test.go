package iampolicy_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-aws/secure-aws/iampolicy"
	"github.com/secure-aws/secure-aws/internal/testsupport/iameval"
)

// The guard-rails, judged by the evaluator of mfa_eval_test.go on the documents the
// console groups and the deploy role carry, beside stand-ins for their AWS managed
// policies.

const evalAccount = "111111111111"

var evalPaths = iampolicy.UserPaths{Console: []string{"/admins/", "/developers/"}, Machine: []string{"/apps/", "/third-party/", "/backup/"}}

func userARN(pathAndName string) string {
	return "arn:aws:iam::" + evalAccount + ":user/" + pathAndName
}

func render(t *testing.T, doc iampolicy.Document) string {
	t.Helper()
	text, err := doc.JSON()
	require.NoError(t, err)
	return text
}

// allowAll stands for AdministratorAccess, and for whatever an AWS managed policy may
// grant tomorrow.
const allowAll = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`

// TestAdminsMintNoCredentialForConsoleUsers: an admin signed in with MFA holds
// AdministratorAccess, yet mints no programmatic credential for any console user, an
// admin's or a developer's, gives no machine user a console password, and moves no
// guarded user out of its path; the admin's own work on console users (a password reset)
// and on machine users (their keys) stays possible.
func TestAdminsMintNoCredentialForConsoleUsers(t *testing.T) {
	docs := []string{allowAll, render(t, iampolicy.AdminConsolePolicy("aws", evalAccount, evalPaths))}
	for _, c := range []struct {
		action, resource string
		want             bool
	}{
		{"iam:CreateAccessKey", userARN("developers/carol"), false},
		{"iam:CreateAccessKey", userARN("admins/bob"), false},
		{"iam:UpdateAccessKey", userARN("developers/carol"), false},
		{"iam:UploadSSHPublicKey", userARN("developers/carol"), false},
		{"iam:UpdateSSHPublicKey", userARN("developers/carol"), false},
		{"iam:CreateServiceSpecificCredential", userARN("developers/carol"), false},
		{"iam:ResetServiceSpecificCredential", userARN("developers/carol"), false},
		{"iam:UpdateServiceSpecificCredential", userARN("developers/carol"), false},
		{"iam:UploadSigningCertificate", userARN("developers/carol"), false},
		{"iam:UpdateSigningCertificate", userARN("developers/carol"), false},
		{"iam:CreateLoginProfile", userARN("apps/my-application-production"), false},
		{"iam:UpdateLoginProfile", userARN("third-party/zencoder-production"), false},
		{"iam:CreateLoginProfile", userARN("backup/backup-production"), false},
		{"iam:UpdateUser", userARN("developers/carol"), false},
		{"iam:UpdateUser", userARN("apps/my-application-production"), false},
		// What admins are for.
		{"iam:UpdateLoginProfile", userARN("developers/carol"), true},
		{"iam:CreateLoginProfile", userARN("admins/bob"), true},
		{"iam:CreateAccessKey", userARN("apps/my-application-production"), true},
		{"iam:DeleteAccessKey", userARN("developers/carol"), true},
		{"iam:EnableMFADevice", userARN("developers/carol"), true},
	} {
		r := request{"alice", c.action, c.resource, true}
		assert.Equal(t, c.want, allowed(t, docs, r), "%+v", r)
	}
}

// TestDeployRoleGuardrailDecisions: the deploy role's AWS managed policies grant IAM and CloudTrail
// in full; its own policy keeps what the program does (login profiles for console users,
// keys for machine users, moving users, managing the trail) and denies the rest.
func TestDeployRoleGuardrailDecisions(t *testing.T) {
	iamFull := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:*","organizations:ListAccounts"],"Resource":"*"}]}`
	trailFull := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"cloudtrail:*","Resource":"*"}]}`
	docs := []string{iamFull, trailFull, render(t, iampolicy.DeployRoleGuardrails("aws", evalAccount, evalPaths))}
	trail := "arn:aws:cloudtrail:us-east-1:" + evalAccount + ":trail/acme-corp-audit"
	for _, c := range []struct {
		action, resource string
		want             bool
	}{
		{"iam:CreateAccessKey", userARN("admins/alice"), false},
		{"iam:CreateAccessKey", userARN("developers/carol"), false},
		{"iam:UploadSSHPublicKey", userARN("developers/carol"), false},
		{"iam:CreateServiceSpecificCredential", userARN("admins/alice"), false},
		{"iam:UploadSigningCertificate", userARN("admins/alice"), false},
		{"iam:UpdateAccessKey", userARN("admins/alice"), false},
		{"iam:CreateLoginProfile", userARN("apps/my-application-production"), false},
		{"iam:UpdateLoginProfile", userARN("backup/backup-production"), false},
		{"cloudtrail:StopLogging", trail, false},
		{"cloudtrail:DeleteTrail", trail, false},
		{"cloudtrail:StopLogging", "arn:aws:cloudtrail:eu-west-1:" + evalAccount + ":trail/made-by-hand", false},
		// What `pulumi up` does.
		{"iam:CreateLoginProfile", userARN("admins/alice"), true},
		{"iam:CreateLoginProfile", userARN("developers/carol"), true},
		{"iam:CreateAccessKey", userARN("apps/my-application-production"), true},
		{"iam:UpdateAccessKey", userARN("third-party/zencoder-production"), true},
		{"iam:UpdateUser", userARN("admins/alice"), true},
		{"iam:DeleteUser", userARN("developers/carol"), true},
		{"cloudtrail:CreateTrail", trail, true},
		{"cloudtrail:UpdateTrail", trail, true},
		{"cloudtrail:StartLogging", trail, true},
	} {
		r := request{"", c.action, c.resource, false}
		assert.Equal(t, c.want, allowed(t, docs, r), "%+v", r)
	}
}

// viewOnlyAccess is the part of job-function/ViewOnlyAccess (v46) that grants the reads
// below, with its own wildcards.
const viewOnlyAccess = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Resource":"*","Action":[
"autoscaling:Describe*","directconnect:Describe*","ec2:DescribeInstance*",
"ec2:DescribeLaunchTemplateVersions","ec2:DescribeSpot*","ec2:DescribeVpnConnections",
"ecs:Describe*","lambda:List*","sagemaker:Describe*"]}]}`

// TestDevelopersReadNoSecrets: a developer signed in with MFA reads none of the places
// secrets sit, whether ViewOnlyAccess grants the read today (viewOnly) or an allow-listed
// managed policy grants it later (allowAll); what lists and describes without secrets
// stays allowed.
func TestDevelopersReadNoSecrets(t *testing.T) {
	console := render(t, iampolicy.DeveloperConsolePolicy("aws", evalAccount, evalPaths))
	for _, c := range []struct {
		action   string
		viewOnly bool // granted by ViewOnlyAccess itself
	}{
		{"ec2:DescribeInstanceAttribute", true}, // user data
		{"ec2:DescribeLaunchTemplateVersions", true},
		{"ec2:GetLaunchTemplateData", false},
		{"ec2:DescribeSpotFleetRequests", true},
		{"ec2:DescribeSpotInstanceRequests", true},
		{"autoscaling:DescribeLaunchConfigurations", true},
		{"ec2:DescribeVpnConnections", true}, // tunnel pre-shared keys
		{"ec2:GetVpnConnectionDeviceSampleConfiguration", false},
		{"directconnect:DescribeVirtualInterfaces", true}, // BGP keys
		{"lambda:ListFunctions", true},                    // every function's environment
		{"lambda:ListVersionsByFunction", true},
		{"lambda:GetFunction", false},
		{"lambda:GetFunctionConfiguration", false},
		{"ecs:DescribeTaskDefinition", true},
		{"ecs:DescribeTasks", true},
		{"sagemaker:DescribeModel", true},
		{"sagemaker:DescribeTrainingJob", true},
		{"sagemaker:DescribeProcessingJob", true},
		{"sagemaker:DescribeTransformJob", true},
		{"batch:DescribeJobDefinitions", false},
		{"batch:DescribeJobs", false},
		{"codebuild:BatchGetProjects", false},
		{"codebuild:BatchGetBuilds", false},
		{"elasticbeanstalk:DescribeConfigurationSettings", false},
		{"secretsmanager:GetSecretValue", false},
		{"secretsmanager:BatchGetSecretValue", false},
		{"ssm:GetParameter", false},
		{"ssm:GetParameters", false},
		{"ssm:GetParametersByPath", false},
		{"ssm:GetParameterHistory", false},
		{"cloudformation:GetTemplate", false},
		{"glue:GetConnection", false},
		{"glue:GetConnections", false},
	} {
		r := request{"carol", c.action, "*", true}
		assert.Equal(t, c.viewOnly, allowed(t, []string{viewOnlyAccess}, r), "ViewOnlyAccess grants %s", c.action)
		assert.False(t, allowed(t, []string{viewOnlyAccess, console}, r), "%s with ViewOnlyAccess", c.action)
		assert.False(t, allowed(t, []string{allowAll, console}, r), "%s with any managed policy", c.action)
	}
	for _, a := range []string{"ec2:DescribeInstances", "ecs:DescribeServices", "lambda:ListAliases", "autoscaling:DescribeAutoScalingGroups", "sagemaker:DescribeEndpoint"} {
		assert.True(t, allowed(t, []string{viewOnlyAccess, console}, request{"carol", a, "*", true}), "%s lists or describes without secrets", a)
	}
	assert.False(t, allowed(t, []string{allowAll, console}, request{"carol", "iam:CreateAccessKey", userARN("admins/alice"), true}),
		"developers are held to the console guard-rails too")
}

// TestGrantsReachOnlyTheirOwnersBuckets: an application's grant on an external bucket
// allows its actions only while the bucket belongs to the account the configuration
// names (S3 sets s3:ResourceAccount to the bucket owner's account); the same bucket name
// registered again by another account, or a request without the key, is refused, and the
// destructive deny holds whoever owns the bucket.
func TestGrantsReachOnlyTheirOwnersBuckets(t *testing.T) {
	owners := iampolicy.BucketOwners{Account: evalAccount, External: map[string]string{"partner-drop": "222222222222"}}
	doc, err := iampolicy.S3AccessDocument("aws", owners, []iampolicy.S3Grant{
		{Bucket: "partner-drop", Actions: []string{"s3:GetObject", "s3:PutObject", "s3:DeleteObject"}, AllowDelete: true},
		{Bucket: "acme-assets", Actions: []string{"s3:GetObject"}},
	})
	require.NoError(t, err)
	app := []string{render(t, doc)}
	request := func(action, object, owner string) iameval.Request {
		r := iameval.Request{Principal: userARN("apps/my-app-production"), Action: action, Resource: "arn:aws:s3:::" + object}
		if owner != "" {
			r = r.With("s3:ResourceAccount", owner)
		}
		return r
	}
	for _, c := range []struct {
		action, object, owner string
		want                  bool
	}{
		{"s3:PutObject", "partner-drop/in/a.csv", "222222222222", true},
		{"s3:PutObject", "partner-drop/in/a.csv", "333333333333", false},
		{"s3:PutObject", "partner-drop/in/a.csv", evalAccount, false},
		{"s3:PutObject", "partner-drop/in/a.csv", "", false},
		{"s3:GetObject", "acme-assets/logo.png", evalAccount, true},
		{"s3:GetObject", "acme-assets/logo.png", "222222222222", false},
		{"s3:DeleteObjectVersion", "partner-drop/in/a.csv", "222222222222", false},
	} {
		assert.Equal(t, c.want, iameval.Allowed(t, app, "", request(c.action, c.object, c.owner)), "%s on %s owned by %q", c.action, c.object, c.owner)
	}
}
