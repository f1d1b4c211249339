package rules

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/property"

	"github.com/secure-aws/secure-aws/awstypes"
	"github.com/secure-aws/secure-aws/cis"
	"github.com/secure-aws/secure-aws/iampolicy"
	"github.com/secure-aws/secure-aws/internal/config"
	"github.com/secure-aws/secure-aws/spec"
)

// all is every rule, in the order reports list them.
var all = []Rule{
	{
		Name:        spec.PasswordRule,
		Description: "R2: the account password policy meets " + cis.Ref("1.7", "1.8") + " (length >= 14, reuse prevention 24) and the project's own floor (all character classes, which CIS does not ask for).",
		Level:       Mandatory,
		Judges:      []string{awstypes.AccountPasswordPolicy},
		Resource:    passwordPolicyCIS,
	},
	{
		Name:        "account-public-access-blocked",
		Description: "R2: S3 Block Public Access is on at account level, all four settings.",
		Level:       Mandatory,
		Judges:      []string{awstypes.AccountPublicAccess},
		Resource:    accountPublicAccessBlocked,
	},
	{
		Name:        "account-baseline-complete",
		Description: "R2: a stack that manages the account (an AccountBaseline) registers exactly one account password policy and one account-level S3 Block Public Access, so the two rules above cannot hold for want of anything to judge.",
		Level:       Mandatory,
		Judges:      []string{awstypes.AccountBaseline},
		Stack:       accountBaselineComplete,
	},
	{
		Name:        "no-user-policies",
		Description: "R6: users get permissions only through groups; no user has a policy of its own, and the policy lists a user owns are empty.",
		Level:       Mandatory,
		Judges:      []string{awstypes.UserPolicy, awstypes.UserAttachment, awstypes.UserPoliciesExcl, awstypes.UserAttachmentsExcl, awstypes.PolicyAttachment},
		Resource:    noUserPolicies,
	},
	{
		Name:        "no-wildcard-actions",
		Description: "R3/R7: no customer policy allows '*', a service wildcard, NotAction or NotResource (admins use AWS managed AdministratorAccess; the program writes NotAction and NotResource only in Deny statements).",
		Level:       Mandatory,
		Judges:      identityPolicyTypes,
		Resource:    noWildcardActions,
	},
	{
		Name:        "s3-actions-on-right-resource",
		Description: "R5/R7: every S3 action allowed is one AWS defines, named (no NotAction), on the resource type it applies to (bucket or objects) of one named bucket (no NotResource, no wildcard bucket); only configuration reads may be allowed on '*', and of the account-level actions only they.",
		Level:       Mandatory,
		Judges:      identityPolicyTypes,
		Resource:    s3ActionsOnRightResource,
	},
	{
		Name:        "destructive-s3-actions-denied",
		Description: "R5: a policy allowing S3 access never allows a destructive action and explicitly denies all of them on every bucket it reaches (NotResource reaches every bucket), with a Deny that always applies: no Condition, NotAction or NotResource, except the configuration reader's deny of everything but its reads.",
		Level:       Mandatory,
		Judges:      identityPolicyTypes,
		Resource:    destructiveS3ActionsDenied,
	},
	{
		Name:        "no-deny-listed-reach",
		Description: "R5: no non-admin principal can reach a deny-listed S3 action: whoever holds AWS managed policies that touch S3 also holds the deny on every bucket, without Condition, NotAction or NotResource.",
		Level:       Mandatory,
		Judges:      []string{awstypes.GroupAttachment, awstypes.RoleAttachment, awstypes.PolicyAttachment, awstypes.UserAttachment},
		Stack:       noDenyListedReach,
	},
	{
		Name:        "bucket-data-protected",
		Description: "R11: buckets and their versioning are protected and retained on delete.",
		Level:       Mandatory,
		Judges:      []string{awstypes.Bucket, awstypes.Versioning},
		Resource:    bucketDataProtected,
	},
	{
		Name:        "bucket-secure",
		Description: "R8: every bucket is versioned, encrypted, owner-enforced (no ACLs), blocks all public access and denies requests without TLS: s3:* to every principal on the bucket and all its objects, on aws:SecureTransport false alone.",
		Level:       Mandatory,
		Judges:      []string{awstypes.Bucket},
		Stack:       bucketSecure,
	},
	{
		Name:        "backup-lifecycle",
		Description: "R9: every backup vault bucket moves backups to cold storage, expires them and their old versions, cleans up delete markers and aborts stale uploads.",
		Level:       Mandatory,
		Judges:      []string{awstypes.BackupVault},
		Stack:       backupLifecycle,
	},
	{
		Name:        "trail-records-vault-writes",
		Description: "R9/R15: the audit trail records the S3 write data events of every backup vault of its stack (" + cis.Ref("3.8") + "): who wrote, overwrote or deleted a backup, beside every management event.",
		Level:       Mandatory,
		Judges:      []string{awstypes.Trail},
		Stack:       trailRecordsVaultWrites,
	},
	{
		Name:        "backup-lock-immutable",
		Description: "R9: a locked vault's versions cannot be deleted early by any principal: COMPLIANCE mode, or GOVERNANCE with s3:BypassGovernanceRetention denied to everyone by the bucket policy.",
		Level:       Mandatory,
		Judges:      []string{awstypes.ObjectLock},
		Stack:       lockImmutable,
	},
	{
		Name:        "console-users-mfa",
		Description: "R3/R4: console users have no access keys and belong to a group that denies everything without MFA but the bootstrap actions, and denies those that act on a user on every user but the signed-in one.",
		Level:       Mandatory,
		Judges:      []string{awstypes.LoginProfile},
		Stack:       consoleUsersMFA,
	},
	{
		Name:        "alert-topic-secure",
		Description: "Alerts: every SNS topic is encrypted with a customer managed KMS key (not alias/aws/sns, which EventBridge and AWS Budgets cannot publish through) and its policy denies publishing without TLS to everyone.",
		Level:       Mandatory,
		Judges:      []string{awstypes.Topic},
		Resource:    alertTopicSecure,
	},
	{
		Name:        "kms-key-rotated",
		Description: "Every KMS key the program creates rotates its key material yearly (" + cis.Ref("3.6") + ").",
		Level:       Mandatory,
		Judges:      []string{awstypes.KMSKey},
		Resource:    kmsKeyRotated,
	},
	{
		Name:        "regions-restricted",
		Description: "account.allowedRegions: when any group or role policy of the stack denies requests outside a list of regions (aws:RequestedRegion, global services exempt as in AWS's example), every group and role policy carries that same deny and every group and role holds one.",
		Level:       Mandatory,
		Judges:      []string{awstypes.Group, awstypes.Role},
		Stack:       regionsRestricted,
	},
}

