package iampolicy

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Level is the resource type an S3 action is authorized against.
type Level int

// S3 action levels, after the resource types of the Service Authorization Reference.
const (
	// BucketLevel actions are authorized on arn:aws:s3:::bucket.
	BucketLevel Level = iota + 1
	// ObjectLevel actions are authorized on arn:aws:s3:::bucket/key.
	ObjectLevel
	// AccountLevel actions take no bucket or object resource and cannot be granted per bucket.
	AccountLevel
)

func (l Level) String() string {
	switch l {
	case BucketLevel:
		return "bucket-level"
	case ObjectLevel:
		return "object-level"
	case AccountLevel:
		return "account-level"
	}
	return "unknown"
}

// s3Actions is the catalogue of S3 IAM actions (general purpose buckets) and the resource
// type each is authorized on, from
// https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html.
var s3Actions = map[string]Level{
	// Object resource type.
	"s3:AbortMultipartUpload":             ObjectLevel,
	"s3:BypassGovernanceRetention":        ObjectLevel,
	"s3:DeleteObject":                     ObjectLevel,
	"s3:DeleteObjectTagging":              ObjectLevel,
	"s3:DeleteObjectVersion":              ObjectLevel,
	"s3:DeleteObjectVersionTagging":       ObjectLevel,
	"s3:GetObject":                        ObjectLevel,
	"s3:GetObjectAcl":                     ObjectLevel,
	"s3:GetObjectAttributes":              ObjectLevel,
	"s3:GetObjectLegalHold":               ObjectLevel,
	"s3:GetObjectRetention":               ObjectLevel,
	"s3:GetObjectTagging":                 ObjectLevel,
	"s3:GetObjectTorrent":                 ObjectLevel,
	"s3:GetObjectVersion":                 ObjectLevel,
	"s3:GetObjectVersionAcl":              ObjectLevel,
	"s3:GetObjectVersionAttributes":       ObjectLevel,
	"s3:GetObjectVersionForReplication":   ObjectLevel,
	"s3:GetObjectVersionTagging":          ObjectLevel,
	"s3:GetObjectVersionTorrent":          ObjectLevel,
	"s3:InitiateReplication":              ObjectLevel,
	"s3:ListMultipartUploadParts":         ObjectLevel,
	"s3:ObjectOwnerOverrideToBucketOwner": ObjectLevel,
	"s3:PutObject":                        ObjectLevel,
	"s3:PutObjectAcl":                     ObjectLevel,
	"s3:PutObjectLegalHold":               ObjectLevel,
	"s3:PutObjectRetention":               ObjectLevel,
	"s3:PutObjectTagging":                 ObjectLevel,
	"s3:PutObjectVersionAcl":              ObjectLevel,
	"s3:PutObjectVersionTagging":          ObjectLevel,
	"s3:ReplicateDelete":                  ObjectLevel,
	"s3:ReplicateObject":                  ObjectLevel,
	"s3:ReplicateTags":                    ObjectLevel,
	"s3:RestoreObject":                    ObjectLevel,

	// Bucket resource type.
	"s3:CreateBucket":                       BucketLevel,
	"s3:DeleteBucket":                       BucketLevel,
	"s3:DeleteBucketPolicy":                 BucketLevel,
	"s3:DeleteBucketWebsite":                BucketLevel,
	"s3:GetAccelerateConfiguration":         BucketLevel,
	"s3:GetAnalyticsConfiguration":          BucketLevel,
	"s3:GetBucketAcl":                       BucketLevel,
	"s3:GetBucketCORS":                      BucketLevel,
	"s3:GetBucketLocation":                  BucketLevel,
	"s3:GetBucketLogging":                   BucketLevel,
	"s3:GetBucketNotification":              BucketLevel,
	"s3:GetBucketObjectLockConfiguration":   BucketLevel,
	"s3:GetBucketOwnershipControls":         BucketLevel,
	"s3:GetBucketPolicy":                    BucketLevel,
	"s3:GetBucketPolicyStatus":              BucketLevel,
	"s3:GetBucketPublicAccessBlock":         BucketLevel,
	"s3:GetBucketRequestPayment":            BucketLevel,
	"s3:GetBucketTagging":                   BucketLevel,
	"s3:GetBucketVersioning":                BucketLevel,
	"s3:GetBucketWebsite":                   BucketLevel,
	"s3:GetEncryptionConfiguration":         BucketLevel,
	"s3:GetIntelligentTieringConfiguration": BucketLevel,
	"s3:GetInventoryConfiguration":          BucketLevel,
	"s3:GetLifecycleConfiguration":          BucketLevel,
	"s3:GetMetricsConfiguration":            BucketLevel,
	"s3:GetReplicationConfiguration":        BucketLevel,
	"s3:ListBucket":                         BucketLevel,
	"s3:ListBucketMultipartUploads":         BucketLevel,
	"s3:ListBucketVersions":                 BucketLevel,
	"s3:PutAccelerateConfiguration":         BucketLevel,
	"s3:PutAnalyticsConfiguration":          BucketLevel,
	"s3:PutBucketAcl":                       BucketLevel,
	"s3:PutBucketCORS":                      BucketLevel,
	"s3:PutBucketLogging":                   BucketLevel,
	"s3:PutBucketNotification":              BucketLevel,
	"s3:PutBucketObjectLockConfiguration":   BucketLevel,
	"s3:PutBucketOwnershipControls":         BucketLevel,
	"s3:PutBucketPolicy":                    BucketLevel,
	"s3:PutBucketPublicAccessBlock":         BucketLevel,
	"s3:PutBucketRequestPayment":            BucketLevel,
	"s3:PutBucketTagging":                   BucketLevel,
	"s3:PutBucketVersioning":                BucketLevel,
	"s3:PutBucketWebsite":                   BucketLevel,
	"s3:PutEncryptionConfiguration":         BucketLevel,
	"s3:PutIntelligentTieringConfiguration": BucketLevel,
	"s3:PutInventoryConfiguration":          BucketLevel,
	"s3:PutLifecycleConfiguration":          BucketLevel,
	"s3:PutMetricsConfiguration":            BucketLevel,
	"s3:PutReplicationConfiguration":        BucketLevel,

	// No bucket or object resource.
	"s3:CreateJob":                       AccountLevel,
	"s3:GetAccessPoint":                  AccountLevel,
	"s3:GetAccountPublicAccessBlock":     AccountLevel,
	"s3:ListAccessPoints":                AccountLevel,
	"s3:ListAllMyBuckets":                AccountLevel,
	"s3:ListJobs":                        AccountLevel,
	"s3:ListStorageLensConfigurations":   AccountLevel,
	"s3:PutAccessPointPublicAccessBlock": AccountLevel,
	"s3:PutAccountPublicAccessBlock":     AccountLevel,
	"s3:PutStorageLensConfiguration":     AccountLevel,
}

