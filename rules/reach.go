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
	for _, l := range attachments(stack) {
		if l.kind == "group" {
			groupPolicies[l.owner] = append(groupPolicies[l.owner], l.arn)
			continue
		}
		role := "role " + l.owner
		unknown[role] = unknown[role] || l.arn == ""
		out[role] = appendNew(out[role], l.arn)
	}
	members, _ := memberships(stack)
	for user, groups := range members {
		for _, g := range groups {
			for _, arn := range groupPolicies[g] {
				unknown["user "+user] = unknown["user "+user] || arn == ""
				out["user "+user] = appendNew(out["user "+user], arn)
			}
		}
	}
	return out, unknown
}

// attachment is a managed policy attached to a group or a role; arn is "" while unknown.
type attachment struct{ kind, owner, arn string }

// attachments lists the managed policies attached to groups and roles, one by one
// (GroupPolicyAttachment, RolePolicyAttachment) or as the owned complete list
// (GroupPolicyAttachmentsExclusive, RolePolicyAttachmentsExclusive, which attach what
// they list).
func attachments(stack []Resource) []attachment {
	var out []attachment
	for _, r := range stack {
		switch r.Type {
		case awstypes.GroupAttachment, awstypes.RoleAttachment:
			kind := map[string]string{awstypes.GroupAttachment: "group", awstypes.RoleAttachment: "role"}[r.Type]
			arn, _ := str(r.Props, "policyArn")
			out = append(out, attachment{kind, strOr(r.Props, kind), arn})
		case awstypes.GroupAttachmentsExcl, awstypes.RoleAttachmentsExcl:
			kind, key := "group", "groupName"
			if r.Type == awstypes.RoleAttachmentsExcl {
				kind, key = "role", "roleName"
			}
			if !known(r.Props, "policyArns") {
				out = append(out, attachment{kind, strOr(r.Props, key), ""})
				continue
			}
			for _, arn := range strs(r.Props, "policyArns") {
				out = append(out, attachment{kind, strOr(r.Props, key), arn})
			}
		}
	}
	return out
}

// memberships maps each user to its groups, through UserGroupMembership (one user, its
// groups) and GroupMembership (one group, all its users) alike; unknown reports that some
// membership names its users or groups only once applied, so absence proves nothing.
func memberships(stack []Resource) (map[string][]string, bool) {
	out := map[string][]string{}
	unknown := false
	for _, r := range stack {
		switch r.Type {
		case awstypes.Membership:
			user, ok := str(r.Props, "user")
			unknown = unknown || !ok && !known(r.Props, "user") || !known(r.Props, "groups")
			for _, g := range strs(r.Props, "groups") {
				out[user] = appendNew(out[user], g)
			}
		case awstypes.GroupMembership:
			group, ok := str(r.Props, "group")
			unknown = unknown || !ok && !known(r.Props, "group") || !known(r.Props, "users")
			for _, u := range strs(r.Props, "users") {
				out[u] = appendNew(out[u], group)
			}
		}
	}
	return out, unknown
}

// appendNew appends v to list unless it is there: the same link may be declared twice
// (one by one and in an owned list).
func appendNew(list []string, v string) []string {
	if slices.Contains(list, v) {
		return list
	}
	return append(list, v)
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
