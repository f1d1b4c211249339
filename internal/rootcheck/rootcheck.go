// Package rootcheck verifies rule R1: the root user has no access keys and signs in, if it
// can sign in at all, with a hardware MFA device. Code cannot fix any of it (only the root
// user can), so every run of the stack that manages the account reads the IAM account
// summary and the account's virtual MFA devices and warns or fails. The reader that calls
// AWS is internal/awsaccount; this package is the pure judgement.
package rootcheck

import (
	"context"
	"errors"
	"regexp"
	"slices"
	"strings"

	"github.com/secure-aws/secure-aws/cis"
	"github.com/secure-aws/secure-aws/iampolicy"
	"github.com/secure-aws/secure-aws/internal/accountcheck"
)

// Status is what IAM says about the root user.
type Status struct {
	AccessKeysPresent bool // AccountAccessKeysPresent
	MFAEnabled        bool // AccountMFAEnabled
	// PasswordAbsent: AccountPasswordPresent is 0, the root user cannot sign in to the
	// console (centralized root access, since 2024, removes the password of a member
	// account's root user). The zero value is the cautious one: a password.
	PasswordAbsent bool
	// VirtualMFADevices are the account's virtual MFA devices that are assigned to someone
	// (ListVirtualMFADevices); the root user's among them means its MFA is not hardware.
	VirtualMFADevices []VirtualMFADevice
}

// VirtualMFADevice is one assigned virtual MFA device.
type VirtualMFADevice struct {
	SerialNumber string // arn:<partition>:iam::<account>:mfa/<name>
	UserARN      string // whom it is assigned to; "" when the listing names no user
}

var (
	// rootARN is the root user's ARN, the user a root device is assigned to.
	rootARN = regexp.MustCompile(`^arn:[a-z-]+:iam::[0-9]{12}:root$`)
	// rootSerial is the serial number AWS gives the root user's virtual device
	// (root-account-mfa-device), which CIS v5.0.0 1.5's audit looks for.
	rootSerial = regexp.MustCompile(`^arn:[a-z-]+:iam::[0-9]{12}:mfa/root-account-mfa-device$`)
)

// root reports whether the device is the root user's: assigned to the root's ARN, or, when
// the listing names no user, carrying the root device's serial number. An IAM user's
// device that someone named root-account-mfa-device is not the root's.
func (d VirtualMFADevice) root() bool {
	if d.UserARN != "" {
		return rootARN.MatchString(d.UserARN)
	}
	return rootSerial.MatchString(d.SerialNumber)
}

// Reader reads the root user's status; tests inject a fake, the program awsaccount's.
type Reader interface {
	RootStatus(ctx context.Context) (Status, error)
}

// ManualSteps tells how to fix what code cannot.
const ManualSteps = "sign in as the root user, delete its access keys and enable a hardware MFA device, or remove its password through centralized root access (README, 'Manual steps')"

// Check runs the check in the given mode (accountcheck.ModeWarn, ...). A status that cannot
// be read (no credentials during a preview, or under mocks) is a warning, except in fail
// mode outside a preview, where an unverified root user stops the update. A root user
// without a password needs no MFA: it cannot sign in (CIS v7.0.0 2.5 and 2.6 count it as
// compliant); its access keys are still a finding.
func Check(ctx context.Context, r Reader, mode string, dryRun bool) accountcheck.Result {
	actions := iampolicy.RootCheckActions()
	check := accountcheck.Check{Mode: mode, DryRun: dryRun,
		Unreadable: "root credential check could not read the IAM account summary or the virtual MFA devices",
		Remedy:     "grant " + strings.Join(actions, " and ") + " or set account.rootCredentialCheck to warn"}
	if check.Off() {
		return accountcheck.Result{}
	}
	status, err := Status{}, errors.New("no reader configured")
	if r != nil {
		status, err = r.RootStatus(ctx)
	}
	var findings []string
	if status.AccessKeysPresent {
		findings = append(findings, "the root user has access keys ("+cis.Ref("1.3")+")")
	}
	switch {
	case status.PasswordAbsent:
	case !status.MFAEnabled:
		findings = append(findings, "the root user has no MFA device ("+cis.Ref("1.4")+")")
	case slices.ContainsFunc(status.VirtualMFADevices, VirtualMFADevice.root):
		findings = append(findings, "the root user's MFA device is virtual, not hardware ("+cis.Ref("1.5")+")")
	}
	for i, f := range findings {
		findings[i] = "rule R1: " + f + "; " + ManualSteps
	}
	return check.Result(err, findings)
}
