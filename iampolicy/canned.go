package iampolicy

import (
	"slices"
	"strings"

	"github.com/secure-aws/secure-aws/awsnames"
)

// Canned statements and documents. Each follows an AWS documented policy, linked on it;
// where it differs from the page, the comment says how and why.

// selfUserARNs matches every IAM user ARN in the account for the signed-in user, with or without
// an IAM path: "user/alice" and "user/admins/alice", never "user/malice".
func selfUserARNs(partition, accountID string) []string {
	var out []string
	for _, u := range ownUser {
		out = append(out, "arn:"+partition+":iam::"+accountID+":"+u)
	}
	return out
}

// ownUser is the resource part of selfUserARNs, without and with an IAM path.
var ownUser = []string{"user/${aws:username}", "user/*/${aws:username}"}

// IsOwnUserARN reports whether arn is one of the ARNs selfUserARNs writes, in any
// partition and account: the signed-in user's own user, with or without an IAM path (IAM
// user names are unique across paths). A NotResource of such ARNs alone exempts only the
// user's own user from a Deny.
func IsOwnUserARN(arn string) bool {
	parts := strings.SplitN(arn, ":", 6)
	return len(parts) == 6 && parts[0] == "arn" && parts[1] != "" && !strings.ContainsAny(parts[1], "*?") &&
		parts[2] == "iam" && parts[3] == "" && awsnames.AccountID(parts[4]) == nil && slices.Contains(ownUser, parts[5])
}

// OwnUserBootstrapActions returns a copy of ownUserBootstrapActions, so no caller can change the list.
func OwnUserBootstrapActions() []string { return slices.Clone(ownUserBootstrapActions) }

// ownUserBootstrapActions are the MFA set-up actions that act on an IAM user: without MFA
// they must reach the signed-in user only, however much the user's other policies allow
// (AdministratorAccess would otherwise let a password-only session enrol or resync a
// device on another user, or read any user).
var ownUserBootstrapActions = []string{
	"iam:ChangePassword",
	"iam:EnableMFADevice",
	"iam:GetMFADevice",
	"iam:GetUser",
	"iam:ListMFADevices",
	"iam:ResyncMFADevice",
}

// MFABootstrapActions are the actions a console user may take before signing in with MFA.
func MFABootstrapActions() []string { return slices.Clone(mfaSetupActions) }

// mfaSetupActions are what a signed-in user may do before MFA: set up their own MFA
// device and get a session token, as on the AWS page, plus change their own password and
// read the password policy, so that the forced reset at first sign-in works.
var mfaSetupActions = []string{
	"iam:ChangePassword",
	"iam:CreateVirtualMFADevice",
	"iam:EnableMFADevice",
	"iam:GetAccountPasswordPolicy",
	"iam:GetMFADevice",
	"iam:GetUser",
	"iam:ListMFADevices",
	"iam:ListVirtualMFADevices",
	"iam:ResyncMFADevice",
	"sts:GetSessionToken",
}

// MFASelfServiceStatements let a console user manage their own password and MFA device and
// deny everything else until they sign in with MFA (rule R4). After
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_examples_aws_my-sec-creds-self-manage.html
// with four differences: iam:ChangePassword and iam:GetAccountPasswordPolicy work without
// MFA (a first-login forced password reset happens before MFA exists); without MFA the
// user-level set-up actions reach only the user's own user, whatever else the user's
// groups allow (DenyOtherUsersIfNoMFA); the access-key, signing-certificate, SSH and Git
// credential statements are left out (console users get no programmatic credentials); and
// user ARNs also match users with an IAM path.
func MFASelfServiceStatements(partition, accountID string) []Statement {
	self := selfUserARNs(partition, accountID)
	return []Statement{
		{
			Sid:       "AllowViewAccountInfo",
			Effect:    Allow,
			Actions:   []string{"iam:GetAccountPasswordPolicy", "iam:ListVirtualMFADevices"},
			Resources: []string{"*"},
		},
		{
			Sid:       "AllowManageOwnPasswords",
			Effect:    Allow,
			Actions:   []string{"iam:ChangePassword", "iam:GetUser"},
			Resources: self,
		},
		{
			Sid:       "AllowManageOwnVirtualMFADevice",
			Effect:    Allow,
			Actions:   []string{"iam:CreateVirtualMFADevice"},
			Resources: []string{"arn:" + partition + ":iam::" + accountID + ":mfa/*"},
		},
		{
			Sid:       "AllowManageOwnUserMFA",
			Effect:    Allow,
			Actions:   []string{"iam:DeactivateMFADevice", "iam:EnableMFADevice", "iam:GetMFADevice", "iam:ListMFADevices", "iam:ResyncMFADevice"},
			Resources: self,
		},
		{
			Sid:        "DenyAllExceptListedIfNoMFA",
			Effect:     Deny,
			NotActions: slices.Clone(mfaSetupActions),
			Resources:  []string{"*"},
			Conditions: []Condition{{Operator: "BoolIfExists", Key: "aws:MultiFactorAuthPresent", Values: []string{"false"}}},
		},
		{
			Sid:          "DenyOtherUsersIfNoMFA",
			Effect:       Deny,
			Actions:      slices.Clone(ownUserBootstrapActions),
			NotResources: self,
			Conditions:   []Condition{{Operator: "BoolIfExists", Key: "aws:MultiFactorAuthPresent", Values: []string{"false"}}},
		},
	}
}

