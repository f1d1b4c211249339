package config

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/secure-aws/secure-aws/awsnames"
	"github.com/secure-aws/secure-aws/iampolicy"
	"github.com/secure-aws/secure-aws/internal/accountcheck"
	"github.com/secure-aws/secure-aws/pgpkey"
	"github.com/secure-aws/secure-aws/spec"
)

// envChars are the characters of an environment name, which ends every per-environment
// IAM and bucket name.
var envChars = awsnames.Charset{awsnames.Lowercase, awsnames.Digits, awsnames.Hyphens}

// validate checks the decoded configuration; present holds the keys the stack file sets,
// failed those that did not decode (checks that would read them are skipped).
func validate(c *Config, e *Error, present, failed map[string]bool) {
	v := validator{cfg: c, errs: e, present: present, failed: failed, users: map[string]string{}, buckets: map[string]string{},
		vaults: map[string]bool{}, grantable: map[string]bool{}, external: map[string]bool{}, misnamed: map[string]bool{}}
	for _, b := range c.Backups {
		v.vaults[b.Bucket] = true
	}
	for _, b := range c.Buckets {
		v.grantable[b.Name] = true
	}
	for _, b := range c.ExternalBuckets {
		v.grantable[b.Name] = true
		v.external[b.Name] = true
	}
	v.stack()
	v.account()
	v.alerts()
	v.detection()
	v.console()
	v.bucketNames()
	v.principals("apps", c.Apps)
	v.principals("thirdParties", c.ThirdParties)
	v.backups()
	v.ci()
	v.quotas()
	v.groupNames()
}

// groupNames keeps IAM group names unique without regard to case, as IAM does: every
// machine principal's group carries its user name, beside the console groups.
func (v *validator) groupNames() {
	c := v.cfg
	if !c.Account.Manage {
		return
	}
	for user, k := range v.users {
		for _, g := range []struct{ key, name string }{{"adminGroup", c.AdminGroup.Name}, {"developerGroup", c.DeveloperGroup.Name}} {
			if strings.EqualFold(user, g.name) && !strings.HasPrefix(k, key("admins")) && !strings.HasPrefix(k, key("developers")) {
				v.errs.add(key(g.key+".name"), "%q is also the group of %s (IAM names ignore case)", g.name, c.labels.of(k))
			}
		}
	}
}

// quotas checks the IAM quotas a stack could exceed: groups per account (one per machine
// principal and console group) and managed policies per console group. Every user is in
// exactly one group, far below IAM's ten groups per user.
func (v *validator) quotas() {
	c := v.cfg
	q := c.Quotas
	if q.GroupsPerAccount < 1 {
		v.errs.add(key("quotas.groupsPerAccount"), "%d is out of range: at least 1 (AWS default 300)", q.GroupsPerAccount)
	}
	if q.PoliciesPerGroup < 1 || q.PoliciesPerGroup > 20 {
		v.errs.add(key("quotas.policiesPerGroup"), "%d is out of range: 1 to 20 (AWS default 10, maximum 20)", q.PoliciesPerGroup)
		return
	}
	groups := c.Groups()
	if c.Account.Manage && len(c.Developers) > 0 {
		// The developers' managed policies and their console policy share the group.
		if n := len(c.DeveloperGroup.ManagedPolicies) + 1; n > q.PoliciesPerGroup {
			v.errs.add(key("developerGroup.managedPolicies"), "%d policies with the console policy, more than the %d a group may hold (secure-aws:quotas.policiesPerGroup)", n, q.PoliciesPerGroup)
		}
	}
	if q.GroupsPerAccount >= 1 && groups > q.GroupsPerAccount {
		v.errs.add(key("quotas.groupsPerAccount"), "this stack creates %d IAM groups, more than the account's quota of %d (other stacks in the account count too); ask AWS to raise 'Groups per account' and set secure-aws:quotas.groupsPerAccount", groups, q.GroupsPerAccount)
	}
}

func (v *validator) ci() {
	c := v.cfg
	if c.CI == nil || v.failed[key("account")] {
		return // whether this stack manages the account is unknown
	}
	if !c.Account.Manage {
		v.errs.add(key("ci"), "the CI roles and the GitHub OIDC provider are account-wide: set them only in the stack with account.manage: true")
		return
	}
	if v.failed[key("ci")] {
		return // a setting that did not decode would be reported again as missing
	}
	v.fields(key("ci"), c.CI.CITrust.Problems())
	// The stack adopts the state bucket: no other setting of it may manage it too.
	v.claimBucket(key("ci.stateBucket"), c.CI.StateBucket)
}

