package rootcheck_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-aws/secure-aws/cis"
	"github.com/secure-aws/secure-aws/internal/accountcheck"
	"github.com/secure-aws/secure-aws/internal/awsaccount"
	"github.com/secure-aws/secure-aws/internal/rootcheck"
	"github.com/secure-aws/secure-aws/internal/testsupport/mototest"
)

// TestRootCheckAgainstMoto: the root check reads moto's IAM account summary through the
// program's reader (internal/awsaccount), which finds moto as production finds AWS: from
// the environment (AWS_ENDPOINT_URL, the credentials, the region), with no client of the
// test's. moto's root user has no access keys and no MFA, and cannot be given either
// (docs/engine-tests.md), so the check finds exactly the missing MFA: it stops an update
// in fail mode and warns in warn mode. An IAM user's access key and MFA device are not the
// root user's: they change nothing.
func TestRootCheckAgainstMoto(t *testing.T) {
	server := mototest.Start(t)
	server.Setenv(t)
	ctx := t.Context()
	reader := awsaccount.AWSReader{Get: func(key string) (string, bool) {
		return mototest.Region, key == "aws:region"
	}}
	noMFA := "rule R1: the root user has no MFA device (" + cis.Ref("1.4") + "); " + rootcheck.ManualSteps

	status, err := reader.RootStatus(ctx)
	require.NoError(t, err)
	assert.Equal(t, rootcheck.Status{}, status, "moto's root user: no access keys, no MFA")
	r := rootcheck.Check(ctx, reader, accountcheck.ModeFail, false)
	require.Error(t, r.Err)
	assert.Equal(t, noMFA, r.Err.Error(), "the update stops on what moto says, and only on it")
	assert.Equal(t, accountcheck.Result{Warnings: []string{noMFA}}, rootcheck.Check(ctx, reader, accountcheck.ModeWarn, false), "warn mode warns")

	_, code := server.AWS(t, "iam", "create-user", "--user-name", "alice", "--path", "/admins/")
	require.Empty(t, code)
	_, code = server.AWS(t, "iam", "create-access-key", "--user-name", "alice")
	require.Empty(t, code)
	device, code := server.AWS(t, "iam", "create-virtual-mfa-device", "--virtual-mfa-device-name", "alice",
		"--outfile", "/dev/null", "--bootstrap-method", "Base32StringSeed")
	require.Empty(t, code)
	serial := device.(map[string]any)["VirtualMFADevice"].(map[string]any)["SerialNumber"].(string)
	_, code = server.AWS(t, "iam", "enable-mfa-device", "--user-name", "alice", "--serial-number", serial,
		"--authentication-code1", "123456", "--authentication-code2", "654321")
	require.Empty(t, code)
	status, err = reader.RootStatus(ctx)
	require.NoError(t, err)
	assert.False(t, status.AccessKeysPresent || status.MFAEnabled, "a user's key and MFA device are not the root user's")
	assert.Equal(t, accountcheck.Result{Warnings: []string{noMFA}}, rootcheck.Check(ctx, reader, accountcheck.ModeWarn, false), "alice's virtual device is not the root's")
}
