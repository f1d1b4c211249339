package iampolicy

import (
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// seedDenyActions is the seed guidance's deny block, in its order.
var seedDenyActions = []string{
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
}

// grantableS3Actions lists every catalogued action CheckGrantableS3Action accepts, sorted.
func grantableS3Actions() []string {
	var out []string
	for _, a := range slices.Sorted(maps.Keys(s3Actions)) {
		if CheckGrantableS3Action(a) == nil {
			out = append(out, a)
		}
	}
	return out
}

func TestCatalogueNamesAreWellFormed(t *testing.T) {
	name := regexp.MustCompile(`^s3:[A-Z][A-Za-z]+$`)
	folded := map[string]string{}
	require.NotEmpty(t, s3Actions)
	for a, l := range s3Actions {
		assert.Regexp(t, name, a)
		assert.Contains(t, []Level{BucketLevel, ObjectLevel, AccountLevel}, l, a)
		// Two names equal but for case would make the spelling suggestion ambiguous.
		if prev, dup := folded[strings.ToLower(a)]; dup {
			assert.Failf(t, "names differ only in case", "%s and %s", prev, a)
		}
		folded[strings.ToLower(a)] = a
	}
}

func TestDestructiveActionsAreCatalogued(t *testing.T) {
	require.NotEmpty(t, destructiveS3Actions)
	seen := map[string]bool{}
	for _, a := range destructiveS3Actions {
		level, ok := S3ActionLevel(a)
		if assert.True(t, ok, "%s is not in the catalogue", a) {
			assert.NotEqual(t, AccountLevel, level, "%s cannot be denied on a bucket", a)
		}
		assert.False(t, seen[a], "%s is listed twice", a)
		seen[a] = true
		assert.True(t, IsDestructive(a))
	}
}

func TestDestructiveActionsCoverRuleR5(t *testing.T) {
	assert.Equal(t, seedDenyActions, destructiveS3Actions[:len(seedDenyActions)], "the first eleven are the seed's deny block, in its order")
	required := append(slices.Clone(seedDenyActions),
		"s3:DeleteBucketPolicy",
		"s3:PutBucketPublicAccessBlock",
		"s3:PutEncryptionConfiguration",
		"s3:PutBucketObjectLockConfiguration",
		"s3:BypassGovernanceRetention",
		// Peers: ownership, retention and replication settings that keep data safe.
		"s3:PutBucketOwnershipControls", // also authorizes DeleteBucketOwnershipControls
		"s3:PutObjectRetention",
		"s3:PutObjectLegalHold",
		"s3:PutReplicationConfiguration",
		// Settings that send keys or events elsewhere, or change how the bucket serves.
		"s3:PutBucketNotification",
		"s3:PutInventoryConfiguration",
		"s3:PutBucketLogging",
		"s3:PutBucketWebsite",
		"s3:PutBucketCORS",
	)
	_, defined := S3ActionLevel("s3:DeleteBucketOwnershipControls")
	assert.False(t, defined, "DeleteBucketOwnershipControls is an API operation, not an IAM action")
	for _, a := range required {
		assert.Contains(t, destructiveS3Actions, a)
		assert.True(t, IsDestructive(a), a)
	}
	for _, a := range []string{"s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:ListBucket", "", "s3:*"} {
		assert.False(t, IsDestructive(a), a)
	}
}

func TestS3ActionLevel(t *testing.T) {
	tests := []struct {
		action string
		level  Level
		known  bool
	}{
		{"s3:GetObject", ObjectLevel, true},
		{"s3:PutObject", ObjectLevel, true},
		{"s3:DeleteObject", ObjectLevel, true},
		{"s3:AbortMultipartUpload", ObjectLevel, true},
		{"s3:ListMultipartUploadParts", ObjectLevel, true},
		{"s3:GetObjectVersion", ObjectLevel, true},
		{"s3:DeleteObjectVersion", ObjectLevel, true},
		{"s3:BypassGovernanceRetention", ObjectLevel, true},
		{"s3:RestoreObject", ObjectLevel, true},
		{"s3:ListBucket", BucketLevel, true},
		{"s3:ListBucketVersions", BucketLevel, true},
		{"s3:ListBucketMultipartUploads", BucketLevel, true},
		{"s3:GetBucketLocation", BucketLevel, true},
		{"s3:GetBucketTagging", BucketLevel, true},
		{"s3:PutBucketPolicy", BucketLevel, true},
		{"s3:PutLifecycleConfiguration", BucketLevel, true},
		{"s3:PutEncryptionConfiguration", BucketLevel, true},
		{"s3:ListAllMyBuckets", AccountLevel, true},
		{"s3:PutAccountPublicAccessBlock", AccountLevel, true},
		{"s3:CreateJob", AccountLevel, true},
		{"s3:GetObjects", 0, false},
		{"s3:getobject", 0, false},
		{"s3:*", 0, false},
		{"iam:PassRole", 0, false},
		{"", 0, false},
	}
	for _, tt := range tests {
		level, ok := S3ActionLevel(tt.action)
		assert.Equal(t, tt.known, ok, tt.action)
		assert.Equal(t, tt.level, level, tt.action)
	}
}

func TestLevelString(t *testing.T) {
	assert.Equal(t, "bucket-level", BucketLevel.String())
	assert.Equal(t, "object-level", ObjectLevel.String())
	assert.Equal(t, "account-level", AccountLevel.String())
	assert.Equal(t, "unknown", Level(0).String())
	assert.Equal(t, "unknown", Level(42).String())
}

func TestCheckGrantableS3ActionRejects(t *testing.T) {
	tests := []struct {
		action string
		want   string
	}{
		{"*", "wildcard"},
		{"s3:*", "wildcard"},
		{"s3:Get*", "wildcard"},
		{"s3:*Object", "wildcard"},
		{"s3:GetObjec?", "wildcard"},
		{"s3:GetObjects", "not an S3 action AWS defines"},
		{"s3:ListObjects", "not an S3 action AWS defines"},
		{"s3:ListObjectsV2", "not an S3 action AWS defines"},
		{"GetObject", "not an S3 action AWS defines"},
		{"", "not an S3 action AWS defines"},
		{" s3:GetObject", "not an S3 action AWS defines"},
		{"s3:getobject", `write "s3:GetObject"`},
		{"S3:GetObject", `write "s3:GetObject"`},
		{"s3:LISTBUCKET", `write "s3:ListBucket"`},
		{"s3:Getbucketlocation", `write "s3:GetBucketLocation"`},
		{"s3:ListAllMyBuckets", "account-level"},
		{"s3:GetAccountPublicAccessBlock", "account-level"},
		{"s3:PutAccountPublicAccessBlock", "account-level"},
		{"s3:CreateJob", "account-level"},
		{"iam:PassRole", "not an S3 action"},
		{"ec2:RunInstances", "not an S3 action"},
		{"s3-object-lambda:GetObject", "not an S3 action"},
		{"s3:DeleteObjectVersion", "always denied"},
		{"s3:PutBucketPolicy", "always denied"},
	}
	for _, tt := range tests {
		t.Run(tt.action, func(t *testing.T) {
			err := CheckGrantableS3Action(tt.action)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestCheckGrantableS3ActionRejectsEveryDestructiveAction(t *testing.T) {
	for _, a := range destructiveS3Actions {
		err := CheckGrantableS3Action(a)
		if assert.Error(t, err, a) {
			assert.Contains(t, err.Error(), "always denied", a)
		}
	}
}

func TestCheckGrantableS3ActionRejectsEveryAccountLevelAction(t *testing.T) {
	n := 0
	for a, l := range s3Actions {
		if l != AccountLevel {
			continue
		}
		n++
		assert.ErrorContains(t, CheckGrantableS3Action(a), "account-level", a)
	}
	assert.Positive(t, n)
}

func TestCheckGrantableS3ActionAccepts(t *testing.T) {
	for _, a := range []string{
		"s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:ListBucket", "s3:GetBucketLocation",
		"s3:AbortMultipartUpload", "s3:ListMultipartUploadParts", "s3:ListBucketMultipartUploads",
		"s3:GetObjectVersion", "s3:GetObjectTagging", "s3:PutObjectTagging", "s3:RestoreObject",
		"s3:GetBucketTagging",
	} {
		assert.NoError(t, CheckGrantableS3Action(a), a)
	}
}

// TestGrantableActionsAreExactlyTheSafeCatalogue: object actions that are neither
// destructive nor replication's, and bucket reads.
func TestGrantableActionsAreExactlyTheSafeCatalogue(t *testing.T) {
	grantable := grantableS3Actions()
	require.NotEmpty(t, grantable)
	for a, l := range s3Actions {
		name := strings.TrimPrefix(a, "s3:")
		read := strings.HasPrefix(name, "Get") || strings.HasPrefix(name, "List")
		want := !IsDestructive(a) && !slices.Contains(replicationActions, a) &&
			(l == ObjectLevel || l == BucketLevel && read)
		assert.Equal(t, want, slices.Contains(grantable, a), a)
	}
	for _, a := range []string{"s3:CreateBucket", "s3:PutBucketCORS", "s3:PutInventoryConfiguration", "s3:ReplicateObject"} {
		assert.Error(t, CheckGrantableS3Action(a), a)
	}
}
