package plan

import (
	"fmt"
	"slices"
	"strings"

	"github.com/secure-aws/secure-aws/awsnames"
	"github.com/secure-aws/secure-aws/cis"
	"github.com/secure-aws/secure-aws/internal/accountcheck"
	"github.com/secure-aws/secure-aws/internal/config"
	"github.com/secure-aws/secure-aws/spec"
)

// CISStatus is what a stack's configuration does for one CIS recommendation.
type CISStatus string

// The statuses, from most to least done by code.
const (
	// CISMeets: the resources this configuration creates meet the recommendation.
	CISMeets CISStatus = "meets"
	// CISChecked: code cannot make it so, and every run of the managing stack checks it
	// and warns or fails.
	CISChecked CISStatus = "checked every run"
	// CISManual: only a person can do it; a README step says how.
	CISManual CISStatus = "manual"
	// CISManagingStack: account-wide, covered (or not) by the stack that manages the account.
	CISManagingStack CISStatus = "the managing stack's"
	// CISNotCovered: nothing here does it.
	CISNotCovered CISStatus = "not covered"
)

// CISRow is one recommendation in a stack's CIS report.
type CISRow struct {
	cis.Control
	Status CISStatus `json:"status"`
	How    string    `json:"how"` // what covers it, or why nothing does
}

// cisCoverage says what covers one v5.0.0 recommendation and how a configuration's
// settings decide its status: one table for the plan's report and docs/cis.md.
type cisCoverage struct {
	id string
	// how is what covers it in general (component, rule, check, README step), or why
	// nothing does.
	how string
	// readme, for a manual step, is the bold heading of its step in README's "Manual
	// steps" (a test holds it there).
	readme string
	status func(*config.Config) CISStatus
}

// status helpers: a fixed status; an account-wide one (the managing stack's elsewhere);
// and the mode of an account check, which the configuration can switch off.
func always(s CISStatus) func(*config.Config) CISStatus {
	return func(*config.Config) CISStatus { return s }
}

func accountWide(f func(*config.Config) CISStatus) func(*config.Config) CISStatus {
	return func(c *config.Config) CISStatus {
		if !c.Account.Manage {
			return CISManagingStack
		}
		return f(c)
	}
}

func when(ok func(*config.Config) bool, yes, no CISStatus) func(*config.Config) CISStatus {
	return accountWide(func(c *config.Config) CISStatus {
		if ok(c) {
			return yes
		}
		return no
	})
}

func rootCheckOn(c *config.Config) bool { return c.Account.RootCredentialCheck != accountcheck.ModeOff }

func auditOn(c *config.Config) bool { return c.Account.CredentialAudit.Mode != accountcheck.ModeOff }

// everyRegion: the stack's region and account.regions are every region of its partition.
// The region-wide recommendations (1.19, 3.3, 4.16, 5.1.1) are audited region by region, in every
// enabled region, which the configuration cannot see.
func everyRegion(c *config.Config) bool {
	for _, r := range awsnames.Regions(c.Partition) {
		if !slices.Contains(c.DefaultRegions(), r) {
			return false
		}
	}
	return true
}

// everyRegionNote says why a region-wide recommendation meets only in every region.
const everyRegionNote = "CIS (and Prowler, region by region) asks for every enabled region, which the configuration cannot see, so it meets only when they are every region of the partition"

const (
	noResource = "the program creates no such resource"
	rootSteps  = "**Enable a hardware MFA device on the root user**"
)

