package awsnames_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-aws/secure-aws/awsnames"
)

func TestIAMName(t *testing.T) {
	for _, tc := range []struct {
		name    string
		max     int
		ok      bool
		message string // a part of the error, when not ok
	}{
		{"alice", awsnames.MaxUserName, true, ""},
		{"my-application-staging", awsnames.MaxUserName, true, ""},
		{"a+b=c,d.e@f_g-h", awsnames.MaxUserName, true, ""},
		{"A", awsnames.MaxUserName, true, ""},
		{strings.Repeat("u", 64), awsnames.MaxUserName, true, ""},
		{strings.Repeat("g", 128), awsnames.MaxGroupName, true, ""},
		{strings.Repeat("r", 64), awsnames.MaxRoleName, true, ""},
		{strings.Repeat("p", 128), awsnames.MaxPolicyName, true, ""},
		{"", awsnames.MaxUserName, false, "required"},
		{strings.Repeat("u", 65), awsnames.MaxUserName, false, "65 characters"},
		{strings.Repeat("g", 129), awsnames.MaxGroupName, false, "at most 128"},
		{strings.Repeat("r", 65), awsnames.MaxRoleName, false, "at most 64"},
		{"alice smith", awsnames.MaxUserName, false, "not a valid"},
		{"my/app", awsnames.MaxUserName, false, "not a valid"},
		{"a*b", awsnames.MaxUserName, false, "not a valid"},
		{"tab\tname", awsnames.MaxUserName, false, "not a valid"},
		{"jürgen", awsnames.MaxUserName, false, "not a valid"},
		{"colon:name", awsnames.MaxUserName, false, "not a valid"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := awsnames.IAMName(tc.name, tc.max, "user")
			if tc.ok {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.message)
			assert.Contains(t, err.Error(), "IAM user name", "the error says what kind of name")
		})
	}
}

func TestIAMNameSaysWhatKind(t *testing.T) {
	err := awsnames.IAMName("", awsnames.MaxGroupName, "group")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "IAM group name")
}

func TestIAMPath(t *testing.T) {
	long := "/" + strings.Repeat("p", 510) + "/"    // 512 characters
	tooLong := "/" + strings.Repeat("p", 511) + "/" // 513 characters
	require.Len(t, long, 512)
	require.Len(t, tooLong, 513)
	for _, tc := range []struct {
		path string
		ok   bool
	}{
		{"/", true},
		{"/admins/", true},
		{"/backup/", true},
		{"/ops/admins/", true},
		{"/a+b=c,d.e@f_g-h/", true},
		{long, true},
		{"", false},
		{"admins/", false},
		{"/admins", false},
		{"admins", false},
		{"//", false},
		{"/a//b/", false},
		{"/has space/", false},
		{"/star*/", false},
		{tooLong, false},
	} {
		t.Run(tc.path, func(t *testing.T) {
			err := awsnames.IAMPath(tc.path)
			if tc.ok {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), "not a valid IAM path")
		})
	}
}

func TestAccountID(t *testing.T) {
	for _, tc := range []struct {
		id string
		ok bool
	}{
		{"111111111111", true},
		{"012345678901", true},
		{"", false},
		{"11111111111", false},
		{"1111111111111", false},
		{"11111111111a", false},
		{" 111111111111", false},
		{"111111111111\n", false},
		{"1111-1111-1111", false},
	} {
		t.Run(tc.id, func(t *testing.T) {
			err := awsnames.AccountID(tc.id)
			if tc.ok {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), "12-digit")
		})
	}
}

func TestAccountAlias(t *testing.T) {
	for _, tc := range []struct {
		alias   string
		ok      bool
		message string
	}{
		{"acme-corp", true, ""},
		{"abc", true, ""},
		{"a1b", true, ""},
		{"123abc", true, ""},
		{"12345678901", true, ""},   // 11 digits is no account id
		{"1234567890123", true, ""}, // nor are 13
		{"a-b-c", true, ""},
		{strings.Repeat("a", 63), true, ""},
		{"", false, "not a valid account alias"},
		{"ab", false, "not a valid account alias"},
		{strings.Repeat("a", 64), false, "not a valid account alias"},
		{"Acme-Corp", false, "not a valid account alias"},
		{"acme--corp", false, "not a valid account alias"},
		{"-acme", false, "not a valid account alias"},
		{"acme-", false, "not a valid account alias"},
		{"acme_corp", false, "not a valid account alias"},
		{"acme.corp", false, "not a valid account alias"},
		{"acme corp", false, "not a valid account alias"},
		{"123456789012", false, "account id"},
	} {
		t.Run(tc.alias, func(t *testing.T) {
			err := awsnames.AccountAlias(tc.alias)
			if tc.ok {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.message)
		})
	}
}

