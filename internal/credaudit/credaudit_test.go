package credaudit

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-aws/secure-aws/internal/accountcheck"
)

// now is the day the report is judged.
var now = time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)

// report is a credential report as IAM writes it: the root user, a healthy application,
// an old key, an idle key, a user mid-rotation, one with two keys outside a rotation, an
// admin without MFA, an idle admin, and a user nobody declared.
var report = Header + strings.Join([]string{
	"<root_account>,arn:aws:iam::111111111111:root,2020-01-01T00:00:00+00:00,not_supported,2026-11-30T10:00:00+00:00,not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A",
	"my-app-production,arn:aws:iam::111111111111:user/apps/my-app-production,2026-10-01T00:00:00+00:00,false,N/A,N/A,N/A,false,true,2026-10-01T00:00:00+00:00,2026-11-30T08:00:00+00:00,us-east-1,s3,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A",
	"old-app-production,arn:aws:iam::111111111111:user/apps/old-app-production,2026-01-01T00:00:00+00:00,false,N/A,N/A,N/A,false,true,2026-01-01T00:00:00+00:00,2026-11-30T08:00:00+00:00,us-east-1,s3,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A",
	"idle-app-production,arn:aws:iam::111111111111:user/apps/idle-app-production,2026-11-01T00:00:00+00:00,false,N/A,N/A,N/A,false,true,2026-09-20T00:00:00+00:00,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A",
	"rotating-production,arn:aws:iam::111111111111:user/apps/rotating-production,2026-10-01T00:00:00+00:00,false,N/A,N/A,N/A,false,true,2026-10-01T00:00:00+00:00,2026-11-30T08:00:00+00:00,us-east-1,s3,true,2026-11-29T00:00:00+00:00,N/A,N/A,N/A,false,N/A,false,N/A",
	"doubled-production,arn:aws:iam::111111111111:user/apps/doubled-production,2026-10-01T00:00:00+00:00,false,N/A,N/A,N/A,false,true,2026-10-01T00:00:00+00:00,2026-11-30T08:00:00+00:00,us-east-1,s3,true,2026-11-29T00:00:00+00:00,2026-11-30T08:00:00+00:00,us-east-1,s3,false,N/A,false,N/A",
	"alice,arn:aws:iam::111111111111:user/admins/alice,2026-11-25T00:00:00+00:00,true,no_information,2026-11-25T00:00:00+00:00,N/A,false,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A",
	"bob,arn:aws:iam::111111111111:user/admins/bob,2026-01-01T00:00:00+00:00,true,2026-08-01T00:00:00+00:00,2026-01-01T00:00:00+00:00,N/A,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A",
	"deploy-bot,arn:aws:iam::111111111111:user/deploy-bot,2025-01-01T00:00:00+00:00,true,2026-11-30T00:00:00+00:00,2025-01-01T00:00:00+00:00,N/A,false,true,2025-01-01T00:00:00+00:00,2026-11-30T08:00:00+00:00,us-east-1,iam,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A",
}, "\n") + "\n"

var expected = Expected{
	"my-app-production":   {ActiveKeys: 1},
	"old-app-production":  {ActiveKeys: 1},
	"idle-app-production": {ActiveKeys: 1},
	"rotating-production": {ActiveKeys: 2},
	"doubled-production":  {ActiveKeys: 1},
	"alice":               {Console: true},
	"bob":                 {Console: true},
}

func TestParse(t *testing.T) {
	rows, err := Parse([]byte(report))
	require.NoError(t, err)
	require.Len(t, rows, 9)
	app := rows[1]
	assert.Equal(t, "my-app-production", app.User)
	assert.True(t, app.Keys[0].Active)
	assert.Equal(t, time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC), app.Keys[0].LastRotated.UTC())
	assert.False(t, app.Keys[1].Active)
	assert.Nil(t, app.Keys[1].LastRotated, "N/A")
	assert.Nil(t, rows[6].PasswordLastUsed, "no_information")
	assert.True(t, rows[6].PasswordEnabled)
	assert.False(t, rows[0].PasswordEnabled, "not_supported")

	for name, c := range map[string]struct{ report, msg string }{
		"empty":          {"", "empty"},
		"missing column": {"user,arn\nx,y\n", `no column "user_creation_time"`},
		"not CSV":        {Header + "\"unterminated", "not CSV"},
		"bad time":       {Header + "x,arn,yesterday,false,N/A,N/A,N/A,false,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n", `line 2 (x): user_creation_time: "yesterday" is not a time`},
	} {
		_, err := Parse([]byte(c.report))
		assert.ErrorContains(t, err, c.msg, name)
	}
}

