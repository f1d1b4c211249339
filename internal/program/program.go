// Package program is the body of the secure-aws Pulumi program: load and validate the
// stack configuration, check the root user, then build every component. main.go, the
// tests and the offline plan all run this same code.
package program

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"slices"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/secure-aws/secure-aws/components"
	"github.com/secure-aws/secure-aws/internal/accountcheck"
	"github.com/secure-aws/secure-aws/internal/adoptcheck"
	"github.com/secure-aws/secure-aws/internal/awsaccount"
	"github.com/secure-aws/secure-aws/internal/config"
	"github.com/secure-aws/secure-aws/internal/credaudit"
	"github.com/secure-aws/secure-aws/internal/rootcheck"
	"github.com/secure-aws/secure-aws/internal/stackfile"
)

// AccountReader reads what the checks judge and code cannot change: the root user's status
// (rule R1) and the IAM credential report (CIS v5.0.0 1.9, 1.11-1.13 (v7.0.0 2.10-2.12)), for the managing stack; what a
// bucket any stack adopts already has.
type AccountReader interface {
	rootcheck.Reader
	credaudit.Reader
	adoptcheck.Reader
}

// Env is what the program needs besides the stack's configuration.
type Env struct {
	// Account is read on every run of the stack that manages the account, and on every run
	// of a stack that adopts a bucket.
	Account AccountReader
	// ConfigKeys are every configuration key the stack sets, when the caller knows them
	// (the engine's EngineConfigKeys, the stack file's), so that unknown keys are refused.
	ConfigKeys []string
	// Dir holds Pulumi.yaml and the stack files: the credential audit expects the users
	// that every stack of the account declares. "": this stack's users only.
	Dir string
	// AuditDetails is the file the account checks append what their log lines withhold to
	// (the credential audit's findings by user): main.go reads it from AuditDetailsEnvVar.
	// "": the details are written nowhere, and a warning says how to get them.
	AuditDetails string
}

// AuditDetailsEnvVar names the file Env.AuditDetails: in CI, the job summary
// ($GITHUB_STEP_SUMMARY) of a private repository, which only its readers see; never a
// place the public can read.
const AuditDetailsEnvVar = "SECURE_AWS_AUDIT_DETAILS"

// Main is the program as it runs against AWS: under `pulumi up` (main.go) and as the
// workflows' inline program (internal/preview), with one Env. The account is read with
// the stack's own aws: settings; keys are the configuration keys the stack sets (nil: not
// known, not checked); dir holds Pulumi.yaml and the other stack files ("": the engine's
// project directory, else the working directory).
func Main(keys []string, dir string) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		return Run(Env{
			Account:    awsaccount.AWSReader{Get: ctx.GetConfig},
			ConfigKeys: keys,
			Dir:        cmp.Or(dir, ctx.RootDirectory(), "."),
			// In CI, the workflow sets it only where the repository is private.
			AuditDetails: os.Getenv(AuditDetailsEnvVar),
		})(ctx)
	}
}

// Run returns the Pulumi program.
func Run(env Env) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		// Configuration errors return before any resource is registered: nothing changes.
		cfg, err := config.Load(ctx.Stack(), ctx.GetConfig, env.ConfigKeys...)
		if err != nil {
			return err
		}
		var others []*config.Config
		if env.Dir != "" {
			var unreadable []config.Problem
			others, unreadable = AccountStacks(env.Dir, cfg)
			if err := config.CheckAccount(cfg, others, unreadable); err != nil {
				return err
			}
		}
		if err := checkAccount(ctx, env, cfg, others); err != nil {
			return err
		}
		out, err := Build(ctx, cfg)
		if err != nil {
			return err
		}
		out.export(ctx)
		return nil
	}
}