func TestBucketName(t *testing.T) {
	const (
		invalid  = "is not a valid"
		ip       = "IP address"
		reserved = "which S3 reserves"
		dot      = `"." at position`
	)
	for _, tc := range []struct {
		name    string
		created bool
		message string // empty: accepted
	}{
		{"acme-assets-production", true, ""},
		{"acme-assets-production", false, ""},
		{"abc", true, ""},
		{"123", true, ""},
		{"a-b", true, ""},
		{strings.Repeat("b", 63), true, ""},
		{"acme.assets", false, ""},
		{"logs.example.com", false, ""},
		{"a.b.c", false, ""},
		{"xnacme", true, ""},       // "xn" alone is no reserved prefix
		{"acme-s3", true, ""},      // nor "-s3" a reserved suffix
		{"acme--assets", true, ""}, // double hyphens in the middle are allowed
		{"my-mrap", true, ""},      // ".mrap" is reserved, "-mrap" is not
		{"1.2.3.4.5", false, ""},   // dotted, but no IP address
		{"acme.assets", true, dot}, // dots only in buckets this project does not create
		{"a.b.c", true, dot},
		{"", true, invalid},
		{"ab", true, invalid}, // too short
		{strings.Repeat("b", 64), true, invalid},
		{strings.Repeat("b", 64), false, invalid},
		{"Acme-Assets", true, invalid},
		{"Acme-Assets", false, invalid},
		{"acme_assets", true, invalid},
		{"acme assets", true, invalid},
		{"-acme", true, invalid},
		{"acme-", true, invalid},
		{".acme", false, invalid},
		{"acme.", false, invalid},
		{"acme..assets", false, invalid},
		{"192.168.5.4", false, ip},
		{"192.168.5.4", true, dot},
		{"10.0.0.1", false, ip},
		{"xn--acme", true, reserved},
		{"sthree-acme", true, reserved},
		{"sthree-configurator", true, reserved},
		{"amzn-s3-demo-bucket", true, reserved},
		{"acme-s3alias", true, reserved},
		{"acme--ol-s3", true, reserved},
		{"acme.mrap", false, reserved},
		{"acme--x-s3", true, reserved},
		{"acme--table-s3", true, reserved},
	} {
		label := tc.name
		if tc.created {
			label += " created"
		} else {
			label += " external"
		}
		t.Run(label, func(t *testing.T) {
			err := awsnames.BucketName(tc.name, tc.created)
			if tc.message == "" {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.message)
			assert.Contains(t, err.Error(), `"`+tc.name+`"`, "the error names the bucket")
		})
	}
}

func TestPartition(t *testing.T) {
	for _, tc := range []struct {
		region, partition string
	}{
		{"us-east-1", "aws"},
		{"us-west-2", "aws"},
		{"eu-central-1", "aws"},
		{"ap-northeast-3", "aws"},
		{"sa-east-1", "aws"},
		{"cn-north-1", "aws-cn"},
		{"cn-northwest-1", "aws-cn"},
		{"us-gov-west-1", "aws-us-gov"},
		{"us-gov-east-1", "aws-us-gov"},
		// The AWS European Sovereign Cloud: the partitions file of the AWS SDK for Go v2
		// (aws-eusc, regions ^eusc-(de)-\w+-\d+$, DNS suffix amazonaws.eu).
		{"eusc-de-east-1", "aws-eusc"},
		{"us-iso-east-1", "aws-iso"},
		{"us-isob-east-1", "aws-iso-b"},
		{"eu-isoe-west-1", "aws-iso-e"},
		{"us-isof-south-1", "aws-iso-f"},
		{"eu-south-1", "aws"}, // not eusc-
	} {
		t.Run(tc.region, func(t *testing.T) {
			assert.Equal(t, tc.partition, awsnames.Partition(tc.region))
		})
	}
}