type validator struct {
	cfg     *Config
	errs    *Error
	present map[string]bool
	failed  map[string]bool
	// users maps a lower-cased IAM user name to the key that claimed it (AWS ignores case
	// in IAM names); buckets does the same for bucket names.
	users   map[string]string
	buckets map[string]string
	// vaults are the backup buckets; grantable the buckets a grant may name; external
	// those of them the stack does not manage; misnamed the bucket names that failed their
	// own check.
	vaults, grantable, external, misnamed map[string]bool
}

// region reports whether name, the value of key k, is no AWS region, and records the
// problem with the nearest region of partition (of any partition with "") if one is close.
func (v *validator) region(k, name, partition string) bool {
	err := awsnames.Region(name)
	if err == nil {
		return false
	}
	msg := err.Error()
	if near := nearest(name, awsnames.Regions(partition)); near != "" {
		msg += "; did you mean " + near + "?"
	}
	v.errs.add(k, "%s", msg)
	return true
}

// check records err, if any, against key k.
func (v *validator) check(k string, err error) {
	if err != nil {
		v.errs.add(k, "%v", err)
	}
}

// fields records a component's field problems under the key prefix k.
func (v *validator) fields(k string, problems []spec.FieldProblem) {
	for _, p := range problems {
		v.errs.add(k+"."+p.Field, "%s", p.Message)
	}
}

func (v *validator) stack() {
	c := v.cfg
	env, rule := c.Environment, fmt.Sprintf("1 to 20 %s, starting with a letter (default: the stack name)", envChars)
	switch {
	case envChars.Outside(env) != "":
		v.errs.add(key("environment"), "%q is not a valid environment name: %s is not allowed; use %s", env, envChars.Outside(env), rule)
	case len(env) < 1 || len(env) > 20 || !awsnames.Charset{awsnames.Lowercase}.Allows(rune(env[0])):
		v.errs.add(key("environment"), "%q is not a valid environment name: use %s", env, rule)
	}
	switch {
	case c.Region == "":
		v.errs.add("aws:region", "is required (e.g. us-east-1)")
	case v.region("aws:region", c.Region, ""):
	default:
		c.Partition = awsnames.Partition(c.Region)
	}
	switch {
	case v.failed["aws:allowedAccountIds"]: // reported while decoding
	case c.AccountID == "":
		v.errs.add("aws:allowedAccountIds", `is required: the one AWS account id this stack may deploy to, e.g. ["111111111111"]`)
	default:
		v.check("aws:allowedAccountIds", awsnames.AccountID(c.AccountID))
	}
}

func (v *validator) account() {
	if v.failed[key("account")] {
		return
	}
	a := v.cfg.Account
	if !slices.Contains(accountcheck.Modes(), a.RootCredentialCheck) {
		v.errs.add(key("account.rootCredentialCheck"), "%q is not allowed: use warn (default), fail or off", a.RootCredentialCheck)
	}
	v.fields(key("account.credentialAudit"), a.CredentialAudit.Problems())
	v.regions()
	if a.Manage && a.ManagedElsewhere {
		v.errs.add(key("account.managedElsewhere"), "is true, but so is account.manage: a stack either manages its account or says another repository does")
	}
	if !a.Manage {
		if a.ImportExisting {
			v.errs.add(key("account.importExisting"), "is set but account.manage is false; only the stack that manages the account adopts its alias and password policy")
		}
		if a.Trail != nil {
			v.errs.add(key("account.trail"), "is set but account.manage is false; only the stack that manages the account records its audit trail")
		}
		if len(a.Regions) > 0 {
			v.errs.add(key("account.regions"), "is set but account.manage is false; only the stack that manages the account sets its defaults in each region")
		}
		if a.Alias != "" {
			v.errs.add(key("account.alias"), "is set but account.manage is false; only the stack that manages the account sets the alias")
		}
		if a.CredentialAudit != defaults("").Account.CredentialAudit {
			v.errs.add(key("account.credentialAudit"), "is set but account.manage is false; the stack that manages the account audits every credential of it")
		}
		if a.PasswordPolicy != defaults("").Account.PasswordPolicy {
			v.errs.add(key("account.passwordPolicy"), "is set but account.manage is false; only the stack that manages the account sets the password policy")
		}
		return
	}
	if t := a.Trail; t != nil {
		v.bucketName(key("account.trail.bucket"), t.Bucket, true)
		if t.LockDays < 1 || t.LockDays > 36500 {
			v.errs.add(key("account.trail.lockDays"), "%d is out of range: 1 to 36500 days (default 365)", t.LockDays)
		}
	}
	if a.Alias == "" {
		v.errs.add(key("account.alias"), "is required when account.manage is true")
	} else {
		v.check(key("account.alias"), awsnames.AccountAlias(a.Alias))
	}
	v.fields(key("account.passwordPolicy"), a.PasswordPolicy.Problems())
}

