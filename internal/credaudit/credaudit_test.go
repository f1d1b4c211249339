package credaudit

import (
	"context"
	"errors"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-aws/secure-aws/awsnames"
	"github.com/secure-aws/secure-aws/internal/accountcheck"
)

// now is the day the report is judged.
var now = time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)

// cis are the configuration's defaults: CIS's ages, warn mode.
var cis = Settings{Mode: accountcheck.ModeWarn, MaxKeyAgeDays: 90, MaxUnusedDays: 45}

// report is a credential report as IAM writes it: the root user; applications healthy,
// with an old key, an idle key, mid-rotation, a rotation left open, two keys where one is
// declared, a generation being retired, one no stack declares any more and one a stack
// that is gone created; old keys while the new generation is Active (created, or not yet)
// and while it is Inactive, declared so or switched off in AWS; admins new and without MFA, idle, with an access key, and one
// made by hand under the admins' path; and a user nobody declared.
var report = Header + strings.Join([]string{
	"<root_account>,arn:aws:iam::111111111111:root,2020-01-01T00:00:00+00:00,not_supported,2026-11-30T10:00:00+00:00,not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A",
	"my-app-production,arn:aws:iam::111111111111:user/apps/my-app-production,2026-10-01T00:00:00+00:00,false,N/A,N/A,N/A,false,true,2026-10-01T00:00:00+00:00,2026-11-30T00:00:00+00:00,us-east-1,s3,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A",
	"old-app-production,arn:aws:iam::111111111111:user/apps/old-app-production,2026-01-01T00:00:00+00:00,false,N/A,N/A,N/A,false,true,2026-01-01T00:00:00+00:00,2026-11-30T00:00:00+00:00,us-east-1,s3,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A",
	"idle-app-production,arn:aws:iam::111111111111:user/apps/idle-app-production,2026-09-20T00:00:00+00:00,false,N/A,N/A,N/A,false,true,2026-09-20T00:00:00+00:00,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A",
	"rotating-production,arn:aws:iam::111111111111:user/apps/rotating-production,2026-10-01T00:00:00+00:00,false,N/A,N/A,N/A,false,true,2026-10-01T00:00:00+00:00,2026-11-30T00:00:00+00:00,us-east-1,s3,true,2026-11-29T00:00:00+00:00,N/A,N/A,N/A,false,N/A,false,N/A",
	"stale-rotation-production,arn:aws:iam::111111111111:user/apps/stale-rotation-production,2026-10-01T00:00:00+00:00,false,N/A,N/A,N/A,false,true,2026-10-01T00:00:00+00:00,2026-11-30T00:00:00+00:00,us-east-1,s3,true,2026-11-01T00:00:00+00:00,2026-11-30T00:00:00+00:00,us-east-1,s3,false,N/A,false,N/A",
	"doubled-production,arn:aws:iam::111111111111:user/apps/doubled-production,2026-10-01T00:00:00+00:00,false,N/A,N/A,N/A,false,true,2026-10-01T00:00:00+00:00,2026-11-30T00:00:00+00:00,us-east-1,s3,true,2026-11-29T00:00:00+00:00,2026-11-30T00:00:00+00:00,us-east-1,s3,false,N/A,false,N/A",
	"retiring-production,arn:aws:iam::111111111111:user/apps/retiring-production,2026-10-01T00:00:00+00:00,false,N/A,N/A,N/A,false,true,2026-10-01T00:00:00+00:00,2026-11-30T00:00:00+00:00,us-east-1,s3,true,2026-11-29T00:00:00+00:00,2026-11-30T00:00:00+00:00,us-east-1,s3,false,N/A,false,N/A",
	"gone-production,arn:aws:iam::111111111111:user/apps/gone-production,2026-10-01T00:00:00+00:00,false,N/A,N/A,N/A,false,true,2026-10-01T00:00:00+00:00,2026-11-30T00:00:00+00:00,us-east-1,s3,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A",
	"alice,arn:aws:iam::111111111111:user/admins/alice,2026-11-25T00:00:00+00:00,true,no_information,N/A,N/A,false,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A",
	"bob,arn:aws:iam::111111111111:user/admins/bob,2026-01-01T00:00:00+00:00,true,2026-08-01T00:00:00+00:00,N/A,N/A,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A",
	"carol,arn:aws:iam::111111111111:user/admins/carol,2026-01-01T00:00:00+00:00,true,2026-11-30T00:00:00+00:00,N/A,N/A,true,true,2026-11-20T00:00:00+00:00,2026-11-30T00:00:00+00:00,us-east-1,s3,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A",
	"orphan-production,arn:aws:iam::111111111111:user/apps/orphan-production,2026-10-01T00:00:00+00:00,false,N/A,N/A,N/A,false,true,2026-10-01T00:00:00+00:00,2026-11-30T00:00:00+00:00,us-east-1,s3,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A",
	"rotation-due-production,arn:aws:iam::111111111111:user/apps/rotation-due-production,2026-01-01T00:00:00+00:00,false,N/A,N/A,N/A,false,true,2026-01-01T00:00:00+00:00,2026-11-30T00:00:00+00:00,us-east-1,s3,true,2026-11-29T00:00:00+00:00,2026-11-30T00:00:00+00:00,us-east-1,s3,false,N/A,false,N/A",
	"rotation-next-production,arn:aws:iam::111111111111:user/apps/rotation-next-production,2026-01-01T00:00:00+00:00,false,N/A,N/A,N/A,false,true,2026-01-01T00:00:00+00:00,2026-11-30T00:00:00+00:00,us-east-1,s3,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A",
	"inactive-next-production,arn:aws:iam::111111111111:user/apps/inactive-next-production,2026-01-01T00:00:00+00:00,false,N/A,N/A,N/A,false,true,2026-01-01T00:00:00+00:00,2026-11-30T00:00:00+00:00,us-east-1,s3,false,2026-11-29T00:00:00+00:00,N/A,N/A,N/A,false,N/A,false,N/A",
	"switched-off-next-production,arn:aws:iam::111111111111:user/apps/switched-off-next-production,2026-01-01T00:00:00+00:00,false,N/A,N/A,N/A,false,true,2026-01-01T00:00:00+00:00,2026-11-30T00:00:00+00:00,us-east-1,s3,false,2026-11-29T00:00:00+00:00,N/A,N/A,N/A,false,N/A,false,N/A",
	"mallory,arn:aws:iam::111111111111:user/admins/mallory,2026-11-20T00:00:00+00:00,true,2026-11-30T00:00:00+00:00,N/A,N/A,true,true,2026-11-20T00:00:00+00:00,2026-11-30T00:00:00+00:00,us-east-1,s3,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A",
	"deploy-bot,arn:aws:iam::111111111111:user/deploy-bot,2025-01-01T00:00:00+00:00,true,2026-11-30T00:00:00+00:00,N/A,N/A,false,true,2025-01-01T00:00:00+00:00,2026-11-30T00:00:00+00:00,us-east-1,s3,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A",
}, "\n") + "\n"