// TestRegions: the region lists hold the regions AWS opened lately, each in the partition
// Partition gives it, once; a name of the right shape that is no region is refused.
func TestRegions(t *testing.T) {
	_, err := time.Parse(time.DateOnly, awsnames.RegionsTaken)
	require.NoError(t, err, "the day the lists were taken")
	for _, r := range []string{"us-east-1", "ap-east-2", "ap-southeast-5", "ap-southeast-6", "ap-southeast-7", "mx-central-1", "ca-west-1", "il-central-1", "me-west-1", "sa-west-1", "cn-northwest-1", "us-gov-east-1", "eusc-de-east-1"} {
		assert.NoError(t, awsnames.Region(r), r)
	}
	for _, r := range []string{"us-east-7", "eu-west-4", "us-gov-north-1", "cn-south-1", "aws-global", "US-EAST-1", ""} {
		err := awsnames.Region(r)
		require.Error(t, err, r)
		assert.Contains(t, err.Error(), "not an AWS region")
		assert.Contains(t, err.Error(), awsnames.RegionsTaken, "says how old the list is")
	}
	all := awsnames.Regions("")
	seen := map[string]bool{}
	for _, p := range awsnames.Partitions() {
		require.NotEmpty(t, awsnames.Regions(p), p)
		for _, r := range awsnames.Regions(p) {
			assert.Equal(t, p, awsnames.Partition(r), "%s is in %s", r, p)
			assert.Regexp(t, `^[a-z]{2,4}(-[a-z]+)+-[0-9]$`, r)
			assert.False(t, seen[r], "%s is listed twice", r)
			seen[r] = true
		}
	}
	assert.Len(t, all, len(seen))
	assert.Subset(t, awsnames.Partitions(), []string{"aws", "aws-cn", "aws-us-gov"})
}

// TestBucketNameStatesTheRuleItChecks: for every printable ASCII character, a bucket name
// holding it is accepted exactly when the message's rule lists it, and a refusal names the
// character and its position: a bucket this project creates is never told dots are fine.
func TestBucketNameStatesTheRuleItChecks(t *testing.T) {
	for _, created := range []bool{true, false} {
		for c := rune(' '); c < 0x7f; c++ {
			name := "ab" + string(c) + "cd"
			err := awsnames.BucketName(name, created)
			allowed := c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.' && !created
			if allowed {
				assert.NoError(t, err, "%q created=%v", name, created)
				continue
			}
			require.Error(t, err, "%q created=%v", name, created)
			msg := err.Error()
			assert.Contains(t, msg, "at position 3 is not allowed", "%q", name)
			if created {
				assert.Contains(t, msg, "use 3 to 63 lowercase letters, digits and hyphens, starting and ending with a letter or digit (no dots")
			} else {
				assert.Contains(t, msg, "use 3 to 63 lowercase letters, digits, hyphens and dots, starting and ending with a letter or digit, no two dots in a row")
			}
		}
		msg := awsnames.BucketName("Acme-assets", created).Error()
		assert.Equal(t, !created, strings.Contains(msg, "dots,") || strings.Contains(msg, "and dots"), "the rule lists dots only where dots pass: %s", msg)
	}
}

// TestLookAlikeCharactersAreNamed: a letter of another alphabet that looks like a Latin
// one is named by code point and Unicode name, with its position, in every kind of name.
func TestLookAlikeCharactersAreNamed(t *testing.T) {
	const cyrillicA = "U+0430 CYRILLIC SMALL LETTER A at position 4"
	for what, err := range map[string]error{
		"user":    awsnames.IAMName("my-\u0430pp-staging", awsnames.MaxUserName, "user"),
		"bucket":  awsnames.BucketName("acm\u0430-assets", true),
		"alias":   awsnames.AccountAlias("acm\u0430-corp"),
		"path":    awsnames.IAMPath("/ad\u0430ins/"),
		"greek":   awsnames.IAMName("bob\u03bf", awsnames.MaxUserName, "user"),
		"control": awsnames.IAMName("tab\tname", awsnames.MaxUserName, "user"),
		"space":   awsnames.IAMName("alice smith", awsnames.MaxUserName, "user"),
	} {
		require.Error(t, err, what)
		switch what {
		case "greek":
			assert.Contains(t, err.Error(), "U+03BF GREEK SMALL LETTER OMICRON at position 4 is not allowed; use letters, digits and + = , . @ _ -")
		case "control":
			assert.Contains(t, err.Error(), "U+0009 (a control character) at position 4")
		case "space":
			assert.Contains(t, err.Error(), "a space at position 6")
		default:
			assert.Contains(t, err.Error(), cyrillicA+" is not allowed", what)
		}
	}
}