// userARNs are the ARNs of every IAM user under each of paths: user<path>*.
func userARNs(partition, accountID string, paths []string) []string {
	out := make([]string, len(paths))
	for i, p := range paths {
		out[i] = "arn:" + partition + ":iam::" + accountID + ":user" + p + "*"
	}
	return out
}

// credentialActions mint a long-lived programmatic credential of a user, or bring a
// deactivated one back.
var credentialActions = []string{
	"iam:CreateAccessKey", "iam:UpdateAccessKey",
	"iam:CreateServiceSpecificCredential", "iam:UpdateServiceSpecificCredential", "iam:ResetServiceSpecificCredential",
	"iam:UploadSSHPublicKey", "iam:UpdateSSHPublicKey",
	"iam:UploadSigningCertificate", "iam:UpdateSigningCertificate",
}

// DenyAccessKeysStatement denies creating or re-activating access keys, and every other
// long-lived programmatic credential, for any user under one of consolePaths (rule R3):
// console users stay console-only, whoever holds the statement (an admin, the deploy role),
// since a key minted for someone else's console user is a login that skips their MFA.
// See https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html.
func DenyAccessKeysStatement(partition, accountID string, consolePaths ...string) Statement {
	return Statement{
		Sid:       "DenyAccessKeysForConsoleUsers",
		Effect:    Deny,
		Actions:   slices.Clone(credentialActions),
		Resources: userARNs(partition, accountID, consolePaths),
	}
}

// DenyLoginProfilesStatement denies a console password to any user under one of
// machinePaths: an application's, a third party's or a backup writer's user would
// otherwise become a console login outside every console group, with no MFA enforced.
// See https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_passwords_admin-change-user.html.
func DenyLoginProfilesStatement(partition, accountID string, machinePaths ...string) Statement {
	return Statement{
		Sid:       "DenyLoginProfilesForMachineUsers",
		Effect:    Deny,
		Actions:   []string{"iam:CreateLoginProfile", "iam:UpdateLoginProfile"},
		Resources: userARNs(partition, accountID, machinePaths),
	}
}

// DenyMovingUsersStatement denies renaming or moving (iam:UpdateUser) any user under one
// of paths, so the two denies above cannot be walked around by moving a user out of its
// path first. The deploy role does not hold it: `pulumi up` moves a user when its path
// or name changes in the configuration.
// See https://docs.aws.amazon.com/IAM/latest/UserGuide/id_users_manage.html#id_users_renaming.
func DenyMovingUsersStatement(partition, accountID string, paths ...string) Statement {
	return Statement{
		Sid:       "DenyMovingGuardedUsers",
		Effect:    Deny,
		Actions:   []string{"iam:UpdateUser"},
		Resources: userARNs(partition, accountID, paths),
	}
}

// DenyStopTrailStatement denies stopping or deleting any CloudTrail trail of the account
// (CIS v5.0.0 section 3, v7.0.0 section 4: the trail is the record of who did what). It is on every trail, not only the
// program's: whoever holds it should not silence a trail made by hand either. The program
// never needs either action: its trail is created logging and retained on delete.
// See https://docs.aws.amazon.com/awscloudtrail/latest/userguide/best-practices-security.html.
func DenyStopTrailStatement() Statement {
	return Statement{
		Sid:       "DenyStoppingTheAuditTrail",
		Effect:    Deny,
		Actions:   []string{"cloudtrail:DeleteTrail", "cloudtrail:StopLogging"},
		Resources: []string{"*"},
	}
}

