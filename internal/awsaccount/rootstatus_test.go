package awsaccount

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-aws/secure-aws/internal/accountcheck"
	"github.com/secure-aws/secure-aws/internal/rootcheck"
)

// TestRootStatusAgainstMoto: the root check's read, against moto: the summary's root flags
// (moto's root has no MFA and its summary no AccountPasswordPresent, which must not pass
// for a root user without a password) and every assigned virtual MFA device with its user,
// none of the unassigned ones. A user's device named like the root's is not the root's.
func TestRootStatusAgainstMoto(t *testing.T) {
	client, r := motoIAM(t)
	ctx := t.Context()
	_, err := client.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("mallory")})
	require.NoError(t, err)
	serials := map[string]string{}
	for _, name := range []string{"root-account-mfa-device", "spare"} {
		out, err := client.CreateVirtualMFADevice(ctx, &iam.CreateVirtualMFADeviceInput{VirtualMFADeviceName: aws.String(name)})
		require.NoError(t, err)
		serials[name] = aws.ToString(out.VirtualMFADevice.SerialNumber)
	}
	_, err = client.EnableMFADevice(ctx, &iam.EnableMFADeviceInput{UserName: aws.String("mallory"), SerialNumber: aws.String(serials["root-account-mfa-device"]),
		AuthenticationCode1: aws.String("123456"), AuthenticationCode2: aws.String("654321")})
	require.NoError(t, err)

	status, err := r.RootStatus(ctx)
	require.NoError(t, err)
	require.Len(t, status.VirtualMFADevices, 1, "the assigned device only")
	device := status.VirtualMFADevices[0]
	assert.Regexp(t, `^arn:aws:iam::[0-9]{12}:mfa/root-account-mfa-device$`, device.SerialNumber)
	assert.Regexp(t, `^arn:aws:iam::[0-9]{12}:user/mallory$`, device.UserARN)
	assert.False(t, status.MFAEnabled, "moto's root user has no MFA")
	assert.False(t, status.PasswordAbsent, "a summary that does not say the password is gone keeps it")

	got := rootcheck.Check(ctx, r, accountcheck.ModeWarn, false)
	require.NoError(t, got.Err)
	require.Len(t, got.Warnings, 1, "%q", got.Warnings)
	assert.Contains(t, got.Warnings[0], "the root user has no MFA device")
}

// TestRootStatusReadsEveryDevicePage: a summary that says the root user has no password
// makes PasswordAbsent; the devices come from every page, the root's without a user too.
func TestRootStatusReadsEveryDevicePage(t *testing.T) {
	offlineAWSEnv(t)
	actions := iamServer(t, "", "text/csv")
	r := AWSReader{Get: configGetter(map[string]string{"aws:region": "us-east-1", "aws:accessKey": "AKIDTEST", "aws:secretKey": "secret"})}
	got, err := r.RootStatus(context.Background())
	require.NoError(t, err)
	assert.Equal(t, rootcheck.Status{MFAEnabled: true, PasswordAbsent: true, VirtualMFADevices: []rootcheck.VirtualMFADevice{
		{SerialNumber: "arn:aws:iam::111111111111:mfa/alice", UserARN: "arn:aws:iam::111111111111:user/alice"},
		{SerialNumber: "arn:aws:iam::111111111111:mfa/root-account-mfa-device"},
	}}, got)
	assert.Equal(t, []string{"GetAccountSummary", "ListVirtualMFADevices", "ListVirtualMFADevices"}, *actions)
}
