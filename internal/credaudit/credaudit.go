// Package credaudit audits every credential of the account from the IAM credential
// report (CIS v5.0.0 1.9, 1.11-1.13 (v7.0.0 2.10-2.12; 1.12 dropped)): access keys older than the rotation age, keys
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
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/secure-aws/secure-aws/awsnames"
	benchmark "github.com/secure-aws/secure-aws/cis"
	"github.com/secure-aws/secure-aws/iampolicy"
	"github.com/secure-aws/secure-aws/internal/accountcheck"
	"github.com/secure-aws/secure-aws/spec"
)

// Reader reads the account's credential report: the CSV IAM returns from
// GetCredentialReport, after GenerateCredentialReport; and, since the report has no tags
// and no groups, the tags of the few users it must tell apart (ListUserTags) and the groups
// of the users the program declares (ListGroupsForUser).
type Reader interface {
	CredentialReport(ctx context.Context) ([]byte, error)
	UserTags(ctx context.Context, user string) (map[string]string, error)
	UserGroups(ctx context.Context, user string) ([]string, error)
}

// Settings are the audit's configuration (secure-aws:account.credentialAudit).
type Settings struct {
	Mode          string `json:"mode"`          // warn (default), fail or off
	MaxKeyAgeDays int    `json:"maxKeyAgeDays"` // rotate keys older than this; default 90 (CIS v5.0.0 1.13 (v7.0.0 2.12))
	MaxUnusedDays int    `json:"maxUnusedDays"` // credentials unused this long; default 45 (CIS v5.0.0 1.11 (v7.0.0 2.11))
	// NameUsers puts each finding, with the user it names, in the warnings and the error,
	// which CI logs show to whoever can read them (everyone, for a public repository).
	// Default false: they count the findings by kind, and the findings themselves are the
	// result's Details.
	NameUsers bool `json:"nameUsers"`
}

// Problems checks the settings; CIS's ages are the most they allow.
func (s Settings) Problems() []spec.FieldProblem {
	var out []spec.FieldProblem
	if !slices.Contains(accountcheck.Modes(), s.Mode) {
		out = append(out, spec.FieldProblem{Field: "mode", Message: fmt.Sprintf("%q is not allowed: use warn (default), fail or off", s.Mode)})
	}
	if s.MaxKeyAgeDays < 1 || s.MaxKeyAgeDays > 90 {
		out = append(out, spec.FieldProblem{Field: "maxKeyAgeDays", Message: fmt.Sprintf("%d is not allowed: 1 to 90 days (default 90, the most "+benchmark.Ref("1.13")+" allows)", s.MaxKeyAgeDays)})
	}
	if s.MaxUnusedDays < 1 || s.MaxUnusedDays > 45 {
		out = append(out, spec.FieldProblem{Field: "maxUnusedDays", Message: fmt.Sprintf("%d is not allowed: 1 to 45 days (default 45, the most "+benchmark.Ref("1.11")+" allows)", s.MaxUnusedDays)})
	}
	return out
}

// User is what the program declares for one IAM user of the account.
type User struct {
	Generations int // access key generations
	ActiveKeys  int // of which not marked Inactive
	// NewestActive is set when the highest generation is Active: a rotation's new key,
	// which makes an old key of the user one being rotated.
	NewestActive bool
	Console      bool // an admin or developer: a password, no keys
}

// Expected is what every stack of the account declares.
type Expected struct {
	// Users by IAM user name.
	Users map[string]User
	// Paths are the IAM paths the program's users live under.
	Paths []string
	// Stacks are the stacks of the account (awsnames.StackTag values): a user under Paths
	// that no stack declares is one the next up of its stack deletes if it carries one of
	// them in its awsnames.StackTagKey tag (that stack created it, so its state holds it),
	// and one made by hand otherwise.
	Stacks []string
	// Groups are the IAM groups the account's stacks declare. A user the program declares
	// that is in any other group was put there by hand: no stack owns a user's whole group
	// list, so neither the drift check nor an up would see it.
	Groups []string
}