var expected = Expected{
	Users: map[string]User{
		"my-app-production":         {Generations: 1, ActiveKeys: 1},
		"old-app-production":        {Generations: 1, ActiveKeys: 1},
		"idle-app-production":       {Generations: 1, ActiveKeys: 1},
		"rotating-production":       {Generations: 2, ActiveKeys: 2, NewestActive: true},
		"stale-rotation-production": {Generations: 2, ActiveKeys: 2, NewestActive: true},
		"doubled-production":        {Generations: 1, ActiveKeys: 1},
		"retiring-production":       {Generations: 2, ActiveKeys: 1, NewestActive: true},
		"rotation-due-production":   {Generations: 2, ActiveKeys: 2, NewestActive: true},
		"rotation-next-production":  {Generations: 2, ActiveKeys: 2, NewestActive: true},
		"inactive-next-production":  {Generations: 2, ActiveKeys: 1, NewestActive: false},
		// Declared Active, switched off in AWS by hand: no rotation either.
		"switched-off-next-production": {Generations: 2, ActiveKeys: 2, NewestActive: true},
		"alice":                        {Console: true},
		"bob":                          {Console: true},
		"carol":                        {Console: true},
	},
	Paths:  []string{"/apps/", "/third-party/", "/backup/", "/admins/", "/developers/"},
	Stacks: []string{"secure-aws/production", "secure-aws/staging"},
	Groups: []string{"admins", "my-app-production", "rotating-production"},
}

