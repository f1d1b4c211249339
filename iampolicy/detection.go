package iampolicy

import "slices"

// The resource policies of the detection services and of the hardened trail: what AWS
// Config, S3 server access logging and CloudTrail need to write, and nothing more.

// ExceptSourceAccount exempts an AWS service acting for account accountID: the service
// sets aws:SourceAccount, a principal of the account cannot, so a person or application is
// not exempt
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-sourceaccount).
func ExceptSourceAccount(accountID string) Condition {
	return Condition{Operator: "StringNotEquals", Key: "aws:SourceAccount", Values: []string{accountID}}
}

// ConfigBucketStatements let AWS Config check and write to its delivery bucket, after
// "Permissions for the Amazon S3 Bucket for the AWS Config Delivery Channel"
// (https://docs.aws.amazon.com/config/latest/developerguide/s3-bucket-policy.html):
// GetBucketAcl and ListBucket on the bucket, PutObject under AWSLogs/<account>/Config/ with
// the bucket-owner-full-control ACL, each only for the account's own recorders
// (AWS:SourceAccount); every other object write is denied to everyone (a guarded bucket,
// rule R15).
func ConfigBucketStatements(partition, bucket, accountID string) []Statement {
	service := []Principal{{Type: "Service", Identifiers: []string{"config.amazonaws.com"}}}
	source := Condition{Operator: "StringEquals", Key: "AWS:SourceAccount", Values: []string{accountID}}
	guard := ObjectGuard{WriteActions: []string{"s3:PutObject"}, Writers: []Condition{ExceptSourceAccount(accountID)}}
	return append([]Statement{
		{Sid: "AWSConfigBucketPermissionsCheck", Effect: Allow, Principals: service, Actions: []string{"s3:GetBucketAcl"}, Resources: []string{BucketARN(partition, bucket)}, Conditions: []Condition{source}},
		{Sid: "AWSConfigBucketExistenceCheck", Effect: Allow, Principals: service, Actions: []string{"s3:ListBucket"}, Resources: []string{BucketARN(partition, bucket)}, Conditions: []Condition{source}},
		{
			Sid: "AWSConfigBucketDelivery", Effect: Allow, Principals: service, Actions: []string{"s3:PutObject"},
			Resources:  []string{ObjectsARN(partition, bucket, "AWSLogs/"+accountID+"/Config/")},
			Conditions: []Condition{source, {Operator: "StringEquals", Key: "s3:x-amz-acl", Values: []string{"bucket-owner-full-control"}}},
		},
	}, GuardedObjectStatements(partition, bucket, guard)...)
}

// AccessLogBucketStatements let S3 server access logging write the access logs of
// sourceBucket into the log bucket, after "Grant permissions to the logging service
// principal using a bucket policy"
// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html#grant-log-delivery-permissions-general):
// the logging.s3.amazonaws.com principal may PutObject, only for sourceBucket
// (aws:SourceArn) of this account (aws:SourceAccount). A bucket with ACLs disabled takes no
// log-delivery ACL grant, so the policy is the only way. Every other object write is denied
// to everyone (a guarded bucket, rule R15).
func AccessLogBucketStatements(partition, bucket, sourceBucket, accountID string) []Statement {
	return append([]Statement{{
		Sid:        "S3ServerAccessLogsPolicy",
		Effect:     Allow,
		Principals: []Principal{{Type: "Service", Identifiers: []string{"logging.s3.amazonaws.com"}}},
		Actions:    []string{"s3:PutObject"},
		Resources:  []string{ObjectsARN(partition, bucket, "")},
		Conditions: []Condition{
			{Operator: "ArnLike", Key: "aws:SourceArn", Values: []string{BucketARN(partition, sourceBucket)}},
			{Operator: "StringEquals", Key: "aws:SourceAccount", Values: []string{accountID}},
		},
	}}, GuardedObjectStatements(partition, bucket, ObjectGuard{
		WriteActions: []string{"s3:PutObject"},
		Writers:      []Condition{ExceptSource(BucketARN(partition, sourceBucket))},
	})...)
}