// All returns every rule, in the order reports list them: a copy, so no caller can drop
// one from what the policy pack and the plan run.
func All() []Rule { return slices.Clone(all) }

func passwordPolicyCIS(r Resource) []Violation {
	if r.Type != awstypes.AccountPasswordPolicy {
		return nil
	}
	var out []Violation
	for _, f := range spec.PasswordFloors {
		var v any
		shown := ""
		if f.Switch {
			b, ok := boolean(r.Props, f.Property)
			if !ok && !known(r.Props, f.Property) {
				continue
			}
			v = b // absent is off
		} else if n, ok := number(r.Props, f.Property); ok {
			v = n
		} else if known(r.Props, f.Property) {
			// Absent: AWS applies its default (length 8, no reuse prevention), below
			// every floor.
			v, shown = 0.0, "absent"
		}
		if f.Refuses(v) {
			if shown == "" {
				shown = fmt.Sprint(v)
			}
			out = append(out, Violation{Setting: config.Project + ":" + spec.PasswordPolicyKey + "." + f.Field, Value: shown, Message: f.Accepts})
		}
	}
	return out
}

// accountBaselineComplete finds a managing stack without exactly one password policy or
// account-level Block Public Access: without this rule, a stack that lost either would
// show password-policy-cis and account-public-access-blocked as n/a, not failed.
func accountBaselineComplete(stack []Resource) []Violation {
	i := slices.IndexFunc(stack, func(r Resource) bool { return r.Type == awstypes.AccountBaseline })
	if i < 0 {
		return nil
	}
	var out []Violation
	for _, typ := range []string{awstypes.AccountPasswordPolicy, awstypes.AccountPublicAccess} {
		n := 0
		for _, r := range stack {
			if r.Type == typ {
				n++
			}
		}
		if n != 1 {
			out = append(out, Violation{Rule: "account-baseline-complete", URN: stack[i].URN, Message: fmt.Sprintf("the stack manages the account and registers %d %s, not exactly one", n, typ)})
		}
	}
	return out
}

