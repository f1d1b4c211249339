package components

import (
	"slices"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-aws/secure-aws/awstypes"
	"github.com/secure-aws/secure-aws/spec"
)

func ciArgs() *CIDeployRoleArgs {
	return &CIDeployRoleArgs{Account: testAccount, CreateOIDCProvider: true, ConsoleUserPaths: []string{"/admins/", "/developers/"}, CITrust: spec.CITrust{
		Repository: "acme/secure-aws", Branch: "main", Environments: []string{"production"}, OwnerID: 1234567, RepositoryID: 89012345}}
}

func newTestCI(args *CIDeployRoleArgs) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		_, err := NewCIDeployRole(ctx, "ci", args)
		return err
	}
}

func TestCIDeployRoleTrustsOneRepositoryAndBranch(t *testing.T) {
	rec := mustRun(t, newTestCI(ciArgs()))
	provider := one(t, rec, awstypes.OIDCProvider)
	assert.Equal(t, "https://token.actions.githubusercontent.com", provider.Input("url"))
	assert.Equal(t, []any{"sts.amazonaws.com"}, inputs(provider)["clientIdLists"])

	deploy, ok := rec.Find(awstypes.Role, "ci-deploy")
	require.True(t, ok)
	assert.Equal(t, DeployRoleName, deploy.Input("name"))
	assert.Contains(t, deploy.Dependencies, provider.URN, "the role waits for the provider it trusts")
	trust := statement(t, policyStatements(t, deploy, "assumeRolePolicy"), "AllowGitHubActions")
	assert.Equal(t, map[string]any{"Federated": "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com"}, trust["Principal"])
	assert.Equal(t, map[string]any{"StringEquals": map[string]any{
		"token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
		"token.actions.githubusercontent.com:sub": "repo:acme@1234567/secure-aws@89012345:environment:production",
	}}, trust["Condition"], "no wildcard subject; with environments, only they are trusted, not the bare branch")

	preview, ok := rec.Find(awstypes.Role, "ci-preview")
	require.True(t, ok)
	previewTrust := statement(t, policyStatements(t, preview, "assumeRolePolicy"), "AllowGitHubActions")
	assert.Equal(t, "repo:acme@1234567/secure-aws@89012345:environment:preview", previewTrust["Condition"].(map[string]any)["StringEquals"].(map[string]any)["token.actions.githubusercontent.com:sub"])

	var attached []string
	for _, a := range rec.OfType(awstypes.RoleAttachment) {
		attached = append(attached, a.Input("role")+" "+a.Input("policyArn"))
	}
	assert.ElementsMatch(t, []string{
		"secure-aws-deploy arn:aws:iam::aws:policy/IAMFullAccess",
		"secure-aws-deploy arn:aws:iam::aws:policy/AmazonS3FullAccess",
		"secure-aws-deploy arn:aws:iam::aws:policy/IAMAccessAnalyzerFullAccess",
		"secure-aws-deploy arn:aws:iam::aws:policy/AWSCloudTrail_FullAccess",
		"secure-aws-deploy arn:aws:iam::111111111111:policy/secure-aws-deploy",
		"secure-aws-preview arn:aws:iam::111111111111:policy/secure-aws-preview",
		"secure-aws-drift arn:aws:iam::111111111111:policy/secure-aws-drift",
	}, attached)
	for _, role := range []string{DeployRoleName, PreviewRoleName, DriftRoleName} {
		roleOwnedChecks(t, rec, role)
	}
	previewPolicy, ok := rec.Find(awstypes.Policy, "ci-preview")
	require.True(t, ok)
	previewStatements := policyStatements(t, previewPolicy, "policy")
	require.Len(t, previewStatements, 2, "previews read no data")
	assert.Equal(t, map[string]any{"Sid": "ReadRootCredentialStatus", "Effect": "Allow", "Action": []any{"iam:GetAccountSummary", "iam:ListVirtualMFADevices"}, "Resource": "*"},
		statement(t, previewStatements, "ReadRootCredentialStatus"), "the root check: the account summary and the virtual MFA devices")
	assert.Equal(t, map[string]any{"Sid": "AuditCredentials", "Effect": "Allow", "Action": []any{"iam:GenerateCredentialReport", "iam:GetCredentialReport", "iam:ListGroupsForUser", "iam:ListUserTags"}, "Resource": "*"},
		statement(t, previewStatements, "AuditCredentials"), "and the credential report, users' groups and tags, nothing more")
}

