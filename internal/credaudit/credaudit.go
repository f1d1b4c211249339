// Package credaudit audits every credential of the account from the IAM credential
// report (CIS AWS Foundations 1.12-1.14): access keys older than the rotation age, keys
// and passwords unused for too long, two active keys outside a rotation, console users
// without MFA, and any credential of a user this program does not manage. The reader that
// calls AWS is internal/awsaccount; this package parses the report and judges it.
package credaudit

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/secure-aws/secure-aws/internal/accountcheck"
)

// Reader reads the account's credential report: the CSV IAM returns from
// GetCredentialReport, after GenerateCredentialReport.
type Reader interface {
	CredentialReport(ctx context.Context) ([]byte, error)
}

// Settings are the audit's configuration (secure-aws:account.credentialAudit).
type Settings struct {
	Mode          string `json:"mode"`          // warn (default), fail or off
	MaxKeyAgeDays int    `json:"maxKeyAgeDays"` // rotate keys older than this; default 90 (CIS 1.14)
	MaxUnusedDays int    `json:"maxUnusedDays"` // credentials unused this long; default 45 (CIS 1.12)
}

// Defaults are CIS's.
var Defaults = Settings{Mode: accountcheck.ModeWarn, MaxKeyAgeDays: 90, MaxUnusedDays: 45}

// User is what the program declares for one IAM user of the account.
type User struct {
	ActiveKeys int  // access key generations not marked Inactive
	Console    bool // an admin or developer: a password, no keys
}

// Expected are the users every stack of the account declares, by IAM user name.
type Expected map[string]User

// Header is the credential report's header line, every column in the order AWS documents;
// a report of only this line is an account without IAM users.
const Header = "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active," +
	"access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service," +
	"access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service," +
	"cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated\n"

// root is the credential report's name for the root user, which rootcheck judges.
const root = "<root_account>"

// columns are those the audit reads; the report has more, in a fixed order that AWS
// documents, and they are found by name.
var columns = []string{
	"user", "arn", "user_creation_time", "password_enabled", "password_last_used", "password_last_changed", "mfa_active",
	"access_key_1_active", "access_key_1_last_rotated", "access_key_1_last_used_date",
	"access_key_2_active", "access_key_2_last_rotated", "access_key_2_last_used_date",
}

// Row is one user of the report. Times are nil where the report says N/A,
// no_information or not_supported.
type Row struct {
	User, ARN           string
	Created             *time.Time
	PasswordEnabled     bool
	PasswordLastUsed    *time.Time
	PasswordLastChanged *time.Time
	MFAActive           bool
	Keys                [2]Key
}

// Key is one of the user's two access key slots.
type Key struct {
	Active      bool
	LastRotated *time.Time // when it was created (or last rotated)
	LastUsed    *time.Time
}

// Parse reads a credential report.
func Parse(report []byte) ([]Row, error) {
	records, err := csv.NewReader(bytes.NewReader(report)).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("the credential report is not CSV: %w", err)
	}
	if len(records) == 0 {
		return nil, errors.New("the credential report is empty")
	}
	index := map[string]int{}
	for i, name := range records[0] {
		index[name] = i
	}
	for _, c := range columns {
		if _, ok := index[c]; !ok {
			return nil, fmt.Errorf("the credential report has no column %q", c)
		}
	}
	var rows []Row
	for n, rec := range records[1:] {
		field := func(c string) string { return rec[index[c]] }
		var problems []error
		when := func(c string) *time.Time {
			t, err := timestamp(field(c))
			if err != nil {
				problems = append(problems, fmt.Errorf("%s: %w", c, err))
			}
			return t
		}
		row := Row{
			User: field("user"), ARN: field("arn"),
			Created:             when("user_creation_time"),
			PasswordEnabled:     field("password_enabled") == "true",
			PasswordLastUsed:    when("password_last_used"),
			PasswordLastChanged: when("password_last_changed"),
			MFAActive:           field("mfa_active") == "true",
		}
		for k := range row.Keys {
			prefix := fmt.Sprintf("access_key_%d_", k+1)
			row.Keys[k] = Key{Active: field(prefix+"active") == "true", LastRotated: when(prefix + "last_rotated"), LastUsed: when(prefix + "last_used_date")}
		}
		if len(problems) > 0 {
			return nil, fmt.Errorf("the credential report's line %d (%s): %w", n+2, row.User, errors.Join(problems...))
		}
		rows = append(rows, row)
	}
	return rows, nil
}

