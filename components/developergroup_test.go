package components

import (
	"github.com/secure-aws/secure-aws/awstypes"
	"github.com/secure-aws/secure-aws/iampolicy"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/secure-aws/secure-aws/spec"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func developerArgs(policies []string, users ...spec.ConsoleUser) *DeveloperGroupArgs {
	return &DeveloperGroupArgs{ConsoleGroupArgs: ConsoleGroupArgs{Account: testAccount, Stack: testStack, GroupName: "developers", Path: "/developers/", OtherConsolePaths: []string{"/admins/"}, Users: users, PasswordLength: 20}, ManagedPolicies: policies}
}

func newTestDevelopers(args *DeveloperGroupArgs) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		_, err := NewDeveloperGroup(ctx, "developers", args)
		return err
	}
}

func TestDeveloperGroupCarriesManagedPoliciesAndMFA(t *testing.T) {
	users := []spec.ConsoleUser{{Name: "carol"}}
	rec := mustRun(t, newTestDevelopers(developerArgs([]string{"AWSSupportAccess", "job-function/ViewOnlyAccess"}, users...)))
	consoleMemberChecks(t, rec, "developers", "/developers/", users)
	assert.ElementsMatch(t, []string{
		"arn:aws:iam::aws:policy/AWSSupportAccess",
		"arn:aws:iam::aws:policy/job-function/ViewOnlyAccess",
		"arn:aws:iam::111111111111:policy/developers/developers-console",
	}, attachedPolicies(t, rec))
	_, ok := rec.Find(awstypes.GroupAttachment, "developers-job-function-ViewOnlyAccess")
	assert.True(t, ok, "a policy path becomes part of a valid logical name")

	// The admins' console statements (the same paths, listed the other way round), plus
	// the denies of the destructive S3 actions everywhere and of the reads that return
	// secrets: an AWS managed policy is no allow-list of ours.
	admins := policyStatements(t, one(t, mustRun(t, newTestAdmins(adminArgs())), awstypes.Policy), "policy")
	statements := policyStatements(t, one(t, rec, awstypes.Policy), "policy")
	require.Len(t, statements, len(admins)+2)
	for i, s := range admins {
		assert.Equal(t, s, statements[i])
	}
	deny := statement(t, statements, "DenyDestructiveS3Actions")
	assert.Equal(t, []any{"arn:aws:s3:::*", "arn:aws:s3:::*/*"}, deny["Resource"])
	assert.Contains(t, deny["Action"], "s3:GetBucketVersioning", "the seed's deny block holds for developers too")
	secrets := statement(t, statements, "DenySecretReads")
	assert.Equal(t, "*", secrets["Resource"])
	assert.Nil(t, secrets["Condition"], "unconditional")
	for _, a := range []string{"ec2:DescribeInstanceAttribute", "ec2:DescribeLaunchTemplateVersions", "ec2:GetLaunchTemplateData", "lambda:ListFunctions", "ecs:DescribeTaskDefinition", "ssm:GetParameter", "secretsmanager:GetSecretValue"} {
		assert.Contains(t, secrets["Action"], a)
	}
}

func TestDeveloperGroupWithoutPoliciesAttachesOnlyConsoleStatements(t *testing.T) {
	rec := mustRun(t, newTestDevelopers(developerArgs(nil)))
	assert.Equal(t, []string{"arn:aws:iam::111111111111:policy/developers/developers-console"}, attachedPolicies(t, rec))
}

// TestDeveloperGroupRefusesAllButTheAllowList: admin-equivalent policies, and policies
// that escalate (iam:PassRole) or read data and secrets, are all refused: only the
// allow-list passes.
func TestDeveloperGroupRefusesAllButTheAllowList(t *testing.T) {
	for _, p := range []string{"ReadOnlyAccess", "AWSLambda_FullAccess", "AmazonSSMFullAccess", "AmazonS3ReadOnlyAccess", "CloudWatchLogsReadOnlyAccess"} {
		t.Run(p, func(t *testing.T) {
			requireRejected(t, "managedPolicies[0] "+p+" is not one of the AWS managed policies developers may hold", newTestDevelopers(developerArgs([]string{p})))
		})
	}
	for _, p := range iampolicy.AdminEquivalentPolicies() {
		t.Run(p, func(t *testing.T) {
			requireRejected(t, "managedPolicies[0] "+p+" makes developers admins", newTestDevelopers(developerArgs([]string{p})))
		})
	}
	for _, p := range iampolicy.DeveloperPolicies() {
		mustRun(t, newTestDevelopers(developerArgs([]string{p})))
	}
	requireRejected(t, "args are required", newTestDevelopers(nil))
}