// Merge adds what another stack declares.
func (e *Expected) Merge(other Expected) {
	if e.Users == nil {
		e.Users = map[string]User{}
	}
	maps.Copy(e.Users, other.Users)
	for _, p := range other.Paths {
		if !slices.Contains(e.Paths, p) {
			e.Paths = append(e.Paths, p)
		}
	}
	for _, s := range other.Stacks {
		if !slices.Contains(e.Stacks, s) {
			e.Stacks = append(e.Stacks, s)
		}
	}
	for _, g := range other.Groups {
		if !slices.Contains(e.Groups, g) {
			e.Groups = append(e.Groups, g)
		}
	}
}

// declaresGroup reports whether a stack of the account declares group; IAM names ignore
// case.
func (e Expected) declaresGroup(group string) bool {
	return slices.ContainsFunc(e.Groups, func(g string) bool { return strings.EqualFold(g, group) })
}

// undeclared reports whether r is a user under the program's paths that no stack
// declares: one a stack's next up deletes, or one made by hand there.
func (e Expected) undeclared(r Row) bool {
	_, declared := e.Users[r.User]
	return !declared && slices.Contains(e.Paths, r.Path())
}

// Finding is one credential the audit reports.
type Finding struct {
	// Message names the user and says what to do.
	Message string
	// Kind is what was found, without the user: what the log counts.
	Kind Kind
	// Addressed is set when the configuration being applied resolves it (the user is
	// removed, a key deactivated, a rotation under way, a new user not signed in yet): it
	// warns, in fail mode too, so the run that fixes it is never stopped by it.
	Addressed bool
}

// Kind is a kind of finding, as a noun phrase for one finding and for several.
type Kind struct{ One, Many string }

// count is n findings of the kind, e.g. "2 access keys older than 90 days (CIS v5.0.0 1.13 (v7.0.0 2.12))".
func (k Kind) count(n int) string {
	if n == 1 {
		return "1 " + k.One
	}
	return fmt.Sprintf("%d %s", n, k.Many)
}

// kinds of finding; those that depend on a setting are made by Findings.
var (
	kindUndeclaredKey      = Kind{"access key of a user no stack file declares", "access keys of users no stack file declares"}
	kindUndeclaredPassword = Kind{"console password of a user no stack file declares", "console passwords of users no stack file declares"}
	kindConsoleKey         = Kind{"access key of a console user (rule R3)", "access keys of console users (rule R3)"}
	kindForeignGroup       = Kind{"membership of a managed user in a group no stack file declares", "memberships of managed users in groups no stack file declares"}
	kindMachinePassword    = Kind{"console password of a machine user", "console passwords of machine users"}
	kindExtraKeys          = Kind{"user with more active access keys than declared (" + benchmark.Ref("1.12") + ")", "users with more active access keys than declared (" + benchmark.Ref("1.12") + ")"}
	kindOpenRotation       = Kind{fmt.Sprintf("key rotation open for more than %d days ("+benchmark.Ref("1.12")+")", rotationDays), fmt.Sprintf("key rotations open for more than %d days ("+benchmark.Ref("1.12")+")", rotationDays)}
	kindNoMFA              = Kind{"console password without MFA (" + benchmark.Ref("1.9") + ")", "console passwords without MFA (" + benchmark.Ref("1.9") + ")"}
)

// Summary counts findings by kind, the kinds in alphabetical order: what a log may show
// of them without naming a user.
func Summary(findings []Finding) string {
	counts := map[Kind]int{}
	for _, f := range findings {
		counts[f.Kind]++
	}
	kinds := slices.SortedFunc(maps.Keys(counts), func(a, b Kind) int { return strings.Compare(a.One, b.One) })
	parts := make([]string, len(kinds))
	for i, k := range kinds {
		parts[i] = k.count(counts[k])
	}
	return strings.Join(parts, "; ")
}

// rotationDays is how long two active generations may both stay active (CIS v5.0.0 1.12 (not in v7.0.0) allows
// a second key only while rotating).
const rotationDays = 14

// mfaGraceDays is how long a new console user may have no MFA before first signing in.
const mfaGraceDays = 7

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
	// CreatedBy is the stack the user's awsnames.StackTagKey tag names, "" without one. The
	// report has no tags: Check reads them for the undeclared users under the program's
	// paths that hold a credential, and leaves it empty for every other user.
	CreatedBy string
	// Groups are the user's IAM groups, which the report does not list either: Check reads
	// them for the users the program declares, and leaves them empty for every other user.
	Groups []string
}

