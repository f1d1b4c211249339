// Package config is the typed stack configuration of secure-aws: one loader that reads
// every key, applies the defaults in one place and validates the whole configuration,
// reporting every problem at once before any resource is registered.
package config

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/secure-aws/secure-aws/awsnames"
	"github.com/secure-aws/secure-aws/internal/adoptcheck"
	"github.com/secure-aws/secure-aws/internal/credaudit"
	"github.com/secure-aws/secure-aws/spec"
)

// Project is the Pulumi project name and so the namespace of every key.
const Project = "secure-aws"

// Config is one stack's validated configuration with every default applied.
type Config struct {
	Stack       string // the Pulumi stack name
	StackFile   string // Pulumi.<stack>.yaml, named in error messages
	Environment string // suffix of every per-environment name; default: the stack name
	Region      string // aws:region
	Partition   string // aws, aws-cn, aws-us-gov, aws-eusc, ...: awsnames.Partition of the region
	AccountID   string // the one entry of aws:allowedAccountIds

	Account        Account
	AdminGroup     GroupSettings
	Admins         []spec.ConsoleUser
	DeveloperGroup GroupSettings
	Developers     []spec.ConsoleUser

	Buckets         []Bucket
	ExternalBuckets []ExternalBucket
	Apps            []spec.Principal
	ThirdParties    []spec.Principal
	Backups         []spec.Backup
	CI              *CI // nil: no CI roles
	Quotas          Quotas

	// CredentialsAsPulumiSecrets lets credentials without a pgpKey be kept as Pulumi
	// secrets, readable by whoever can decrypt the stack. Default false: every generated
	// credential must be PGP-encrypted.
	CredentialsAsPulumiSecrets bool

	// AllowKeybase lets a pgpKey be keybase:<user>. Default false: the provider fetches
	// such a key from Keybase at apply time, so no reviewer sees whose key it is.
	AllowKeybase bool

	labels labels // the names of the stack file's list entries, for messages
	// positions maps a list whose entries did not all decode to the index in the stack
	// file of each entry kept (list); nil: every entry is where the file has it.
	positions map[string][]int
}

// entry is the key of the i-th entry of list as decoded: secure-aws:apps[2], counting the
// entries of the stack file, those that did not decode and were left out included.
func (c *Config) entry(list string, i int) string {
	if pos := c.positions[list]; i < len(pos) {
		i = pos[i]
	}
	return fmt.Sprintf("%s[%d]", key(list), i)
}

// Quotas are the account's IAM quotas the configuration is checked against, so a stack AWS
// would refuse fails at plan time rather than halfway through pulumi up. Raise them here
// after AWS has raised them for the account.
type Quotas struct {
	GroupsPerAccount int `json:"groupsPerAccount"` // IAM "Groups per account", default 300
	PoliciesPerGroup int `json:"policiesPerGroup"` // IAM "Managed policies per group", default 10
}

// CI configures the GitHub Actions roles (components.CIDeployRole).
type CI struct {
	spec.CITrust
	CreateOIDCProvider bool `json:"createOidcProvider"`
}

// Account holds the account-wide settings; only the stack with Manage set creates them.
type Account struct {
	Manage              bool                `json:"manage"`
	ManagedElsewhere    bool                `json:"managedElsewhere"` // no stack here manages the account: another repository does
	ImportExisting      bool                `json:"importExisting"`   // adopt the alias and password policy the account has
	Regions             []string            `json:"regions"`          // regions that get the account defaults (regions.go); the stack's always does
	AllowedRegions      []string            `json:"allowedRegions"`   // the only regions the stack's principals may use (regions.go); default: any
	Trail               *Trail              `json:"trail"`            // nil: no audit trail
	Detection           *Detection          `json:"detection"`        // nil: no GuardDuty, AWS Config or Security Hub
	Alias               string              `json:"alias"`
	RootCredentialCheck string              `json:"rootCredentialCheck"`
	CredentialAudit     credaudit.Settings  `json:"credentialAudit"` // CIS v5.0.0 1.9, 1.11-1.13 (v7.0.0 2.10-2.12), every run
	PasswordPolicy      spec.PasswordPolicy `json:"passwordPolicy"`
	Alerts              *spec.Alerts        `json:"alerts"`   // nil: no alerts (internal/config/alerts.go)
	Budget              *spec.Budget        `json:"budget"`   // nil: no budget
	Contacts            spec.Contacts       `json:"contacts"` // security required in the managing stack
}

// Trail is the account's audit trail: a multi-region CloudTrail trail into a bucket of
// its own whose log files are locked.
type Trail struct {
	Bucket   string `json:"bucket"`
	LockDays int    `json:"lockDays"` // COMPLIANCE retention of every log file; default 365
	// AccessLogBucket, when set, is created for the trail bucket's S3 server access logs.
	AccessLogBucket string `json:"accessLogBucket"`
	KMS             bool   `json:"kms"` // encrypt the log files with a KMS key of the trail's, rotated yearly
}

// GroupSettings names a console group and the IAM path of the group and its users.
type GroupSettings struct {
	Name            string   `json:"name"`
	Path            string   `json:"path"`
	ManagedPolicies []string `json:"managedPolicies"` // AWS managed policy names
}

// ExternalBucket is a bucket this stack does not manage that its grants may reach, and the
// account that owns it: every grant on it is pinned to that account (s3:ResourceAccount),
// so a bucket deleted and its name registered again by someone else is out of reach.
type ExternalBucket struct {
	Name    string `json:"name"`
	Account string `json:"account"` // the owning account's 12-digit id, quoted
}