// secretReadActions return what often holds a secret. Those marked ViewOnlyAccess are
// granted by job-function/ViewOnlyAccess (v46) itself, often through a wildcard; the
// others by none of the developer allow-list today, and are denied before AWS adds them
// to a managed policy, as it keeps doing.
var secretReadActions = []string{
	// EC2 user data, where bootstrap secrets often sit: of an instance, a launch template
	// (its versions, or read from a running instance), a launch configuration, a Spot
	// request.
	"ec2:DescribeInstanceAttribute",      // ViewOnlyAccess (ec2:DescribeInstance*)
	"ec2:DescribeLaunchTemplateVersions", // ViewOnlyAccess
	"ec2:GetLaunchTemplateData",
	"ec2:DescribeSpotFleetRequests",            // ViewOnlyAccess (ec2:DescribeSpot*)
	"ec2:DescribeSpotInstanceRequests",         // ViewOnlyAccess (ec2:DescribeSpot*)
	"autoscaling:DescribeLaunchConfigurations", // ViewOnlyAccess (autoscaling:Describe*)
	// Network keys: a VPN's tunnel pre-shared keys, a Direct Connect interface's BGP key.
	"ec2:DescribeVpnConnections", // ViewOnlyAccess
	"ec2:GetVpnConnectionDeviceSampleConfiguration",
	"directconnect:DescribeVirtualInterfaces", // ViewOnlyAccess (directconnect:Describe*)
	// Environment variables of functions (ListFunctions returns each function's),
	// containers, jobs, builds, models and applications.
	"lambda:ListFunctions",          // ViewOnlyAccess (lambda:List*)
	"lambda:ListVersionsByFunction", // ViewOnlyAccess (lambda:List*)
	"lambda:GetFunction",
	"lambda:GetFunctionConfiguration",
	"ecs:DescribeTaskDefinition", // ViewOnlyAccess (ecs:Describe*)
	"ecs:DescribeTasks",          // ViewOnlyAccess (ecs:Describe*): container overrides
	"batch:DescribeJobDefinitions",
	"batch:DescribeJobs",
	"codebuild:BatchGetProjects",
	"codebuild:BatchGetBuilds",
	"sagemaker:DescribeModel",         // ViewOnlyAccess (sagemaker:Describe*)
	"sagemaker:DescribeProcessingJob", // ViewOnlyAccess (sagemaker:Describe*)
	"sagemaker:DescribeTrainingJob",   // ViewOnlyAccess (sagemaker:Describe*)
	"sagemaker:DescribeTransformJob",  // ViewOnlyAccess (sagemaker:Describe*)
	"elasticbeanstalk:DescribeConfigurationSettings",
	// Secrets where they belong, and what embeds them.
	"secretsmanager:GetSecretValue", "secretsmanager:BatchGetSecretValue",
	"ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath", "ssm:GetParameterHistory",
	"cloudformation:GetTemplate",
	"glue:GetConnection", "glue:GetConnections",
}

// DenySecretReadsStatement denies the reads that return secrets to principals whose AWS
// managed policies are no allow-list of ours (rule R4: developers read no data or
// secrets). job-function/ViewOnlyAccess lists and describes everything, and some describe
// calls return user data, environment variables or keys
// (https://docs.aws.amazon.com/aws-managed-policy/latest/reference/ViewOnlyAccess.html;
// user data is not protected: https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/user-data.html).
// The price: developers see no Lambda function list, task definition or launch template
// contents in the console.
func DenySecretReadsStatement() Statement {
	return Statement{
		Sid:       "DenySecretReads",
		Effect:    Deny,
		Actions:   slices.Clone(secretReadActions),
		Resources: []string{"*"},
	}
}

