package credaudit_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-aws/secure-aws/awsnames"
	"github.com/secure-aws/secure-aws/internal/accountcheck"
	"github.com/secure-aws/secure-aws/internal/awsaccount"
	"github.com/secure-aws/secure-aws/internal/credaudit"
	"github.com/secure-aws/secure-aws/internal/testsupport/mototest"
	"github.com/secure-aws/secure-aws/spec"
)

// TestCredentialAuditAgainstMoto: the credential audit reads moto's credential report,
// users' tags and groups through the program's reader (internal/awsaccount), which finds
// moto as production finds AWS: from the environment, with no client of the test's. Made
// by hand with the AWS CLI: a user under the admins' path with an access key, which no
// stack declares and no stack tag claims; the console user a stack declares, with a
// password and no MFA; a declared console user with MFA; and a machine user a stack
// created (its tag) and no longer declares, with a key. The audit finds the first two,
// the console user's only once its week to enrol MFA is over, warns of the third without
// stopping (the next up deletes it), and says nothing of the user with MFA.
func TestCredentialAuditAgainstMoto(t *testing.T) {
	server := mototest.Start(t)
	server.Setenv(t)
	ctx := t.Context()
	reader := awsaccount.AWSReader{Get: func(key string) (string, bool) {
		return mototest.Region, key == "aws:region"
	}}
	report, err := reader.CredentialReport(ctx)
	require.NoError(t, err)
	assert.Equal(t, credaudit.Header, string(report), "an account without users: the columns AWS documents, in its order (and no <root_account> line: moto writes none)")

	aws := func(args ...string) any {
		t.Helper()
		answer, code := server.AWS(t, append([]string{"iam"}, args...)...)
		require.Empty(t, code, "aws iam %s", strings.Join(args, " "))
		return answer
	}
	const stack = "secure-aws/production"
	aws("create-user", "--user-name", "mallory", "--path", "/admins/")
	aws("create-access-key", "--user-name", "mallory")
	for _, u := range []string{"alice", "carol"} {
		aws("create-user", "--user-name", u, "--path", "/admins/")
		aws("create-login-profile", "--user-name", u, "--password", "Correct-Horse-Battery-9")
	}
	serial := aws("create-virtual-mfa-device", "--virtual-mfa-device-name", "carol", "--outfile", "/dev/null",
		"--bootstrap-method", "Base32StringSeed").(map[string]any)["VirtualMFADevice"].(map[string]any)["SerialNumber"].(string)
	aws("enable-mfa-device", "--user-name", "carol", "--serial-number", serial, "--authentication-code1", "123456", "--authentication-code2", "654321")
	aws("create-user", "--user-name", "leaver-production", "--path", "/apps/", "--tags", "Key="+awsnames.StackTagKey+",Value="+stack)
	aws("create-access-key", "--user-name", "leaver-production")
	aws("create-group", "--group-name", "admins")
	for _, u := range []string{"alice", "carol"} {
		aws("add-user-to-group", "--user-name", u, "--group-name", "admins")
	}

	expected := credaudit.Expected{
		Users:  map[string]credaudit.User{"alice": {Console: true}, "carol": {Console: true}},
		Paths:  append(spec.MachineUserPaths(), "/admins/", "/developers/"),
		Stacks: []string{stack},
		Groups: []string{"admins", "developers"},
	}
	settings := credaudit.Settings{Mode: accountcheck.ModeFail, MaxKeyAgeDays: 90, MaxUnusedDays: 45, NameUsers: true}
	today := time.Now().UTC().Format(time.DateOnly)
	mallory := "credential audit: user mallory, access key 1 (created " + today + "): a credential of a user under the program's IAM paths that no stack file declares, and it carries no " +
		awsnames.StackTagKey + " tag, so no stack created it (made by hand: no up deletes it)"
	alice := "credential audit: user alice: a console password without MFA (CIS v5.0.0 1.9 (v7.0.0 2.10))"
	leaver := "credential audit: user leaver-production, access key 1 (created " + today + "): no stack file declares this user any more; the next up of " + stack + ", which created it, deletes it"

	for name, c := range map[string]struct {
		now   time.Time
		stops []string
	}{
		"today":        {time.Now(), []string{mallory}},
		"a week later": {time.Now().Add(8 * 24 * time.Hour), []string{alice, mallory}},
	} {
		t.Run(name, func(t *testing.T) {
			r := credaudit.Check(ctx, reader, expected, settings, false, c.now)
			require.Error(t, r.Err)
			lines := strings.Split(r.Err.Error(), "\n")
			require.Len(t, lines, len(c.stops), r.Err.Error())
			for i, want := range c.stops {
				assert.True(t, strings.HasPrefix(lines[i], want), "finding %d: want %q, got %q", i, want, lines[i])
			}
			var warned []string
			for _, w := range r.Warnings {
				warned = append(warned, w[:min(len(w), len(leaver))])
			}
			assert.Contains(t, warned, leaver, "the user its stack deletes warns, without stopping")
			if len(c.stops) == 1 {
				assert.Contains(t, strings.Join(r.Warnings, "\n"), alice, "a new console user without MFA warns during its first week")
			}
			assert.NotContains(t, r.Err.Error()+strings.Join(r.Warnings, "\n"), "carol", "a console user with MFA is not a finding")
		})
	}
}