func (v *validator) console() {
	c := v.cfg
	v.consoleGroup("adminGroup", c.AdminGroup, "admins", c.Admins)
	v.consoleGroup("developerGroup", c.DeveloperGroup, "developers", c.Developers)
	if c.Account.Manage {
		if strings.EqualFold(c.AdminGroup.Name, c.DeveloperGroup.Name) {
			v.errs.add(key("developerGroup.name"), "%q is also the admin group's name (IAM names ignore case)", c.DeveloperGroup.Name)
		}
		v.consolePaths()
	}
	if len(c.AdminGroup.ManagedPolicies) > 0 {
		v.errs.add(key("adminGroup.managedPolicies"), "is not allowed: admins get AWS managed AdministratorAccess and nothing else")
	}
	v.fields(key("developerGroup"), spec.DeveloperPolicyProblems(c.DeveloperGroup.ManagedPolicies))

}

// consolePaths keeps the console groups' IAM paths apart from each other and from the
// machine principals': the no-access-key deny covers user<path>*, and the support role
// trusts user<admin path>*, so an overlap would block key creation for applications or
// let developers assume the support role. And short enough for the policies they are in.
func (v *validator) consolePaths() {
	c := v.cfg
	overlap := func(a, b string) bool { return strings.HasPrefix(a, b) || strings.HasPrefix(b, a) }
	for _, g := range []struct{ key, path string }{{"adminGroup", c.AdminGroup.Path}, {"developerGroup", c.DeveloperGroup.Path}} {
		k := key(g.key + ".path")
		if g.path == "/" {
			v.errs.add(k, "must not be /: console users need a path of their own, e.g. /%s/", strings.TrimSuffix(g.key, "Group")+"s")
			continue
		}
		for _, machine := range spec.MachineUserPaths() {
			if overlap(g.path, machine) {
				v.errs.add(k, "%q overlaps %s, the path of machine principals; choose a path of its own", g.path, machine)
			}
		}
	}
	if overlap(c.AdminGroup.Path, c.DeveloperGroup.Path) && c.AdminGroup.Path != "/" && c.DeveloperGroup.Path != "/" {
		v.errs.add(key("developerGroup.path"), "%q overlaps the admin path %q; developers would count as admins", c.DeveloperGroup.Path, c.AdminGroup.Path)
	}
	// Both paths are in both console policies (and the deploy role's): together they must fit.
	if c.AWSAccount().Validate() == nil {
		if msg := spec.ConsolePathsProblem(c.AWSAccount(), []string{c.AdminGroup.Path, c.DeveloperGroup.Path}); msg != "" {
			v.errs.add(key("adminGroup.path"), "with developerGroup.path: %s", msg)
		}
	}
}

func (v *validator) consoleGroup(settingsKey string, g GroupSettings, usersKey string, users []spec.ConsoleUser) {
	if !v.cfg.Account.Manage {
		if v.failed[key("account")] {
			return // whether this stack manages the account is unknown: no follow-on errors
		}
		if len(users) > 0 {
			v.errs.add(key(usersKey), "console users are account-wide: list them only in the stack with account.manage: true")
		}
		if v.present[key(settingsKey)] {
			v.errs.add(key(settingsKey), "console groups are account-wide: set them only in the stack with account.manage: true")
		}
		return
	}
	v.fields(key(settingsKey), spec.ConsoleGroupProblems(g.Name, g.Path))
	for i, u := range users {
		uk := v.cfg.entry(usersKey, i)
		v.fields(uk, u.Problems())
		v.claimUser(uk+".name", u.Name)
		v.keybase(uk+".pgpKey", u.PGPKey)
		v.credential(uk+".pgpKey", u.PGPKey, "initial password")
	}
}

