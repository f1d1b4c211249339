package rules

import (
	"slices"

	"github.com/secure-aws/secure-aws/awstypes"
	"github.com/secure-aws/secure-aws/iampolicy"
)

// unreadable is the Sid of the statement that stands for a policy the rules cannot read.
const unreadable = "UnreadablePolicy"

// policyDocument parses the policy JSON in property key of r; ok is false when it is not
// known yet. A known policy the rules cannot read is not skipped, which would let any
// grant through: it reads as one Allow of "*", which every identity rule refuses.
func policyDocument(r Resource, key string) (iampolicy.Document, bool) {
	text, ok := str(r.Props, key)
	if !ok {
		return iampolicy.Document{}, false
	}
	doc, err := iampolicy.Parse(text)
	if err != nil {
		return iampolicy.Document{Statements: []iampolicy.Statement{{Sid: unreadable, Effect: iampolicy.Allow, Actions: []string{"*"}, Resources: []string{"*"}}}}, true
	}
	return doc, true
}

// identityDocument returns the identity policy document of r, when r is one and its
// document is known and valid.
func identityDocument(r Resource) (iampolicy.Document, bool) {
	if !slices.Contains(identityPolicyTypes, r.Type) {
		return iampolicy.Document{}, false
	}
	return policyDocument(r, "policy")
}

// identityPolicyTypes are the resource types whose `policy` property is an identity policy.
var identityPolicyTypes = []string{awstypes.Policy, awstypes.GroupPolicy, awstypes.UserPolicy, awstypes.RolePolicy}