// TestCIDeployRoleGuardrails: the deploy role's own policy denies minting programmatic
// credentials for the console users, console passwords for machine users, and stopping or
// deleting a trail; every deny unconditional, so the rules count it.
func TestCIDeployRoleGuardrails(t *testing.T) {
	rec := mustRun(t, newTestCI(ciArgs()))
	policy, ok := rec.Find(awstypes.Policy, "ci-deploy")
	require.True(t, ok)
	assert.Equal(t, DeployRoleName, policy.Input("name"))
	statements := policyStatements(t, policy, "policy")
	require.Len(t, statements, 5)
	alerts := statement(t, statements, "ManageAlertsBudgetContacts")
	assert.Equal(t, "Allow", alerts["Effect"])
	assert.Contains(t, alerts["Action"], "account:PutAlternateContact", "account.contacts is required in a managing stack")
	assert.NotContains(t, alerts["Action"], "kms:Decrypt", "the deploy never reads an alert")
	detection := statement(t, statements, "ManageRegionDefaultsAndDetection")
	assert.Equal(t, "Allow", detection["Effect"])
	for _, a := range []string{"ec2:EnableEbsEncryptionByDefault", "guardduty:CreateDetector", "config:PutConfigurationRecorder", "config:StartConfigurationRecorder", "securityhub:EnableSecurityHub", "securityhub:BatchEnableStandards"} {
		assert.Contains(t, detection["Action"], a, "account.regions and account.detection are applied by the deploy role")
	}
	for _, a := range []string{"ec2:DisableEbsEncryptionByDefault", "guardduty:DeleteDetector", "config:StopConfigurationRecorder", "config:DeleteConfigurationRecorder", "securityhub:DisableSecurityHub", "securityhub:BatchDisableStandards"} {
		assert.NotContains(t, detection["Action"], a, "the deploy never turns a detective service off")
	}
	statements = slices.DeleteFunc(statements, func(s map[string]any) bool {
		return s["Sid"] == "ManageAlertsBudgetContacts" || s["Sid"] == "ManageRegionDefaultsAndDetection"
	})
	for _, s := range statements {
		assert.Equal(t, "Deny", s["Effect"], s["Sid"])
		assert.Nil(t, s["Condition"], s["Sid"])
		assert.Nil(t, s["NotResource"], s["Sid"])
	}
	keys := statement(t, statements, "DenyAccessKeysForConsoleUsers")
	assert.Equal(t, []any{"arn:aws:iam::111111111111:user/admins/*", "arn:aws:iam::111111111111:user/developers/*"}, keys["Resource"])
	assert.Contains(t, keys["Action"], "iam:UploadSSHPublicKey")
	login := statement(t, statements, "DenyLoginProfilesForMachineUsers")
	assert.Equal(t, []any{"arn:aws:iam::111111111111:user/apps/*", "arn:aws:iam::111111111111:user/backup/*", "arn:aws:iam::111111111111:user/third-party/*"}, login["Resource"],
		"login profiles stay allowed for console users: the program creates them")
	trail := statement(t, statements, "DenyStoppingTheAuditTrail")
	assert.Equal(t, []any{"cloudtrail:DeleteTrail", "cloudtrail:StopLogging"}, trail["Action"])
	assert.Equal(t, "*", trail["Resource"])
	_, ok = rec.Find(awstypes.Policy, "ci-preview")
	assert.True(t, ok)
	for _, name := range []string{"ci-preview", "ci-drift"} {
		p, _ := rec.Find(awstypes.Policy, name)
		for _, s := range policyStatements(t, p, "policy") {
			assert.NotEqual(t, "DenyAccessKeysForConsoleUsers", s["Sid"], "%s can write no IAM: it needs no such deny", name)
		}
	}
}

func TestCIDeployRoleWithoutEnvironmentsTrustsTheBranch(t *testing.T) {
	args := ciArgs()
	args.Environments = nil
	rec := mustRun(t, newTestCI(args))
	deploy, ok := rec.Find(awstypes.Role, "ci-deploy")
	require.True(t, ok)
	trust := statement(t, policyStatements(t, deploy, "assumeRolePolicy"), "AllowGitHubActions")
	assert.Equal(t, "repo:acme@1234567/secure-aws@89012345:ref:refs/heads/main", trust["Condition"].(map[string]any)["StringEquals"].(map[string]any)["token.actions.githubusercontent.com:sub"])
}

// TestCIDeployRoleNameOnlySubjects: a repository still on name-only subjects is trusted by
// name only when the configuration says so.
func TestCIDeployRoleNameOnlySubjects(t *testing.T) {
	args := ciArgs()
	args.OwnerID, args.RepositoryID, args.NameOnlySubjects = 0, 0, true
	rec := mustRun(t, newTestCI(args))
	deploy, ok := rec.Find(awstypes.Role, "ci-deploy")
	require.True(t, ok)
	trust := statement(t, policyStatements(t, deploy, "assumeRolePolicy"), "AllowGitHubActions")
	assert.Equal(t, "repo:acme/secure-aws:environment:production", trust["Condition"].(map[string]any)["StringEquals"].(map[string]any)["token.actions.githubusercontent.com:sub"])
}