var publicAccessSettings = []string{"blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"}

// publicAccessProblems lists the public access settings of props that are not on.
func publicAccessProblems(props property.Map) []string {
	var out []string
	for _, k := range publicAccessSettings {
		if b, ok := boolean(props, k); ok && !b || !ok && known(props, k) {
			out = append(out, k+" is not true")
		}
	}
	return out
}

func accountPublicAccessBlocked(r Resource) []Violation {
	if r.Type != awstypes.AccountPublicAccess {
		return nil
	}
	return findings(publicAccessProblems(r.Props))
}

// findings are the violations of the messages, each about the resource as a whole.
func findings(messages []string) []Violation {
	var out []Violation
	for _, m := range messages {
		out = append(out, Violation{Message: m})
	}
	return out
}

func noUserPolicies(r Resource) []Violation {
	switch r.Type {
	case awstypes.UserPolicy, awstypes.UserAttachment:
		return []Violation{{Message: "a policy attached to a user; attach it to the user's group"}}
	case awstypes.UserPoliciesExcl, awstypes.UserAttachmentsExcl:
		// The owned lists of a user's policies hold it to none: empty is the one shape.
		for _, k := range []string{"policyNames", "policyArns"} {
			if len(strs(r.Props, k)) > 0 {
				return []Violation{{Message: "the user's owned " + k + " are not empty; a user holds no policy, attach it to the user's group"}}
			}
		}
	case awstypes.PolicyAttachment:
		if len(strs(r.Props, "users")) > 0 {
			return []Violation{{Message: "a policy attachment names users; attach it to their groups"}}
		}
	}
	return nil
}

func noWildcardActions(r Resource) []Violation {
	var out []string
	for _, s := range allowStatements(r) {
		if len(s.NotActions) > 0 {
			out = append(out, fmt.Sprintf("statement %q allows NotAction, which grants every other action", s.Sid))
		}
		if len(s.NotResources) > 0 {
			out = append(out, fmt.Sprintf("statement %q allows its actions on NotResource, every resource but those listed", s.Sid))
		}
		for _, a := range s.Actions {
			if strings.ContainsAny(a, "*?") {
				out = append(out, fmt.Sprintf("statement %q allows wildcard action %q", s.Sid, a))
			}
		}
	}
	return findings(out)
}