// cisCoverages are the recommendations this project covers in any way; every other one is
// not covered (cisReport). Keep in the benchmark's order.
var cisCoverages = []cisCoverage{
	{id: "1.1", how: "the account's primary contact, kept current by hand; AccountContacts sets the alternate contacts of `account.contacts`", readme: "**Enable the support plan and keep the primary contact current**", status: accountWide(always(CISManual))},
	{id: "1.2", how: "AccountContacts: the security alternate contact, `account.contacts.security`, required in the managing stack", status: accountWide(always(CISMeets))},
	{id: "1.3", how: "root check (rule R1), every run of the managing stack; `account.rootCredentialCheck: off` leaves the manual step", readme: "**Delete the root user's access keys**", status: when(rootCheckOn, CISChecked, CISManual)},
	{id: "1.4", how: "root check (rule R1), every run of the managing stack; `account.rootCredentialCheck: off` leaves the manual step", readme: rootSteps, status: when(rootCheckOn, CISChecked, CISManual)},
	{id: "1.5", how: "root check (rule R1): the root's virtual device in ListVirtualMFADevices is a finding; `account.rootCredentialCheck: off` leaves the manual step", readme: rootSteps, status: when(rootCheckOn, CISChecked, CISManual)},
	{id: "1.6", how: "stop using root: admins work through IAM", readme: rootSteps, status: accountWide(always(CISManual))},
	{id: "1.7", how: "AccountBaseline's password policy; `account.passwordPolicy.minimumLength` is at least 14; pack rule `password-policy-cis`", status: when(func(c *config.Config) bool { return c.Account.PasswordPolicy.MinimumLength >= 14 }, CISMeets, CISNotCovered)},
	{id: "1.8", how: "AccountBaseline's password policy; `account.passwordPolicy.reusePrevention` 24 (below 24 loses it); pack rule `password-policy-cis`", status: when(func(c *config.Config) bool { return c.Account.PasswordPolicy.ReusePrevention >= 24 }, CISMeets, CISNotCovered)},
	{id: "1.9", how: "credential audit: a console password without MFA (`account.credentialAudit.mode`); the console policy denies all but MFA setup until then (rule R4)", status: when(auditOn, CISChecked, CISNotCovered)},
	{id: "1.10", how: "console users get no access key, and their groups deny creating one (rule R3)", status: accountWide(always(CISMeets))},
	{id: "1.11", how: "credential audit: keys and passwords unused for `account.credentialAudit.maxUnusedDays` (at most 45)", status: when(auditOn, CISChecked, CISNotCovered)},
	{id: "1.12", how: "credential audit: more active keys than declared, a rotation open over 14 days", status: when(auditOn, CISChecked, CISNotCovered)},
	{id: "1.13", how: "credential audit: keys older than `account.credentialAudit.maxKeyAgeDays` (at most 90); two-generation rotation", status: when(auditOn, CISChecked, CISNotCovered)},
	{id: "1.14", how: "every user of the program gets its permissions through its own group, and owns empty lists of inline and attached policies (rule R6, pack rule `no-user-policies`); a user made outside the stack files is not covered", status: always(CISMeets)},
	{id: "1.15", how: "not met by design: the admin group holds the AWS managed AdministratorAccess (rule R3), an attached `*:*` policy, which CIS's audit (every attached policy, AWS managed ones included) and Prowler flag; Security Hub CSPM's IAM.1 checks only customer managed policies, and none of the program's allows `*:*` (rule R7, pack rule `no-wildcard-actions`)", status: accountWide(always(CISNotCovered))},
	{id: "1.16", how: "AccountBaseline's support role, assumable by admins with MFA", status: accountWide(always(CISMeets))},
	{id: "1.17", how: noResource + " (no EC2 instance)", status: always(CISNotCovered)},
	{id: "1.18", how: noResource + " (no server certificate)", status: always(CISNotCovered)},
	{id: "1.19", how: "AccountBaseline's IAM Access Analyzer in the stack's region and each of `account.regions`; " + everyRegionNote, status: accountWide(when(everyRegion, CISMeets, CISNotCovered))},
	{id: "1.20", how: "by design the program manages IAM users, not federation (docs/design.md)", status: always(CISNotCovered)},
	{id: "1.21", how: "admins' AdministratorAccess includes CloudShell; nothing restricts it", status: always(CISNotCovered)},
	{id: "2.1.1", how: "SecureBucket: the policy of every bucket the program creates or adopts denies `s3:*` to everyone without TLS (rule R8); a bucket made outside the stack files is not covered", status: always(CISMeets)},
	{id: "2.1.2", how: "only the root user can turn it on; Object Lock on backup vaults is the programmable alternative", readme: "**MFA Delete**", status: always(CISManual)},
	{id: "2.1.4", how: "AccountBaseline: account-level Block Public Access, all four settings, which every bucket of the account inherits; SecureBucket: the same on each of the program's buckets (rule R8)", status: accountWide(always(CISMeets))},
	{id: "3.1", how: "AuditTrail: a multi-region trail with global service events (`account.trail`; without it, lost)", status: when(func(c *config.Config) bool { return c.Account.Trail != nil }, CISMeets, CISNotCovered)},
	{id: "3.2", how: "AuditTrail: log file validation on (`account.trail`; without it, lost)", status: when(func(c *config.Config) bool { return c.Account.Trail != nil }, CISMeets, CISNotCovered)},
	{id: "3.3", how: "Detection: an AWS Config recorder of every resource in the stack's region and each of `account.regions` (`account.detection.configBucket`); " + everyRegionNote, status: when(func(c *config.Config) bool { return configOn(c) && everyRegion(c) }, CISMeets, CISNotCovered)},
	{id: "3.4", how: "AuditTrail: server access logging of the trail bucket (`account.trail.accessLogBucket`)", status: when(func(c *config.Config) bool { return c.Account.Trail != nil && c.Account.Trail.AccessLogBucket != "" }, CISMeets, CISNotCovered)},
	{id: "3.5", how: "AuditTrail: log files encrypted with a KMS key of the trail's (`account.trail.kms`)", status: when(trailKey, CISMeets, CISNotCovered)},
	{id: "3.6", how: "every KMS key the program creates rotates yearly (pack rule `kms-key-rotated`): the trail's (`account.trail.kms`) and the alert topic's (`account.alerts` without `topicArn`); keys made by hand are outside it", status: when(createsKey, CISMeets, CISNotCovered)},
	{id: "3.8", how: "AuditTrail: S3 write data events of every backup vault and of each bucket with `buckets[].dataEvents` (met when every bucket of this stack has it; other stacks' buckets are not recorded)", status: when(func(c *config.Config) bool { return dataEvents(c, spec.DataEventsWrite, spec.DataEventsReadWrite) }, CISMeets, CISNotCovered)},
	{id: "3.9", how: "AuditTrail: S3 read data events of each bucket with `buckets[].dataEvents: readwrite` (met when every bucket of this stack has it; vaults record writes only)", status: when(func(c *config.Config) bool { return len(c.Backups) == 0 && dataEvents(c, spec.DataEventsReadWrite) }, CISMeets, CISNotCovered)},
	{id: "4.2", how: alertsHow, readme: alertsStep, status: when(alertsOn, CISManual, CISNotCovered)},
	{id: "4.3", how: alertsHow, readme: alertsStep, status: when(alertsOn, CISManual, CISNotCovered)},
	{id: "4.4", how: alertsHow, readme: alertsStep, status: when(alertsOn, CISManual, CISNotCovered)},
	{id: "4.5", how: alertsHow, readme: alertsStep, status: when(alertsOn, CISManual, CISNotCovered)},
	{id: "4.8", how: alertsHow, readme: alertsStep, status: when(alertsOn, CISManual, CISNotCovered)},
	{id: "4.16", how: "Detection: Security Hub CSPM with the CIS v5.0.0 and FSBP standards in the stack's region and each of `account.regions` (`account.detection.securityHub`); " + everyRegionNote, status: when(func(c *config.Config) bool {
		return c.Account.Detection != nil && c.Account.Detection.SecurityHub && everyRegion(c)
	}, CISMeets, CISNotCovered)},
	{id: "5.1.1", how: "AccountBaseline's EBS encryption by default in the stack's region and each of `account.regions`; " + everyRegionNote, status: accountWide(when(everyRegion, CISMeets, CISNotCovered))},
}

