package standin

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/secure-aws/secure-aws/awstypes"
	"github.com/secure-aws/secure-aws/internal/testsupport/world"
)

// TestListingReadsAndSyncsWhatExists: an owned list reads every entry of its owner,
// whoever added it (its own first, in its order, so an untouched list reads back equal),
// and applying it removes the others' entries it does not name, and nothing else.
func TestListingReadsAndSyncsWhatExists(t *testing.T) {
	members := world.Resource{Type: awstypes.GroupMembership, ID: "admins", Inputs: map[string]any{"name": "admins", "group": "admins", "users": []any{"bob", "alice"}}}
	fixture := func() []world.Resource {
		return []world.Resource{
			members,
			{Type: awstypes.Membership, ID: "alice", Inputs: map[string]any{"user": "alice", "groups": []any{"admins"}}},
			{Type: awstypes.Membership, ID: "mallory", Inputs: map[string]any{"user": "mallory", "groups": []any{"others", "admins"}}},
			{Type: awstypes.Membership, ID: "eve", Inputs: map[string]any{"user": "eve", "groups": []any{"admins"}}},
			{Type: awstypes.Membership, ID: "zoe", Inputs: map[string]any{"user": "zoe", "groups": []any{"others"}}},
			{Type: awstypes.GroupMembership, ID: "by-hand", Inputs: map[string]any{"name": "by-hand", "group": "admins", "users": []any{"carl", "alice"}}},
		}
	}
	assert.Equal(t, fixture(), createListing(awstypes.GroupMembership, fixture(), 0),
		"creating a group membership only adds its users (group_membership.go): the others go at its first update")
	resources := fixture()
	l := listings[awstypes.GroupMembership]
	assert.Equal(t, []any{"bob", "alice", "carl", "eve", "mallory"}, l.read(awstypes.GroupMembership, resources, 0))

	synced := syncListing(awstypes.GroupMembership, resources, 0)
	assert.Equal(t, []world.Resource{
		members,
		{Type: awstypes.Membership, ID: "alice", Inputs: map[string]any{"user": "alice", "groups": []any{"admins"}}},
		{Type: awstypes.Membership, ID: "mallory", Inputs: map[string]any{"user": "mallory", "groups": []any{"others"}}},
		{Type: awstypes.Membership, ID: "zoe", Inputs: map[string]any{"user": "zoe", "groups": []any{"others"}}},
		{Type: awstypes.GroupMembership, ID: "by-hand", Inputs: map[string]any{"name": "by-hand", "group": "admins", "users": []any{"alice"}}},
	}, synced, "mallory leaves admins only, eve goes, carl leaves the other list; other groups are untouched")
	assert.Equal(t, []any{"bob", "alice"}, l.read(awstypes.GroupMembership, synced, 0))

	policies := []world.Resource{
		{Type: awstypes.GroupPoliciesExcl, ID: "developers", Inputs: map[string]any{"groupName": "developers", "policyNames": []any{}}},
		{Type: awstypes.GroupPolicy, ID: "developers:everything", Inputs: map[string]any{"group": "developers", "name": "everything"}},
		{Type: awstypes.GroupPolicy, ID: "admins:mine", Inputs: map[string]any{"group": "admins", "name": "mine"}},
	}
	assert.Equal(t, []any{"everything"}, listings[awstypes.GroupPoliciesExcl].read(awstypes.GroupPoliciesExcl, policies, 0))
	assert.Equal(t, []world.Resource{policies[0], policies[2]}, syncListing(awstypes.GroupPoliciesExcl, policies, 0))
	assert.Equal(t, []world.Resource{policies[0], policies[2]}, createListing(awstypes.GroupPoliciesExcl, policies, 0), "an exclusive list removes the others at creation too")
	assert.Equal(t, policies, syncListing(awstypes.GroupPolicy, policies, 1), "a type that owns no list changes nothing")
}
