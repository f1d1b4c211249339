package rules

import (
	"fmt"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/property"

	"github.com/secure-aws/secure-aws/awstypes"
	"github.com/secure-aws/secure-aws/iampolicy"
)

// The stack rules tie side resources to their bucket or user by name. A name the engine
// does not know yet makes the tie unknowable: the rule then stays silent rather than guess.

// sidecar finds the resource of type typ whose property key equals name. unknown reports
// that some resource of that type has the property not known yet, so absence proves nothing.
func sidecar(stack []Resource, typ, key, name string) (found []Resource, unknown bool) {
	for _, r := range stack {
		if r.Type != typ {
			continue
		}
		v, ok := str(r.Props, key)
		switch {
		case !ok:
			unknown = unknown || !known(r.Props, key)
		case v == name:
			found = append(found, r)
		}
	}
	return found, unknown
}

// bucketCheck judges one side resource of a bucket; it returns "" when satisfied.
type bucketCheck struct {
	typ   string
	what  string
	check func(p property.Map, bucket string) string
}

var bucketChecks = []bucketCheck{
	{awstypes.Versioning, "versioning", func(p property.Map, _ string) string {
		if s, ok := str(p, "versioningConfiguration", "status"); ok && s != "Enabled" {
			return "versioning is " + s + ", not Enabled"
		}
		return ""
	}},
	{awstypes.Encryption, "default encryption", func(p property.Map, _ string) string {
		for _, rule := range mapsAt(p, "rules") {
			if alg, ok := str(rule, "applyServerSideEncryptionByDefault", "sseAlgorithm"); ok && !slices.Contains([]string{"AES256", "aws:kms", "aws:kms:dsse"}, alg) {
				return "encryption algorithm " + alg + " is not AES256 or aws:kms"
			}
		}
		return ""
	}},
	{awstypes.Ownership, "ownership controls", func(p property.Map, _ string) string {
		if o, ok := str(p, "rule", "objectOwnership"); ok && o != "BucketOwnerEnforced" {
			return "object ownership is " + o + ", so ACLs still apply; use BucketOwnerEnforced"
		}
		return ""
	}},
	{awstypes.PublicAccessBlock, "public access block", func(p property.Map, _ string) string {
		return strings.Join(publicAccessProblems(p), "; ")
	}},
	{awstypes.BucketPolicy, "TLS-only bucket policy", func(p property.Map, bucket string) string {
		if !known(p, "policy") {
			return ""
		}
		if !deniesInsecureTransport(Resource{Props: p}, bucket) {
			return "the bucket policy does not deny requests without TLS (aws:SecureTransport false)"
		}
		return ""
	}},
}

func bucketSecure(stack []Resource) []Violation {
	var out []Violation
	for _, b := range stack {
		if b.Type != awstypes.Bucket {
			continue
		}
		name, ok := str(b.Props, "bucket")
		if !ok {
			continue
		}
		for _, c := range bucketChecks {
			found, unknown := sidecar(stack, c.typ, "bucket", name)
			if len(found) == 0 && !unknown {
				out = append(out, Violation{Rule: "bucket-secure", URN: b.URN, Message: fmt.Sprintf("bucket %s has no %s", name, c.what)})
			}
			for _, f := range found {
				if msg := c.check(f.Props, name); msg != "" {
					out = append(out, Violation{Rule: "bucket-secure", URN: f.URN, Message: "bucket " + name + ": " + msg})
				}
			}
		}
	}
	return out
}