func configOn(c *config.Config) bool {
	return c.Account.Detection != nil && c.Account.Detection.ConfigBucket != ""
}

func trailKey(c *config.Config) bool { return c.Account.Trail != nil && c.Account.Trail.KMS }

// createsKey: the stack creates a KMS key, the trail's or the alert topic's.
func createsKey(c *config.Config) bool {
	return trailKey(c) || alertsOn(c) && c.Account.Alerts.TopicARN == ""
}

// dataEvents: the stack has a trail and every bucket of it records data events in one of
// modes (vaults always record writes).
func dataEvents(c *config.Config, modes ...string) bool {
	if c.Account.Trail == nil {
		return false
	}
	for _, b := range c.Buckets {
		if !slices.Contains(modes, b.DataEvents) {
			return false
		}
	}
	return true
}

// alertsHow covers the monitoring recommendations: an EventBridge rule each, where CIS
// describes a CloudWatch metric filter and alarm (both notify an SNS topic within minutes).
// Manual: CIS asks for an active subscriber to the topic, and only a recipient can confirm
// an email subscription (an existing topic's subscribers are its owner's).
const alertsHow = "SecurityAlerts: an EventBridge rule on the trail's events sends to `account.alerts` (us-east-1; without it, lost), where CIS describes a CloudWatch Logs metric filter and alarm (an audit looking for those finds none); monitored once a recipient has confirmed its subscription"

// alertsStep is the README step that confirms the alerts' subscriptions.
const alertsStep = "**Confirm the alert subscriptions**"

// alertsOn: the alerts need the trail (internal/config refuses one without the other).
func alertsOn(c *config.Config) bool { return c.Account.Alerts != nil && c.Account.Trail != nil }

