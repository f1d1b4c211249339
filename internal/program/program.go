// Package program is the body of the secure-aws Pulumi program: load and validate the
// stack configuration, check the root user, then build every component. main.go, the
// tests and the offline plan all run this same code.
package program

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"slices"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/secure-aws/secure-aws/components"
	"github.com/secure-aws/secure-aws/internal/config"
	"github.com/secure-aws/secure-aws/internal/rootcheck"
)

// Run returns the Pulumi program. root reads the root user's status (rule R1); configKeys
// are every configuration key the stack sets, when the caller knows them (the engine's
// EngineConfigKeys, the stack file's), so that unknown keys are refused.
func Run(root rootcheck.Reader, configKeys []string) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		// Configuration errors return before any resource is registered: nothing changes.
		cfg, err := config.Load(ctx.Stack(), ctx.GetConfig, configKeys...)
		if err != nil {
			return err
		}
		if cfg.Account.Manage {
			result := rootcheck.Check(ctx.Context(), root, cfg.Account.RootCredentialCheck, ctx.DryRun())
			for _, w := range result.Warnings {
				if err := ctx.Log.Warn(w, nil); err != nil {
					return fmt.Errorf("logging a warning: %w", err)
				}
			}
			if result.Err != nil {
				return result.Err
			}
		}
		out, err := Build(ctx, cfg)
		if err != nil {
			return err
		}
		out.export(ctx)
		return nil
	}
}

// Outputs are the stack outputs.
type Outputs struct {
	Environment    string
	Baseline       *components.AccountBaseline
	Trail          *components.AuditTrail
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
			Account:            account,
			Application:        a.Name,
			Environment:        cfg.Environment,
			Grants:             a.Grants,
			CreateAccessKey:    a.AccessKey,
			PGPKey:             a.PGPKey,
			ImportExistingUser: a.Import,
		}); err != nil {
			return nil, err
		}
	}
	for _, t := range cfg.ThirdParties {
		if out.ThirdParties[t.Name], err = components.NewThirdPartyUser(ctx, t.Name, &components.ThirdPartyUserArgs{
			Account:            account,
			Service:            t.Name,
			Environment:        cfg.Environment,
			Grants:             t.Grants,
			CreateAccessKey:    t.AccessKey,
			PGPKey:             t.PGPKey,
			ImportExistingUser: t.Import,
		}); err != nil {
			return nil, err
		}
	}
	for _, b := range cfg.Backups {
		if out.Backups[b.Bucket], err = components.NewBackupVault(ctx, b.Bucket, &components.BackupVaultArgs{
			Account:              account,
			Environment:          cfg.Environment,
			VaultName:            b.Name,
			BucketName:           b.Bucket,
			Schedule:             b.BackupSchedule,
			ObjectLock:           b.ObjectLock,
			CreateAccessKey:      b.AccessKey,
			PGPKey:               b.PGPKey,
			ImportExistingBucket: b.ImportBucket,
			ImportExistingWriter: b.ImportWriter,
		}); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// buildAccount registers the account-wide components: the baseline and console groups.
func buildAccount(ctx *pulumi.Context, cfg *config.Config, out *Outputs) error {
	account := cfg.AWSAccount()
	var err error
	if out.Baseline, err = components.NewAccountBaseline(ctx, "account", &components.AccountBaselineArgs{
		Account:         account,
		Alias:           cfg.Account.Alias,
		PasswordPolicy:  cfg.Account.PasswordPolicy,
		AdminUserPath:   cfg.AdminGroup.Path,
		ImportExisting:  cfg.Account.ImportExisting,
		AnalyzerRegions: slices.DeleteFunc(slices.Clone(cfg.Account.AnalyzerRegions), func(r string) bool { return r == cfg.Region }),
	}); err != nil {
		return err
	}
	if t := cfg.Account.Trail; t != nil {
		if out.Trail, err = components.NewAuditTrail(ctx, "audit", &components.AuditTrailArgs{
			Account:    account,
			Region:     cfg.Region,
			TrailName:  cfg.Account.Alias + "-audit",
			BucketName: t.Bucket,
			LockDays:   t.LockDays,
		}); err != nil {
			return err
		}
	}
	// Generated passwords are at least 20 characters and never shorter than the policy.
	passwordLength := max(20, cfg.Account.PasswordPolicy.MinimumLength)
	if out.AdminGroup, err = components.NewAdminGroup(ctx, "admins", &components.ConsoleGroupArgs{
		Account:        account,
		GroupName:      cfg.AdminGroup.Name,
		Path:           cfg.AdminGroup.Path,
		Users:          cfg.Admins,
		PasswordLength: passwordLength,
	}); err != nil {
		return err
	}
	if ci := cfg.CI; ci != nil {
		if out.CI, err = components.NewCIDeployRole(ctx, "ci", &components.CIDeployRoleArgs{
			Account:            account,
			Repository:         ci.Repository,
			Branch:             ci.Branch,
			Environments:       ci.Environments,
			CreateOIDCProvider: ci.CreateOIDCProvider,
			OwnerID:            ci.OwnerID,
			RepositoryID:       ci.RepositoryID,
			NameOnlySubjects:   ci.NameOnlySubjects,
			StateBucket:        ci.StateBucket,
		}); err != nil {
			return err
		}
	}
	if len(cfg.Developers) == 0 {
		return nil
	}
	out.DeveloperGroup, err = components.NewDeveloperGroup(ctx, "developers", &components.ConsoleGroupArgs{
		Account:         account,
		GroupName:       cfg.DeveloperGroup.Name,
		Path:            cfg.DeveloperGroup.Path,
		Users:           cfg.Developers,
		PasswordLength:  passwordLength,
		ManagedPolicies: cfg.DeveloperGroup.ManagedPolicies,
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