// timestamp reads a report time: ISO 8601, or one of the words for none.
func timestamp(s string) (*time.Time, error) {
	switch s {
	case "N/A", "no_information", "not_supported", "":
		return nil, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return nil, fmt.Errorf("%q is not a time", s)
	}
	return &t, nil
}

// Findings judges the report against what the program declares, as of now. Each finding
// names the user (and the key slot: the report has no key ids; `aws iam list-access-keys
// --user-name USER` shows them, oldest first) and says what to do.
func Findings(rows []Row, expected Expected, s Settings, now time.Time) []string {
	maxAge := time.Duration(s.MaxKeyAgeDays) * 24 * time.Hour
	maxUnused := time.Duration(s.MaxUnusedDays) * 24 * time.Hour
	older := func(t *time.Time, d time.Duration) bool { return t != nil && now.Sub(*t) > d }
	day := func(t *time.Time) string { return t.Format(time.DateOnly) }
	var out []string
	for _, r := range rows {
		if r.User == root {
			continue
		}
		declared, managed := expected[r.User]
		active := 0
		for i, k := range r.Keys {
			if !k.Active {
				continue
			}
			active++
			key := fmt.Sprintf("user %s, access key %d (created %s)", r.User, i+1, dayOr(k.LastRotated, day))
			if !managed {
				out = append(out, key+": a credential of a user this program does not manage; delete it, or declare the user in a stack file (import: true) so its keys are rotated and audited")
				continue
			}
			if older(k.LastRotated, maxAge) {
				out = append(out, fmt.Sprintf("%s: older than %d days (CIS 1.14); rotate it: add the next key generation under accessKeys, hand it over, then remove this one (README, 'Rotate a key')", key, s.MaxKeyAgeDays))
			}
			lastUse := k.LastUsed
			if lastUse == nil {
				lastUse = k.LastRotated // never used: idle since it was made
			}
			if older(lastUse, maxUnused) {
				out = append(out, fmt.Sprintf("%s: unused for more than %d days (CIS 1.12, last used %s); deactivate it (status: Inactive) and remove its generation once nothing breaks", key, s.MaxUnusedDays, dayOr(k.LastUsed, day)))
			}
		}
		if managed && active == 2 && declared.ActiveKeys < 2 {
			out = append(out, fmt.Sprintf("user %s: two active access keys outside a rotation (CIS 1.13); the configuration declares %d active generation(s): delete the key it does not declare", r.User, declared.ActiveKeys))
		}
		if !r.PasswordEnabled {
			continue
		}
		switch {
		case !managed:
			out = append(out, fmt.Sprintf("user %s: a console password of a user this program does not manage; delete its login profile, or add the person to admins or developers", r.User))
			continue
		case !r.MFAActive:
			out = append(out, fmt.Sprintf("user %s: a console password without MFA (CIS 1.10); the user can only set up MFA until they do, but enrol it, or remove the person if they have left", r.User))
		}
		lastUse := r.PasswordLastUsed
		if lastUse == nil {
			lastUse = cmpTime(r.PasswordLastChanged, r.Created)
		}
		if older(lastUse, maxUnused) {
			out = append(out, fmt.Sprintf("user %s: console password unused for more than %d days (CIS 1.12, last used %s); remove the person from admins or developers if they no longer need access", r.User, s.MaxUnusedDays, dayOr(r.PasswordLastUsed, day)))
		}
	}
	slices.Sort(out)
	return out
}

func dayOr(t *time.Time, day func(*time.Time) string) string {
	if t == nil {
		return "never"
	}
	return day(t)
}

// cmpTime is the first of the times that is known.
func cmpTime(times ...*time.Time) *time.Time {
	for _, t := range times {
		if t != nil {
			return t
		}
	}
	return nil
}

// Check reads the report and judges it in the settings' mode: a report that cannot be
// read warns, except in fail mode outside a preview.
func Check(ctx context.Context, r Reader, expected Expected, s Settings, dryRun bool, now time.Time) accountcheck.Result {
	check := accountcheck.Check{Mode: s.Mode, DryRun: dryRun,
		Unreadable: "credential audit could not read the IAM credential report",
		Remedy:     "grant iam:GenerateCredentialReport and iam:GetCredentialReport, or set account.credentialAudit.mode to warn"}
	if check.Off() {
		return accountcheck.Result{}
	}
	report, err := []byte(nil), errors.New("no reader configured")
	if r != nil {
		report, err = r.CredentialReport(ctx)
	}
	var rows []Row
	if err == nil {
		rows, err = Parse(report)
	}
	findings := Findings(rows, expected, s, now)
	for i, f := range findings {
		findings[i] = "credential audit: " + f
	}
	return check.Result(err, findings)
}
