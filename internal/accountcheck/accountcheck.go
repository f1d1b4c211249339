// Package accountcheck is what the checks of an account that code cannot fix share (the
// root user, rule R1; the credential audit, CIS v5.0.0 1.9, 1.11-1.13 (v7.0.0 2.10-2.12)): their modes, and how a finding
// or an unreadable account becomes a warning or an error. It imports nothing of AWS.
package accountcheck

import (
	"errors"
	"fmt"
	"slices"
)

// modes of a check, as the configuration names them.
const (
	ModeWarn = "warn"
	ModeFail = "fail"
	ModeOff  = "off"
)

// modes lists the modes, the default first.
var modes = []string{ModeWarn, ModeFail, ModeOff}

// Modes returns a copy of modes, so no caller can change the list.
func Modes() []string { return slices.Clone(modes) }

// Result is the outcome of a check: warnings to log, and an error that stops the run.
type Result struct {
	Warnings []string
	Err      error
	// Details are what the warnings and the error withhold because it names people (the
	// credential audit's findings by user), for a place only the repository's readers see.
	Details []string
}

// Check is one check's mode and run.
type Check struct {
	Mode   string
	DryRun bool // a preview: what could not be read only warns
	// Unreadable says what could not be read, e.g. "root credential check could not read
	// the IAM account summary"; Remedy how to make it readable or accept that it is not.
	Unreadable, Remedy string
}

// Off reports whether the check is switched off: then nothing is read.
func (c Check) Off() bool { return c.Mode == ModeOff }

// Result judges what was read: an error reading is a warning, except in fail mode outside
// a preview, where an unverified account stops the update; findings are warnings, or in
// fail mode one error listing them all.
func (c Check) Result(readErr error, findings []string) Result {
	if c.Off() {
		return Result{}
	}
	if readErr != nil {
		msg := fmt.Sprintf("%s: %v", c.Unreadable, readErr)
		if c.Mode == ModeFail && !c.DryRun {
			return Result{Err: errors.New(msg + "; " + c.Remedy)}
		}
		return Result{Warnings: []string{msg}}
	}
	if len(findings) == 0 {
		return Result{}
	}
	if c.Mode == ModeFail {
		errs := make([]error, len(findings))
		for i, f := range findings {
			errs[i] = errors.New(f)
		}
		return Result{Err: errors.Join(errs...)}
	}
	return Result{Warnings: findings}
}