func (v *validator) bucketNames() {
	c := v.cfg
	for i, b := range c.Buckets {
		v.bucketName(c.entry("buckets", i)+".name", b.Name, true)
		if b.ReplaceLifecycle && !b.Import {
			v.errs.add(c.entry("buckets", i)+".replaceLifecycle", "is set but import is false: only a bucket being adopted has lifecycle rules to replace")
		}
	}
	for i, b := range c.ExternalBuckets {
		bk := c.entry("externalBuckets", i)
		v.bucketName(bk+".name", b.Name, false)
		if b.Account == "" {
			v.errs.add(bk+".account", `is required: the quoted 12-digit id of the account that owns %q; every grant on it is pinned to that account, so the bucket deleted and its name registered again by someone else stays out of reach`, b.Name)
		} else if err := awsnames.AccountID(b.Account); err != nil {
			v.check(bk+".account", err)
		} else if b.Account == c.AccountID {
			v.errs.add(bk+".account", "is this stack's own account: a bucket of the account belongs to one of its stacks, whose policies alone reach it. Adopt %q in the stack that should own it (buckets: [{name: %s, import: true}]) and grant from there; externalBuckets are other accounts' buckets", b.Name, b.Name)
		}
	}
}

func (v *validator) principals(section string, list []spec.Principal) {
	names := map[string]bool{}
	for i, p := range list {
		pk := v.cfg.entry(section, i)
		problems := p.Problems(v.cfg.Partition, v.cfg.Environment)
		v.fields(pk, problems)
		if p.Name == "" {
			continue
		}
		if names[p.Name] {
			v.errs.add(pk+".name", "%q is listed twice in %s", p.Name, key(section))
		}
		names[p.Name] = true
		v.claimUser(pk+".name", p.UserName(v.cfg.Environment))
		v.credentials(pk, p.AccessKey, p.PGPKey, p.AccessKeys)
		before := len(v.errs.Problems)
		for j, g := range p.Grants {
			v.grant(fmt.Sprintf("%s.grants[%d]", pk, j), g)
		}
		if len(problems) == 0 && len(v.errs.Problems) == before && len(p.Grants) > 0 {
			// Each grant is fine; what is left is the policies as a whole: how many of
			// IAM's size it takes, against the group's quota of attached policies.
			docs, _ := iampolicy.S3AccessDocuments(v.cfg.Partition, iampolicy.BucketOwners{Account: v.cfg.AccountID, External: v.cfg.ExternalBucketOwners()}, p.Grants)
			if limit := v.cfg.Quotas.PoliciesPerGroup; len(docs) > limit {
				v.errs.add(pk+".grants", "need %d managed policies of IAM's maximum size, more than the %d a group may hold (secure-aws:quotas.policiesPerGroup); merge grants on the same bucket or split the workload", len(docs), limit)
			}
		}
	}
}

// credentials requires a PGP key for each access key generation, unless the stack keeps
// credentials as Pulumi secrets, and refuses Keybase keys the stack does not allow
// (spec.AccessKeyProblems checks the rest).
func (v *validator) credentials(k string, create bool, pgp string, gens []spec.KeyGeneration) {
	v.keybase(k+".pgpKey", pgp)
	for i, g := range gens {
		v.keybase(fmt.Sprintf("%s.accessKeys[%d].pgpKey", k, i), g.PGPKey)
	}
	if len(gens) > 0 && !create {
		return
	}
	for i, g := range spec.KeyGenerations(create, gens) {
		if g.PGPKey == "" {
			field := k + ".pgpKey"
			if len(gens) > 0 && pgp == "" {
				field = fmt.Sprintf("%s.accessKeys[%d].pgpKey", k, i)
			}
			v.credential(field, pgp, "access key secret")
		}
	}
}

// credential requires a PGP key for a credential AWS generates, unless the stack keeps
// credentials as Pulumi secrets by choice.
func (v *validator) credential(k, pgp, what string) {
	if pgp != "" || v.cfg.CredentialsAsPulumiSecrets || v.failed[key("credentialsAsPulumiSecrets")] {
		return
	}
	v.errs.add(k, "is required: the %s is encrypted to this public key (%s), so that nobody who can decrypt the stack, pull-request previews included, can read it. To keep this stack's credentials as Pulumi secrets instead, readable by whoever can decrypt it, set secure-aws:credentialsAsPulumiSecrets: true", what, pgpkey.Export)
}