// checkAccount runs the checks of what code cannot change, before anything is registered:
// the adoption check of the buckets the stack adopts, and in the stack that manages the
// account the root check and the credential audit. It logs their warnings and returns what
// stops the run. others are the account's other stacks, whose users the audit expects too.
func checkAccount(ctx *pulumi.Context, env Env, cfg *config.Config, others []*config.Config) error {
	results := []accountcheck.Result{adoptcheck.Check(ctx.Context(), env.Account, cfg.AccountID, cfg.Adopted(), ctx.DryRun())}
	if cfg.Account.Manage {
		expected := cfg.Expected()
		for _, other := range others {
			expected.Merge(other.Expected())
		}
		results = append(results,
			rootcheck.Check(ctx.Context(), env.Account, cfg.Account.RootCredentialCheck, ctx.DryRun()),
			credaudit.Check(ctx.Context(), env.Account, expected, cfg.Account.CredentialAudit, ctx.DryRun(), time.Now()))
	}
	var errs []error
	var details []string
	for _, r := range results {
		for _, w := range r.Warnings {
			if err := ctx.Log.Warn(w, nil); err != nil {
				return fmt.Errorf("logging a warning: %w", err)
			}
		}
		if r.Err != nil {
			errs = append(errs, r.Err)
		}
		details = append(details, r.Details...)
	}
	if len(details) > 0 {
		if err := ctx.Log.Warn(writeDetails(env.AuditDetails, ctx.Stack(), ctx.DryRun(), details), nil); err != nil {
			return fmt.Errorf("logging a warning: %w", err)
		}
	}
	return errors.Join(errs...)
}

// writeDetails appends details to the file path, a Markdown section for the stack's run,
// and returns the line to log: where they are, or how to get them.
func writeDetails(path, stack string, dryRun bool, details []string) string {
	if path == "" {
		return fmt.Sprintf("account checks: %d finding(s) by user are written nowhere: set %s to a file only the repository's readers see (in CI, the job summary of a private repository), or account.credentialAudit.nameUsers: true to log them", len(details), AuditDetailsEnvVar)
	}
	run := "update"
	if dryRun {
		run = "preview"
	}
	section := fmt.Appendf(nil, "### Account checks of stack %s (%s): findings by user\n\n", stack, run)
	for _, d := range details {
		section = fmt.Appendf(section, "- %s\n", d)
	}
	section = append(section, '\n')
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
	if err == nil {
		_, err = f.Write(section)
		err = errors.Join(err, f.Close())
	}
	if err != nil {
		return fmt.Sprintf("account checks: %d finding(s) by user could not be written to the file %s names: %v", len(details), AuditDetailsEnvVar, err)
	}
	return fmt.Sprintf("account checks: %d finding(s) by user are in the file %s names", len(details), AuditDetailsEnvVar)
}

// AccountStacks are the configurations of the other stacks in dir that deploy to cfg's
// account (the program sees one stack at a time), and the stack files that could not be
// read, each a problem under its file's name: a stack file that does not load, or one of
// the account's that is invalid. Another account's stack files are not decoded further
// than their account id.
func AccountStacks(dir string, cfg *config.Config) (stacks []*config.Config, unreadable []config.Problem) {
	names, err := stackfile.Names(dir)
	if err != nil {
		return nil, []config.Problem{{Key: dir, Message: fmt.Sprintf("the stack files could not be listed: %v", err)}}
	}
	for _, name := range names {
		if name == cfg.Stack {
			continue
		}
		file := "Pulumi." + name + ".yaml"
		st, err := stackfile.Load(dir, name)
		if err != nil {
			unreadable = append(unreadable, config.Problem{Key: file, Message: fmt.Sprintf("could not be read: %v", err)})
			continue
		}
		account, err := config.AccountOf(st.Config["aws:allowedAccountIds"])
		if err != nil {
			unreadable = append(unreadable, config.Problem{Key: file, Message: fmt.Sprintf("names no account it can be told apart by (aws:allowedAccountIds: %v)", err)})
			continue
		}
		if account != cfg.AccountID {
			continue
		}
		other, err := config.Load(name, config.MapGetter(st.Config))
		if err != nil {
			unreadable = append(unreadable, config.Problem{Key: file, Message: "is invalid (its own plan says why)"})
			continue
		}
		stacks = append(stacks, other)
	}
	return stacks, unreadable
}