// tags are the users' tags as IAM holds them: gone-production was created by a stack of
// the account, orphan-production by one that is gone; mallory, made by hand, has none.
var tags = map[string]map[string]string{
	"gone-production":   {awsnames.StackTagKey: "secure-aws/staging"},
	"orphan-production": {awsnames.StackTagKey: "secure-aws/legacy"},
	"my-app-production": {awsnames.StackTagKey: "secure-aws/production"},
}

// groups are the users' groups as IAM holds them: rotating-production was also added by
// hand to a group no stack declares; bob's group differs from the declared one in case only.
var groups = map[string][]string{
	"my-app-production":   {"my-app-production"},
	"rotating-production": {"rotating-production", "power-users"},
	"bob":                 {"Admins"},
}

// parsed is the report with the creators and groups Check reads from IAM.
func parsed(t *testing.T) []Row {
	t.Helper()
	rows, err := Parse([]byte(report))
	require.NoError(t, err)
	for i, r := range rows {
		if expected.undeclared(r) {
			rows[i].CreatedBy = tags[r.User][awsnames.StackTagKey]
		}
		if _, declared := expected.Users[r.User]; declared {
			rows[i].Groups = groups[r.User]
		}
	}
	return rows
}

func TestParse(t *testing.T) {
	rows, err := Parse([]byte(report))
	require.NoError(t, err)
	require.Len(t, rows, 19)
	app := rows[1]
	assert.Equal(t, "my-app-production", app.User)
	assert.True(t, app.Keys[0].Active)
	assert.Equal(t, time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC), app.Keys[0].LastRotated.UTC())
	assert.False(t, app.Keys[1].Active)
	assert.Nil(t, app.Keys[1].LastRotated, "N/A")
	assert.Nil(t, rows[9].PasswordLastUsed, "no_information")
	assert.True(t, rows[9].PasswordEnabled)
	assert.Equal(t, "/admins/", rows[9].Path())
	assert.Equal(t, "/", rows[len(rows)-1].Path())
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