func s3ActionsOnRightResource(r Resource) []Violation {
	var out []string
	for _, s := range allowStatements(r) {
		if len(s.NotActions) > 0 && allowsS3(s) {
			out = append(out, fmt.Sprintf("statement %q allows NotAction: every S3 action it does not list, whatever the resource type", s.Sid))
		}
		if len(s.NotResources) > 0 && allowsS3(s) {
			out = append(out, fmt.Sprintf("statement %q allows S3 actions on NotResource: every bucket and object but those listed", s.Sid))
		}
		for _, a := range s.Actions {
			if !iampolicy.IsS3(a) || strings.ContainsAny(a, "*?") {
				continue // not S3, or a wildcard that no-wildcard-actions reports
			}
			if readsAccountSetting(s, a) {
				continue // an account setting, read where AWS authorizes it
			}
			level, known := iampolicy.S3ActionLevel(a)
			if !known || level == iampolicy.AccountLevel {
				out = append(out, fmt.Sprintf("statement %q allows %q, which is not a bucket or object action AWS defines", s.Sid, a))
				continue
			}
			for _, res := range s.Resources {
				switch {
				case isObjectARN(res) != (level == iampolicy.ObjectLevel):
					out = append(out, fmt.Sprintf("statement %q allows %s action %q on %s", s.Sid, level, a, res))
				case !namesOneBucket(res) && !iampolicy.IsConfigurationRead(a):
					out = append(out, fmt.Sprintf("statement %q allows %q on %s, which names no one bucket", s.Sid, a, res))
				}
			}
		}
	}
	return findings(out)
}

// readsAccountSetting reports whether action, allowed by s, reads an account-level setting
// (s3:GetAccountPublicAccessBlock, s3:ListAccessPoints) on "*", where AWS authorizes it: it
// names no bucket and reaches none.
func readsAccountSetting(s iampolicy.Statement, action string) bool {
	level, _ := iampolicy.S3ActionLevel(action)
	return level == iampolicy.AccountLevel && iampolicy.IsConfigurationRead(action) && slices.Equal(s.Resources, []string{"*"})
}

// allowStatements returns the Allow statements of r's identity policy, if it is one.
func allowStatements(r Resource) []iampolicy.Statement {
	doc, ok := identityDocument(r)
	if !ok {
		return nil
	}
	var out []iampolicy.Statement
	for _, s := range doc.Statements {
		if s.Effect == "Allow" {
			out = append(out, s)
		}
	}
	return out
}

// allowsS3 reports whether an Allow statement may allow an S3 action: one it names, or,
// with NotAction, every S3 action unless the list excludes them all ("*" or "s3:*").
func allowsS3(s iampolicy.Statement) bool {
	if len(s.NotActions) > 0 {
		return !slices.ContainsFunc(s.NotActions, func(a string) bool { return a == "*" || strings.EqualFold(a, "s3:*") })
	}
	return slices.ContainsFunc(s.Actions, iampolicy.IsS3)
}

// notListed reports whether action is outside an Allow's NotAction list, which IAM
// matches in any case ("*" and "s3:*" exclude every S3 action; other wildcards are read
// as excluding nothing, which only errs towards a violation).
func notListed(notActions []string, action string) bool {
	return !slices.ContainsFunc(notActions, func(a string) bool {
		return a == "*" || strings.EqualFold(a, "s3:*") || strings.EqualFold(a, action)
	})
}

// plainDeny reports whether s is a Deny that always applies to exactly the actions and
// resources it names: no Condition (which may never hold) and no NotAction or NotResource
// (whose reach is everything but a list). Only such a deny counts where a rule requires
// one; the shapes the program writes otherwise are read by their own checks
// (iampolicy.LimitsToConfigurationReads, the TLS deny, the MFA denies).
func plainDeny(s iampolicy.Statement) bool {
	return s.Effect == iampolicy.Deny && len(s.Conditions) == 0 && len(s.NotActions) == 0 && len(s.NotResources) == 0
}

// namesOneBucket reports whether an S3 ARN names one bucket: no wildcard in the bucket name
// ("*" and "arn:aws:s3:::*/*" reach every bucket, "arn:aws:s3:::acme-*" every bucket a
// name could start with). Wildcards in the key are a grant's prefix.
func namesOneBucket(arn string) bool {
	b := bucketOf(arn)
	return b != "" && !strings.ContainsAny(b, "*?")
}

// isObjectARN tells arn:aws:s3:::bucket/key from arn:aws:s3:::bucket.
func isObjectARN(arn string) bool {
	_, rest, ok := strings.Cut(arn, ":::")
	return ok && strings.Contains(rest, "/")
}