// Path is the IAM path of the row's user, read from its ARN (arn:...:user/apps/name is
// /apps/).
func (r Row) Path() string {
	_, rest, ok := strings.Cut(r.ARN, ":user/")
	if !ok {
		return ""
	}
	return "/" + rest[:strings.LastIndex(rest, "/")+1]
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
// names the user, and the key by its slot and creation date as the report does (the report
// has no key ids: match the date with `aws iam list-access-keys --user-name USER`), and
// says what to do.
func Findings(rows []Row, expected Expected, s Settings, now time.Time) []Finding {
	days := func(n int) time.Duration { return time.Duration(n) * 24 * time.Hour }
	older := func(t *time.Time, d time.Duration) bool { return t != nil && now.Sub(*t) > d }
	var out []Finding
	add := func(kind Kind, addressed bool, format string, args ...any) {
		out = append(out, Finding{Message: fmt.Sprintf(format, args...), Kind: kind, Addressed: addressed})
	}
	kindOldKey := Kind{fmt.Sprintf("access key older than %d days ("+benchmark.Ref("1.13")+")", s.MaxKeyAgeDays), fmt.Sprintf("access keys older than %d days ("+benchmark.Ref("1.13")+")", s.MaxKeyAgeDays)}
	kindUnusedKey := Kind{fmt.Sprintf("access key unused for more than %d days ("+benchmark.Ref("1.11")+")", s.MaxUnusedDays), fmt.Sprintf("access keys unused for more than %d days ("+benchmark.Ref("1.11")+")", s.MaxUnusedDays)}
	kindUnusedPassword := Kind{fmt.Sprintf("console password unused for more than %d days ("+benchmark.Ref("1.11")+")", s.MaxUnusedDays), fmt.Sprintf("console passwords unused for more than %d days ("+benchmark.Ref("1.11")+")", s.MaxUnusedDays)}
	for _, r := range rows {
		if r.User == root {
			continue
		}
		declared, managed := expected.Users[r.User]
		ours := slices.Contains(expected.Paths, r.Path())
		// A user its stack no longer declares is deleted by that stack's next up; one made
		// by hand under the program's paths is in no state, so no up ever deletes it.
		removed := expected.undeclared(r) && slices.Contains(expected.Stacks, r.CreatedBy)
		origin := "it carries no " + awsnames.StackTagKey + " tag, so no stack created it"
		if r.CreatedBy != "" {
			origin = fmt.Sprintf("its %s tag names %s, no stack of this account", awsnames.StackTagKey, r.CreatedBy)
		}
		var active []int
		for i, k := range r.Keys {
			if k.Active {
				active = append(active, i)
			}
		}
		keyName := func(i int) string {
			return fmt.Sprintf("user %s, access key %d (created %s)", r.User, i+1, dayOr(r.Keys[i].LastRotated))
		}
		if managed {
			for _, g := range r.Groups {
				if !expected.declaresGroup(g) {
					add(kindForeignGroup, false, "user %s: a member of group %s, which no stack file declares (added by hand: no stack owns a user's whole group list, so neither the drift check nor an up sees it); remove it: aws iam remove-user-from-group --user-name %s --group-name %s", r.User, g, r.User, g)
				}
			}
		}
		switch {
		case !managed:
			for _, i := range active {
				switch {
				case removed:
					add(kindUndeclaredKey, true, "%s: no stack file declares this user any more; the next up of %s, which created it, deletes it", keyName(i), r.CreatedBy)
				case ours:
					add(kindUndeclaredKey, false, "%s: a credential of a user under the program's IAM paths that no stack file declares, and %s (made by hand: no up deletes it); delete the user, or declare it in a stack file", keyName(i), origin)
				default:
					add(kindUndeclaredKey, false, "%s: a credential of a user this program does not manage; delete it, or declare the user in a stack file (import: true) so its keys are rotated and audited", keyName(i))
				}
			}
			if r.PasswordEnabled {
				switch {
				case removed:
					add(kindUndeclaredPassword, true, "user %s: a console password of a user no stack file declares any more; the next up of %s, which created it, deletes it", r.User, r.CreatedBy)
				case ours:
					add(kindUndeclaredPassword, false, "user %s: a console password of a user under the program's IAM paths that no stack file declares, and %s (made by hand: no up deletes it); delete the user, or add the person to admins or developers", r.User, origin)
				default:
					add(kindUndeclaredPassword, false, "user %s: a console password of a user this program does not manage; delete its login profile, or add the person to admins or developers", r.User)
				}
			}
			continue
		case declared.Console:
			for _, i := range active {
				add(kindConsoleKey, false, "%s: an access key of a console user (rule R3); delete it: admins and developers sign in with MFA and use short-lived credentials", keyName(i))
			}
		default:
			if r.PasswordEnabled {
				add(kindMachinePassword, false, "user %s: a console password of a machine user; delete its login profile", r.User)
			}
			if len(active) > declared.ActiveKeys {
				add(kindExtraKeys, declared.Generations > declared.ActiveKeys, "user %s: %d active access keys where the configuration declares %d active generation(s) ("+benchmark.Ref("1.12")+"); deactivate the generation being retired, or delete the key no stack file declares", r.User, len(active), declared.ActiveKeys)
			}
			if len(active) == 2 && declared.ActiveKeys == 2 {
				newer := r.Keys[0].LastRotated
				if t := r.Keys[1].LastRotated; newer == nil || t != nil && t.After(*newer) {
					newer = t
				}
				if older(newer, days(rotationDays)) {
					add(kindOpenRotation, false, "user %s: a rotation open for more than %d days, both generations active ("+benchmark.Ref("1.12")+"); set the old generation to status: Inactive, then remove it", r.User, rotationDays)
				}
			}
			for _, i := range active {
				k := r.Keys[i]
				if older(k.LastRotated, days(s.MaxKeyAgeDays)) {
					add(kindOldKey, rotating(declared, k, r.Keys[1-i]), "%s: older than %d days ("+benchmark.Ref("1.13")+"); rotate it: add the next key generation under accessKeys, hand it over, then retire this one (README, 'Rotate a key')", keyName(i), s.MaxKeyAgeDays)
				}
				lastUse := k.LastUsed
				if lastUse == nil {
					lastUse = k.LastRotated // never used: idle since it was made
				}
				if older(lastUse, days(s.MaxUnusedDays)) {
					add(kindUnusedKey, len(active) > declared.ActiveKeys, "%s: unused for more than %d days ("+benchmark.Ref("1.11")+", last used %s); deactivate its generation (status: Inactive), and remove it once nothing breaks", keyName(i), s.MaxUnusedDays, dayOr(k.LastUsed))
				}
			}
		}
		if !r.PasswordEnabled || !declared.Console {
			continue
		}
		if !r.MFAActive {
			fresh := r.PasswordLastUsed == nil && r.Created != nil && !older(r.Created, days(mfaGraceDays))
			add(kindNoMFA, fresh, "user %s: a console password without MFA ("+benchmark.Ref("1.9")+"); the user can do nothing but set up MFA until they enrol it: have them enrol at first sign-in, or remove the person if they have left", r.User)
		}
		lastUse := r.PasswordLastUsed
		if lastUse == nil {
			lastUse = cmpTime(r.PasswordLastChanged, r.Created)
		}
		if older(lastUse, days(s.MaxUnusedDays)) {
			add(kindUnusedPassword, false, "user %s: console password unused for more than %d days ("+benchmark.Ref("1.11")+", last used %s); remove the person from admins or developers if they no longer need access", r.User, s.MaxUnusedDays, dayOr(r.PasswordLastUsed))
		}
	}
	slices.SortFunc(out, func(a, b Finding) int { return strings.Compare(a.Message, b.Message) })
	return out
}

// rotating reports whether key k, of a user declared as declared, is being rotated: the
// user declares two generations, the newest of them Active, and the other key is newer
// than k and Active in AWS, or not created yet (the run creates it). An Inactive new
// generation rotates nothing, declared so or switched off in AWS: the old key stays the
// one in use.
func rotating(declared User, k, other Key) bool {
	if declared.Generations != 2 || !declared.NewestActive {
		return false
	}
	if other.LastRotated == nil {
		return true
	}
	return other.Active && k.LastRotated != nil && other.LastRotated.After(*k.LastRotated)
}

// dayOr is t's day, or "never".
func dayOr(t *time.Time) string {
	if t == nil {
		return "never"
	}
	return t.Format(time.DateOnly)
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

// readCreators fills CreatedBy for the undeclared users under the program's paths that hold
// a credential, the only users whose findings depend on it.
func readCreators(ctx context.Context, r Reader, rows []Row, expected Expected) error {
	for i, row := range rows {
		if !expected.undeclared(row) || !row.PasswordEnabled && !row.Keys[0].Active && !row.Keys[1].Active {
			continue
		}
		tags, err := r.UserTags(ctx, row.User)
		if err != nil {
			return fmt.Errorf("the tags of user %s (iam:ListUserTags): %w", row.User, err)
		}
		rows[i].CreatedBy = tags[awsnames.StackTagKey]
	}
	return nil
}

// readGroups fills Groups for the users the program declares.
func readGroups(ctx context.Context, r Reader, rows []Row, expected Expected) error {
	for i, row := range rows {
		if _, declared := expected.Users[row.User]; !declared {
			continue
		}
		groups, err := r.UserGroups(ctx, row.User)
		if err != nil {
			return fmt.Errorf("the groups of user %s (iam:ListGroupsForUser): %w", row.User, err)
		}
		rows[i].Groups = groups
	}
	return nil
}

// withheld ends a summary: where the findings by user are.
const withheld = "; the log names no user (account.credentialAudit.nameUsers is false): the findings by user are the run's audit details"

// Check reads the report and judges it in the settings' mode: a report that cannot be
// read warns, except in fail mode outside a preview. Unless s.NameUsers, the warnings and
// the error count the findings by kind, and Details holds the findings themselves.
func Check(ctx context.Context, r Reader, expected Expected, s Settings, dryRun bool, now time.Time) accountcheck.Result {
	actions := iampolicy.CredentialAuditActions()
	check := accountcheck.Check{Mode: s.Mode, DryRun: dryRun,
		Unreadable: "credential audit could not read the IAM credential report",
		Remedy:     "grant " + strings.Join(actions[:len(actions)-1], ", ") + " and " + actions[len(actions)-1] + ", or set account.credentialAudit.mode to warn"}
	if check.Off() {
		return accountcheck.Result{}
	}
	report, err := []byte(nil), errors.New("no reader configured")
	if r != nil {
		report, err = r.CredentialReport(ctx)
	}
	var rows []Row
	var details []string
	if err == nil {
		rows, err = Parse(report)
		if err == nil {
			err = readCreators(ctx, r, rows, expected)
		}
		if err == nil {
			err = readGroups(ctx, r, rows, expected)
		}
		if err != nil {
			rows = nil // without the tags, an undeclared user would pass for one made by hand; without the groups, a hand-made membership for none
			if !s.NameUsers {
				// Both errors name a user (a report line's, the one whose tags AWS refused).
				details = append(details, "credential audit: "+err.Error())
				err = errors.New("a line of the report, the tags of a user no stack declares (iam:ListUserTags) or the groups of a declared user (iam:ListGroupsForUser) could not be read; the error names the user: it is in the run's audit details")
			}
		}
	}
	// Findings the configuration being applied resolves only warn, in fail mode too.
	var stopping, resolved []Finding
	for _, f := range Findings(rows, expected, s, now) {
		if f.Addressed {
			resolved = append(resolved, f)
		} else {
			stopping = append(stopping, f)
		}
	}
	const resolves = " (the configuration being applied resolves it)"
	var stops, warnings []string
	if s.NameUsers {
		for _, f := range stopping {
			stops = append(stops, "credential audit: "+f.Message)
		}
		for _, f := range resolved {
			warnings = append(warnings, "credential audit: "+f.Message+resolves)
		}
	} else {
		if len(stopping) > 0 {
			stops = []string{"credential audit: " + Summary(stopping) + withheld}
		}
		if len(resolved) > 0 {
			warnings = []string{"credential audit, resolved by the configuration being applied: " + Summary(resolved) + withheld}
		}
		for _, f := range stopping {
			details = append(details, f.Message)
		}
		for _, f := range resolved {
			details = append(details, f.Message+resolves)
		}
	}
	result := check.Result(err, stops)
	result.Warnings = append(result.Warnings, warnings...)
	result.Details = details
	return result
}
