package iampolicy

import (
	"slices"
	"strings"
)

// configurationReads are the reads a refresh of this program's resources makes (the
// upstream provider's Read of each resource type the program creates): bucket settings,
// IAM, Access Analyzer and CloudTrail configuration. No object is read (s3:GetObject*),
// no version listed (s3:ListBucketVersions), no secret exists behind an IAM read. One read
// of the S3 deny list is among them, s3:GetBucketVersioning, which is how a refresh sees
// that versioning is still on. s3:ListBucket is what S3 checks for HeadBucket, the call
// that tells a refresh the bucket still exists; it also lists object keys, never their
// contents.
var configurationReads = []string{
	"s3:GetAccelerateConfiguration",
	"s3:GetAccountPublicAccessBlock",
	"s3:GetBucketAcl",
	"s3:GetBucketCORS",
	"s3:GetBucketLocation",
	"s3:GetBucketLogging",
	"s3:GetBucketObjectLockConfiguration",
	"s3:GetBucketOwnershipControls",
	"s3:GetBucketPolicy",
	"s3:GetBucketPublicAccessBlock",
	"s3:GetBucketRequestPayment",
	"s3:GetBucketTagging",
	"s3:GetBucketVersioning",
	"s3:GetBucketWebsite",
	"s3:GetEncryptionConfiguration",
	"s3:GetLifecycleConfiguration",
	"s3:GetReplicationConfiguration",
	"s3:ListBucket",
	"iam:GetAccountPasswordPolicy",
	"iam:GetAccountSummary", // and iam:ListVirtualMFADevices below: the root check (rootCheckActions)
	"iam:GetGroup",
	"iam:GetGroupPolicy",
	"iam:GetLoginProfile",
	"iam:GetOpenIDConnectProvider",
	"iam:GetPolicy",
	"iam:GetPolicyVersion",
	"iam:GetRole",
	"iam:GetRolePolicy",
	"iam:GetUser",
	"iam:GetUserPolicy",
	"iam:ListAccessKeys",
	"iam:ListAccountAliases",
	"iam:ListAttachedGroupPolicies",
	"iam:ListAttachedRolePolicies",
	"iam:ListAttachedUserPolicies",
	"iam:ListEntitiesForPolicy",
	"iam:ListGroupPolicies",
	"iam:ListGroupsForUser",
	"iam:ListOpenIDConnectProviderTags",
	"iam:ListPolicyTags",
	"iam:ListPolicyVersions",
	"iam:ListRolePolicies",
	"iam:ListRoleTags",
	"iam:ListUserPolicies",
	"iam:ListUserTags",
	"access-analyzer:GetAnalyzer",
	"access-analyzer:ListAnalyzers",
	"access-analyzer:ListTagsForResource",
	"cloudtrail:DescribeTrails",
	"cloudtrail:GetEventSelectors",
	"cloudtrail:GetInsightSelectors",
	"cloudtrail:GetTrail",
	"cloudtrail:GetTrailStatus",
	"cloudtrail:ListTags",
	// The security alerts, budget and alternate contacts (iampolicy/alerts.go).
	"account:GetAlternateContact",
	"budgets:ListTagsForResource",
	"budgets:ViewBudget",
	"events:DescribeRule",
	"events:ListTagsForResource",
	"events:ListTargetsByRule",
	"kms:DescribeKey",
	"kms:GetKeyPolicy",
	"kms:GetKeyRotationStatus",
	"kms:ListResourceTags",
	"sns:GetSubscriptionAttributes",
	"sns:GetTopicAttributes",
	"sns:ListTagsForResource",
	// EBS encryption by default and the detective services (iampolicy/detection.go).
	"config:DescribeConfigurationRecorderStatus",
	"config:DescribeConfigurationRecorders",
	"config:DescribeDeliveryChannels",
	"ec2:GetEbsEncryptionByDefault",
	"guardduty:GetDetector",
	"guardduty:ListTagsForResource",
	"securityhub:DescribeHub",
	"securityhub:GetEnabledStandards",
	// The managing stack's root check (rootCheckActions; iam:GetAccountSummary above).
	"iam:ListVirtualMFADevices",
	// The managing stack's credential audit (credentialAuditActions; iam:ListUserTags above).
	"iam:GenerateCredentialReport",
	"iam:GetCredentialReport",
	// The adoption check of a bucket still marked for adoption (adoptionCheckActions; the
	// lifecycle and replication reads above).
	"s3:GetBucketNotification",
	"s3:ListAccessPoints",
}

// adoptionCheckActions are what the adoption check (internal/adoptcheck) reads of a
// bucket being adopted: three reads of its configuration, and the listing of the account's
// access points, an account-level action IAM cannot narrow to one bucket (the listing
// filters by bucket). None reads an object.
var adoptionCheckActions = []string{"s3:GetBucketNotification", "s3:GetLifecycleConfiguration", "s3:GetReplicationConfiguration", "s3:ListAccessPoints"}

// AdoptionCheckActions returns a copy of adoptionCheckActions, so no caller can change the list.
func AdoptionCheckActions() []string { return slices.Clone(adoptionCheckActions) }

