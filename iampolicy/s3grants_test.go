package iampolicy

import (
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const assetsBucket = "acme-assets-production"

// owners is the stack's own account, owner of every bucket of these tests.
var owners = BucketOwners{Account: "111111111111"}

func TestARNs(t *testing.T) {
	assert.Equal(t, "arn:aws:s3:::acme-assets-production", BucketARN("aws", assetsBucket))
	assert.Equal(t, "arn:aws-cn:s3:::b", BucketARN("aws-cn", "b"))
	assert.Equal(t, "arn:aws:s3:::acme-assets-production/*", ObjectsARN("aws", assetsBucket, ""))
	assert.Equal(t, "arn:aws:s3:::acme-assets-production/uploads/*", ObjectsARN("aws", assetsBucket, "uploads/"))
	assert.Equal(t, "arn:aws-us-gov:s3:::b/a/b/*", ObjectsARN("aws-us-gov", "b", "a/b/"))
}

func TestCheckS3Prefix(t *testing.T) {
	tests := []struct {
		prefix string
		want   string // error substring; empty means valid
	}{
		{"", ""},
		{"uploads/", ""},
		{"a/b/c/", ""},
		{"with space/", ""},
		{"x/", ""},
		{strings.Repeat("a", 1023) + "/", ""},
		{"uploads", "must end with /"},
		{"uploads/file", "must end with /"},
		{"/uploads/", "must not start with /"},
		{"/", "must not start with /"},
		{"uploads/*", "must not contain"},
		{"up*/", "must not contain"},
		{"up?/", "must not contain"},
		{"${aws:username}/", "must not contain"},
		{"home/${aws:userid}/", "must not contain"},
		{"$x/", "must not contain"},
		{strings.Repeat("a", 1024) + "/", "at most 1024"},
	}
	for _, tt := range tests {
		name := tt.prefix
		if len(name) > 40 {
			name = name[:20] + "...long"
		}
		t.Run(name, func(t *testing.T) {
			err := CheckS3Prefix(tt.prefix)
			if tt.want == "" {
				assert.NoError(t, err)
				return
			}
			assert.ErrorContains(t, err, tt.want)
		})
	}
}

func TestS3AccessDocumentErrors(t *testing.T) {
	tests := []struct {
		name   string
		grants []S3Grant
		want   []string
	}{
		{"nil grants", nil, []string{"no grants"}},
		{"empty grants", []S3Grant{}, []string{"no grants"}},
		{"empty bucket", []S3Grant{{Actions: []string{"s3:GetObject"}}}, []string{"bucket name is empty"}},
		{"no actions", []S3Grant{{Bucket: assetsBucket}}, []string{`grant on bucket "acme-assets-production"`, "no actions"}},
		{"prefix without trailing slash", []S3Grant{{Bucket: assetsBucket, Prefix: "uploads", Actions: []string{"s3:GetObject"}}}, []string{"must end with /"}},
		{"prefix with leading slash", []S3Grant{{Bucket: assetsBucket, Prefix: "/uploads/", Actions: []string{"s3:GetObject"}}}, []string{"must not start with /"}},
		{"prefix with wildcard", []S3Grant{{Bucket: assetsBucket, Prefix: "up*/", Actions: []string{"s3:GetObject"}}}, []string{"must not contain"}},
		{"prefix with policy variable", []S3Grant{{Bucket: assetsBucket, Prefix: "${aws:username}/", Actions: []string{"s3:GetObject"}}}, []string{"must not contain"}},
		{"whole-bucket action in prefixed grant", []S3Grant{{Bucket: assetsBucket, Prefix: "uploads/", Actions: []string{"s3:GetObject", "s3:GetBucketTagging"}}}, []string{`"s3:GetBucketTagging" applies to the whole bucket`, `prefix "uploads/"`}},
		{"multipart listing in prefixed grant", []S3Grant{{Bucket: assetsBucket, Prefix: "uploads/", Actions: []string{"s3:ListBucketMultipartUploads"}}}, []string{"applies to the whole bucket"}},
		{"wildcard action", []S3Grant{{Bucket: assetsBucket, Actions: []string{"s3:*"}}}, []string{"wildcard"}},
		{"unknown action", []S3Grant{{Bucket: assetsBucket, Actions: []string{"s3:GetObjects"}}}, []string{"not an S3 action"}},
		{"non-S3 action", []S3Grant{{Bucket: assetsBucket, Actions: []string{"iam:PassRole"}}}, []string{"not an S3 action"}},
		{"destructive action", []S3Grant{{Bucket: assetsBucket, Actions: []string{"s3:GetObject", "s3:DeleteObjectVersion"}}}, []string{"always denied"}},
		{"account-level action", []S3Grant{{Bucket: assetsBucket, Actions: []string{"s3:ListAllMyBuckets"}}}, []string{"account-level"}},
		{"second grant broken", []S3Grant{
			{Bucket: assetsBucket, Actions: []string{"s3:GetObject"}},
			{Bucket: "acme-other", Prefix: "x", Actions: []string{"s3:GetObject"}},
		}, []string{`grant on bucket "acme-other"`, "must end with /"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := S3AccessDocument("aws", owners, tt.grants)
			require.Error(t, err)
			for _, w := range tt.want {
				assert.Contains(t, err.Error(), w)
			}
			assert.Empty(t, doc.Statements)
		})
	}
}

func TestGoldenS3AppGrant(t *testing.T) {
	doc, err := S3AccessDocument("aws", owners, []S3Grant{{
		Bucket:  assetsBucket,
		Actions: []string{"s3:DeleteObject", "s3:GetObject", "s3:ListBucket", "s3:PutObject"},
	}})
	require.NoError(t, err)
	assertGolden(t, "s3_app_acme_assets_production", doc)

	require.Len(t, doc.Statements, 3)
	assert.Equal(t, Statement{
		Sid: "BucketAcmeAssetsProduction", Effect: Allow,
		Actions: []string{"s3:ListBucket"}, Resources: []string{"arn:aws:s3:::acme-assets-production"},
		Conditions: []Condition{pinnedTo(owners.Account)},
	}, doc.Statements[0])
	assert.Equal(t, Statement{
		Sid: "ObjectsAcmeAssetsProduction", Effect: Allow,
		Actions: []string{"s3:DeleteObject", "s3:GetObject", "s3:PutObject"}, Resources: []string{"arn:aws:s3:::acme-assets-production/*"},
		Conditions: []Condition{pinnedTo(owners.Account)},
	}, doc.Statements[1])
	assertDenyStatement(t, doc, assetsBucket)
}

func TestGoldenS3ThirdPartyPrefixGrants(t *testing.T) {
	doc, err := S3AccessDocument("aws", owners, []S3Grant{
		{Bucket: assetsBucket, Prefix: "uploads/", Actions: []string{"s3:GetObject", "s3:ListBucket"}},
		{Bucket: assetsBucket, Prefix: "encoded/", Actions: []string{"s3:PutObject"}},
	})
	require.NoError(t, err)
	assertGolden(t, "s3_third_party_prefixes", doc)

	require.Len(t, doc.Statements, 4)
	assert.Equal(t, Statement{
		Sid: "BucketAcmeAssetsProductionUploads", Effect: Allow,
		Actions: []string{"s3:ListBucket"}, Resources: []string{"arn:aws:s3:::acme-assets-production"},
		Conditions: []Condition{pinnedTo(owners.Account), {Operator: "StringLike", Key: "s3:prefix", Values: []string{"uploads/*"}}},
	}, doc.Statements[0])
	assert.Equal(t, Statement{
		Sid: "ObjectsAcmeAssetsProductionUploads", Effect: Allow,
		Actions: []string{"s3:GetObject"}, Resources: []string{"arn:aws:s3:::acme-assets-production/uploads/*"},
		Conditions: []Condition{pinnedTo(owners.Account)},
	}, doc.Statements[1])
	assert.Equal(t, Statement{
		Sid: "ObjectsAcmeAssetsProductionEncoded", Effect: Allow,
		Actions: []string{"s3:PutObject"}, Resources: []string{"arn:aws:s3:::acme-assets-production/encoded/*"},
		Conditions: []Condition{pinnedTo(owners.Account)},
	}, doc.Statements[2])
	// The deny is not limited to the prefixes: it covers the whole bucket.
	assertDenyStatement(t, doc, assetsBucket)
	d := decode(t, doc)
	assert.Equal(t, []any{"arn:aws:s3:::acme-assets-production", "arn:aws:s3:::acme-assets-production/*"}, d.Statement[3]["Resource"], "deny resources are de-duplicated in JSON")
}

func TestGoldenS3BackupWriter(t *testing.T) {
	doc, err := S3AccessDocument("aws", owners, []S3Grant{{Bucket: "acme-backups-production", Actions: []string{"s3:ListBucket", "s3:PutObject"}}})
	require.NoError(t, err)
	assertGolden(t, "s3_backup_writer", doc)

	require.Len(t, doc.Statements, 3)
	assert.Equal(t, []string{"s3:ListBucket"}, doc.Statements[0].Actions)
	assert.Equal(t, []string{"arn:aws:s3:::acme-backups-production"}, doc.Statements[0].Resources)
	assert.Equal(t, []string{"s3:PutObject"}, doc.Statements[1].Actions)
	assert.Equal(t, []string{"arn:aws:s3:::acme-backups-production/*"}, doc.Statements[1].Resources)
	assertDenyStatement(t, doc, "acme-backups-production")
}

// assertDenyStatement checks that doc ends with the Deny of every destructive action on
// each bucket, whole bucket and all objects.
func assertDenyStatement(t *testing.T, doc Document, buckets ...string) {
	t.Helper()
	require.NotEmpty(t, doc.Statements)
	deny := doc.Statements[len(doc.Statements)-1]
	assert.Equal(t, "DenyDestructiveS3Actions", deny.Sid)
	assert.Equal(t, Deny, deny.Effect)
	assert.Empty(t, deny.Conditions, "the deny must be unconditional")
	assert.ElementsMatch(t, destructiveS3Actions, deny.Actions)
	var want []string
	for _, b := range buckets {
		want = append(want, BucketARN("aws", b), ObjectsARN("aws", b, ""))
	}
	assert.ElementsMatch(t, normalize(want), normalize(deny.Resources))
	for _, s := range doc.Statements[:len(doc.Statements)-1] {
		assert.Equal(t, Allow, s.Effect, "only the last statement denies")
	}
}

func TestS3AccessDocumentSeveralBuckets(t *testing.T) {
	doc, err := S3AccessDocument("aws", owners, []S3Grant{
		{Bucket: "acme-a", Actions: []string{"s3:GetObject"}},
		{Bucket: "acme-b", Prefix: "in/", Actions: []string{"s3:ListBucket"}},
		{Bucket: "acme-a", Prefix: "logs/", Actions: []string{"s3:PutObject"}},
	})
	require.NoError(t, err)
	require.Len(t, doc.Statements, 4)
	assert.Equal(t, []string{"ObjectsAcmeA", "BucketAcmeBIn", "ObjectsAcmeALogs", "DenyDestructiveS3Actions"},
		[]string{doc.Statements[0].Sid, doc.Statements[1].Sid, doc.Statements[2].Sid, doc.Statements[3].Sid}, "grant order is statement order")
	assertDenyStatement(t, doc, "acme-a", "acme-b")
}

func TestS3AccessDocumentPartition(t *testing.T) {
	doc, err := S3AccessDocument("aws-cn", owners, []S3Grant{{Bucket: "b-cn", Actions: []string{"s3:GetObject", "s3:ListBucket"}}})
	require.NoError(t, err)
	s := doc.MustJSON()
	assert.NotContains(t, s, "arn:aws:")
	assert.Contains(t, s, "arn:aws-cn:s3:::b-cn")
	assert.Contains(t, s, "arn:aws-cn:s3:::b-cn/*")
}

func TestS3AccessDocumentIsDeterministic(t *testing.T) {
	a, err := S3AccessDocument("aws", owners, []S3Grant{{Bucket: assetsBucket, Actions: []string{"s3:PutObject", "s3:ListBucket", "s3:GetObject", "s3:DeleteObject"}}})
	require.NoError(t, err)
	b, err := S3AccessDocument("aws", owners, []S3Grant{{Bucket: assetsBucket, Actions: []string{"s3:GetObject", "s3:DeleteObject", "s3:GetObject", "s3:ListBucket", "s3:PutObject"}}})
	require.NoError(t, err)
	assert.Equal(t, a.MustJSON(), b.MustJSON())
}

func TestS3AccessDocumentLeavesDestructiveListAlone(t *testing.T) {
	before := slices.Clone(destructiveS3Actions)
	doc, err := S3AccessDocument("aws", owners, []S3Grant{{Bucket: assetsBucket, Actions: []string{"s3:GetObject"}}})
	require.NoError(t, err)
	_ = doc.MustJSON()
	assert.Equal(t, before, destructiveS3Actions)
}

// TestS3AccessDocumentEveryGrantableAction is a property test over the catalogue: each
// grantable action, alone, with and without a prefix, and all of them in one grant, lands
// on the resource type AWS authorizes it on, and nothing destructive is ever allowed.
func TestS3AccessDocumentEveryGrantableAction(t *testing.T) {
	grantable := grantableS3Actions()
	require.Greater(t, len(grantable), 40, "the catalogue should hold most S3 bucket and object actions")
	const bucket = "acme-property"
	for _, prefix := range []string{"", "data/"} {
		for _, action := range grantable {
			level, ok := S3ActionLevel(action)
			require.True(t, ok)
			doc, err := S3AccessDocument("aws", owners, []S3Grant{{Bucket: bucket, Prefix: prefix, Actions: []string{action}}})
			if prefix != "" && level == BucketLevel && action != prefixScopedBucketAction {
				assert.ErrorContains(t, err, "applies to the whole bucket", "%s with prefix", action)
				continue
			}
			if !assert.NoError(t, err, "%s prefix %q", action, prefix) {
				continue
			}
			assertAllowsOnRightResource(t, doc, bucket, prefix)
			assertDenyStatement(t, doc, bucket)
		}
	}
	doc, err := S3AccessDocument("aws", owners, []S3Grant{{Bucket: bucket, Actions: grantable}})
	require.NoError(t, err)
	assertAllowsOnRightResource(t, doc, bucket, "")
	assertDenyStatement(t, doc, bucket)
	var allowed []string
	for _, s := range doc.Statements {
		if s.Effect == Allow {
			allowed = append(allowed, s.Actions...)
		}
	}
	assert.ElementsMatch(t, grantable, allowed, "every action allowed exactly once")
}

func assertAllowsOnRightResource(t *testing.T, doc Document, bucket, prefix string) {
	t.Helper()
	for _, s := range doc.Statements {
		if s.Effect != Allow {
			continue
		}
		assert.Empty(t, s.NotActions, s.Sid)
		assert.Empty(t, s.NotResources, s.Sid)
		assert.Empty(t, s.Principals, s.Sid)
		require.Len(t, s.Resources, 1, s.Sid)
		for _, a := range s.Actions {
			assert.False(t, IsDestructive(a), "%s allows destructive %s", s.Sid, a)
			assert.NotContains(t, a, "*", s.Sid)
			switch level, _ := S3ActionLevel(a); level {
			case BucketLevel:
				assert.Equal(t, BucketARN("aws", bucket), s.Resources[0], "%s: bucket-level %s", s.Sid, a)
			case ObjectLevel:
				assert.Equal(t, ObjectsARN("aws", bucket, prefix), s.Resources[0], "%s: object-level %s", s.Sid, a)
				assert.Equal(t, []Condition{pinnedTo(owners.Account)}, s.Conditions, "%s: object statements need only the owner's pin", s.Sid)
			default:
				assert.Failf(t, "action not grantable on a bucket", "%s: %s is %s", s.Sid, a, level)
			}
		}
		if prefix != "" && slices.Contains(s.Actions, "s3:ListBucket") {
			assert.Contains(t, s.Conditions, Condition{Operator: "StringLike", Key: "s3:prefix", Values: []string{prefix + "*"}},
				"%s: a prefixed ListBucket must be confined to the prefix", s.Sid)
		}
		assert.Contains(t, s.Conditions, pinnedTo(owners.Account), "%s: every grant is pinned to the bucket's owner", s.Sid)
		if prefix == "" {
			assert.Len(t, s.Conditions, 1, s.Sid)
		}
	}
}

func pinnedTo(account string) Condition {
	return Condition{Operator: "StringEquals", Key: "s3:ResourceAccount", Values: []string{account}}
}

// TestS3AccessDocumentPinsEachBucketToItsOwner: an external bucket's grant names the
// account that owns it, every other bucket the stack's, and an owner that is no account
// id is refused.
func TestS3AccessDocumentPinsEachBucketToItsOwner(t *testing.T) {
	mixed := BucketOwners{Account: "111111111111", External: map[string]string{"legacy-uploads": "222222222222"}}
	doc, err := S3AccessDocument("aws", mixed, []S3Grant{
		{Bucket: assetsBucket, Actions: []string{"s3:GetObject", "s3:ListBucket"}},
		{Bucket: "legacy-uploads", Prefix: "in/", Actions: []string{"s3:PutObject", "s3:ListBucket"}},
	})
	require.NoError(t, err)
	for _, s := range doc.Statements {
		switch {
		case s.Effect == Deny:
			assert.Empty(t, s.Conditions, "the deny of destructive actions holds whoever owns the bucket")
		case strings.Contains(s.Resources[0], "legacy-uploads"):
			assert.Contains(t, s.Conditions, pinnedTo("222222222222"), s.Sid)
		default:
			assert.Equal(t, []Condition{pinnedTo("111111111111")}, s.Conditions, s.Sid)
		}
	}
	_, err = S3AccessDocument("aws", BucketOwners{Account: "acme"}, []S3Grant{{Bucket: assetsBucket, Actions: []string{"s3:GetObject"}}})
	assert.ErrorContains(t, err, "owning account")
}

// A prefix-limited grant holds no bucket-level action but s3:ListBucket: GetBucketLocation
// requests carry no s3:prefix, so under the prefix condition it would allow nothing, and
// without it, it would reach the whole bucket.
func TestPrefixGrantRefusesGetBucketLocation(t *testing.T) {
	_, err := S3AccessDocument("aws", owners, []S3Grant{{Bucket: assetsBucket, Prefix: "uploads/", Actions: []string{"s3:GetBucketLocation", "s3:ListBucket", "s3:GetObject"}}})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "grant it without a prefix")
}