// DenyGovernanceBypassStatement denies s3:BypassGovernanceRetention on every object of
// bucket to every principal, the account's own included: in GOVERNANCE mode Object Lock
// then holds like COMPLIANCE for anyone who does not first rewrite the bucket policy
// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock-managing.html#object-lock-managing-bypass).
func DenyGovernanceBypassStatement(partition, bucket string) Statement {
	return Statement{
		Sid:        "DenyGovernanceBypass",
		Effect:     Deny,
		Principals: []Principal{{Type: "AWS", Identifiers: []string{"*"}}},
		Actions:    []string{"s3:BypassGovernanceRetention"},
		Resources:  []string{ObjectsARN(partition, bucket, "")},
	}
}

// CloudTrailBucketStatements let the trail trailARN, and only it, check the bucket's ACL
// and write its log files under AWSLogs/<account>/, owned by the bucket owner, after
// https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-s3-bucket-policy-for-cloudtrail.html.
// They also keep everyone else out (GuardedObjectStatements): no principal but the trail
// writes a log file, whatever its identity policies allow, and no one changes or deletes
// one, so no admin, deploy role or application can plant a record, each locked for a year.
func CloudTrailBucketStatements(partition, bucket, accountID, trailARN string) []Statement {
	service := []Principal{{Type: "Service", Identifiers: []string{"cloudtrail.amazonaws.com"}}}
	source := Condition{Operator: "StringEquals", Key: "aws:SourceArn", Values: []string{trailARN}}
	guard := ObjectGuard{WriteActions: []string{"s3:PutObject"}, Writers: []Condition{ExceptSource(trailARN)}}
	return append([]Statement{
		{
			Sid:        "AWSCloudTrailAclCheck",
			Effect:     Allow,
			Principals: service,
			Actions:    []string{"s3:GetBucketAcl"},
			Resources:  []string{BucketARN(partition, bucket)},
			Conditions: []Condition{source},
		},
		{
			Sid:        "AWSCloudTrailWrite",
			Effect:     Allow,
			Principals: service,
			Actions:    []string{"s3:PutObject"},
			Resources:  []string{ObjectsARN(partition, bucket, "AWSLogs/"+accountID+"/")},
			Conditions: []Condition{source, {Operator: "StringEquals", Key: "s3:x-amz-acl", Values: []string{"bucket-owner-full-control"}}},
		},
	}, GuardedObjectStatements(partition, bucket, guard)...)
}

// TLSOnlyBucketPolicy is every bucket's policy (rule R8). It denies every request made
// without TLS, after
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/security-best-practices.html#transit
// and Security Hub control S3.5 (the s3:* is a Deny in a bucket policy, not a grant). It
// also denies writes with customer-provided keys (SSE-C): whoever writes with a key only
// they hold can make every new version unreadable to the owner, a known ransomware move
// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/ServerSideEncryptionCustomerKeys.html).
func TLSOnlyBucketPolicy(partition, bucket string) Document {
	return Document{Statements: []Statement{
		{
			Sid:        "DenyInsecureTransport",
			Effect:     Deny,
			Principals: []Principal{{Type: "AWS", Identifiers: []string{"*"}}},
			Actions:    []string{"s3:*"},
			Resources:  []string{BucketARN(partition, bucket), ObjectsARN(partition, bucket, "")},
			Conditions: []Condition{{Operator: "Bool", Key: "aws:SecureTransport", Values: []string{"false"}}},
		},
		{
			Sid:        "DenyCustomerProvidedKeys",
			Effect:     Deny,
			Principals: []Principal{{Type: "AWS", Identifiers: []string{"*"}}},
			Actions:    []string{"s3:PutObject"},
			Resources:  []string{ObjectsARN(partition, bucket, "")},
			Conditions: []Condition{{Operator: "Null", Key: "s3:x-amz-server-side-encryption-customer-algorithm", Values: []string{"false"}}},
		},
	}}
}

// AssumeRoleWithMFATrust lets principals of the account assume a role only when signed in
// with MFA; which of them may is decided by their own IAM policies. After
// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa_configure-api-require.html#MFAProtectedAPI-user-mfa.
func AssumeRoleWithMFATrust(partition, accountID string) Document {
	return Document{Statements: []Statement{{
		Sid:        "AllowAccountPrincipalsWithMFA",
		Effect:     Allow,
		Principals: []Principal{{Type: "AWS", Identifiers: []string{"arn:" + partition + ":iam::" + accountID + ":root"}}},
		Actions:    []string{"sts:AssumeRole"},
		Conditions: []Condition{{Operator: "Bool", Key: "aws:MultiFactorAuthPresent", Values: []string{"true"}}},
	}}}
}

