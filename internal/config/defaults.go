package config

import (
	"slices"

	"github.com/secure-aws/secure-aws/internal/accountcheck"
	"github.com/secure-aws/secure-aws/internal/credaudit"
	"github.com/secure-aws/secure-aws/spec"
)

// Every default of the configuration, in one place.

// defaultGrantActions are allowed when an application's grant lists no actions: read,
// write and delete objects (on the stack's versioned buckets a delete leaves a recoverable
// version) and list the bucket.
var defaultGrantActions = []string{"s3:DeleteObject", "s3:GetObject", "s3:ListBucket", "s3:PutObject"}

// DefaultGrantActions returns a copy of defaultGrantActions, so no caller can change the list.
func DefaultGrantActions() []string { return slices.Clone(defaultGrantActions) }

// defaultThirdPartyActions are allowed when a third party's grant lists no actions: read
// only. A service that writes says so.
var defaultThirdPartyActions = []string{"s3:GetObject", "s3:ListBucket"}

func defaults(stack string) *Config {
	return &Config{
		Stack:       stack,
		StackFile:   "Pulumi." + stack + ".yaml",
		Environment: stack,
		Account: Account{
			RootCredentialCheck: accountcheck.ModeWarn,
			CredentialAudit:     credaudit.Settings{Mode: accountcheck.ModeWarn, MaxKeyAgeDays: 90, MaxUnusedDays: 45}, // CIS v5.0.0 1.11, 1.13 (v7.0.0 2.11, 2.12)
			PasswordPolicy: spec.PasswordPolicy{
				MinimumLength:      14, // CIS v5.0.0 1.7 (v7.0.0 2.8)
				ReusePrevention:    24, // CIS v5.0.0 1.8 (v7.0.0 2.9)
				RequireUppercase:   true,
				RequireLowercase:   true,
				RequireNumbers:     true,
				RequireSymbols:     true,
				AllowUsersToChange: true,
			},
		},
		AdminGroup:     GroupSettings{Name: "admins", Path: "/admins/"},
		Quotas:         Quotas{GroupsPerAccount: 300, PoliciesPerGroup: 10},
		DeveloperGroup: GroupSettings{Name: "developers", Path: "/developers/", ManagedPolicies: []string{"job-function/ViewOnlyAccess"}},
	}
}

func defaultCI() CI {
	return CI{CITrust: spec.CITrust{Branch: "main"}, CreateOIDCProvider: true}
}

// defaultTrail is what a trail's decoding starts from (Trail.UnmarshalJSON): an explicit
// lockDays: 0 stays 0 and is refused.
func defaultTrail() Trail {
	return Trail{LockDays: 365}
}

func defaultBackup() spec.Backup {
	return spec.Backup{
		BackupSchedule: spec.BackupSchedule{
			GlacierAfterDays:                30,
			StorageClass:                    "GLACIER",
			ExpireAfterDays:                 365,
			NoncurrentExpireAfterDays:       30,
			AbortIncompleteUploadsAfterDays: spec.AbortIncompleteUploadsDays,
		},
	}
}

// applyListDefaults fills what list elements leave empty and can only be known after
// decoding.
func applyListDefaults(cfg *Config) {
	for _, p := range []struct {
		principals []spec.Principal
		defaults   []string
	}{{cfg.Apps, defaultGrantActions}, {cfg.ThirdParties, defaultThirdPartyActions}} {
		for i := range p.principals {
			for j := range p.principals[i].Grants {
				// Left out (nil) takes the defaults; an explicit [] stays empty and is refused.
				if p.principals[i].Grants[j].Actions == nil {
					p.principals[i].Grants[j].Actions = slices.Clone(p.defaults)
				}
			}
		}
	}
}

// defaultBudgetThresholds are the percentages of the monthly limit a budget notifies at
// when its thresholds are left out (an explicit [] stays empty and is refused).
var defaultBudgetThresholds = []int{50, 80, 100}

// applyAccountDefaults fills what the account's optional blocks leave out.
func applyAccountDefaults(cfg *Config) {
	if b := cfg.Account.Budget; b != nil && b.Thresholds == nil {
		b.Thresholds = slices.Clone(defaultBudgetThresholds)
	}
}
