package rootcheck

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-aws/secure-aws/internal/accountcheck"
)

// fakeReader returns a fixed status or error and counts its calls.
type fakeReader struct {
	status Status
	err    error
	calls  int
}

func (f *fakeReader) RootStatus(context.Context) (Status, error) {
	f.calls++
	return f.status, f.err
}

var (
	healthy  = Status{MFAEnabled: true}
	keys     = Status{AccessKeysPresent: true, MFAEnabled: true}
	noMFA    = Status{}
	keysNoMF = Status{AccessKeysPresent: true}
	// virtualRoot signs in with the root's virtual device, beside a user's virtual device.
	virtualRoot = Status{MFAEnabled: true, VirtualMFADevices: []VirtualMFADevice{
		{SerialNumber: "arn:aws:iam::111111111111:mfa/alice", UserARN: "arn:aws:iam::111111111111:user/admins/alice"},
		{SerialNumber: "arn:aws:iam::111111111111:mfa/root-account-mfa-device", UserARN: "arn:aws:iam::111111111111:root"},
	}}
	noPassword = Status{PasswordAbsent: true}
	errRead    = errors.New("AccessDenied: not authorized to perform iam:GetAccountSummary")
)

func TestCheck(t *testing.T) {
	type want struct {
		warnings []string // substrings, one slice entry per expected warning
		err      []string // substrings of the error; nil means no error
	}
	tests := []struct {
		name   string
		reader *fakeReader // nil means no reader at all
		mode   string
		dryRun bool
		want   want
		calls  int
	}{
		{name: "off, unhealthy root, update", reader: &fakeReader{status: keysNoMF}, mode: accountcheck.ModeOff},
		{name: "off, read error, fail-worthy update", reader: &fakeReader{err: errRead}, mode: accountcheck.ModeOff},
		{name: "off, preview", reader: &fakeReader{status: keysNoMF}, mode: accountcheck.ModeOff, dryRun: true},
		{name: "off, no reader", mode: accountcheck.ModeOff},

		{name: "warn, healthy", reader: &fakeReader{status: healthy}, mode: accountcheck.ModeWarn, calls: 1},
		{name: "fail, healthy, update", reader: &fakeReader{status: healthy}, mode: accountcheck.ModeFail, calls: 1},
		{name: "fail, healthy, preview", reader: &fakeReader{status: healthy}, mode: accountcheck.ModeFail, dryRun: true, calls: 1},

		{name: "warn, keys present", reader: &fakeReader{status: keys}, mode: accountcheck.ModeWarn, calls: 1,
			want: want{warnings: []string{"rule R1: the root user has access keys"}}},
		{name: "warn, no MFA", reader: &fakeReader{status: noMFA}, mode: accountcheck.ModeWarn, calls: 1,
			want: want{warnings: []string{"rule R1: the root user has no MFA device"}}},
		{name: "warn, keys and no MFA, preview", reader: &fakeReader{status: keysNoMF}, mode: accountcheck.ModeWarn, dryRun: true, calls: 1,
			want: want{warnings: []string{"rule R1: the root user has access keys", "rule R1: the root user has no MFA device"}}},

		{name: "fail, keys present, update", reader: &fakeReader{status: keys}, mode: accountcheck.ModeFail, calls: 1,
			want: want{err: []string{"rule R1", "access keys"}}},
		{name: "fail, no MFA, update", reader: &fakeReader{status: noMFA}, mode: accountcheck.ModeFail, calls: 1,
			want: want{err: []string{"rule R1", "no MFA device"}}},
		{name: "fail, keys and no MFA, update", reader: &fakeReader{status: keysNoMF}, mode: accountcheck.ModeFail, calls: 1,
			want: want{err: []string{"rule R1", "access keys", "no MFA device"}}},
		{name: "fail, keys present, preview", reader: &fakeReader{status: keys}, mode: accountcheck.ModeFail, dryRun: true, calls: 1,
			want: want{err: []string{"rule R1", "access keys"}}},

		{name: "warn, read error, update", reader: &fakeReader{err: errRead}, mode: accountcheck.ModeWarn, calls: 1,
			want: want{warnings: []string{"could not read the IAM account summary or the virtual MFA devices: " + errRead.Error()}}},
		{name: "warn, read error, preview", reader: &fakeReader{err: errRead}, mode: accountcheck.ModeWarn, dryRun: true, calls: 1,
			want: want{warnings: []string{"could not read the IAM account summary"}}},
		{name: "fail, read error, preview", reader: &fakeReader{err: errRead}, mode: accountcheck.ModeFail, dryRun: true, calls: 1,
			want: want{warnings: []string{"could not read the IAM account summary or the virtual MFA devices: " + errRead.Error()}}},
		{name: "fail, read error, update", reader: &fakeReader{err: errRead}, mode: accountcheck.ModeFail, calls: 1,
			want: want{err: []string{"could not read the IAM account summary", errRead.Error(), "iam:GetAccountSummary and iam:ListVirtualMFADevices", "rootCredentialCheck to warn"}}},

		{name: "warn, virtual root MFA", reader: &fakeReader{status: virtualRoot}, mode: accountcheck.ModeWarn, calls: 1,
			want: want{warnings: []string{"rule R1: the root user's MFA device is virtual, not hardware (CIS v5.0.0 1.5 (v7.0.0 2.6))"}}},
		{name: "fail, virtual root MFA, update", reader: &fakeReader{status: virtualRoot}, mode: accountcheck.ModeFail, calls: 1,
			want: want{err: []string{"rule R1", "virtual, not hardware"}}},
		{name: "fail, keys and virtual root MFA, update", reader: &fakeReader{status: Status{AccessKeysPresent: true, MFAEnabled: true, VirtualMFADevices: virtualRoot.VirtualMFADevices}}, mode: accountcheck.ModeFail, calls: 1,
			want: want{err: []string{"access keys (CIS v5.0.0 1.3 (v7.0.0 2.4))", "virtual, not hardware"}}},
		{name: "warn, no password, no MFA", reader: &fakeReader{status: noPassword}, mode: accountcheck.ModeWarn, calls: 1},
		{name: "fail, no password, virtual MFA, update", reader: &fakeReader{status: Status{PasswordAbsent: true, MFAEnabled: true, VirtualMFADevices: virtualRoot.VirtualMFADevices}}, mode: accountcheck.ModeFail, calls: 1},
		{name: "fail, no password but keys, update", reader: &fakeReader{status: Status{PasswordAbsent: true, AccessKeysPresent: true}}, mode: accountcheck.ModeFail, calls: 1,
			want: want{err: []string{"the root user has access keys"}}},

		{name: "warn, no reader", mode: accountcheck.ModeWarn, want: want{warnings: []string{"no reader configured"}}},
		{name: "fail, no reader, preview", mode: accountcheck.ModeFail, dryRun: true, want: want{warnings: []string{"no reader configured"}}},
		{name: "fail, no reader, update", mode: accountcheck.ModeFail, want: want{err: []string{"no reader configured"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var r Reader
			if tt.reader != nil {
				r = tt.reader
			}
			got := Check(context.Background(), r, tt.mode, tt.dryRun)

			if tt.reader != nil {
				assert.Equal(t, tt.calls, tt.reader.calls, "reader calls")
			}
			if tt.want.err == nil {
				assert.NoError(t, got.Err)
			} else if assert.Error(t, got.Err) {
				for _, w := range tt.want.err {
					assert.Contains(t, got.Err.Error(), w)
				}
			}
			require.Len(t, got.Warnings, len(tt.want.warnings), "warnings: %q", got.Warnings)
			for i, w := range tt.want.warnings {
				assert.Contains(t, got.Warnings[i], w)
			}
			if tt.want.err != nil {
				assert.Empty(t, got.Warnings, "a failing check reports through the error only")
			}
		})
	}
}

// TestRootVirtualDevice: the root's virtual device is the one assigned to the root user, in
// any partition, or, when the listing names no user, the one with the root device's serial
// number; an IAM user's device is never the root's, whatever its name.
func TestRootVirtualDevice(t *testing.T) {
	for _, tc := range []struct {
		device VirtualMFADevice
		root   bool
	}{
		{VirtualMFADevice{"arn:aws:iam::111111111111:mfa/root-account-mfa-device", "arn:aws:iam::111111111111:root"}, true},
		{VirtualMFADevice{"arn:aws-eusc:iam::111111111111:mfa/my-phone", "arn:aws-eusc:iam::111111111111:root"}, true},
		{VirtualMFADevice{"arn:aws-cn:iam::111111111111:mfa/root-account-mfa-device", ""}, true},
		{VirtualMFADevice{"arn:aws:iam::111111111111:mfa/root-account-mfa-device", "arn:aws:iam::111111111111:user/mallory"}, false},
		{VirtualMFADevice{"arn:aws:iam::111111111111:mfa/alice", "arn:aws:iam::111111111111:user/alice"}, false},
		{VirtualMFADevice{"arn:aws:iam::111111111111:mfa/alice", ""}, false},
		{VirtualMFADevice{"arn:aws:iam::111111111111:mfa/path/root-account-mfa-device", ""}, false},
		{VirtualMFADevice{"", "arn:aws:iam::111111111111:role/root"}, false},
	} {
		assert.Equal(t, tc.root, tc.device.root(), "%+v", tc.device)
		got := Check(context.Background(), &fakeReader{status: Status{MFAEnabled: true, VirtualMFADevices: []VirtualMFADevice{tc.device}}}, accountcheck.ModeWarn, false)
		assert.Equal(t, tc.root, len(got.Warnings) == 1, "%+v: %q", tc.device, got.Warnings)
	}
}

// Every R1 finding, warned or failed, tells the operator how to fix it by hand.
func TestCheckFindingsCarryManualSteps(t *testing.T) {
	warned := Check(context.Background(), &fakeReader{status: keysNoMF}, accountcheck.ModeWarn, false)
	require.Len(t, warned.Warnings, 2)
	for _, w := range warned.Warnings {
		assert.Contains(t, w, ManualSteps)
	}
	failed := Check(context.Background(), &fakeReader{status: keysNoMF}, accountcheck.ModeFail, false)
	require.Error(t, failed.Err)
	assert.Contains(t, failed.Err.Error(), ManualSteps)
}

func TestCheckPassesContext(t *testing.T) {
	type key struct{}
	ctx := context.WithValue(context.Background(), key{}, "marker")
	var seen any
	r := readerFunc(func(ctx context.Context) (Status, error) {
		seen = ctx.Value(key{})
		return healthy, nil
	})
	res := Check(ctx, r, accountcheck.ModeWarn, false)
	assert.Equal(t, accountcheck.Result{}, res)
	assert.Equal(t, "marker", seen)
}

type readerFunc func(context.Context) (Status, error)

func (f readerFunc) RootStatus(ctx context.Context) (Status, error) { return f(ctx) }