// GitHubOIDCIssuer is the host of GitHub Actions' OpenID Connect tokens.
const GitHubOIDCIssuer = "token.actions.githubusercontent.com"

// GitHubOIDCTrust lets GitHub Actions workflows whose token subject is one of subjects
// (e.g. repo:acme/secure-aws:ref:refs/heads/main) assume a role through the account's
// GitHub OIDC provider, with no stored keys. After
// https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/configuring-openid-connect-in-amazon-web-services
// and https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_oidc.html#idp_oidc_Create_GitHub.
func GitHubOIDCTrust(providerARN string, subjects []string) Document {
	return Document{Statements: []Statement{{
		Sid:        "AllowGitHubActions",
		Effect:     Allow,
		Principals: []Principal{{Type: "Federated", Identifiers: []string{providerARN}}},
		Actions:    []string{"sts:AssumeRoleWithWebIdentity"},
		Conditions: []Condition{
			{Operator: "StringEquals", Key: GitHubOIDCIssuer + ":aud", Values: []string{"sts.amazonaws.com"}},
			{Operator: "StringEquals", Key: GitHubOIDCIssuer + ":sub", Values: subjects},
		},
	}}}
}

// DenyDestructiveS3EverywhereStatement denies destructiveS3Actions on every bucket and
// object (rule R5), for principals whose AWS managed policies (ReadOnlyAccess and the like)
// reach S3 beyond an allow-list this project writes.
func DenyDestructiveS3EverywhereStatement(partition string) Statement {
	return Statement{
		Sid:       "DenyDestructiveS3Actions",
		Effect:    Deny,
		Actions:   slices.Clone(destructiveS3Actions),
		Resources: []string{BucketARN(partition, "*"), ObjectsARN(partition, "*", "")},
	}
}

// UserPaths are the IAM paths of the account's users, as the guard-rails on them need.
type UserPaths struct {
	// Console are the console groups' paths (admins, developers).
	Console []string
	// Machine are the paths of applications, third parties and backup writers.
	Machine []string
}

// guardedUserStatements keep each kind of user to its kind of credential: no programmatic
// credential for a console user, no console password for a machine user.
func guardedUserStatements(partition, accountID string, paths UserPaths) []Statement {
	return []Statement{
		DenyAccessKeysStatement(partition, accountID, paths.Console...),
		DenyLoginProfilesStatement(partition, accountID, paths.Machine...),
	}
}

// AdminConsolePolicy is the admin group's own policy (rules R3, R4): MFA self-service and
// the deny of everything without MFA, no programmatic credential for any console user
// (an admin's or a developer's), no console password for a machine user, and no user of
// either kind moved out of its path.
func AdminConsolePolicy(partition, accountID string, paths UserPaths) Document {
	statements := MFASelfServiceStatements(partition, accountID)
	statements = append(statements, guardedUserStatements(partition, accountID, paths)...)
	statements = append(statements, DenyMovingUsersStatement(partition, accountID, slices.Concat(paths.Console, paths.Machine)...))
	return Document{Statements: statements}
}

// DeveloperConsolePolicy is the developer group's own policy: the admins' statements, plus
// the denies of the destructive S3 actions on every bucket (R5) and of the reads that
// return secrets (R4), since the developers' AWS managed policies are no allow-list of ours.
func DeveloperConsolePolicy(partition, accountID string, paths UserPaths) Document {
	doc := AdminConsolePolicy(partition, accountID, paths)
	doc.Statements = append(doc.Statements, DenyDestructiveS3EverywhereStatement(partition), DenySecretReadsStatement())
	return doc
}

// DeployRoleGuardrails is the deploy role's own policy beside its AWS managed ones. The
// program creates login profiles for console users and access keys for machine users,
// never the other way round, so the role is denied both; and it never stops or deletes a
// trail. It may still move users (iam:UpdateUser), which a change of path or environment
// in the configuration needs. The role can edit its own policies: these stop a mistake or
// a tampered step that did not also detach them, and the trail records both.
func DeployRoleGuardrails(partition, accountID string, paths UserPaths) Document {
	return Document{Statements: append(guardedUserStatements(partition, accountID, paths), DenyStopTrailStatement())}
}