// deniesInsecureTransport reports whether r's policy denies every S3 action to every
// principal ("*" or {"AWS": "*"}) on bucket and all its objects whenever the request does
// not use TLS: a Deny whose one condition is Bool aws:SecureTransport false (another
// condition could keep it from applying), with no NotAction or NotResource.
func deniesInsecureTransport(r Resource, bucket string) bool {
	return deniesWithoutTLS(r, func(s iampolicy.Statement) bool {
		return slices.ContainsFunc(s.Actions, func(a string) bool { return a == "*" || strings.EqualFold(a, "s3:*") }) &&
			slices.ContainsFunc(s.Resources, func(res string) bool { return bucketOf(res) == bucket && !isObjectARN(res) }) &&
			slices.ContainsFunc(s.Resources, func(res string) bool { return bucketOf(res) == bucket && strings.HasSuffix(res, ":s3:::"+bucket+"/*") })
	})
}

// deniesWithoutTLS reports whether r's policy has a Deny to every principal whose one
// condition is Bool aws:SecureTransport false (another condition could keep it from
// applying), with no NotAction or NotResource, and that covers what covers asks for.
func deniesWithoutTLS(r Resource, covers func(iampolicy.Statement) bool) bool {
	doc, ok := policyDocument(r, "policy")
	if !ok {
		return false
	}
	return slices.ContainsFunc(doc.Statements, func(s iampolicy.Statement) bool {
		return s.Effect == iampolicy.Deny && len(s.NotActions) == 0 && len(s.NotResources) == 0 && s.IsEveryone() &&
			len(s.Conditions) == 1 && slices.Contains(s.ConditionValues("Bool", "aws:SecureTransport"), "false") && covers(s)
	})
}

func backupLifecycle(stack []Resource) []Violation {
	var out []Violation
	for _, b := range stack {
		name, ok := str(b.Props, "bucket")
		if b.Type != awstypes.Bucket || !ok || !strings.Contains(b.URN, awstypes.BackupVault+"$") {
			continue
		}
		found, unknown := sidecar(stack, awstypes.Lifecycle, "bucket", name)
		if len(found) == 0 {
			if !unknown {
				out = append(out, Violation{Rule: "backup-lifecycle", URN: b.URN, Message: "backup bucket " + name + " has no lifecycle configuration"})
			}
			continue
		}
		for _, l := range found {
			if !known(l.Props, "rules") {
				continue
			}
			for _, missing := range missingLifecycleActions(mapsAt(l.Props, "rules")) {
				out = append(out, Violation{Rule: "backup-lifecycle", URN: l.URN, Message: "backup bucket " + name + ": no enabled rule " + missing})
			}
		}
	}
	return out
}

// missingLifecycleActions lists what a backup lifecycle lacks among its enabled rules.
func missingLifecycleActions(rules []property.Map) []string {
	has := map[string]bool{}
	for _, r := range rules {
		if s, _ := str(r, "status"); s != "Enabled" {
			continue
		}
		if _, ok := value(r, "filter"); !ok {
			continue // without a filter the provider applies the rule to nothing predictable
		}
		has["transitions"] = has["transitions"] || len(mapsAt(r, "transitions")) > 0
		_, expires := number(r, "expiration", "days")
		has["expiration"] = has["expiration"] || expires
		_, noncurrent := number(r, "noncurrentVersionExpiration", "noncurrentDays")
		has["noncurrent"] = has["noncurrent"] || noncurrent
		markers, _ := boolean(r, "expiration", "expiredObjectDeleteMarker")
		has["markers"] = has["markers"] || markers
		_, abort := number(r, "abortIncompleteMultipartUpload", "daysAfterInitiation")
		has["abort"] = has["abort"] || abort
	}
	var out []string
	for _, want := range []struct{ key, what string }{
		{"transitions", "with a filter moves backups to cold storage"},
		{"expiration", "with a filter expires backups"},
		{"noncurrent", "with a filter expires noncurrent versions"},
		{"markers", "with a filter removes expired delete markers"},
		{"abort", "with a filter aborts incomplete multipart uploads"},
	} {
		if !has[want.key] {
			out = append(out, want.what)
		}
	}
	return out
}

