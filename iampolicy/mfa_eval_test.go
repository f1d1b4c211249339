package iampolicy_test

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-aws/secure-aws/iampolicy"
)

// A small IAM policy evaluator, written from the IAM evaluation logic documentation and
// independent of the code that writes the statements: it reads the JSON AWS would read.
// An explicit Deny wins, then any Allow; Action/NotAction and Resource/NotResource match
// with * and ? wildcards after ${aws:username} is substituted; Bool and BoolIfExists
// conditions are supported (what the console policies use), any other operator fails the
// test so the evaluator never silently ignores a condition.

type request struct {
	user, action, resource string
	mfa                    bool
}

func wildcard(pattern, value string) bool {
	re := "^" + strings.NewReplacer(`\*`, ".*", `\?`, ".").Replace(regexp.QuoteMeta(pattern)) + "$"
	return regexp.MustCompile(re).MatchString(value)
}

func list(v any) []string {
	switch x := v.(type) {
	case string:
		return []string{x}
	case []any:
		var out []string
		for _, e := range x {
			out = append(out, e.(string))
		}
		return out
	}
	return nil
}

func anyMatch(t *testing.T, patterns []string, value string, r request) bool {
	for _, p := range patterns {
		if wildcard(strings.ReplaceAll(p, "${aws:username}", r.user), value) {
			return true
		}
	}
	return false
}

func applies(t *testing.T, s map[string]any, r request) bool {
	if a, ok := s["Action"]; ok && !anyMatch(t, list(a), r.action, r) {
		return false
	}
	if a, ok := s["NotAction"]; ok && anyMatch(t, list(a), r.action, r) {
		return false
	}
	if res, ok := s["Resource"]; ok && !anyMatch(t, list(res), r.resource, r) {
		return false
	}
	if res, ok := s["NotResource"]; ok && anyMatch(t, list(res), r.resource, r) {
		return false
	}
	cond, _ := s["Condition"].(map[string]any)
	for op, keys := range cond {
		for k, v := range keys.(map[string]any) {
			require.Equal(t, "aws:MultiFactorAuthPresent", k, "the evaluator knows only the MFA key")
			switch op {
			case "Bool", "BoolIfExists":
				if !anyMatch(t, list(v), map[bool]string{true: "true", false: "false"}[r.mfa], r) {
					return false
				}
			default:
				t.Fatalf("the evaluator does not know condition operator %s", op)
			}
		}
	}
	return true
}

func allowed(t *testing.T, docs []string, r request) bool {
	allow := false
	for _, d := range docs {
		var doc struct{ Statement []map[string]any }
		require.NoError(t, json.Unmarshal([]byte(d), &doc))
		for _, s := range doc.Statement {
			if !applies(t, s, r) {
				continue
			}
			if s["Effect"] == "Deny" {
				return false
			}
			allow = true
		}
	}
	return allow
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