// CloudTrailKeyPolicy is the key policy of the trail's KMS key, after "Configure AWS KMS
// key policies for CloudTrail"
// (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html):
// the account's IAM policies decide who administers and uses the key (without this
// statement no one could, AWS's default key policy); CloudTrail may generate data keys and
// describe the key only for trailARN (aws:SourceArn) with the trail's encryption context;
// the account's principals whom IAM allows may decrypt the log and digest files (the
// encryption context of a trail of this account).
func CloudTrailKeyPolicy(partition, accountID, trailARN string) Document {
	service := []Principal{{Type: "Service", Identifiers: []string{"cloudtrail.amazonaws.com"}}}
	account := []Principal{{Type: "AWS", Identifiers: []string{"arn:" + partition + ":iam::" + accountID + ":root"}}}
	source := Condition{Operator: "StringEquals", Key: "aws:SourceArn", Values: []string{trailARN}}
	context := Condition{Operator: "StringLike", Key: "kms:EncryptionContext:aws:cloudtrail:arn", Values: []string{"arn:" + partition + ":cloudtrail:*:" + accountID + ":trail/*"}}
	return Document{Statements: []Statement{
		{Sid: "EnableIAMUserPermissions", Effect: Allow, Principals: account, Actions: []string{"kms:*"}, Resources: []string{"*"}},
		{Sid: "AllowCloudTrailToEncryptLogs", Effect: Allow, Principals: service, Actions: []string{"kms:GenerateDataKey*"}, Resources: []string{"*"}, Conditions: []Condition{source, context}},
		{Sid: "AllowCloudTrailToDescribeKey", Effect: Allow, Principals: service, Actions: []string{"kms:DescribeKey"}, Resources: []string{"*"}, Conditions: []Condition{source}},
		{
			Sid: "AllowAccountToDecryptLogFiles", Effect: Allow, Principals: account, Actions: []string{"kms:Decrypt", "kms:ReEncryptFrom"}, Resources: []string{"*"},
			Conditions: []Condition{{Operator: "StringEquals", Key: "kms:CallerAccount", Values: []string{accountID}}, context},
		},
	}}
}

// detectionDeployActions are what `pulumi up` needs for EBS encryption by default in each
// of account.regions and for the detective services (account.detection), beyond the deploy
// role's AWS managed policies: the service-linked roles and the role passed to AWS Config
// come with IAMFullAccess, the Config bucket and the trail bucket's access logging with
// AmazonS3FullAccess, the trail's event selectors with AWSCloudTrail_FullAccess, its key
// with alertsDeployActions. Nothing that turns a service off is among them (no
// ec2:DisableEbsEncryptionByDefault, guardduty:DeleteDetector,
// config:StopConfigurationRecorder, config:Delete*, securityhub:Disable*,
// securityhub:BatchDisableStandards): the program never does it, every such resource is
// retained on delete, and turning detection off is an intruder's first step.
var detectionDeployActions = []string{
	"config:DescribeConfigurationRecorderStatus", "config:DescribeConfigurationRecorders", "config:DescribeDeliveryChannels",
	"config:PutConfigurationRecorder", "config:PutDeliveryChannel", "config:StartConfigurationRecorder",
	"ec2:EnableEbsEncryptionByDefault", "ec2:GetEbsEncryptionByDefault",
	"guardduty:CreateDetector", "guardduty:GetDetector", "guardduty:ListDetectors", "guardduty:ListTagsForResource",
	"guardduty:TagResource", "guardduty:UntagResource", "guardduty:UpdateDetector",
	"securityhub:BatchEnableStandards", "securityhub:DescribeHub", "securityhub:EnableSecurityHub",
	"securityhub:GetEnabledStandards", "securityhub:UpdateSecurityHubConfiguration",
}

// DetectionDeployStatement lets the deploy role turn on and keep EBS encryption by default
// and the detective services (account.regions, account.detection).
func DetectionDeployStatement() Statement {
	return Statement{Sid: "ManageRegionDefaultsAndDetection", Effect: Allow, Actions: slices.Clone(detectionDeployActions), Resources: []string{"*"}}
}