// TestFindings: each kind of finding, on the user it concerns and nowhere else, and
// whether the configuration being applied resolves it.
func TestFindings(t *testing.T) {
	rows := parsed(t)
	got := Findings(rows, expected, cis, now)
	byUser := map[string][]Finding{}
	for _, f := range got {
		user := strings.TrimRight(strings.Fields(strings.TrimPrefix(f.Message, "user "))[0], ",:")
		byUser[user] = append(byUser[user], f)
	}
	for _, quiet := range []string{"<root_account>", "my-app-production"} {
		assert.NotContains(t, byUser, quiet, "root is rootcheck's; a young used key in its own group is fine")
	}
	one := func(user string, addressed bool, parts ...string) {
		t.Helper()
		require.Len(t, byUser[user], 1, "%s: %+v", user, byUser[user])
		f := byUser[user][0]
		assert.Equal(t, addressed, f.Addressed, "%s: %s", user, f.Message)
		for _, p := range parts {
			assert.Contains(t, f.Message, p)
		}
	}
	one("rotating-production", false, "a member of group power-users, which no stack file declares", "remove-user-from-group --user-name rotating-production --group-name power-users")
	one("old-app-production", false, "access key 1 (created 2026-01-01)", "older than 90 days (CIS v5.0.0 1.13 (v7.0.0 2.12))", "add the next key generation")
	one("idle-app-production", false, "access key 1 (created 2026-09-20)", "unused for more than 45 days", "last used never", "status: Inactive")
	one("stale-rotation-production", false, "a rotation open for more than 14 days")
	one("doubled-production", false, "2 active access keys where the configuration declares 1", "CIS v5.0.0 1.12 (not in v7.0.0)")
	one("retiring-production", true, "2 active access keys where the configuration declares 1")
	one("gone-production", true, "no stack file declares this user any more; the next up of secure-aws/staging, which created it, deletes it")
	one("orphan-production", false, "under the program's IAM paths that no stack file declares", "its secure-aws:stack tag names secure-aws/legacy, no stack of this account", "made by hand")
	one("rotation-due-production", true, "access key 1 (created 2026-01-01): older than 90 days")
	one("rotation-next-production", true, "access key 1 (created 2026-01-01): older than 90 days")
	one("inactive-next-production", false, "access key 1 (created 2026-01-01): older than 90 days", "add the next key generation")
	one("switched-off-next-production", false, "access key 1 (created 2026-01-01): older than 90 days", "add the next key generation")
	one("alice", true, "console password without MFA", "enrol at first sign-in")
	one("bob", false, "console password unused for more than 45 days", "last used 2026-08-01")
	one("carol", false, "access key 1 (created 2026-11-20): an access key of a console user (rule R3)")
	require.Len(t, byUser["deploy-bot"], 2, "a key and a password nobody declared")
	assert.Contains(t, byUser["deploy-bot"][0].Message, "access key 1 (created 2025-01-01): a credential of a user this program does not manage")
	assert.Contains(t, byUser["deploy-bot"][1].Message, "a console password of a user this program does not manage")
	assert.False(t, byUser["deploy-bot"][0].Addressed || byUser["deploy-bot"][1].Addressed)
	require.Len(t, byUser["mallory"], 2, "a key and a password of a user made by hand under the admins' path")
	for _, f := range byUser["mallory"] {
		assert.False(t, f.Addressed, "no up deletes it: %s", f.Message)
		assert.Contains(t, f.Message, "carries no secure-aws:stack tag, so no stack created it")
	}
	assert.Len(t, got, 19)

	relaxed := Findings(rows, expected, Settings{Mode: accountcheck.ModeWarn, MaxKeyAgeDays: 400, MaxUnusedDays: 200}, now)
	for _, f := range relaxed {
		assert.NotContains(t, f.Message, "older than", "the ages are settings")
		assert.NotContains(t, f.Message, "unused for")
	}
	assert.Len(t, relaxed, 12)

	later := Findings(rows, expected, cis, now.AddDate(0, 0, 10))
	assert.True(t, slices.ContainsFunc(later, func(f Finding) bool {
		return strings.HasPrefix(f.Message, "user alice: a console password without MFA") && !f.Addressed
	}), "past the grace days, no MFA is no longer forgiven")
}

type fakeReader struct {
	report string
	err    error
	tagErr error
	asked  *[]string // the users whose tags were read
	// grouped, when set, are the users whose groups were read.
	grouped *[]string
}

func (f fakeReader) CredentialReport(context.Context) ([]byte, error) { return []byte(f.report), f.err }

func (f fakeReader) UserTags(_ context.Context, user string) (map[string]string, error) {
	if f.asked != nil {
		*f.asked = append(*f.asked, user)
	}
	return tags[user], f.tagErr
}

func (f fakeReader) UserGroups(_ context.Context, user string) ([]string, error) {
	if f.grouped != nil {
		*f.grouped = append(*f.grouped, user)
	}
	return groups[user], nil
}