// ObjectGuard names, in a bucket's own policy, who may write and who may read its objects:
// the guard of a bucket no mistake in any stack's identity policies may open (a backup
// vault, the audit trail, the Pulumi state; rule R15). Each exemption is a condition of
// the guard's Deny statements; IAM applies a Deny only when all of its conditions hold, so
// a principal that any one exemption leaves out is not denied.
type ObjectGuard struct {
	// WriteActions are the object writes the writers make (s3:PutObject...); every other
	// object write is denied to every principal.
	WriteActions []string
	// Writers are the exemptions from the deny of WriteActions (required).
	Writers []Condition
	// Readers, when set, are the exemptions from a deny of every object read; nil leaves
	// reads to the principals' own policies.
	Readers []Condition
}

// ExceptPrincipals exempts the IAM users and roles arns, by the ARN of the principal
// making the request (for a role session, the role's ARN). A request without one (an AWS
// service, an anonymous request) is not exempt: a negated operator holds for a missing key
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalarn,
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html).
func ExceptPrincipals(arns ...string) Condition {
	return Condition{Operator: "ArnNotEquals", Key: "aws:PrincipalArn", Values: slices.Clone(arns)}
}

// ExceptSource exempts an AWS service acting for the resource sourceARN (a CloudTrail
// trail): the service sets aws:SourceArn, a principal of the account cannot
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-sourcearn).
func ExceptSource(sourceARN string) Condition {
	return Condition{Operator: "StringNotEquals", Key: "aws:SourceArn", Values: []string{sourceARN}}
}

// ExceptSignedInWithMFA exempts a person signed in with MFA: a long-term access key or a
// role session without MFA carries no aws:MultiFactorAuthPresent, so BoolIfExists holds for
// it and it stays denied, as in
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-multifactorauthpresent.
// Admins and developers must sign in with MFA; no machine principal of this program can.
func ExceptSignedInWithMFA() Condition {
	return Condition{Operator: "BoolIfExists", Key: "aws:MultiFactorAuthPresent", Values: []string{"false"}}
}

// objectActions are the catalogued object-level reads (reads true), or every other
// object-level action: those that add, change or remove an object, a version or their
// metadata. s3:RestoreObject counts as a read: it makes an archived object readable again
// (a restore is a read of a backup) and changes no stored version.
func objectActions(reads bool) []string {
	var out []string
	for a, l := range s3Actions {
		if l == ObjectLevel && isObjectRead(a) == reads {
			out = append(out, a)
		}
	}
	slices.Sort(out)
	return out
}

func isObjectRead(action string) bool {
	name := strings.TrimPrefix(action, "s3:")
	return strings.HasPrefix(name, "Get") || strings.HasPrefix(name, "List") || action == "s3:RestoreObject"
}

// GuardedObjectStatements are the bucket policy statements of guard g on bucket, for
// every principal ("*", AWS services included): the writers' own writes denied to all
// others, every other object action but the reads denied to all (NotAction: those S3 adds
// later too), and with Readers every object read
// denied to all but the readers. They add only Deny statements, so they take nothing away
// from the TLS-only policy and grant nothing. After the deny-unless pattern of
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/example-bucket-policies.html and
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
// (an explicit Deny in a resource policy wins over any identity policy's Allow).
func GuardedObjectStatements(partition, bucket string, g ObjectGuard) []Statement {
	everyone := []Principal{{Type: Everyone, Identifiers: []string{"*"}}}
	objects := []string{ObjectsARN(partition, bucket, "")}
	// Every other object action is denied by what it is not, so an object action S3 adds
	// later (or one the catalogue lacks) is denied too rather than left to IAM.
	exempt := append(objectActions(true), g.WriteActions...)
	slices.Sort(exempt)
	out := []Statement{
		{Sid: "DenyObjectWritesByOthers", Effect: Deny, Principals: everyone, Actions: slices.Clone(g.WriteActions), Resources: objects, Conditions: slices.Clone(g.Writers)},
		{Sid: "DenyOtherObjectWrites", Effect: Deny, Principals: everyone, NotActions: slices.Compact(exempt), Resources: objects},
	}
	if g.Readers != nil {
		out = append(out, Statement{Sid: "DenyObjectReadsByOthers", Effect: Deny, Principals: everyone, Actions: objectActions(true), Resources: objects, Conditions: slices.Clone(g.Readers)})
	}
	return out
}
