package config

import (
	"fmt"
	"slices"
	"strings"
)

// claim is a name a stack takes in its AWS account, and the key of its stack file that
// takes it.
type claim struct {
	key, name string
}

// claims are the names one stack takes in its account. IAM names compare without regard to
// case, as IAM does; bucket names are lowercase by rule.
type claims struct {
	users, groups []claim
	// owned are the buckets the stack creates or adopts (buckets, backup vaults, the trail
	// bucket, the state bucket); external those its grants may reach although it does not.
	owned, external []claim
}

// claims lists the names c takes in its account.
func (c *Config) claims() claims {
	var out claims
	machine := func(k, user string) {
		// A machine principal's group and policies carry its user name.
		out.users = append(out.users, claim{k, user})
		out.groups = append(out.groups, claim{k, user})
	}
	for i, p := range c.Apps {
		machine(c.entry("apps", i)+".name", p.UserName(c.Environment))
	}
	for i, p := range c.ThirdParties {
		machine(c.entry("thirdParties", i)+".name", p.UserName(c.Environment))
	}
	for i, b := range c.Backups {
		bk := c.entry("backups", i)
		machine(bk+".name", b.WriterName(c.Environment))
		out.owned = append(out.owned, claim{bk + ".bucket", b.Bucket})
	}
	for i, b := range c.Buckets {
		out.owned = append(out.owned, claim{c.entry("buckets", i) + ".name", b.Name})
	}
	for i, b := range c.ExternalBuckets {
		out.external = append(out.external, claim{c.entry("externalBuckets", i) + ".name", b.Name})
	}
	if !c.Account.Manage {
		return out
	}
	for i, u := range c.Admins {
		out.users = append(out.users, claim{c.entry("admins", i) + ".name", u.Name})
	}
	for i, u := range c.Developers {
		out.users = append(out.users, claim{c.entry("developers", i) + ".name", u.Name})
	}
	out.groups = append(out.groups, claim{key("adminGroup.name"), c.AdminGroup.Name})
	if len(c.Developers) > 0 {
		out.groups = append(out.groups, claim{key("developerGroup.name"), c.DeveloperGroup.Name})
	}
	if t := c.Account.Trail; t != nil {
		out.owned = append(out.owned, claim{key("account.trail.bucket"), t.Bucket})
		if t.AccessLogBucket != "" {
			out.owned = append(out.owned, claim{key("account.trail.accessLogBucket"), t.AccessLogBucket})
		}
	}
	if d := c.Account.Detection; d != nil && d.ConfigBucket != "" {
		out.owned = append(out.owned, claim{key("account.detection.configBucket"), d.ConfigBucket})
	}
	if c.CI != nil && c.CI.StateBucket != "" {
		out.owned = append(out.owned, claim{key("ci.stateBucket"), c.CI.StateBucket})
	}
	return out
}