// keybase refuses a keybase:<user> pgpKey at key k unless the stack allows them: the
// provider fetches that key from Keybase at apply time, so neither the stack file nor the
// plan shows whose key receives the credential, and Keybase is no longer maintained.
func (v *validator) keybase(k, pgp string) {
	if !pgpkey.IsKeybase(pgp) || v.cfg.AllowKeybase || v.failed[key("allowKeybase")] {
		return
	}
	v.errs.add(k, "%q is a Keybase user, not allowed by default: the AWS provider fetches its key from Keybase when it applies, so no reviewer sees whose key receives the credential, and Keybase is no longer maintained. Give the owner's public key (%s), or set secure-aws:allowKeybase: true to accept that", pgp, pgpkey.Export)
}

// grant checks what a grant needs of the rest of the stack: a bucket it may reach, and,
// on external buckets, deletes only by choice (spec.Principal checks the grant itself).
func (v *validator) grant(gk string, g iampolicy.S3Grant) {
	switch {
	case g.Bucket == "":
		return
	case v.vaults[g.Bucket]:
		v.errs.add(gk+".bucket", "%q is a backup vault; only its backup writer may reach it", g.Bucket)
		return
	case !v.grantable[g.Bucket]:
		// When the bucket lists did not decode, whether the bucket is one of them is unknown.
		if !v.failed[key("buckets")] && !v.failed[key("externalBuckets")] {
			msg := fmt.Sprintf("%q is neither created by this stack (secure-aws:buckets) nor declared in secure-aws:externalBuckets; a grant may only reach those", g.Bucket)
			near := nearest(g.Bucket, slices.Sorted(maps.Keys(v.grantable)))
			if v.misnamed[near] {
				// The grant probably names the bucket as it should be spelt; the bucket's own
				// name is the error, already reported, and fixing it fixes this one.
				return
			}
			if near != "" {
				msg += fmt.Sprintf("; did you mean %s?", near)
			}
			v.errs.add(gk+".bucket", "%s", msg)
		}
		return
	}
	if v.external[g.Bucket] && slices.Contains(g.Actions, "s3:PutObjectAcl") {
		v.errs.add(gk+".actions", "allows s3:PutObjectAcl on %q, a bucket this stack does not manage: whether its ACLs are disabled is not guaranteed there, so the grant could make objects public or hand them to another account", g.Bucket)
	}
	if v.external[g.Bucket] && slices.Contains(g.Actions, "s3:DeleteObject") && !g.AllowDelete {
		v.errs.add(gk+".actions", "allows s3:DeleteObject on %q, a bucket this stack does not manage: its versioning is not guaranteed, so a delete may be final. List the actions without it (an application's defaults include it), or set allowDelete: true on the grant to accept that", g.Bucket)
	}
	if g.AllowDelete && !v.external[g.Bucket] {
		v.errs.add(gk+".allowDelete", "is only for external buckets; on %q, a bucket of this stack, deletes leave a recoverable version", g.Bucket)
	}
}

func (v *validator) backups() {
	c := v.cfg
	unnamed := 0
	for i, b := range c.Backups {
		bk := c.entry("backups", i)
		v.fields(bk, b.Problems(c.Environment))
		if b.Name == "" {
			unnamed++
			if unnamed > 1 {
				v.errs.add(bk+".name", "is required when a stack has more than one vault: only one vault may use the plain writer name %s", b.WriterName(c.Environment))
			}
		}
		v.claimUser(bk+".name", b.WriterName(c.Environment))
		v.claimBucket(bk+".bucket", b.Bucket)
		v.credentials(bk, b.AccessKey, b.PGPKey, b.AccessKeys)
	}
}

// claimUser records that key k names the IAM user name, or reports the key that did first.
func (v *validator) claimUser(k, name string) {
	lower := strings.ToLower(name)
	if prev, dup := v.users[lower]; dup {
		v.errs.add(k, "user name %q is already used by %s (IAM names ignore case)", name, v.cfg.labels.of(prev))
		return
	}
	v.users[lower] = k
}

// bucketName checks a bucket name and that no other key claims it.
func (v *validator) bucketName(k, name string, created bool) {
	if name == "" {
		v.errs.add(k, "is required")
		return
	}
	if err := awsnames.BucketName(name, created); err != nil {
		v.check(k, err)
		v.misnamed[name] = true
	}
	v.claimBucket(k, name)
}

// claimBucket records that key k names the bucket, or reports the key that did first.
func (v *validator) claimBucket(k, name string) {
	if name == "" {
		return
	}
	if prev, dup := v.buckets[name]; dup {
		v.errs.add(k, "bucket %q is already named by %s", name, v.cfg.labels.of(prev))
		return
	}
	v.buckets[name] = k
}