// TestCheckModes: findings warn, or in fail mode stop the run unless the configuration
// being applied resolves them; an unreadable report warns in a preview and in warn mode,
// and stops an up in fail mode; off reads nothing.
func TestCheckModes(t *testing.T) {
	cis := cis
	cis.NameUsers = true // the findings themselves, as the log shows them when configured
	fail := Settings{Mode: accountcheck.ModeFail, MaxKeyAgeDays: 90, MaxUnusedDays: 45, NameUsers: true}
	denied := fakeReader{err: errors.New("AccessDenied: iam:GenerateCredentialReport")}

	var asked, grouped []string
	warned := Check(t.Context(), fakeReader{report: report, asked: &asked, grouped: &grouped}, expected, cis, false, now)
	assert.NoError(t, warned.Err)
	assert.Len(t, warned.Warnings, 19)
	assert.ElementsMatch(t, []string{"gone-production", "orphan-production", "mallory"}, asked,
		"tags are read only for the undeclared users under the program's paths")
	assert.ElementsMatch(t, slices.Collect(maps.Keys(expected.Users)), grouped, "groups are read for the declared users only")
	for _, w := range warned.Warnings {
		assert.True(t, strings.HasPrefix(w, "credential audit: user "), w)
	}

	failed := Check(t.Context(), fakeReader{report: report}, expected, fail, true, now)
	require.Error(t, failed.Err, "findings fail a preview too, so the pull request shows them")
	assert.Contains(t, failed.Err.Error(), "declares 1 active generation")
	assert.NotContains(t, failed.Err.Error(), "gone-production", "what a stack's next up resolves never stops it")
	assert.Contains(t, failed.Err.Error(), "user mallory, access key 1", "a user made by hand under the program's paths stops it")
	assert.Contains(t, failed.Err.Error(), "user mallory: a console password")
	assert.Contains(t, failed.Err.Error(), "user inactive-next-production, access key 1", "an Inactive new generation rotates nothing")
	assert.Contains(t, failed.Err.Error(), "user switched-off-next-production, access key 1 (created 2026-01-01): older than 90 days", "nor does one declared Active but switched off in AWS")
	require.Len(t, failed.Warnings, 5)
	for _, w := range failed.Warnings {
		assert.True(t, strings.HasSuffix(w, "(the configuration being applied resolves it)"), w)
	}

	for name, c := range map[string]struct {
		r       Reader
		s       Settings
		dryRun  bool
		wantErr bool
	}{
		"denied, warn, up":         {denied, cis, false, false},
		"denied, fail, preview":    {denied, fail, true, false},
		"denied, fail, up":         {denied, fail, false, true},
		"tags denied, fail, up":    {fakeReader{report: report, tagErr: errors.New("AccessDenied: iam:ListUserTags")}, fail, false, true},
		"tags denied, warn, up":    {fakeReader{report: report, tagErr: errors.New("AccessDenied: iam:ListUserTags")}, cis, false, false},
		"garbled, fail, up":        {fakeReader{report: "user\n"}, fail, false, true},
		"garbled, warn, preview":   {fakeReader{report: "user\n"}, cis, true, false},
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
			assert.Contains(t, res.Err.Error(), "grant iam:GenerateCredentialReport, iam:GetCredentialReport, iam:ListGroupsForUser and iam:ListUserTags", name)
			continue
		}
		assert.NoError(t, res.Err, name)
		require.Len(t, res.Warnings, 1, name)
		assert.Contains(t, res.Warnings[0], "could not read the IAM credential report", name)
	}
}

