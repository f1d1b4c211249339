package rules

import (
	"slices"
	"strings"

	"github.com/secure-aws/secure-aws/awstypes"
	"github.com/secure-aws/secure-aws/iampolicy"
)

// awsManagedSNSKey is the AWS managed key of SNS, by alias or by alias ARN.
func awsManagedSNSKey(key string) bool {
	return key == "alias/aws/sns" || strings.HasSuffix(key, ":alias/aws/sns")
}

func alertTopicSecure(r Resource) []Violation {
	if r.Type != awstypes.Topic {
		return nil
	}
	var out []Violation
	switch key, ok := str(r.Props, "kmsMasterKeyId"); {
	case ok && awsManagedSNSKey(key):
		out = append(out, Violation{Message: "the topic is encrypted with the AWS managed alias/aws/sns, whose policy cannot let EventBridge or AWS Budgets publish; use a customer managed key"})
	case !ok && known(r.Props, "kmsMasterKeyId"):
		out = append(out, Violation{Message: "the topic is not encrypted (kmsMasterKeyId is not set)"})
	}
	name, named := str(r.Props, "name")
	if named && known(r.Props, "policy") && !deniesInsecurePublish(r, name) {
		out = append(out, Violation{Message: "the topic's policy does not deny sns:Publish without TLS to everyone (a Deny on aws:SecureTransport false alone)"})
	}
	return out
}

// deniesInsecurePublish reports whether r's policy denies sns:Publish (or every SNS
// action) on the topic named name to everyone whenever the request does not use TLS.
func deniesInsecurePublish(r Resource, name string) bool {
	return deniesWithoutTLS(r, func(s iampolicy.Statement) bool {
		return slices.ContainsFunc(s.Actions, func(a string) bool {
			return a == "*" || strings.EqualFold(a, "sns:*") || strings.EqualFold(a, "sns:Publish")
		}) &&
			slices.ContainsFunc(s.Resources, func(res string) bool { return res == "*" || strings.HasSuffix(res, ":"+name) })
	})
}

func kmsKeyRotated(r Resource) []Violation {
	if r.Type != awstypes.KMSKey {
		return nil
	}
	if b, ok := boolean(r.Props, "enableKeyRotation"); ok && !b || !ok && known(r.Props, "enableKeyRotation") {
		return []Violation{{Message: "key rotation is off (enableKeyRotation)"}}
	}
	return nil
}
