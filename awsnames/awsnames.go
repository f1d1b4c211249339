// Package awsnames holds AWS's naming rules for the names this project derives, so that
// the config loader (which names the offending key) and the components (which fail fast
// when used directly) judge a name the same way.
package awsnames

import (
	"fmt"
	"net/netip"
	"regexp"
	"strings"
)

var (
	iamPathPattern = regexp.MustCompile(`^/([A-Za-z0-9+=,.@_-]+/)*$`)
	accountPattern = regexp.MustCompile(`^[0-9]{12}$`)
)

// The characters of each kind of name.
var (
	iamNameChars       = Charset{Letters, Digits, iamSymbols}
	pathChars          = Charset{Letters, Digits, iamSymbols, slashes}
	aliasChars         = Charset{Lowercase, Digits, Hyphens}
	bucketChars        = Charset{Lowercase, Digits, Hyphens, Dots}
	createdBucketChars = Charset{Lowercase, Digits, Hyphens}
	letterOrDigit      = Charset{Lowercase, Digits}
)

// IAM name length limits.
const (
	MaxUserName   = 64
	MaxGroupName  = 128
	MaxRoleName   = 64
	MaxPolicyName = 128
	maxPath       = 512
)

// IAMName checks an IAM user, group, role or policy name of at most max characters; what
// says which ("user").
func IAMName(name string, max int, what string) error {
	switch {
	case name == "":
		return fmt.Errorf("an IAM %s name is required", what)
	case len(name) > max:
		return fmt.Errorf("%q is %d characters; an IAM %s name is at most %d", name, len(name), what, max)
	case iamNameChars.Outside(name) != "":
		return fmt.Errorf("%q is not a valid IAM %s name: %s is not allowed; use %s", name, what, iamNameChars.Outside(name), iamNameChars)
	}
	return nil
}

// IAMPath checks an IAM path: "/" or "/segment/.../".
func IAMPath(path string) error {
	rule := fmt.Sprintf("/ or /segment/.../ of %s, at most %d characters", iamNameChars, maxPath)
	switch {
	case pathChars.Outside(path) != "":
		return fmt.Errorf("%q is not a valid IAM path: %s is not allowed; use %s", path, pathChars.Outside(path), rule)
	case len(path) > maxPath || !iamPathPattern.MatchString(path):
		return fmt.Errorf("%q is not a valid IAM path: use %s", path, rule)
	}
	return nil
}

// AccountID checks a 12-digit AWS account id.
func AccountID(id string) error {
	if !accountPattern.MatchString(id) {
		return fmt.Errorf("%q is not a 12-digit AWS account id", id)
	}
	return nil
}

// AccountAlias checks an IAM account alias.
func AccountAlias(alias string) error {
	rule := fmt.Sprintf("3 to 63 %s, starting and ending with a letter or digit, no two hyphens in a row", aliasChars)
	if why := nameProblem(alias, 3, 63, aliasChars, "--"); why != "" {
		return fmt.Errorf("%q is not a valid account alias: %s; use %s", alias, why, rule)
	}
	switch {
	case accountPattern.MatchString(alias):
		return fmt.Errorf("%q looks like an account id; AWS does not allow a 12-digit alias", alias)
	}
	return nil
}

// BucketName checks S3's naming rules for general purpose buckets. With created set it
// also refuses dots, for buckets this project creates: virtual-hosted HTTPS requests to
// a dotted bucket name fail certificate validation. Each message states the rule of the
// kind of bucket it judges, made from the characters the check allows.
func BucketName(name string, created bool) error {
	what, chars, rule := "a valid S3 bucket name", bucketChars, ", no two dots in a row"
	if created {
		what, chars, rule = "a valid name for a bucket this project creates", createdBucketChars, " (no dots: HTTPS to a dotted bucket name fails certificate checks)"
	}
	if why := nameProblem(name, 3, 63, chars, ".."); why != "" {
		return fmt.Errorf("%q is not %s: %s; use 3 to 63 %s, starting and ending with a letter or digit%s", name, what, why, chars, rule)
	}
	if _, err := netip.ParseAddr(name); err == nil {
		return fmt.Errorf("%q is formatted as an IP address, which S3 does not allow", name)
	}
	if affix := reservedBucketAffix(name); affix != "" {
		return fmt.Errorf("%q uses %s, which S3 reserves", name, affix)
	}
	return nil
}

// nameProblem says what breaks the rule of a name of min to max characters of chars that
// starts and ends with a letter or digit and never holds twice: its length, a character
// (named with its position), an end or a doubled separator; "" when nothing does.
func nameProblem(name string, min, max int, chars Charset, twice string) string {
	switch {
	case chars.Outside(name) != "":
		return chars.Outside(name) + " is not allowed"
	case len(name) < min || len(name) > max:
		return fmt.Sprintf("it is %d characters", len(name))
	case !letterOrDigit.Allows(rune(name[0])):
		return fmt.Sprintf("it starts with %q", name[:1])
	case !letterOrDigit.Allows(rune(name[len(name)-1])):
		return fmt.Sprintf("it ends with %q", name[len(name)-1:])
	case strings.Contains(name, twice):
		return fmt.Sprintf("it holds %q", twice)
	}
	return ""
}

// reservedBucketAffix names the prefix or suffix S3 reserves that name uses, or "".
func reservedBucketAffix(name string) string {
	for _, p := range []string{"xn--", "sthree-", "amzn-s3-demo-"} {
		if strings.HasPrefix(name, p) {
			return "the prefix " + p
		}
	}
	for _, s := range []string{"-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"} {
		if strings.HasSuffix(name, s) {
			return "the suffix " + s
		}
	}
	return ""
}

// Partition maps a region name to its ARN partition.
func Partition(region string) string {
	for _, p := range []struct{ prefix, partition string }{
		{"cn-", "aws-cn"},
		{"us-gov-", "aws-us-gov"},
		{"us-iso-", "aws-iso"},
		{"us-isob-", "aws-iso-b"},
		{"eu-isoe-", "aws-iso-e"},
		{"us-isof-", "aws-iso-f"},
		{"eusc-", "aws-eusc"},
	} {
		if strings.HasPrefix(region, p.prefix) {
			return p.partition
		}
	}
	return "aws"
}

// StackTagKey is the tag every IAM user the program creates carries, naming the stack that
// created it (StackTag): the credential report has no tags, so the credential audit reads
// this one to tell a user a stack's next up deletes from one made by hand under the
// program's IAM paths.
const StackTagKey = "secure-aws:stack"

// StackTag is the value of StackTagKey: <project>/<stack>, e.g. secure-aws/production.
func StackTag(project, stack string) string { return project + "/" + stack }