// TestCheckWithholdsUsers: by default (nameUsers false) the warnings and the error, which
// CI logs show, count the findings by kind and name no user of the report; every finding
// is in Details, with the user it names.
func TestCheckWithholdsUsers(t *testing.T) {
	rows, err := Parse([]byte(report))
	require.NoError(t, err)
	require.NotEmpty(t, rows)
	noUserIn := func(t *testing.T, logged string) {
		t.Helper()
		for _, r := range rows {
			if r.User != root {
				assert.NotContains(t, logged, r.User, "the log names a user")
			}
		}
	}
	fail := cis
	fail.Mode = accountcheck.ModeFail
	named := fail
	named.NameUsers = true
	require.NoError(t, readCreators(t.Context(), fakeReader{report: report}, rows, expected))
	require.NoError(t, readGroups(t.Context(), fakeReader{report: report}, rows, expected))
	all := Findings(rows, expected, cis, now)

	warned := Check(t.Context(), fakeReader{report: report}, expected, cis, false, now)
	require.NoError(t, warned.Err)
	require.Len(t, warned.Warnings, 2, "one line for what stops a fail-mode run, one for what the run resolves")
	assert.Equal(t, "credential audit: "+Summary(unaddressed(all))+withheld, warned.Warnings[0])
	assert.Contains(t, warned.Warnings[0], " access keys older than 90 days (CIS v5.0.0 1.13 (v7.0.0 2.12)); ", "counted by kind")
	assert.Contains(t, warned.Warnings[1], "resolved by the configuration being applied: ")
	for _, w := range warned.Warnings {
		noUserIn(t, w)
	}
	require.Len(t, warned.Details, len(all))
	for _, f := range all {
		assert.True(t, slices.ContainsFunc(warned.Details, func(d string) bool { return strings.HasPrefix(d, f.Message) }), f.Message)
	}

	failed := Check(t.Context(), fakeReader{report: report}, expected, fail, false, now)
	require.Error(t, failed.Err)
	noUserIn(t, failed.Err.Error())
	assert.Contains(t, failed.Err.Error(), "1 user with more active access keys than declared (CIS v5.0.0 1.12 (not in v7.0.0))")
	namedFail := Check(t.Context(), fakeReader{report: report}, expected, named, false, now)
	assert.Contains(t, namedFail.Err.Error(), "user mallory, access key 1", "configured, the log names them")
	assert.Empty(t, namedFail.Details, "nothing is withheld")

	// AWS's denial names the user whose tags it refused.
	tagsDenied := Check(t.Context(), fakeReader{report: report, tagErr: errors.New("AccessDenied: not authorized to perform iam:ListUserTags on resource: user mallory")}, expected, fail, false, now)
	require.Error(t, tagsDenied.Err)
	noUserIn(t, tagsDenied.Err.Error())
	assert.Contains(t, tagsDenied.Err.Error(), "grant iam:GenerateCredentialReport")
	require.NotEmpty(t, tagsDenied.Details)
	assert.Contains(t, tagsDenied.Details[0], "on resource: user mallory")

	garbled := Check(t.Context(), fakeReader{report: Header + "mallory,arn:aws:iam::111111111111:user/mallory,yesterday" + strings.Repeat(",", 19) + "\n"}, expected, fail, false, now)
	require.Error(t, garbled.Err)
	noUserIn(t, garbled.Err.Error())
	require.NotEmpty(t, garbled.Details)
	assert.Contains(t, garbled.Details[0], "line 2 (mallory)")
}

// TestSummary: findings counted by kind, one and many, kinds in a stable order.
func TestSummary(t *testing.T) {
	assert.Equal(t, "", Summary(nil))
	assert.Equal(t, "2 console passwords without MFA (CIS v5.0.0 1.9 (v7.0.0 2.10)); 1 key rotation open for more than 14 days (CIS v5.0.0 1.12 (not in v7.0.0))",
		Summary([]Finding{{Kind: kindOpenRotation}, {Kind: kindNoMFA}, {Kind: kindNoMFA}}))
}

func unaddressed(fs []Finding) []Finding {
	return slices.DeleteFunc(slices.Clone(fs), func(f Finding) bool { return f.Addressed })
}
