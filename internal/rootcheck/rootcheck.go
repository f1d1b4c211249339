// Package rootcheck verifies rule R1: the root user has no access keys and has MFA. Code
// cannot fix either (only the root user can), so every run of the stack that manages the
// account reads the IAM account summary and warns or fails.
package rootcheck

import (
	"context"
	"errors"
	"fmt"
)

// Status is what the IAM account summary says about the root user.
type Status struct {
	AccessKeysPresent bool // AccountAccessKeysPresent
	MFAEnabled        bool // AccountMFAEnabled
}

// Reader reads the root user's status; tests inject a fake, the program uses AWSReader.
type Reader interface {
	RootStatus(ctx context.Context) (Status, error)
}

// Modes of account.rootCredentialCheck.
const (
	ModeWarn = "warn"
	ModeFail = "fail"
	ModeOff  = "off"
)

// ManualSteps tells how to fix what code cannot.
const ManualSteps = "sign in as the root user, delete its access keys and enable MFA (README, 'Manual steps')"

// Result is the outcome of a check: warnings to log, and an error that stops the run.
type Result struct {
	Warnings []string
	Err      error
}

// Check runs the check in the given mode. A summary that cannot be read (no credentials
// during a preview, or under mocks) is a warning, except in fail mode outside a preview,
// where an unverified root user stops the update.
func Check(ctx context.Context, r Reader, mode string, dryRun bool) Result {
	if mode == ModeOff {
		return Result{}
	}
	status, err := Status{}, errors.New("no reader configured")
	if r != nil {
		status, err = r.RootStatus(ctx)
	}
	if err != nil {
		msg := fmt.Sprintf("root credential check could not read the IAM account summary: %v", err)
		if mode == ModeFail && !dryRun {
			return Result{Err: errors.New(msg + "; grant iam:GetAccountSummary or set account.rootCredentialCheck to warn")}
		}
		return Result{Warnings: []string{msg}}
	}
	var findings []string
	if status.AccessKeysPresent {
		findings = append(findings, "the root user has access keys")
	}
	if !status.MFAEnabled {
		findings = append(findings, "the root user has no MFA device")
	}
	if len(findings) == 0 {
		return Result{}
	}
	for i, f := range findings {
		findings[i] = "rule R1: " + f + "; " + ManualSteps
	}
	if mode == ModeFail {
		return Result{Err: errors.Join(toErrors(findings)...)}
	}
	return Result{Warnings: findings}
}

func toErrors(msgs []string) []error {
	out := make([]error, len(msgs))
	for i, m := range msgs {
		out[i] = errors.New(m)
	}
	return out
}
