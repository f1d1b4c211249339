package standin

import (
	"slices"

	"github.com/secure-aws/secure-aws/awstypes"
	"github.com/secure-aws/secure-aws/internal/testsupport/world"
)

// A listing is what an exclusive resource owns: the complete list (items) of one IAM
// principal (owner), such as every inline policy name of a group. AWS holds each entry
// once, however it got there; the world holds it as the resource that made it: the
// exclusive resource itself, a resource of the program (a GroupPolicyAttachment), or one
// a test puts there as a person would by hand. So a read gathers the entries of every
// source, and a create or update removes the entries of the others that the list does
// not name, as the upstream resources' syncAttachments and GroupMembership's update do.
type listing struct {
	owner, items string
	sources      []source
	// addsOnCreate: creating the resource only adds its entries, and the entries of others
	// go at its first update (GroupMembership's create calls AddUserToGroup alone).
	addsOnCreate bool
}

// source is a resource type that adds entries to a listing: the input naming the owner
// and the one holding the entry (either may be a string or a list of strings).
type source struct{ typ, owner, item string }

// listings are the exclusive types, as hashicorp/terraform-provider-aws
// internal/service/iam/<file>.go reads them: List{Group,Role,User}Policies,
// ListAttached{Group,Role,User}Policies, GetGroup.
var listings = map[string]listing{
	awstypes.GroupMembership:      {"group", "users", []source{{awstypes.Membership, "groups", "user"}}, true},                    // group_membership.go
	awstypes.GroupPoliciesExcl:    {"groupName", "policyNames", []source{{awstypes.GroupPolicy, "group", "name"}}, false},         // group_policies_exclusive.go
	awstypes.GroupAttachmentsExcl: {"groupName", "policyArns", []source{{awstypes.GroupAttachment, "group", "policyArn"}}, false}, // group_policy_attachments_exclusive.go
	awstypes.RolePoliciesExcl:     {"roleName", "policyNames", []source{{awstypes.RolePolicy, "role", "name"}}, false},            // role_policies_exclusive.go
	awstypes.RoleAttachmentsExcl:  {"roleName", "policyArns", []source{{awstypes.RoleAttachment, "role", "policyArn"}}, false},    // role_policy_attachments_exclusive.go
	awstypes.UserPoliciesExcl:     {"userName", "policyNames", []source{{awstypes.UserPolicy, "user", "name"}}, false},            // user_policies_exclusive.go
	awstypes.UserAttachmentsExcl:  {"userName", "policyArns", []source{{awstypes.UserAttachment, "user", "policyArn"}}, false},    // user_policy_attachments_exclusive.go
}

// allSources are l's sources and the exclusive type itself (another GroupMembership of
// the same group adds members too).
func (l listing) allSources(typ string) []source {
	return append([]source{{typ, l.owner, l.items}}, l.sources...)
}

// stringsOf reads an input that is a string or a list of strings.
func stringsOf(v any) []string {
	switch v := v.(type) {
	case string:
		return []string{v}
	case []any:
		var out []string
		for _, e := range v {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// read returns the items of resources[self]'s owner as AWS lists them: its own, in its
// order (so a listing nobody touched reads back unchanged), then every other entry.
func (l listing) read(typ string, resources []world.Resource, self int) []any {
	owner := first(stringsOf(resources[self].Inputs[l.owner]))
	items := stringsOf(resources[self].Inputs[l.items])
	var extra []string
	for i, r := range resources {
		for _, src := range l.allSources(typ) {
			if i == self || r.Type != src.typ || !slices.Contains(stringsOf(r.Inputs[src.owner]), owner) {
				continue
			}
			for _, it := range stringsOf(r.Inputs[src.item]) {
				if !slices.Contains(items, it) && !slices.Contains(extra, it) {
					extra = append(extra, it)
				}
			}
		}
	}
	slices.Sort(extra)
	out := []any{}
	for _, it := range append(items, extra...) {
		out = append(out, it)
	}
	return out
}

func first(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[0]
}

// sync removes from every other source the entries of resources[self]'s owner that its
// list does not name: a resource holding one entry goes, one holding a list loses the
// entry (and goes when the list is empty).
func (l listing) sync(typ string, resources []world.Resource, self int) []world.Resource {
	owner := first(stringsOf(resources[self].Inputs[l.owner]))
	want := stringsOf(resources[self].Inputs[l.items])
	var out []world.Resource
	for i, r := range resources {
		src, ok := l.sourceOf(typ, r.Type)
		if i == self || !ok || !slices.Contains(stringsOf(r.Inputs[src.owner]), owner) {
			out = append(out, r)
			continue
		}
		owners, items := r.Inputs[src.owner], r.Inputs[src.item]
		switch {
		case isList(items): // e.g. another GroupMembership of the group: keep what is wanted
			r.Inputs[src.item] = keep(stringsOf(items), func(it string) bool { return slices.Contains(want, it) })
			if len(stringsOf(r.Inputs[src.item])) == 0 {
				continue
			}
		case slices.Contains(want, first(stringsOf(items))):
		case isList(owners): // a UserGroupMembership: the user leaves this group only
			r.Inputs[src.owner] = keep(stringsOf(owners), func(o string) bool { return o != owner })
			if len(stringsOf(r.Inputs[src.owner])) == 0 {
				continue
			}
		default:
			continue
		}
		out = append(out, r)
	}
	return out
}

// syncListing applies resources[self]'s list, if its type is exclusive, to the others.
func syncListing(typ string, resources []world.Resource, self int) []world.Resource {
	l, ok := listings[typ]
	if !ok {
		return resources
	}
	return l.sync(typ, resources, self)
}

// createListing is syncListing for a resource just created: unchanged if its type only
// adds on creation.
func createListing(typ string, resources []world.Resource, self int) []world.Resource {
	if listings[typ].addsOnCreate {
		return resources
	}
	return syncListing(typ, resources, self)
}

func (l listing) sourceOf(typ, t string) (source, bool) {
	for _, s := range l.allSources(typ) {
		if s.typ == t {
			return s, true
		}
	}
	return source{}, false
}

func isList(v any) bool { _, ok := v.([]any); return ok }

func keep(items []string, ok func(string) bool) []any {
	out := []any{}
	for _, it := range items {
		if ok(it) {
			out = append(out, it)
		}
	}
	return out
}