func consoleUsersMFA(stack []Resource) []Violation {
	var out []Violation
	for _, profile := range stack {
		user, ok := str(profile.Props, "user")
		if profile.Type != awstypes.LoginProfile || !ok {
			continue
		}
		if keys, _ := sidecar(stack, awstypes.AccessKey, "user", user); len(keys) > 0 {
			out = append(out, Violation{Rule: "console-users-mfa", URN: keys[0].URN, Message: "console user " + user + " has an access key"})
		}
		statements, unknown := groupStatements(stack, user)
		if problem := mfaProblem(statements); problem != "" && !unknown {
			out = append(out, Violation{Rule: "console-users-mfa", URN: profile.URN, Message: "console user " + user + " is in no group that " + problem})
		}
	}
	return out
}

// mfaProblem says what statements, all the policies of a console user's groups, lack of
// rule R4, or "" when nothing: the MFA deny (deniesWithoutMFA), and, for the bootstrap
// actions it exempts that act on a user, a deny on every user but the signed-in one
// (ownUserOnly). Without the second, a password-only session of an admin could enrol a
// device on another user or read any user.
func mfaProblem(statements []iampolicy.Statement) string {
	enforced := false
	for _, s := range statements {
		if !deniesWithoutMFA(s) {
			continue
		}
		enforced = true
		if ownUserOnly(statements, s.NotActions) {
			return ""
		}
	}
	if !enforced {
		return "denies access without MFA"
	}
	return "limits the MFA bootstrap actions to the user's own user without MFA"
}

// groupStatements returns the statements of every policy of user's groups, inline or
// attached; unknown when a link in the chain is not known yet.
func groupStatements(stack []Resource, user string) (statements []iampolicy.Statement, unknown bool) {
	members, unknown := memberships(stack)
	groups := members[user]
	for _, r := range stack {
		if r.Type == awstypes.GroupPolicy && slices.Contains(groups, strOr(r.Props, "group")) {
			statements, unknown = withPolicy(statements, unknown, r)
		}
	}
	for _, a := range attachments(stack) {
		if a.kind != "group" || !slices.Contains(groups, a.owner) {
			continue
		}
		if a.arn == "" {
			unknown = true
			continue
		}
		for _, p := range stack {
			if p.Type == awstypes.Policy && iampolicy.NamesPolicy(a.arn, strOr(p.Props, "path"), strOr(p.Props, "name")) {
				statements, unknown = withPolicy(statements, unknown, p)
			}
		}
	}
	return statements, unknown
}

// withPolicy adds the statements of r's policy, or marks them unknown when the policy is
// not known yet.
func withPolicy(statements []iampolicy.Statement, unknown bool, r Resource) ([]iampolicy.Statement, bool) {
	doc, ok := policyDocument(r, "policy")
	return append(statements, doc.Statements...), unknown || !ok && !known(r.Props, "policy")
}

// deniesWithoutMFA reports whether s is the MFA deny as rule R4 means it: Deny, on every
// resource, without MFA (withoutMFA), of every action but a NotAction set within the MFA
// bootstrap actions. A deny narrowed to some actions or resources, widened to exempt
// more, or keyed on Bool alone does not count.
func deniesWithoutMFA(s iampolicy.Statement) bool {
	bootstrap := iampolicy.MFABootstrapActions()
	return s.Effect == iampolicy.Deny && len(s.Actions) == 0 && len(s.NotActions) > 0 && len(s.NotResources) == 0 &&
		slices.Equal(s.Resources, []string{"*"}) && withoutMFA(s) &&
		!slices.ContainsFunc(s.NotActions, func(a string) bool { return !slices.Contains(bootstrap, a) })
}

// withoutMFA reports whether s's one condition is BoolIfExists aws:MultiFactorAuthPresent
// false, which holds for every request without MFA, those without the key included.
func withoutMFA(s iampolicy.Statement) bool {
	return len(s.Conditions) == 1 && slices.Equal(s.ConditionValues("BoolIfExists", "aws:MultiFactorAuthPresent"), []string{"false"})
}

