// Package rootcheck verifies rule R1: the root user has no access keys and has MFA. Code
// cannot fix either (only the root user can), so every run of the stack that manages the
// account reads the IAM account summary and warns or fails. The reader that calls AWS is
// internal/awsaccount; this package is the pure judgement.
package rootcheck

import (
	"context"
	"errors"

	"github.com/secure-aws/secure-aws/internal/accountcheck"
)

// Status is what the IAM account summary says about the root user.
type Status struct {
	AccessKeysPresent bool // AccountAccessKeysPresent
	MFAEnabled        bool // AccountMFAEnabled
}

// Reader reads the root user's status; tests inject a fake, the program awsaccount's.
type Reader interface {
	RootStatus(ctx context.Context) (Status, error)
}

// ManualSteps tells how to fix what code cannot.
const ManualSteps = "sign in as the root user, delete its access keys and enable MFA (README, 'Manual steps')"

// Check runs the check in the given mode (accountcheck.ModeWarn, ...). A summary that
// cannot be read (no credentials during a preview, or under mocks) is a warning, except in
// fail mode outside a preview, where an unverified root user stops the update.
func Check(ctx context.Context, r Reader, mode string, dryRun bool) accountcheck.Result {
	check := accountcheck.Check{Mode: mode, DryRun: dryRun,
		Unreadable: "root credential check could not read the IAM account summary",
		Remedy:     "grant iam:GetAccountSummary or set account.rootCredentialCheck to warn"}
	if check.Off() {
		return accountcheck.Result{}
	}
	status, err := Status{}, errors.New("no reader configured")
	if r != nil {
		status, err = r.RootStatus(ctx)
	}
	var findings []string
	if status.AccessKeysPresent {
		findings = append(findings, "the root user has access keys")
	}
	if !status.MFAEnabled {
		findings = append(findings, "the root user has no MFA device")
	}
	for i, f := range findings {
		findings[i] = "rule R1: " + f + "; " + ManualSteps
	}
	return check.Result(err, findings)
}