// cisReport is the CIS v5.0.0 report of a configuration: every recommendation, in the
// benchmark's order, with what the configuration does for it.
func cisReport(c *config.Config) []CISRow {
	var out []CISRow
	for _, ctl := range cis.Controls() {
		row := CISRow{Control: ctl, Status: CISNotCovered, How: "nothing in this program"}
		if cv, ok := coverage(ctl.ID); ok {
			row.Status, row.How = cv.status(c), cv.text()
		}
		out = append(out, row)
	}
	return out
}

// coverage finds what covers a recommendation.
func coverage(id string) (cisCoverage, bool) {
	for _, cv := range cisCoverages {
		if cv.id == id {
			return cv, true
		}
	}
	return cisCoverage{}, false
}

// text is what covers the recommendation, with its README step.
func (cv cisCoverage) text() string {
	if cv.readme == "" {
		return cv.how
	}
	return cv.how + "; README, 'Manual steps': " + cv.readme
}

// CIS is the plan's CIS v5.0.0 report.
func (p *Plan) CIS() []CISRow { return cisReport(p.Config) }

// writeCIS renders the report: the counts, then every recommendation.
func (p *Plan) writeCIS(b *strings.Builder) {
	rows := p.CIS()
	counts := map[CISStatus]int{}
	for _, r := range rows {
		counts[r.Status]++
	}
	b.WriteString("\n## CIS AWS Foundations Benchmark v5.0.0\n\n")
	fmt.Fprintf(b, "What this stack's configuration does for each recommendation of v5.0.0, the version Security\nHub CSPM checks (v7.0.0 ids beside; docs/cis.md): %d %s, %d %s, %d %s, %d %s, %d %s.\n\n",
		counts[CISMeets], CISMeets, counts[CISChecked], CISChecked, counts[CISManual], CISManual, counts[CISManagingStack], CISManagingStack, counts[CISNotCovered], CISNotCovered)
	b.WriteString("| v5.0.0 | v7.0.0 | Recommendation | This stack | How |\n|---|---|---|---|---|\n")
	for _, r := range rows {
		fmt.Fprintf(b, "| %s | %s | %s | %s | %s |\n", r.ID, orDash(r.V7), r.Title, r.Status, r.How)
	}
}

// CISMarkdown is docs/cis.md: every v5.0.0 recommendation, its v7.0.0 id, and what covers
// it, from the table the plan's report uses.
func CISMarkdown() string {
	var b strings.Builder
	b.WriteString(`# CIS AWS Foundations Benchmark: what covers each recommendation

Generated from ` + "`internal/plan/cis.go`" + ` (` + "`UPDATE_GOLDEN=1 go test ./internal/plan/`" + `); the plan of each stack
(` + "`go run ./cmd/plan --stack <stack>`" + `) shows the same table with that stack's status.

Ids are those of **v5.0.0**, the version AWS Security Hub CSPM's CIS standard checks, with
the **v7.0.0** id of the same recommendation beside it ("—": v7.0.0 dropped it). Every CIS
citation in the code, messages, rules and docs takes this form, e.g. ` + "`" + cis.Ref("1.7") + "`" + `.

Sources. v5.0.0 ids and titles: AWS Security Hub CSPM user guide, "CIS AWS Foundations
Benchmark" (v5.0.0 supported), Prowler ` + "`prowler/compliance/aws/cis_5.0_aws.json`" + `, and
TrustOnCloud's v5.0.0 mapping (sections 1 and 2). v7.0.0 ids: Prowler
` + "`prowler/compliance/aws/cis_7.0_aws.json`" + ` only, matched by title; they were **not checked
against the CIS PDF**. v7.0.0 adds recommendations that have no v5.0.0 id and are not listed
here: 2.1.1-2.1.6 (AWS Organizations), 2.21 (resource policies with Principal "*"), 4.10
(access logging of web front ends) and 6.8 (VPC endpoints).

What the status of a stack means: **meets** (the resources it creates meet it), **checked
every run** (code cannot do it; the managing stack checks it on every preview and up, and
warns or fails), **manual** (a README step), **the managing stack's** (account-wide, in a
stack that does not manage the account), **not covered**. Where a setting can lose a
recommendation, the table names it.

`)
	b.WriteString("| v5.0.0 | v7.0.0 | Recommendation | What covers it |\n|---|---|---|---|\n")
	for _, ctl := range cis.Controls() {
		how := "nothing in this program"
		if cv, ok := coverage(ctl.ID); ok {
			how = cv.text()
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", ctl.ID, orDash(ctl.V7), ctl.Title, how)
	}
	return b.String()
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}