// Outputs are the stack outputs.
type Outputs struct {
	Environment    string
	Baseline       *components.AccountBaseline
	Trail          *components.AuditTrail
	Alerts         *components.SecurityAlerts
	Budget         *components.AccountBudget
	Contacts       *components.AccountContacts
	Detection      *components.Detection
	AdminGroup     *components.AdminGroup
	DeveloperGroup *components.DeveloperGroup
	CI             *components.CIDeployRole
	Buckets        map[string]*components.SecureBucket
	Apps           map[string]*components.AppUser
	ThirdParties   map[string]*components.ThirdPartyUser
	Backups        map[string]*components.BackupVault
}

// Build registers every component the configuration asks for.
func Build(ctx *pulumi.Context, cfg *config.Config) (*Outputs, error) {
	account := cfg.AWSAccount()
	stack := cfg.StackTag()
	out := &Outputs{
		Environment:  cfg.Environment,
		Buckets:      map[string]*components.SecureBucket{},
		Apps:         map[string]*components.AppUser{},
		ThirdParties: map[string]*components.ThirdPartyUser{},
		Backups:      map[string]*components.BackupVault{},
	}
	var err error
	if cfg.Account.Manage {
		if err := buildAccount(ctx, cfg, out); err != nil {
			return nil, err
		}
	}
	for _, b := range cfg.Buckets {
		if out.Buckets[b.Name], err = components.NewSecureBucket(ctx, b.Name, &components.SecureBucketArgs{
			Account:        account,
			BucketName:     b.Name,
			ImportExisting: b.Import,
		}); err != nil {
			return nil, err
		}
	}
	for _, a := range cfg.Apps {
		if out.Apps[a.Name], err = components.NewAppUser(ctx, a.Name, &components.AppUserArgs{
			Account:         account,
			Stack:           stack,
			Environment:     cfg.Environment,
			Principal:       a,
			ExternalBuckets: cfg.ExternalBucketOwners(),
		}); err != nil {
			return nil, err
		}
	}
	for _, t := range cfg.ThirdParties {
		if out.ThirdParties[t.Name], err = components.NewThirdPartyUser(ctx, t.Name, &components.ThirdPartyUserArgs{
			Account:         account,
			Stack:           stack,
			Environment:     cfg.Environment,
			Principal:       t,
			ExternalBuckets: cfg.ExternalBucketOwners(),
		}); err != nil {
			return nil, err
		}
	}
	for _, b := range cfg.Backups {
		if out.Backups[b.Bucket], err = components.NewBackupVault(ctx, b.Bucket, &components.BackupVaultArgs{
			Account:     account,
			Stack:       stack,
			Environment: cfg.Environment,
			Backup:      b,
		}); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// buildAccount registers the account-wide components: the baseline and console groups.
func buildAccount(ctx *pulumi.Context, cfg *config.Config, out *Outputs) error {
	account := cfg.AWSAccount()
	stack := cfg.StackTag()
	var err error
	if out.Baseline, err = components.NewAccountBaseline(ctx, "account", &components.AccountBaselineArgs{
		Account:        account,
		Alias:          cfg.Account.Alias,
		PasswordPolicy: cfg.Account.PasswordPolicy,
		AdminUserPath:  cfg.AdminGroup.Path,
		ImportExisting: cfg.Account.ImportExisting,
		Regions:        cfg.DefaultRegions()[1:],
	}); err != nil {
		return err
	}
	if t := cfg.Account.Trail; t != nil {
		if out.Trail, err = components.NewAuditTrail(ctx, "audit", &components.AuditTrailArgs{
			Account:         account,
			Region:          cfg.Region,
			TrailName:       cfg.Account.Alias + "-audit",
			BucketName:      t.Bucket,
			LockDays:        t.LockDays,
			DataEvents:      cfg.TrailDataEvents(),
			AccessLogBucket: t.AccessLogBucket,
			CreateKey:       t.KMS,
		}); err != nil {
			return err
		}
	}
	if d := cfg.Account.Detection; d != nil {
		if out.Detection, err = components.NewDetection(ctx, "detection", &components.DetectionArgs{
			Account:           account,
			Region:            cfg.Region,
			Regions:           cfg.DefaultRegions(),
			EnableGuardDuty:   d.GuardDuty,
			FindingFrequency:  d.FindingFrequency,
			ConfigBucket:      d.ConfigBucket,
			EnableSecurityHub: d.SecurityHub,
		}); err != nil {
			return err
		}
	}
	if err := buildAlerts(ctx, cfg, out); err != nil {
		return err
	}
	// Generated passwords are at least 20 characters and never shorter than the policy.
	passwordLength := max(20, cfg.Account.PasswordPolicy.MinimumLength)
	if out.AdminGroup, err = components.NewAdminGroup(ctx, "admins", &components.ConsoleGroupArgs{
		Account:           account,
		Stack:             stack,
		GroupName:         cfg.AdminGroup.Name,
		Path:              cfg.AdminGroup.Path,
		OtherConsolePaths: []string{cfg.DeveloperGroup.Path},
		Users:             cfg.Admins,
		PasswordLength:    passwordLength,
	}); err != nil {
		return err
	}
	if ci := cfg.CI; ci != nil {
		if out.CI, err = components.NewCIDeployRole(ctx, "ci", &components.CIDeployRoleArgs{
			Account:            account,
			CITrust:            ci.CITrust,
			CreateOIDCProvider: ci.CreateOIDCProvider,
			ConsoleUserPaths:   []string{cfg.AdminGroup.Path, cfg.DeveloperGroup.Path},
		}); err != nil {
			return err
		}
	}
	if len(cfg.Developers) == 0 {
		return nil
	}
	out.DeveloperGroup, err = components.NewDeveloperGroup(ctx, "developers", &components.DeveloperGroupArgs{
		ConsoleGroupArgs: components.ConsoleGroupArgs{
			Account:           account,
			Stack:             stack,
			GroupName:         cfg.DeveloperGroup.Name,
			Path:              cfg.DeveloperGroup.Path,
			OtherConsolePaths: []string{cfg.AdminGroup.Path},
			Users:             cfg.Developers,
			PasswordLength:    passwordLength,
		},
		ManagedPolicies: cfg.DeveloperGroup.ManagedPolicies,
	})
	return err
}

// buildAlerts registers the account's alternate contacts, security alerts and budget,
// those the configuration sets.
func buildAlerts(ctx *pulumi.Context, cfg *config.Config, out *Outputs) error {
	account := cfg.AWSAccount()
	a := cfg.Account
	var err error
	if a.Contacts != (config.Account{}).Contacts {
		if out.Contacts, err = components.NewAccountContacts(ctx, "contacts", &components.AccountContactsArgs{
			Account:  account,
			Contacts: a.Contacts,
		}); err != nil {
			return err
		}
	}
	if a.Alerts == nil {
		return nil
	}
	if out.Alerts, err = components.NewSecurityAlerts(ctx, "alerts", &components.SecurityAlertsArgs{
		Account:      account,
		Region:       cfg.Region,
		Alerts:       *a.Alerts,
		AllowBudgets: a.Budget != nil,
	}); err != nil {
		return err
	}
	if a.Budget == nil {
		return nil
	}
	out.Budget, err = components.NewAccountBudget(ctx, "budget", &components.AccountBudgetArgs{
		Account:    account,
		BudgetName: a.Alias + "-monthly",
		Budget:     *a.Budget,
		TopicArn:   out.Alerts.TopicArn,
	})
	return err
}

// EngineConfigKeys lists the configuration keys the engine passed in PULUMI_CONFIG, the
// variable the SDK reads the configuration from; nil when it is not set.
func EngineConfigKeys() []string {
	var values map[string]string
	if json.Unmarshal([]byte(os.Getenv(pulumi.EnvConfig)), &values) != nil {
		return nil
	}
	return slices.Collect(maps.Keys(values))
}
