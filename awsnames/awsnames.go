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
	iamNamePattern = regexp.MustCompile(`^[A-Za-z0-9+=,.@_-]+$`)
	iamPathPattern = regexp.MustCompile(`^/([A-Za-z0-9+=,.@_-]+/)*$`)
	aliasPattern   = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]*[a-z0-9])?$`)
	bucketPattern  = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]*[a-z0-9]$`)
	accountPattern = regexp.MustCompile(`^[0-9]{12}$`)
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
	case !iamNamePattern.MatchString(name):
		return fmt.Errorf("%q is not a valid IAM %s name: use letters, digits and + = , . @ _ -", name, what)
	}
	return nil
}

// IAMPath checks an IAM path: "/" or "/segment/.../".
func IAMPath(path string) error {
	if len(path) > maxPath || !iamPathPattern.MatchString(path) {
		return fmt.Errorf("%q is not a valid IAM path: / or /segment/.../, at most %d characters", path, maxPath)
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
	switch {
	case len(alias) < 3 || len(alias) > 63 || !aliasPattern.MatchString(alias) || strings.Contains(alias, "--"):
		return fmt.Errorf("%q is not a valid account alias: 3 to 63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit", alias)
	case accountPattern.MatchString(alias):
		return fmt.Errorf("%q looks like an account id; AWS does not allow a 12-digit alias", alias)
	}
	return nil
}

// BucketName checks S3's naming rules for general purpose buckets. With created set it
// also refuses dots, for buckets this project creates: virtual-hosted HTTPS requests to
// a dotted bucket name fail certificate validation.
func BucketName(name string, created bool) error {
	_, ipErr := netip.ParseAddr(name)
	switch {
	case len(name) < 3 || len(name) > 63 || !bucketPattern.MatchString(name) || strings.Contains(name, ".."):
		return fmt.Errorf("%q is not a valid S3 bucket name: 3 to 63 lowercase letters, digits, hyphens and dots, starting and ending with a letter or digit", name)
	case ipErr == nil:
		return fmt.Errorf("%q is formatted as an IP address, which S3 does not allow", name)
	case reservedBucketName(name):
		return fmt.Errorf("%q uses a prefix or suffix S3 reserves", name)
	case created && strings.Contains(name, "."):
		return fmt.Errorf("%q contains a dot; HTTPS to dotted bucket names fails certificate checks, so use hyphens", name)
	}
	return nil
}

func reservedBucketName(name string) bool {
	for _, p := range []string{"xn--", "sthree-", "amzn-s3-demo-"} {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	for _, s := range []string{"-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"} {
		if strings.HasSuffix(name, s) {
			return true
		}
	}
	return false
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
