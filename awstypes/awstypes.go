// Package awstypes holds the type tokens of the AWS resources this program creates: the
// one place they are spelled. The rules judge resources by them, the stand-in provider
// models them, the offline plan names them, and the tests find resources with them; a
// typo would be a rule that silently checks nothing, so the tests register each type
// through the real program and assert the rules see it.
package awstypes

// Type tokens, as the Pulumi AWS provider names them.
const (
	AccountPasswordPolicy = "aws:iam/accountPasswordPolicy:AccountPasswordPolicy"
	AccountPublicAccess   = "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock"
	User                  = "aws:iam/user:User"
	LoginProfile          = "aws:iam/userLoginProfile:UserLoginProfile"
	AccessKey             = "aws:iam/accessKey:AccessKey"
	Membership            = "aws:iam/userGroupMembership:UserGroupMembership"
	GroupMembership       = "aws:iam/groupMembership:GroupMembership"
	Policy                = "aws:iam/policy:Policy"
	GroupPolicy           = "aws:iam/groupPolicy:GroupPolicy"
	GroupAttachment       = "aws:iam/groupPolicyAttachment:GroupPolicyAttachment"
	UserPolicy            = "aws:iam/userPolicy:UserPolicy"
	UserAttachment        = "aws:iam/userPolicyAttachment:UserPolicyAttachment"
	UserPoliciesExcl      = "aws:iam/userPoliciesExclusive:UserPoliciesExclusive"
	UserAttachmentsExcl   = "aws:iam/userPolicyAttachmentsExclusive:UserPolicyAttachmentsExclusive"
	GroupPoliciesExcl     = "aws:iam/groupPoliciesExclusive:GroupPoliciesExclusive"
	GroupAttachmentsExcl  = "aws:iam/groupPolicyAttachmentsExclusive:GroupPolicyAttachmentsExclusive"
	RolePoliciesExcl      = "aws:iam/rolePoliciesExclusive:RolePoliciesExclusive"
	RoleAttachmentsExcl   = "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive"
	PolicyAttachment      = "aws:iam/policyAttachment:PolicyAttachment"
	RolePolicy            = "aws:iam/rolePolicy:RolePolicy"
	Bucket                = "aws:s3/bucketV2:BucketV2"
	Versioning            = "aws:s3/bucketVersioningV2:BucketVersioningV2"
	Encryption            = "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2"
	Ownership             = "aws:s3/bucketOwnershipControls:BucketOwnershipControls"
	PublicAccessBlock     = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
	BucketPolicy          = "aws:s3/bucketPolicy:BucketPolicy"
	Lifecycle             = "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2"
	ObjectLock            = "aws:s3/bucketObjectLockConfigurationV2:BucketObjectLockConfigurationV2"
	Group                 = "aws:iam/group:Group"
	Role                  = "aws:iam/role:Role"
	RoleAttachment        = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
	OIDCProvider          = "aws:iam/openIdConnectProvider:OpenIdConnectProvider"
	AccountAlias          = "aws:iam/accountAlias:AccountAlias"
	Analyzer              = "aws:accessanalyzer/analyzer:Analyzer"
	Trail                 = "aws:cloudtrail/trail:Trail"
	KMSKey                = "aws:kms/key:Key"
	Topic                 = "aws:sns/topic:Topic"
	TopicSubscription     = "aws:sns/topicSubscription:TopicSubscription"
	EventRule             = "aws:cloudwatch/eventRule:EventRule"
	EventTarget           = "aws:cloudwatch/eventTarget:EventTarget"
	Budget                = "aws:budgets/budget:Budget"
	AlternateContact      = "aws:account/alternativeContact:AlternativeContact"
	// EBSEncryptionByDefault is a region's setting, not a resource: its id is made up
	// (terraform-<timestamp><counter>), and every read is the provider's region's.
	EBSEncryptionByDefault = "aws:ebs/encryptionByDefault:EncryptionByDefault"
	BucketLogging          = "aws:s3/bucketLoggingV2:BucketLoggingV2"
	ServiceLinkedRole      = "aws:iam/serviceLinkedRole:ServiceLinkedRole"
	GuardDutyDetector      = "aws:guardduty/detector:Detector"
	ConfigRecorder         = "aws:cfg/recorder:Recorder"
	ConfigDelivery         = "aws:cfg/deliveryChannel:DeliveryChannel"
	ConfigRecorderStatus   = "aws:cfg/recorderStatus:RecorderStatus"
	SecurityHubAccount     = "aws:securityhub/account:Account"
	SecurityHubStandard    = "aws:securityhub/standardsSubscription:StandardsSubscription"
)

// BackupVault is this program's component token that the rules read: a bucket under it
// must carry a backup lifecycle. components.BackupVaultType is this constant.
const BackupVault = "secure-aws:components:BackupVault"

// AccountBaseline is this program's component token of the account-wide settings: a stack
// with one manages the account and must hold its password policy and Block Public Access
// (rule account-baseline-complete). components.AccountBaselineType is this constant.
const AccountBaseline = "secure-aws:components:AccountBaseline"
