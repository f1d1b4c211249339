package components

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-aws/secure-aws/awsnames"
	"github.com/secure-aws/secure-aws/awstypes"
	"github.com/secure-aws/secure-aws/internal/record"
	"github.com/secure-aws/secure-aws/spec"
)

// testAccount is the account every component test builds for.
var testAccount = spec.Account{Partition: "aws", ID: "111111111111"}

// testStack is the stack every component test's users are tagged with.
var testStack = awsnames.StackTag("secure-aws", "test")

// stackTagged asserts that user carries the tag naming the stack that created it, which
// the credential audit reads to tell it from a user made by hand.
func stackTagged(t *testing.T, user record.Registration) {
	t.Helper()
	assert.Equal(t, map[string]any{awsnames.StackTagKey: testStack}, inputs(user)["tags"], "user %s", user.Name)
}

// run runs body under a fresh recording mock as `pulumi up` would.
func run(t *testing.T, body pulumi.RunFunc) (*record.Recorder, error) {
	t.Helper()
	rec := record.New("secure-aws", "test")
	rec.AccountID = testAccount.ID
	return rec, rec.Run(nil, false, body)
}

// mustRun is run for bodies that must succeed.
func mustRun(t *testing.T, body pulumi.RunFunc) *record.Recorder {
	t.Helper()
	rec, err := run(t, body)
	require.NoError(t, err)
	return rec
}

// requireRejected checks that body fails with an error containing want and registers
// nothing: bad arguments must never leave half a component behind.
func requireRejected(t *testing.T, want string, body pulumi.RunFunc) {
	t.Helper()
	rec, err := run(t, body)
	require.Error(t, err)
	require.Contains(t, err.Error(), want)
	require.Empty(t, rec.Registrations(), "a rejected component registered resources")
}

// one returns the single registration of typ, failing unless there is exactly one.
func one(t *testing.T, rec *record.Recorder, typ string) record.Registration {
	t.Helper()
	regs := rec.OfType(typ)
	require.Len(t, regs, 1, "registrations of %s", typ)
	return regs[0]
}

// inputs returns a registration's inputs as plain Go values.
func inputs(reg record.Registration) map[string]any {
	return reg.Inputs.Mappable()
}

// policyStatements decodes the policy document in input key of reg.
func policyStatements(t *testing.T, reg record.Registration, key string) []map[string]any {
	t.Helper()
	var doc struct {
		Version   string
		Statement []map[string]any
	}
	require.NoError(t, json.Unmarshal([]byte(reg.Input(key)), &doc))
	require.Equal(t, "2012-10-17", doc.Version)
	return doc.Statement
}

// statement returns the statement with the given Sid.
func statement(t *testing.T, statements []map[string]any, sid string) map[string]any {
	t.Helper()
	for _, s := range statements {
		if s["Sid"] == sid {
			return s
		}
	}
	t.Fatalf("no statement %s", sid)
	return nil
}

// capture records a string output's value during a run, for reading after it.
func capture(o pulumi.StringOutput) interface{ Get() (string, bool, bool) } {
	return record.Capture[string](o)
}

// principalChecks asserts what every machine principal registers: one user (tagged with its
// stack) and one group named userName under path, the group's policy with the given statement Sids attached to
// the group, the membership, an access key only when withKey, and nothing attached to the
// user itself (rule R6).
func principalChecks(t *testing.T, rec *record.Recorder, userName, path string, withKey bool, sids ...string) []map[string]any {
	t.Helper()
	want := map[string]int{awstypes.User: 1, awstypes.Group: 1, awstypes.Policy: 1, awstypes.GroupAttachment: 1, awstypes.Membership: 1,
		awstypes.GroupMembership: 1, awstypes.GroupPoliciesExcl: 1, awstypes.GroupAttachmentsExcl: 1, awstypes.UserPoliciesExcl: 1, awstypes.UserAttachmentsExcl: 1}
	if withKey {
		want[awstypes.AccessKey] = 1
	}
	got := map[string]int{}
	for _, r := range rec.Registrations() {
		if strings.HasPrefix(r.Type, "aws:iam/") {
			got[r.Type]++
		}
	}
	assert.Equal(t, want, got, "exactly these IAM resources")
	user := one(t, rec, awstypes.User)
	assert.Equal(t, userName, user.Input("name"))
	assert.Equal(t, path, user.Input("path"))
	stackTagged(t, user)
	group := one(t, rec, awstypes.Group)
	assert.Equal(t, userName, group.Input("name"))
	assert.Equal(t, path, group.Input("path"))

	policy := one(t, rec, awstypes.Policy)
	assert.Equal(t, userName+"-s3", policy.Input("name"))
	attachment := one(t, rec, awstypes.GroupAttachment)
	assert.Equal(t, userName, attachment.Input("group"), "the policy is attached to the group")
	assert.Equal(t, "arn:aws:iam::111111111111:policy"+path+userName+"-s3", attachment.Input("policyArn"))

	membership := one(t, rec, awstypes.Membership)
	assert.Equal(t, userName, membership.Input("user"))
	assert.Equal(t, []any{userName}, inputs(membership)["groups"])

	for _, forbidden := range []string{awstypes.UserPolicy, awstypes.UserAttachment, awstypes.PolicyAttachment} {
		assert.Empty(t, rec.OfType(forbidden), "users get permissions only through groups")
	}
	ownedListChecks(t, rec, userName, []string{userName})
	if withKey {
		assert.Equal(t, userName, one(t, rec, awstypes.AccessKey).Input("user"))
	} else {
		assert.Empty(t, rec.OfType(awstypes.AccessKey), "no access key unless asked for")
	}

	statements := policyStatements(t, policy, "policy")
	var gotSids []string
	for _, s := range statements {
		gotSids = append(gotSids, s["Sid"].(string))
	}
	assert.Equal(t, sids, gotSids)
	deny := statement(t, statements, "DenyDestructiveS3Actions")
	assert.Equal(t, "Deny", deny["Effect"])
	return statements
}