// Sids are built from the bucket and prefix with the separators removed, so distinct grants
// can meet (bucket "acme-assets" vs bucket "acme" with prefix "assets/"; "acme-assets" vs
// "acme.assets"): the later ones are numbered instead of failing at pulumi up.
func TestS3AccessDocumentDistinctGrantsGetDistinctSids(t *testing.T) {
	tests := [][]S3Grant{
		{
			{Bucket: "acme-assets", Actions: []string{"s3:GetObject"}},
			{Bucket: "acme", Prefix: "assets/", Actions: []string{"s3:GetObject"}},
		},
		{
			{Bucket: "acme-assets", Actions: []string{"s3:GetObject"}},
			{Bucket: "acme.assets", Actions: []string{"s3:GetObject"}},
		},
	}
	for _, grants := range tests {
		doc, err := S3AccessDocument("aws", owners, grants)
		require.NoError(t, err, "distinct grants %+v", grants)
		require.Len(t, doc.Statements, 3)
		assert.Equal(t, doc.Statements[0].Sid+"2", doc.Statements[1].Sid)
	}
}

func TestSidName(t *testing.T) {
	tests := map[string]string{
		"":                          "",
		"acme-assets.prod/uploads/": "AcmeAssetsProdUploads",
		"acme-assets-production":    "AcmeAssetsProduction",
		"uploads/":                  "Uploads",
		"a/b c_d":                   "ABCD",
		"2024-logs/":                "2024Logs",
		"caf\u00e9-x/":              "CafX",
	}
	for in, want := range tests {
		got := sidName(in)
		assert.Equal(t, want, got, in)
		assert.True(t, got == "" || sidPattern.MatchString(got), "%q is not a valid Sid part", got)
	}
}