// ownUserOnly reports whether statements deny, without MFA, each bootstrap action among
// exempt that acts on a user (iampolicy.OwnUserBootstrapActions) on every user but the
// signed-in one: a Deny naming those actions, conditioned on withoutMFA or on nothing,
// either with a NotResource of the own user's ARNs only (iampolicy.IsOwnUserARN, the shape
// iampolicy.MFASelfServiceStatements writes) or on every resource.
func ownUserOnly(statements []iampolicy.Statement, exempt []string) bool {
	var need []string
	for _, a := range iampolicy.OwnUserBootstrapActions() {
		if slices.Contains(exempt, a) {
			need = append(need, a)
		}
	}
	return len(need) == 0 || slices.ContainsFunc(statements, func(s iampolicy.Statement) bool {
		if s.Effect != iampolicy.Deny || len(s.NotActions) > 0 || len(s.Conditions) > 0 && !withoutMFA(s) {
			return false
		}
		if slices.ContainsFunc(need, func(a string) bool {
			return !slices.ContainsFunc(s.Actions, func(d string) bool { return d == "*" || strings.EqualFold(d, "iam:*") || strings.EqualFold(d, a) })
		}) {
			return false
		}
		othersOnly := len(s.Resources) == 0 && len(s.NotResources) > 0 && !slices.ContainsFunc(s.NotResources, func(r string) bool { return !iampolicy.IsOwnUserARN(r) })
		everywhere := len(s.NotResources) == 0 && slices.Equal(s.Resources, []string{"*"})
		return othersOnly || everywhere
	})
}

func strOr(m property.Map, key string) string {
	s, _ := str(m, key)
	return s
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// lockImmutable checks every Object Lock configuration in GOVERNANCE mode: its bucket's
// policy must deny s3:BypassGovernanceRetention to every principal on its objects, or
// whoever holds that permission (admins, an s3:* role) can delete a locked version early.
func lockImmutable(stack []Resource) []Violation {
	var out []Violation
	for _, lock := range stack {
		if lock.Type != awstypes.ObjectLock {
			continue
		}
		bucket, ok := str(lock.Props, "bucket")
		mode, modeKnown := lockMode(lock.Props)
		if !ok || !modeKnown || mode != "GOVERNANCE" {
			continue // COMPLIANCE holds by itself; an unknown bucket or mode cannot be judged
		}
		policies, unknown := sidecar(stack, awstypes.BucketPolicy, "bucket", bucket)
		if unknown {
			continue
		}
		denied := false
		for _, p := range policies {
			denied = denied || deniesBypassToEveryone(p, bucket)
		}
		if !denied {
			out = append(out, Violation{Rule: "backup-lock-immutable", URN: lock.URN, Message: "bucket " + bucket + " is locked in GOVERNANCE mode without a bucket policy denying s3:BypassGovernanceRetention to every principal"})
		}
	}
	return out
}

// lockMode reads rule.defaultRetention.mode of an Object Lock configuration.
func lockMode(m property.Map) (string, bool) {
	rule, ok := m.GetOk("rule")
	if !ok || !rule.IsMap() {
		return "", false
	}
	retention, ok := rule.AsMap().GetOk("defaultRetention")
	if !ok || !retention.IsMap() {
		return "", false
	}
	return str(retention.AsMap(), "mode")
}

func deniesBypassToEveryone(r Resource, bucket string) bool {
	doc, ok := policyDocument(r, "policy")
	if !ok {
		return false
	}
	for _, s := range doc.Statements {
		if !plainDeny(s) || !s.IsEveryone() {
			continue
		}
		if !slices.ContainsFunc(s.Actions, func(a string) bool { return a == "s3:BypassGovernanceRetention" || a == "s3:*" || a == "*" }) {
			continue
		}
		if slices.ContainsFunc(s.Resources, func(res string) bool { return res == "*" || strings.HasSuffix(res, ":s3:::"+bucket+"/*") }) {
			return true
		}
	}
	return false
}
