package iampolicy_test

import (
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/secure-aws/secure-aws/iampolicy"
	"github.com/secure-aws/secure-aws/internal/testsupport/iameval"
)

// request is a console user's request, for the evaluator of internal/testsupport/iameval (written
// apart from this package, from AWS's documentation).
type request struct {
	user, action, resource string
	mfa                    bool
}

func allowed(t *testing.T, docs []string, r request) bool {
	return iameval.Allowed(t, docs, "", iameval.Request{
		Principal: "arn:aws:iam::111111111111:user/admins/" + r.user,
		Action:    r.action,
		Resource:  r.resource,
		Context:   map[string]string{"aws:MultiFactorAuthPresent": strconv.FormatBool(r.mfa)},
	})
}

// TestWithoutMFAOnlyTheOwnUser: an admin (AdministratorAccess plus the console policy)
// who signed in with a password only may set up their own MFA device and change their own
// password, and nothing else: not another user's device, not another user's details, not
// an access key, not data. With MFA, AdministratorAccess applies, but never an access key
// for a console user.
func TestWithoutMFAOnlyTheOwnUser(t *testing.T) {
	const account = "111111111111"
	console := render(t, iampolicy.AdminConsolePolicy("aws", account, evalPaths))
	administratorAccess := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`
	docs := []string{administratorAccess, console}
	user := func(name string) string { return "arn:aws:iam::" + account + ":user/admins/" + name }
	for _, c := range []struct {
		r    request
		want bool
	}{
		{request{"alice", "iam:EnableMFADevice", user("alice"), false}, true},
		{request{"alice", "iam:ResyncMFADevice", user("alice"), false}, true},
		{request{"alice", "iam:ChangePassword", user("alice"), false}, true},
		{request{"alice", "iam:GetUser", user("alice"), false}, true},
		{request{"alice", "iam:CreateVirtualMFADevice", "arn:aws:iam::" + account + ":mfa/alice-phone", false}, true},
		{request{"alice", "iam:GetAccountPasswordPolicy", "*", false}, true},
		{request{"alice", "iam:EnableMFADevice", user("bob"), false}, false},
		{request{"alice", "iam:ResyncMFADevice", user("bob"), false}, false},
		{request{"alice", "iam:ListMFADevices", user("bob"), false}, false},
		{request{"alice", "iam:GetUser", user("bob"), false}, false},
		{request{"alice", "iam:ChangePassword", user("bob"), false}, false},
		{request{"alice", "iam:EnableMFADevice", "arn:aws:iam::" + account + ":user/apps/my-application-production", false}, false},
		{request{"alice", "iam:EnableMFADevice", user("malice"), false}, false},
		{request{"alice", "iam:CreateAccessKey", user("alice"), false}, false},
		{request{"alice", "s3:GetObject", "arn:aws:s3:::acme-backups-production/x", false}, false},
		{request{"alice", "iam:DeactivateMFADevice", user("alice"), false}, false},
		// With MFA: the admin's full access, but no credential for a console user.
		{request{"alice", "iam:EnableMFADevice", user("bob"), true}, true},
		{request{"alice", "s3:GetObject", "arn:aws:s3:::acme-backups-production/x", true}, true},
		{request{"alice", "iam:CreateAccessKey", user("alice"), true}, false},
		{request{"alice", "iam:CreateAccessKey", user("bob"), true}, false},
	} {
		assert.Equal(t, c.want, allowed(t, docs, c.r), "%+v", c.r)
	}
}
