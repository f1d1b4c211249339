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

// DenyAccessKeysStatement denies creating or re-activating access keys, and every other
// long-lived credential, for any user under userPath (rule R3): console users stay
// console-only even if someone tries to mint a credential later. Moving a user out of the
// path (iam:UpdateUser) is denied too, so the deny cannot be walked around.
// See https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html.
func DenyAccessKeysStatement(partition, accountID, userPath string) Statement {
	return Statement{
		Sid:    "DenyAccessKeysForConsoleUsers",
		Effect: Deny,
		Actions: []string{
			"iam:CreateAccessKey", "iam:UpdateAccessKey",
			"iam:CreateServiceSpecificCredential", "iam:UpdateServiceSpecificCredential", "iam:ResetServiceSpecificCredential",
			"iam:UploadSSHPublicKey", "iam:UpdateSSHPublicKey",
			"iam:UploadSigningCertificate", "iam:UpdateSigningCertificate",
			"iam:UpdateUser",
		},
		Resources: []string{"arn:" + partition + ":iam::" + accountID + ":user" + userPath + "*"},
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
func CloudTrailBucketStatements(partition, bucket, accountID, trailARN string) []Statement {
	service := []Principal{{Type: "Service", Identifiers: []string{"cloudtrail.amazonaws.com"}}}
	source := Condition{Operator: "StringEquals", Key: "aws:SourceArn", Values: []string{trailARN}}
	return []Statement{
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
	}
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