// UnmarshalJSON refuses a bare bucket name with the form an entry takes.
func (b *ExternalBucket) UnmarshalJSON(data []byte) error {
	var name string
	if json.Unmarshal(data, &name) == nil {
		return fmt.Errorf(`%q names no owning account; write {name: %q, account: "<12-digit id of the account that owns it>"}`, name, name)
	}
	type plain ExternalBucket // without this method
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	return dec.Decode((*plain)(b))
}

// ExternalBucketOwners maps each external bucket to the account that owns it.
func (c *Config) ExternalBucketOwners() map[string]string {
	owners := map[string]string{}
	for _, b := range c.ExternalBuckets {
		owners[b.Name] = b.Account
	}
	return owners
}

// Bucket is a bucket this stack creates for applications and third parties.
type Bucket struct {
	Name   string `json:"name"`
	Import bool   `json:"import"` // the bucket exists: the first up imports it
	// ReplaceLifecycle lets the program's lifecycle replace the lifecycle rules the adopted
	// bucket has; without it they stop the adoption (internal/adoptcheck).
	ReplaceLifecycle bool `json:"replaceLifecycle"`
	// DataEvents has the managing stack's trail record the bucket's object-level calls:
	// write or readwrite; "" none.
	DataEvents string `json:"dataEvents"`
}

// Adopted are the buckets this stack marks for adoption, as the adoption check judges
// them: buckets and vault buckets marked for import, and the state bucket, which is always
// adopted. The check runs as long as the mark is set, after the adopting up too: each
// bucket names the lifecycle rules the program declares on it, which are then its own.
func (c *Config) Adopted() []adoptcheck.Bucket {
	var out []adoptcheck.Bucket
	for i, b := range c.Buckets {
		if b.Import {
			k := c.entry("buckets", i)
			out = append(out, adoptcheck.Bucket{Name: b.Name, File: c.StackFile, Key: k + ".import", OwnLifecycle: []string{spec.AbortUploadsRuleID},
				ReplaceLifecycle: b.ReplaceLifecycle, ReplaceLifecycleKey: k + ".replaceLifecycle"})
		}
	}
	for i, b := range c.Backups {
		if b.ImportBucket {
			k := c.entry("backups", i)
			out = append(out, adoptcheck.Bucket{Name: b.Bucket, File: c.StackFile, Key: k + ".importBucket", OwnLifecycle: []string{spec.VaultRetentionRuleID, spec.VaultCleanupRuleID},
				ReplaceLifecycle: b.ReplaceLifecycle, ReplaceLifecycleKey: k + ".replaceLifecycle"})
		}
	}
	if c.Account.Manage && c.CI != nil && c.CI.StateBucket != "" {
		out = append(out, adoptcheck.Bucket{Name: c.CI.StateBucket, File: c.StackFile, Key: key("ci.stateBucket"), OwnLifecycle: []string{spec.AbortUploadsRuleID}})
	}
	return out
}

// Groups counts the IAM groups the stack creates: one per machine principal, and the
// console groups of the stack that manages the account.
func (c *Config) Groups() int {
	groups := len(c.Apps) + len(c.ThirdParties) + len(c.Backups)
	if c.Account.Manage {
		groups++ // admins
		if len(c.Developers) > 0 {
			groups++
		}
	}
	return groups
}

// AWSAccount is the account as the components take it.
func (c *Config) AWSAccount() spec.Account {
	return spec.Account{Partition: c.Partition, ID: c.AccountID, AllowedRegions: c.Account.AllowedRegions}
}

// StackTag names the stack on every IAM user it creates (awsnames.StackTagKey).
func (c *Config) StackTag() string { return awsnames.StackTag(Project, c.Stack) }

// Expected is what the stack declares for the credential audit: its IAM groups, each machine principal
// with its key generations, the console users of the managing stack, the IAM paths all of
// them live under, and the stack, whose tag its users carry.
func (c *Config) Expected() credaudit.Expected {
	out := credaudit.Expected{Users: map[string]credaudit.User{}, Paths: spec.MachineUserPaths(), Stacks: []string{c.StackTag()}}
	for _, g := range c.claims().groups {
		out.Groups = append(out.Groups, g.name)
	}
	machine := func(name string, create bool, gens []spec.KeyGeneration) {
		u := credaudit.User{}
		newest := 0
		for _, g := range spec.KeyGenerations(create, gens) {
			u.Generations++
			if g.Status != spec.KeyInactive {
				u.ActiveKeys++
			}
			if g.Generation > newest {
				newest, u.NewestActive = g.Generation, g.Status != spec.KeyInactive
			}
		}
		out.Users[name] = u
	}
	for _, p := range append(slices.Clone(c.Apps), c.ThirdParties...) {
		machine(p.UserName(c.Environment), p.AccessKey, p.AccessKeys)
	}
	for _, b := range c.Backups {
		machine(b.WriterName(c.Environment), b.AccessKey, b.AccessKeys)
	}
	if c.Account.Manage {
		out.Paths = append(out.Paths, c.AdminGroup.Path, c.DeveloperGroup.Path)
		for _, u := range append(slices.Clone(c.Admins), c.Developers...) {
			out.Users[u.Name] = credaudit.User{Console: true}
		}
	}
	return out
}