// TestFindings: each kind of finding, on the user it concerns and nowhere else.
func TestFindings(t *testing.T) {
	rows, err := Parse([]byte(report))
	require.NoError(t, err)
	got := Findings(rows, expected, Defaults, now)
	byUser := map[string][]string{}
	for _, f := range got {
		user := strings.TrimRight(strings.Fields(strings.TrimPrefix(f, "user "))[0], ",:")
		byUser[user] = append(byUser[user], f)
	}
	assert.NotContains(t, byUser, "<root_account>", "rootcheck judges the root user")
	assert.NotContains(t, byUser, "my-app-production", "a young, used key is fine")
	assert.NotContains(t, byUser, "rotating-production", "two active keys while the configuration rotates")

	one := func(user string, parts ...string) {
		t.Helper()
		require.Len(t, byUser[user], 1, "%s: %q", user, byUser[user])
		for _, p := range parts {
			assert.Contains(t, byUser[user][0], p)
		}
	}
	one("old-app-production", "access key 1 (created 2026-01-01)", "older than 90 days (CIS 1.14)", "add the next key generation")
	one("idle-app-production", "access key 1 (created 2026-09-20)", "unused for more than 45 days", "last used never", "status: Inactive")
	one("doubled-production", "two active access keys outside a rotation (CIS 1.13)", "declares 1 active generation")
	one("alice", "console password without MFA")
	one("bob", "console password unused for more than 45 days", "last used 2026-08-01")
	require.Len(t, byUser["deploy-bot"], 2, "a key and a password nobody declared")
	assert.Contains(t, byUser["deploy-bot"][0], "access key 1 (created 2025-01-01): a credential of a user this program does not manage")
	assert.Contains(t, byUser["deploy-bot"][1], "a console password of a user this program does not manage")
	assert.Len(t, got, 7)

	relaxed := Findings(rows, expected, Settings{Mode: accountcheck.ModeWarn, MaxKeyAgeDays: 400, MaxUnusedDays: 200}, now)
	assert.Len(t, relaxed, 4, "the ages are settings: %q", relaxed)
}

type fakeReader struct {
	report string
	err    error
}

func (f fakeReader) CredentialReport(context.Context) ([]byte, error) { return []byte(f.report), f.err }

// TestCheckModes: findings warn, or fail in fail mode; an unreadable report warns in a
// preview and in warn mode, and stops an up in fail mode; off reads nothing.
func TestCheckModes(t *testing.T) {
	fail := Settings{Mode: accountcheck.ModeFail, MaxKeyAgeDays: 90, MaxUnusedDays: 45}
	denied := fakeReader{err: errors.New("AccessDenied: iam:GenerateCredentialReport")}

	warned := Check(t.Context(), fakeReader{report: report}, expected, Defaults, false, now)
	assert.NoError(t, warned.Err)
	assert.Len(t, warned.Warnings, 7)
	assert.True(t, strings.HasPrefix(warned.Warnings[0], "credential audit: user "))

	failed := Check(t.Context(), fakeReader{report: report}, expected, fail, true, now)
	require.Error(t, failed.Err, "findings fail a preview too, so the pull request shows them")
	assert.Contains(t, failed.Err.Error(), "outside a rotation")

	for name, c := range map[string]struct {
		r       Reader
		s       Settings
		dryRun  bool
		wantErr bool
	}{
		"denied, warn, up":         {denied, Defaults, false, false},
		"denied, fail, preview":    {denied, fail, true, false},
		"denied, fail, up":         {denied, fail, false, true},
		"garbled, fail, up":        {fakeReader{report: "user\n"}, fail, false, true},
		"garbled, warn, preview":   {fakeReader{report: "user\n"}, Defaults, true, false},
		"no reader, fail, up":      {nil, fail, false, true},
		"denied, off, fail-worthy": {denied, Settings{Mode: accountcheck.ModeOff}, false, false},
	} {
		res := Check(t.Context(), c.r, expected, c.s, c.dryRun, now)
		if c.s.Mode == accountcheck.ModeOff {
			assert.Equal(t, accountcheck.Result{}, res, name)
			continue
		}
		if c.wantErr {
			require.Error(t, res.Err, name)
			assert.Contains(t, res.Err.Error(), "could not read the IAM credential report", name)
			assert.Contains(t, res.Err.Error(), "iam:GenerateCredentialReport and iam:GetCredentialReport", name)
			continue
		}
		assert.NoError(t, res.Err, name)
		require.Len(t, res.Warnings, 1, name)
		assert.Contains(t, res.Warnings[0], "could not read the IAM credential report", name)
	}
}