// CheckAccount holds what must be true across every stack of one AWS account, which no
// single stack file can show: c and others (the account's other stacks, as AccountStacks
// reads them) take no IAM user or group name and no bucket twice, no stack lists another
// stack's bucket (a vault, the trail bucket and the state bucket included) as external, and
// exactly one stack manages the account, unless every stack says it is managed elsewhere,
// their IAM groups together fit the account's quota, and the deploy role trusts only
// environments that are stacks of the account.
// Every problem is c's, under c's key, naming the other stack file and its key.
//
// unreadable are the stack files beside c's that could not be read (each under its file's
// name): what they own is unknown, so c is refused until they are fixed, rather than
// checked against less than the whole account, and the checks of the account as a whole
// are left until then.
func CheckAccount(c *Config, others []*Config, unreadable []Problem) error {
	errs := &Error{Stack: c.Stack, StackFile: c.StackFile, labels: c.labels}
	for _, u := range unreadable {
		errs.add(u.Key, "%s; every stack file beside this one is read for the account-wide checks (one owner per bucket and IAM name, one managing stack), so none can run until it is fixed", u.Message)
	}
	mine := c.claims()
	for _, o := range others {
		theirs := o.claims()
		clash := func(ours, their []claim, same func(a, b string) bool, what, why string) {
			for _, a := range ours {
				for _, b := range their {
					if a.name != "" && same(a.name, b.name) {
						errs.add(a.key, "%q is %s %s (%s): %s", a.name, what, o.StackFile, o.labels.of(b.key), why)
					}
				}
			}
		}
		clash(mine.users, theirs.users, strings.EqualFold, "also a user name in", "every IAM user name of an account belongs to one stack (IAM names ignore case)")
		clash(mine.groups, theirs.groups, strings.EqualFold, "also a group name in", "every IAM group name of an account belongs to one stack (IAM names ignore case)")
		clash(mine.owned, theirs.owned, equal, "also created or adopted by", "a bucket has one owning stack, the only one whose policies may reach it")
		clash(mine.external, theirs.owned, equal, "owned by", "a stack never reaches a bucket another stack of its account owns (vaults, trail and state buckets included); grant from the owning stack instead")
		clash(mine.owned, theirs.external, equal, "listed in externalBuckets by", "its grants would reach the bucket this stack creates or adopts; a stack never reaches a bucket another stack of its account owns, so remove the entry there first")
	}
	if len(unreadable) > 0 {
		// The checks below judge the account as a whole (which stacks exist, who manages
		// it, how many groups it has): against part of it they report what the unreadable
		// file may well hold. That file already refuses this stack.
		return errs
	}
	if c.CI != nil {
		stacks := []string{c.Stack}
		for _, o := range others {
			stacks = append(stacks, o.Stack)
		}
		for i, e := range c.CI.Environments {
			if !slices.Contains(stacks, e) {
				errs.add(fmt.Sprintf("%s[%d]", key("ci.environments"), i), "%q is not a stack of account %s (stacks: %s): the deploy job's environment is its stack's name, and an environment no stack deploys in is one GitHub creates unprotected the first time a workflow names it", e, c.AccountID, strings.Join(stacks, ", "))
			}
		}
	}
	if managing := c.managingCheck(others); managing != nil {
		errs.add(managing.Key, "%s", managing.Message)
	}
	groups, quota, counted := c.Groups(), c.Quotas.GroupsPerAccount, []string{c.StackFile}
	for _, o := range others {
		groups += o.Groups()
		quota = min(quota, o.Quotas.GroupsPerAccount)
		counted = append(counted, o.StackFile)
	}
	if len(others) > 0 && groups > quota {
		errs.add(key("quotas.groupsPerAccount"), "the stacks of account %s (%s) create %d IAM groups together, more than its quota of %d; ask AWS to raise 'Groups per account' and set secure-aws:quotas.groupsPerAccount", c.AccountID, strings.Join(counted, ", "), groups, quota)
	}
	if len(errs.Problems) > 0 {
		return errs
	}
	return nil
}

func equal(a, b string) bool { return a == b }

// managingCheck returns the problem with who manages c's account, or nil: exactly one
// stack of the account sets account.manage, or none does and c sets
// account.managedElsewhere (the account's baseline lives in another repository).
func (c *Config) managingCheck(others []*Config) *Problem {
	var managers []string
	for _, o := range others {
		if o.Account.Manage {
			managers = append(managers, o.StackFile)
		}
	}
	slices.Sort(managers)
	switch {
	case c.Account.Manage && len(managers) > 0:
		return &Problem{key("account.manage"), fmt.Sprintf("account %s is also managed by %s (secure-aws:account.manage): exactly one stack per account creates its alias, password policy, console users and CI roles", c.AccountID, strings.Join(managers, ", "))}
	case c.Account.Manage:
		return nil
	case len(managers) > 1:
		return &Problem{key("account.manage"), fmt.Sprintf("account %s is managed by %s (secure-aws:account.manage): exactly one stack per account may be", c.AccountID, strings.Join(managers, " and "))}
	case len(managers) == 1 && c.Account.ManagedElsewhere:
		return &Problem{key("account.managedElsewhere"), fmt.Sprintf("is true, but %s manages account %s (secure-aws:account.manage); remove one of them", managers[0], c.AccountID)}
	case len(managers) == 0 && !c.Account.ManagedElsewhere:
		return &Problem{key("account.manage"), fmt.Sprintf("no stack file here manages account %s, so it would get no password policy, MFA rule, audit trail or credential audit: set account.manage: true in exactly one of its stacks, or, if another repository manages the account, set account.managedElsewhere: true", c.AccountID)}
	}
	return nil
}