// bucketOf returns the bucket an S3 ARN names, or "" for anything else.
func bucketOf(arn string) string {
	if !strings.HasPrefix(arn, "arn:") || !strings.Contains(arn, ":s3:::") {
		return ""
	}
	_, rest, _ := strings.Cut(arn, ":::")
	bucket, _, _ := strings.Cut(rest, "/")
	return bucket
}

func destructiveS3ActionsDenied(r Resource) []Violation {
	doc, ok := identityDocument(r)
	if !ok {
		return nil
	}
	// A configuration reader (iampolicy.ConfigurationReaderPolicy) denies every S3 action
	// but its reads everywhere: that deny stands in for the deny list, and the one read
	// of the list it needs (s3:GetBucketVersioning) is allowed.
	reader := iampolicy.LimitsToConfigurationReads(doc)
	var out []string
	reached := map[string]bool{}
	deniedOn := map[string][]string{} // resource ARN -> denied actions
	for _, s := range doc.Statements {
		switch s.Effect {
		case "Allow":
			for _, a := range s.Actions {
				if iampolicy.IsDestructive(a) && !(reader && iampolicy.IsConfigurationRead(a)) {
					out = append(out, fmt.Sprintf("statement %q allows destructive %q", s.Sid, a))
				}
			}
			if len(s.NotActions) > 0 && slices.ContainsFunc(iampolicy.DestructiveS3Actions(), func(a string) bool { return notListed(s.NotActions, a) }) {
				out = append(out, fmt.Sprintf("statement %q allows NotAction, which reaches every destructive S3 action it does not list", s.Sid))
			}
			if !allowsS3(s) || len(s.NotActions) == 0 && !slices.ContainsFunc(s.Actions, func(a string) bool { return iampolicy.IsS3(a) && !readsAccountSetting(s, a) }) {
				continue // no S3 action, or only reads of account settings, which reach no bucket
			}
			if len(s.NotResources) > 0 {
				reached["*"] = true // every bucket but those listed
			}
			for _, res := range s.Resources {
				if b := bucketOf(res); b != "" || res == "*" {
					reached[cmp.Or(b, "*")] = true
				}
			}
		case "Deny":
			if !plainDeny(s) {
				continue
			}
			for _, res := range s.Resources {
				deniedOn[res] = append(deniedOn[res], s.Actions...)
			}
		}
	}
	if reader {
		return findings(out)
	}
	for _, b := range sortedKeys(reached) {
		for _, res := range []string{"arn:" + partitionOf(doc) + ":s3:::" + b, "arn:" + partitionOf(doc) + ":s3:::" + b + "/*"} {
			denied := append(slices.Clone(deniedOn[res]), deniedOn["*"]...)
			for _, a := range iampolicy.DestructiveS3Actions() {
				if !slices.Contains(denied, a) && !slices.Contains(denied, "s3:*") {
					out = append(out, fmt.Sprintf("%s is not denied on %s", a, res))
				}
			}
		}
	}
	return findings(out)
}

// partitionOf reads the ARN partition from the document's first S3 resource.
func partitionOf(doc iampolicy.Document) string {
	for _, s := range doc.Statements {
		for _, res := range s.Resources {
			if p, _, ok := strings.Cut(strings.TrimPrefix(res, "arn:"), ":s3:::"); ok && strings.HasPrefix(res, "arn:") {
				return p
			}
		}
	}
	return "aws"
}

func bucketDataProtected(r Resource) []Violation {
	if r.Type != awstypes.Bucket && r.Type != awstypes.Versioning {
		return nil
	}
	var out []string
	if !r.Protect {
		out = append(out, "not protected: pulumi destroy or a replacement could delete it")
	}
	if r.RetainOnDelete != nil && !*r.RetainOnDelete {
		out = append(out, "not retained on delete: removing it from the program would delete it in AWS")
	}
	return findings(out)
}