// destructiveS3Actions are denied explicitly to every non-admin principal on every bucket it
// can reach (rule R5): they delete data or versions, or change the versioning, lifecycle,
// encryption, lock, replication, ownership, access, logging, notification, inventory and
// other settings that keep data safe and private. The first eleven are the seed guidance's
// deny block. (Deleting ownership controls is authorized by s3:PutBucketOwnershipControls.)
var destructiveS3Actions = []string{
	"s3:DeleteBucket",
	"s3:PutBucketVersioning",
	"s3:PutObjectVersionAcl",
	"s3:DeleteObjectVersion",
	"s3:GetObjectVersionAcl",
	"s3:PutLifecycleConfiguration",
	"s3:GetBucketVersioning",
	"s3:ListBucketVersions",
	"s3:PutBucketAcl",
	"s3:PutBucketPolicy",
	"s3:PutBucketRequestPayment",
	"s3:BypassGovernanceRetention",
	"s3:DeleteBucketPolicy",
	"s3:DeleteBucketWebsite",
	"s3:DeleteObjectVersionTagging",
	"s3:PutAccelerateConfiguration",
	"s3:PutAnalyticsConfiguration",
	"s3:PutBucketCORS",
	"s3:PutBucketLogging",
	"s3:PutBucketNotification",
	"s3:PutBucketObjectLockConfiguration",
	"s3:PutBucketOwnershipControls",
	"s3:PutBucketPublicAccessBlock",
	"s3:PutBucketTagging",
	"s3:PutBucketWebsite",
	"s3:PutEncryptionConfiguration",
	"s3:PutIntelligentTieringConfiguration",
	"s3:PutInventoryConfiguration",
	"s3:PutMetricsConfiguration",
	"s3:PutObjectLegalHold",
	"s3:PutObjectRetention",
	"s3:PutReplicationConfiguration",
	"s3:ReplicateDelete",
}

// DestructiveS3Actions returns a copy of destructiveS3Actions, so no caller can change the list.
func DestructiveS3Actions() []string { return slices.Clone(destructiveS3Actions) }

