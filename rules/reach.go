package rules

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/secure-aws/secure-aws/awstypes"
	"github.com/secure-aws/secure-aws/iampolicy"
)

// reachesNoS3 are AWS managed policies known to grant no S3 action.
var reachesNoS3 = []string{"AWSSupportAccess"}

// noDenyListedReach is rule R5 across the stack (principals holding an admin-equivalent
// policy are admins, outside R5 by design): a non-admin principal (a user through its
// groups, or a role) holding any AWS managed policy that may reach S3 (ReadOnlyAccess and
// the like: not an allow-list of ours) must also hold a customer policy that denies every
// destructive S3 action on every bucket. Customer policies are judged on their own by
// destructive-s3-actions-denied.
func noDenyListedReach(stack []Resource) []Violation {
	var out []Violation
	principals, unknown := principalPolicies(stack)
	for _, p := range slices.Sorted(maps.Keys(principals)) {
		if unknown[p] {
			continue
		}
		arns := principals[p]
		var managed, customer []string
		for _, arn := range arns {
			if name, ok := iampolicy.AWSManagedPolicyName(arn); ok {
				managed = append(managed, name)
			} else {
				customer = append(customer, arn)
			}
		}
		if slices.ContainsFunc(managed, func(m string) bool { return slices.Contains(iampolicy.AdminEquivalentPolicies(), m) }) {
			continue
		}
		risky := slices.DeleteFunc(slices.Clone(managed), func(m string) bool { return slices.Contains(reachesNoS3, m) })
		if len(risky) == 0 || deniesDestructiveEverywhere(stack, customer) {
			continue
		}
		out = append(out, Violation{Rule: "no-deny-listed-reach", URN: principalURN(stack, p),
			Message: fmt.Sprintf("%s holds %s, which may reach S3, without a deny of the destructive S3 actions on every bucket", p, strings.Join(risky, ", "))})
	}
	return out
}

// principalPolicies maps each user ("user <name>") and role ("role <name>") to the ARNs
// of the managed policies it holds; unknown marks those whose links are not known yet.
func principalPolicies(stack []Resource) (map[string][]string, map[string]bool) {
	groupPolicies := map[string][]string{}
	out := map[string][]string{}
	unknown := map[string]bool{}
	for _, r := range stack {
		switch r.Type {
		case awstypes.GroupAttachment:
			if arn, ok := str(r.Props, "policyArn"); ok {
				groupPolicies[strOr(r.Props, "group")] = append(groupPolicies[strOr(r.Props, "group")], arn)
			} else {
				groupPolicies[strOr(r.Props, "group")] = append(groupPolicies[strOr(r.Props, "group")], "")
			}
		case awstypes.RoleAttachment:
			role := "role " + strOr(r.Props, "role")
			arn, ok := str(r.Props, "policyArn")
			unknown[role] = unknown[role] || !ok
			out[role] = append(out[role], arn)
		}
	}
	for _, m := range stack {
		if m.Type != awstypes.Membership {
			continue
		}
		user := "user " + strOr(m.Props, "user")
		for _, g := range strs(m.Props, "groups") {
			for _, arn := range groupPolicies[g] {
				unknown[user] = unknown[user] || arn == ""
				out[user] = append(out[user], arn)
			}
		}
	}
	return out, unknown
}

// deniesDestructiveEverywhere reports whether one of the customer policies (by ARN)
// denies every destructive S3 action on all buckets and all objects.
func deniesDestructiveEverywhere(stack []Resource, arns []string) bool {
	for _, p := range stack {
		if p.Type != awstypes.Policy || !slices.ContainsFunc(arns, func(arn string) bool {
			return iampolicy.NamesPolicy(arn, strOr(p.Props, "path"), strOr(p.Props, "name"))
		}) {
			continue
		}
		doc, ok := policyDocument(p, "policy")
		if !ok {
			continue
		}
		for _, s := range doc.Statements {
			everywhere := slices.ContainsFunc(s.Resources, func(r string) bool { return r == "*" || strings.HasSuffix(r, ":s3:::*") }) &&
				slices.ContainsFunc(s.Resources, func(r string) bool { return r == "*" || strings.HasSuffix(r, ":s3:::*/*") })
			if plainDeny(s) && everywhere && !slices.ContainsFunc(iampolicy.DestructiveS3Actions(), func(a string) bool {
				return !slices.Contains(s.Actions, a) && !slices.Contains(s.Actions, "s3:*")
			}) {
				return true
			}
		}
	}
	return false
}

// principalURN finds the resource a principal violation is reported on.
func principalURN(stack []Resource, principal string) string {
	kind, name, _ := strings.Cut(principal, " ")
	typ := awstypes.User
	if kind == "role" {
		typ = awstypes.Role
	}
	for _, r := range stack {
		if r.Type == typ && strOr(r.Props, "name") == name {
			return r.URN
		}
	}
	return ""
}