func TestCIDeployRoleWithExistingProvider(t *testing.T) {
	args := ciArgs()
	args.CreateOIDCProvider = false
	rec := mustRun(t, newTestCI(args))
	assert.Empty(t, rec.OfType(awstypes.OIDCProvider), "no provider when the account already has one")
	assert.Len(t, rec.OfType(awstypes.Role), 3)
}

// TestCIDriftRoleReadsConfigurationOnly: the drift role is trusted by the drift environment
// only, and its policy reads configuration, denies everything else, and reads no data.
func TestCIDriftRoleReadsConfigurationOnly(t *testing.T) {
	rec := mustRun(t, newTestCI(ciArgs()))
	drift, ok := rec.Find(awstypes.Role, "ci-drift")
	require.True(t, ok)
	assert.Equal(t, DriftRoleName, drift.Input("name"))
	trust := statement(t, policyStatements(t, drift, "assumeRolePolicy"), "AllowGitHubActions")
	assert.Equal(t, "repo:acme@1234567/secure-aws@89012345:environment:drift", trust["Condition"].(map[string]any)["StringEquals"].(map[string]any)["token.actions.githubusercontent.com:sub"])

	policy, ok := rec.Find(awstypes.Policy, "ci-drift")
	require.True(t, ok)
	statements := policyStatements(t, policy, "policy")
	require.Len(t, statements, 2)
	allowed := statement(t, statements, "ReadConfiguration")["Action"].([]any)
	assert.Equal(t, allowed, statement(t, statements, "DenyEverythingElse")["NotAction"], "everything it is not allowed is denied")
	for _, a := range allowed {
		assert.NotRegexp(t, `^s3:GetObject|^s3:ListBucketVersions$|\*|^(secretsmanager|ssm):|^kms:(Decrypt|Encrypt|GenerateDataKey|ReEncrypt|Sign|GenerateMac|DeriveSharedSecret|GetParametersForImport)`, a, "no data, no version listing, no wildcard, no secret, no use of a key")
	}
	assert.Contains(t, allowed, "s3:GetBucketPolicy")
	assert.Subset(t, allowed, []any{"iam:GetAccountSummary", "iam:ListVirtualMFADevices"}, "the root check of the managing stack")
	assert.Contains(t, allowed, "iam:GetCredentialReport", "and its credential audit")

	args := ciArgs()
	args.StateBucket = "acme-pulumi-state"
	rec = mustRun(t, newTestCI(args))
	policy, ok = rec.Find(awstypes.Policy, "ci-drift")
	require.True(t, ok)
	statements = policyStatements(t, policy, "policy")
	assert.Equal(t, map[string]any{"Sid": "ReadState", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::acme-pulumi-state/*"},
		statement(t, statements, "ReadState"), "an S3 state backend is read, and only read")
	assert.Equal(t, "arn:aws:s3:::acme-pulumi-state/*", statement(t, statements, "DenyEverythingElse")["NotResource"])
}

func TestCIDeployRoleRejectsBadArgs(t *testing.T) {
	with := func(change func(*CIDeployRoleArgs)) *CIDeployRoleArgs {
		a := ciArgs()
		change(a)
		return a
	}
	cases := map[string]struct {
		args *CIDeployRoleArgs
		want string
	}{
		"nil":                 {nil, "args are required"},
		"no owner":            {with(func(a *CIDeployRoleArgs) { a.Repository = "secure-aws" }), "owner/name"},
		"wildcard repository": {with(func(a *CIDeployRoleArgs) { a.Repository = "acme/*" }), "owner/name"},
		"wildcard branch":     {with(func(a *CIDeployRoleArgs) { a.Branch = "*" }), "plain branch name"},
		"state bucket":        {with(func(a *CIDeployRoleArgs) { a.StateBucket = "s3://acme-state" }), `stateBucket "s3://acme-state" is not a valid name for a bucket this project creates`},
		"empty branch":        {with(func(a *CIDeployRoleArgs) { a.Branch = "" }), "plain branch name"},
		"wildcard env":        {with(func(a *CIDeployRoleArgs) { a.Environments = []string{"prod*"} }), "plain name"},
		"no ids":              {with(func(a *CIDeployRoleArgs) { a.OwnerID, a.RepositoryID = 0, 0 }), "gh api repos/acme/secure-aws --jq '.owner.id, .id'"},
		"ids and name only":   {with(func(a *CIDeployRoleArgs) { a.NameOnlySubjects = true }), "set one or the other"},
		"no console paths":    {with(func(a *CIDeployRoleArgs) { a.ConsoleUserPaths = nil }), "consoleUserPaths is required"},
		"bad console path":    {with(func(a *CIDeployRoleArgs) { a.ConsoleUserPaths = []string{"/admins/", "admins"} }), `consoleUserPaths[1] "admins" is not a valid IAM path`},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) { requireRejected(t, c.want, newTestCI(c.args)) })
	}
}