// credentialAuditActions are what the credential audit needs: IAM generates the report
// (it reuses one younger than four hours) and returns it, and the audit reads the tags of
// the users no stack declares under the program's paths, which the report lacks. They
// list users, the dates of their credentials and tags, never a secret.
var credentialAuditActions = []string{"iam:GenerateCredentialReport", "iam:GetCredentialReport", "iam:ListGroupsForUser", "iam:ListUserTags"}

// CredentialAuditActions returns a copy of credentialAuditActions, so no caller can change the list.
func CredentialAuditActions() []string { return slices.Clone(credentialAuditActions) }

// rootCheckActions are what the root check (internal/rootcheck) reads: the account summary
// (root access keys, MFA, password) and the virtual MFA devices, the root's among them if
// its MFA is not hardware. Neither returns a secret: a device's seed comes only from creating it.
var rootCheckActions = []string{"iam:GetAccountSummary", "iam:ListVirtualMFADevices"}

// RootCheckActions returns a copy of rootCheckActions, so no caller can change the list.
func RootCheckActions() []string { return slices.Clone(rootCheckActions) }

// ConfigurationReads lists the actions of ConfigurationReaderPolicy, sorted.
func ConfigurationReads() []string { return slices.Sorted(slices.Values(configurationReads)) }

// IsConfigurationRead reports whether action is one of ConfigurationReads, in any case, as
// IAM matches it.
func IsConfigurationRead(action string) bool {
	return slices.ContainsFunc(configurationReads, func(a string) bool { return strings.EqualFold(a, action) })
}

// ConfigurationReaderPolicy is the policy of a principal that reads this program's
// configuration and nothing else (the drift check's role): it allows ConfigurationReads,
// and denies every other action of every service, so no other policy attached to the
// principal can ever widen it. With stateBucket (an S3 state backend), it may also read
// the objects of that one bucket, the Pulumi state, and do nothing else there.
func ConfigurationReaderPolicy(partition, stateBucket string) Document {
	read := Statement{Sid: "ReadConfiguration", Effect: Allow, Actions: slices.Clone(configurationReads), Resources: []string{"*"}}
	if stateBucket == "" {
		return Document{Statements: []Statement{read,
			{Sid: "DenyEverythingElse", Effect: Deny, NotActions: slices.Clone(configurationReads), Resources: []string{"*"}},
		}}
	}
	state := []string{"arn:" + partition + ":s3:::" + stateBucket + "/*"}
	return Document{Statements: []Statement{read,
		{Sid: "ReadState", Effect: Allow, Actions: []string{stateRead}, Resources: state},
		{Sid: "DenyEverythingElse", Effect: Deny, NotActions: slices.Clone(configurationReads), NotResources: state},
		{Sid: "DenyStateWrites", Effect: Deny, NotActions: append(slices.Clone(configurationReads), stateRead), Resources: state},
	}}
}

// stateRead is what a preview needs of an S3 state backend's objects.
const stateRead = "s3:GetObject"

// LimitsToConfigurationReads reports whether doc's Deny statements (those without a
// condition: a conditional deny may not apply) leave its principal no S3 action beyond
// ConfigurationReads, and, on one state bucket's objects, reading them: the shape of
// ConfigurationReaderPolicy, which the rules accept in place of the explicit deny of
// destructiveS3Actions.
func LimitsToConfigurationReads(doc Document) bool {
	only := func(notActions []string, extra ...string) bool {
		return len(notActions) > 0 && !slices.ContainsFunc(notActions, func(a string) bool {
			return a == "*" || IsS3(a) && !IsConfigurationRead(a) && !slices.ContainsFunc(extra, func(e string) bool { return strings.EqualFold(e, a) })
		})
	}
	var denies []Statement
	for _, s := range doc.Statements {
		if s.Effect == Deny && len(s.Conditions) == 0 && len(s.Actions) == 0 {
			denies = append(denies, s)
		}
	}
	for _, d := range denies {
		if len(d.NotResources) == 0 && slices.Equal(d.Resources, []string{"*"}) && only(d.NotActions) {
			return true
		}
		if len(d.NotResources) != 1 || len(d.Resources) != 0 || !only(d.NotActions) || !isObjectsOfOneBucket(d.NotResources[0]) {
			continue
		}
		if slices.ContainsFunc(denies, func(e Statement) bool {
			return slices.Equal(e.Resources, d.NotResources) && len(e.NotResources) == 0 && only(e.NotActions, stateRead)
		}) {
			return true
		}
	}
	return false
}

// isObjectsOfOneBucket reports whether arn is arn:PARTITION:s3:::BUCKET/* for one bucket.
func isObjectsOfOneBucket(arn string) bool {
	_, rest, ok := strings.Cut(arn, ":s3:::")
	bucket, found := strings.CutSuffix(rest, "/*")
	return ok && found && strings.HasPrefix(arn, "arn:") && bucket != "" && !strings.ContainsAny(bucket, "*?/")
}
