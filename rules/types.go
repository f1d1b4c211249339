package rules

// Type tokens the rules judge. A typo here would be a rule that silently checks nothing,
// so the tests register each type through the real program and assert the rules see it.
const (
	TypeAccountPasswordPolicy = "aws:iam/accountPasswordPolicy:AccountPasswordPolicy"
	TypeAccountPublicAccess   = "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock"
	TypeUser                  = "aws:iam/user:User"
	TypeLoginProfile          = "aws:iam/userLoginProfile:UserLoginProfile"
	TypeAccessKey             = "aws:iam/accessKey:AccessKey"
	TypeMembership            = "aws:iam/userGroupMembership:UserGroupMembership"
	TypeGroupMembership       = "aws:iam/groupMembership:GroupMembership"
	TypePolicy                = "aws:iam/policy:Policy"
	TypeGroupPolicy           = "aws:iam/groupPolicy:GroupPolicy"
	TypeGroupAttachment       = "aws:iam/groupPolicyAttachment:GroupPolicyAttachment"
	TypeUserPolicy            = "aws:iam/userPolicy:UserPolicy"
	TypeUserAttachment        = "aws:iam/userPolicyAttachment:UserPolicyAttachment"
	TypeUserPoliciesExcl      = "aws:iam/userPoliciesExclusive:UserPoliciesExclusive"
	TypeUserAttachmentsExcl   = "aws:iam/userPolicyAttachmentsExclusive:UserPolicyAttachmentsExclusive"
	TypePolicyAttachment      = "aws:iam/policyAttachment:PolicyAttachment"
	TypeRolePolicy            = "aws:iam/rolePolicy:RolePolicy"
	TypeBucket                = "aws:s3/bucketV2:BucketV2"
	TypeVersioning            = "aws:s3/bucketVersioningV2:BucketVersioningV2"
	TypeEncryption            = "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2"
	TypeOwnership             = "aws:s3/bucketOwnershipControls:BucketOwnershipControls"
	TypePublicAccessBlock     = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
	TypeBucketPolicy          = "aws:s3/bucketPolicy:BucketPolicy"
	TypeLifecycle             = "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2"
	TypeObjectLock            = "aws:s3/bucketObjectLockConfigurationV2:BucketObjectLockConfigurationV2"
	TypeGroup                 = "aws:iam/group:Group"
	TypeRole                  = "aws:iam/role:Role"
	TypeRoleAttachment        = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
	TypeOIDCProvider          = "aws:iam/openIdConnectProvider:OpenIdConnectProvider"
	TypeAccountAlias          = "aws:iam/accountAlias:AccountAlias"
	TypeAnalyzer              = "aws:accessanalyzer/analyzer:Analyzer"
	TypeTrail                 = "aws:cloudtrail/trail:Trail"

	// backupVaultType is the component whose buckets must carry a backup lifecycle.
	backupVaultType = "secure-aws:components:BackupVault"
)