// replicationActions belong to S3's replication role, never to an application.
var replicationActions = []string{
	"s3:GetObjectVersionForReplication",
	"s3:InitiateReplication",
	"s3:ObjectOwnerOverrideToBucketOwner",
	"s3:ReplicateObject",
	"s3:ReplicateTags",
}

// adminEquivalentPolicies are AWS managed policies that make a principal an admin, or let
// it make itself one (IAM writes, iam:PassRole on any role, organization control).
var adminEquivalentPolicies = []string{
	"AdministratorAccess", "AdministratorAccess-Amplify", "AWSOrganizationsFullAccess", "IAMFullAccess",
	"PowerUserAccess", "job-function/SystemAdministrator", "job-function/NetworkAdministrator",
}

// AdminEquivalentPolicies returns a copy of adminEquivalentPolicies, so no caller can change the list.
func AdminEquivalentPolicies() []string { return slices.Clone(adminEquivalentPolicies) }

// developerPolicies are the AWS managed policies a developer group may hold, each with
// why: none grants an IAM write or iam:PassRole (so none lets a developer make itself an
// admin), and none reads data or secrets (object contents, items, messages, parameters,
// logs, function code or environment). Anything else is refused, since a deny-list of
// AWS's hundreds of managed policies could never be complete.
var developerPolicies = map[string]string{
	"job-function/ViewOnlyAccess":     "lists and describes resources in every service, without reading their contents",
	"AWSSupportAccess":                "opens and reads AWS Support cases",
	"AWSBillingReadOnlyAccess":        "reads billing and cost data",
	"IAMAccessAnalyzerReadOnlyAccess": "reads Access Analyzer findings",
}

// DeveloperPolicy reports whether developers may hold the AWS managed policy name, and why.
func DeveloperPolicy(name string) (why string, ok bool) {
	why, ok = developerPolicies[name]
	return why, ok
}

// DeveloperPolicies lists the AWS managed policies developers may hold, sorted.
func DeveloperPolicies() []string { return slices.Sorted(maps.Keys(developerPolicies)) }

// S3ActionLevel reports the level of a catalogued S3 action.
func S3ActionLevel(action string) (Level, bool) {
	l, ok := s3Actions[action]
	return l, ok
}

// IsDestructive reports whether action is one of destructiveS3Actions.
func IsDestructive(action string) bool {
	return slices.ContainsFunc(destructiveS3Actions, func(a string) bool { return strings.EqualFold(a, action) })
}

// IsS3 reports whether action is an S3 action, in any case: IAM compares action names
// without regard to case.
func IsS3(action string) bool { return strings.HasPrefix(strings.ToLower(action), "s3:") }

// CheckGrantableS3Action returns an error unless action may be allowed to a non-admin
// principal on a bucket (rules R5, R7): a catalogued S3 action, spelled as AWS spells it,
// not one of destructiveS3Actions nor of the replication role's; at bucket level only one
// that reads (Get or List): a bucket's configuration is this program's to set.
func CheckGrantableS3Action(action string) error {
	if strings.Contains(action, "*") || strings.Contains(action, "?") {
		return fmt.Errorf("%q is a wildcard; list each S3 action by name", action)
	}
	level, ok := s3Actions[action]
	if !ok {
		for known := range s3Actions {
			if strings.EqualFold(known, action) {
				return fmt.Errorf("%q is not spelled as AWS defines it; write %q", action, known)
			}
		}
		if !strings.HasPrefix(action, "s3:") {
			return fmt.Errorf("%q is not an S3 action AWS defines; machine principals are granted S3 actions only", action)
		}
		return fmt.Errorf("%q is not an S3 action AWS defines (catalogue: iampolicy/s3actions.go); check its spelling", action)
	}
	if level == AccountLevel {
		return fmt.Errorf("%q is an account-level action and cannot be granted on a bucket", action)
	}
	if IsDestructive(action) {
		return fmt.Errorf("%q can destroy versioned data or weaken the bucket's protection and is always denied", action)
	}
	if slices.Contains(replicationActions, action) {
		return fmt.Errorf("%q is for S3 replication roles, not applications", action)
	}
	name := strings.TrimPrefix(action, "s3:")
	if level == BucketLevel && !strings.HasPrefix(name, "Get") && !strings.HasPrefix(name, "List") {
		return fmt.Errorf("%q changes the bucket itself; bucket settings belong in this program, so only bucket reads (Get, List) can be granted", action)
	}
	return nil
}
