package components

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-aws/secure-aws/awstypes"
	"github.com/secure-aws/secure-aws/internal/record"
	"github.com/secure-aws/secure-aws/spec"
)

func adminArgs(users ...spec.ConsoleUser) *ConsoleGroupArgs {
	return &ConsoleGroupArgs{Account: testAccount, Stack: testStack, GroupName: "admins", Path: "/admins/", OtherConsolePaths: []string{"/developers/"}, Users: users, PasswordLength: 20}
}

func newTestAdmins(args *ConsoleGroupArgs) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		_, err := NewAdminGroup(ctx, "admins", args)
		return err
	}
}

func TestAdminGroupMembersAreConsoleOnly(t *testing.T) {
	users := []spec.ConsoleUser{{Name: "alice", PGPKey: "keybase:alice"}, {Name: "bob"}}
	var passwords, arns interface {
		Get() (map[string]string, bool, bool)
	}
	rec := mustRun(t, func(ctx *pulumi.Context) error {
		g, err := NewAdminGroup(ctx, "admins", adminArgs(users...))
		if err != nil {
			return err
		}
		passwords, arns = record.Capture[map[string]string](g.InitialPasswords), record.Capture[map[string]string](g.UserArns)
		return nil
	})
	consoleMemberChecks(t, rec, "admins", "/admins/", users)

	got, known, secret := passwords.Get()
	require.True(t, known)
	assert.True(t, secret, "initial passwords are Pulumi secrets")
	assert.Equal(t, "mock-password-bob", got["bob"], "without a PGP key, the password itself")
	assert.Regexp(t, `^wcFMA\w+-pgp-ciphertext$`, got["alice"], "with a PGP key, only the ciphertext")
	assert.Len(t, got, 2)
	got, _, _ = arns.Get()
	assert.Equal(t, map[string]string{
		"alice": "arn:aws:iam::111111111111:user/admins/alice",
		"bob":   "arn:aws:iam::111111111111:user/admins/bob",
	}, got)
}

func TestAdminGroupPolicies(t *testing.T) {
	rec := mustRun(t, newTestAdmins(adminArgs()))
	group := one(t, rec, awstypes.Group)
	assert.Equal(t, "admins", group.Input("name"))
	assert.Equal(t, "/admins/", group.Input("path"))

	attached := attachedPolicies(t, rec)
	assert.ElementsMatch(t, []string{
		"arn:aws:iam::aws:policy/AdministratorAccess",
		"arn:aws:iam::111111111111:policy/admins/admins-console",
	}, attached, "full access comes from the AWS managed policy, never a customer *:* policy")

	statements := policyStatements(t, one(t, rec, awstypes.Policy), "policy")
	deny := statement(t, statements, "DenyAccessKeysForConsoleUsers")
	assert.Equal(t, "Deny", deny["Effect"])
	assert.Contains(t, deny["Action"], "iam:CreateAccessKey")
	assert.Equal(t, []any{"arn:aws:iam::111111111111:user/admins/*", "arn:aws:iam::111111111111:user/developers/*"}, deny["Resource"],
		"no admin mints a credential for a developer either")
	login := statement(t, statements, "DenyLoginProfilesForMachineUsers")
	assert.Equal(t, []any{"arn:aws:iam::111111111111:user/apps/*", "arn:aws:iam::111111111111:user/backup/*", "arn:aws:iam::111111111111:user/third-party/*"}, login["Resource"])
	assert.Contains(t, statement(t, statements, "DenyMovingGuardedUsers")["Resource"], "arn:aws:iam::111111111111:user/developers/*")
	for _, s := range statements {
		assert.NotEqual(t, "DenySecretReads", s["Sid"], "admins read secrets with MFA: the deny is the developers' alone")
	}
	mfa := statement(t, statements, "DenyAllExceptListedIfNoMFA")
	assert.Equal(t, map[string]any{"BoolIfExists": map[string]any{"aws:MultiFactorAuthPresent": "false"}}, mfa["Condition"])
	for _, s := range statements {
		assert.NotEqual(t, "*", s["Action"], "no customer-managed *:* statement (CIS v5.0.0 1.15 (v7.0.0 2.14))")
	}
}

func TestAdminGroupWithoutMembersCreatesNoUsers(t *testing.T) {
	rec := mustRun(t, newTestAdmins(adminArgs()))
	for _, typ := range []string{awstypes.User, awstypes.LoginProfile, awstypes.Membership, awstypes.AccessKey} {
		assert.Empty(t, rec.OfType(typ), typ)
	}
}

// longPath is an IAM path near IAM's 512-character limit.
func longPath(segment string) string { return "/" + strings.Repeat(segment, 500) + "/" }

func withOtherPaths(paths ...string) *ConsoleGroupArgs {
	a := adminArgs()
	a.OtherConsolePaths = paths
	return a
}

func TestAdminGroupRejectsBadArgs(t *testing.T) {
	shortPassword := adminArgs()
	shortPassword.PasswordLength = 8
	noStack := adminArgs()
	noStack.Stack = ""
	cases := map[string]struct {
		args *ConsoleGroupArgs
		want string
	}{
		"nil":             {nil, "args are required"},
		"short password":  {shortPassword, "passwordLength 8 is out of range"},
		"no stack":        {noStack, "stack is required"},
		"bad user name":   {adminArgs(spec.ConsoleUser{Name: "alice smith"}), "not a valid IAM user name"},
		"duplicate user":  {adminArgs(spec.ConsoleUser{Name: "alice"}, spec.ConsoleUser{Name: "Alice"}), "listed twice"},
		"bad pgp key":     {adminArgs(spec.ConsoleUser{Name: "alice", PGPKey: "keybase:"}), "keybase"},
		"bad other path":  {withOtherPaths("developers"), `otherConsolePaths[0] "developers" is not a valid IAM path`},
		"policy too long": {withOtherPaths(longPath("a"), longPath("b")), "path with otherConsolePaths: the console paths make the console groups' policy"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) { requireRejected(t, c.want, newTestAdmins(c.args)) })
	}
}