// attachedPolicies lists the policy ARNs attached to groups.
func attachedPolicies(t *testing.T, rec *record.Recorder) []string {
	t.Helper()
	var out []string
	for _, a := range rec.OfType(awstypes.GroupAttachment) {
		out = append(out, a.Input("policyArn"))
	}
	return out
}

// consoleMemberChecks asserts, for each member, one user under path tagged with its stack, one login profile
// that forces a password reset and ignores its drift, one membership of group, and no
// access key or policy of the user's own.
func consoleMemberChecks(t *testing.T, rec *record.Recorder, group, path string, users []spec.ConsoleUser) {
	t.Helper()
	require.Len(t, rec.OfType(awstypes.User), len(users))
	require.Len(t, rec.OfType(awstypes.LoginProfile), len(users))
	require.Len(t, rec.OfType(awstypes.Membership), len(users))
	for _, u := range users {
		user, ok := rec.Find(awstypes.User, group+"-"+u.Name)
		require.True(t, ok, "user %s", u.Name)
		assert.Equal(t, u.Name, user.Input("name"))
		assert.Equal(t, path, user.Input("path"))
		stackTagged(t, user)

		login, ok := rec.Find(awstypes.LoginProfile, group+"-"+u.Name+"-login")
		require.True(t, ok, "login profile of %s", u.Name)
		assert.Equal(t, u.Name, login.Input("user"))
		assert.Equal(t, true, inputs(login)["passwordResetRequired"])
		assert.Equal(t, u.PGPKey, login.Input("pgpKey"))
		assert.ElementsMatch(t, []string{"passwordResetRequired", "passwordLength", "pgpKey"}, login.IgnoreChanges)

		membership, ok := rec.Find(awstypes.Membership, group+"-"+u.Name+"-membership")
		require.True(t, ok, "membership of %s", u.Name)
		assert.Equal(t, []any{group}, inputs(membership)["groups"])
	}
	assert.Empty(t, rec.OfType(awstypes.AccessKey), "console users never get access keys")
	assert.Empty(t, rec.OfType(awstypes.UserPolicy))
	assert.Empty(t, rec.OfType(awstypes.UserAttachment))
	var names []string
	for _, u := range users {
		names = append(names, u.Name)
	}
	ownedListChecks(t, rec, group, names)
}

// ownedListChecks asserts that the program owns group's complete lists (rule R15): one
// GroupMembership naming exactly users, no inline policy, and exactly the policies
// attached one by one; and that each user's own policy lists are owned and empty (R6).
func ownedListChecks(t *testing.T, rec *record.Recorder, group string, users []string) {
	t.Helper()
	var members []record.Registration
	for _, m := range rec.OfType(awstypes.GroupMembership) {
		if m.Input("group") == group {
			members = append(members, m)
		}
	}
	require.Len(t, members, 1, "one owned member list of %s", group)
	assert.Equal(t, group, members[0].Input("name"), "named after its group: stable and unique")
	assert.ElementsMatch(t, users, inputs(members[0])["users"], "every member, and no one else")

	inline := owned(t, rec, awstypes.GroupPoliciesExcl, "groupName", group)
	assert.Equal(t, []any{}, inputs(inline)["policyNames"], "groups hold no inline policy")
	var attached []any
	for _, a := range rec.OfType(awstypes.GroupAttachment) {
		if a.Input("group") == group {
			attached = append(attached, a.Input("policyArn"))
		}
	}
	require.NotEmpty(t, attached)
	assert.ElementsMatch(t, attached, inputs(owned(t, rec, awstypes.GroupAttachmentsExcl, "groupName", group))["policyArns"], "exactly the policies attached")

	for _, u := range users {
		assert.Equal(t, []any{}, inputs(owned(t, rec, awstypes.UserPoliciesExcl, "userName", u))["policyNames"], "%s holds no inline policy", u)
		assert.Equal(t, []any{}, inputs(owned(t, rec, awstypes.UserAttachmentsExcl, "userName", u))["policyArns"], "%s holds no attached policy", u)
	}
}

// owned returns the single registration of typ whose key names owner.
func owned(t *testing.T, rec *record.Recorder, typ, key, owner string) record.Registration {
	t.Helper()
	var found []record.Registration
	for _, r := range rec.OfType(typ) {
		if r.Input(key) == owner {
			found = append(found, r)
		}
	}
	require.Len(t, found, 1, "%s of %s", typ, owner)
	return found[0]
}

// roleOwnedChecks asserts that the program owns role's policy lists: no inline policy,
// exactly the policies attached one by one.
func roleOwnedChecks(t *testing.T, rec *record.Recorder, role string) {
	t.Helper()
	assert.Equal(t, []any{}, inputs(owned(t, rec, awstypes.RolePoliciesExcl, "roleName", role))["policyNames"], "roles hold no inline policy")
	var attached []any
	for _, a := range rec.OfType(awstypes.RoleAttachment) {
		if a.Input("role") == role {
			attached = append(attached, a.Input("policyArn"))
		}
	}
	require.NotEmpty(t, attached)
	assert.ElementsMatch(t, attached, inputs(owned(t, rec, awstypes.RoleAttachmentsExcl, "roleName", role))["policyArns"])
}
