package config

import (
	"slices"

	"github.com/secure-aws/secure-aws/components"
	"github.com/secure-aws/secure-aws/internal/rootcheck"
)

// Every default of the configuration, in one place.

// DefaultGrantActions are allowed when a grant lists no actions: read, write and delete
// objects (deletes leave a recoverable version) and list the bucket.
var DefaultGrantActions = []string{"s3:DeleteObject", "s3:GetObject", "s3:ListBucket", "s3:PutObject"}

func defaults(stack string) *Config {
	return &Config{
		Stack:       stack,
		StackFile:   "Pulumi." + stack + ".yaml",
		Environment: stack,
		Account: Account{
			RootCredentialCheck: rootcheck.ModeWarn,
			PasswordPolicy: components.PasswordPolicy{
				MinimumLength:      14, // CIS 1.8
				ReusePrevention:    24, // CIS 1.9
				RequireUppercase:   true,
				RequireLowercase:   true,
				RequireNumbers:     true,
				RequireSymbols:     true,
				AllowUsersToChange: true,
			},
		},
		AdminGroup:     GroupSettings{Name: "admins", Path: "/admins/"},
		Quotas:         Quotas{GroupsPerAccount: 300, PoliciesPerGroup: 10},
		DeveloperGroup: GroupSettings{Name: "developers", Path: "/developers/", ManagedPolicies: []string{"ReadOnlyAccess"}},
	}
}

func defaultCI() CI {
	return CI{Branch: "main", CreateOIDCProvider: true}
}

func defaultBackup() Backup {
	return Backup{
		BackupSchedule: components.BackupSchedule{
			GlacierAfterDays:                30,
			StorageClass:                    "GLACIER",
			ExpireAfterDays:                 365,
			NoncurrentExpireAfterDays:       30,
			AbortIncompleteUploadsAfterDays: 7,
		},
	}
}

// applyListDefaults fills what list elements leave empty and can only be known after
// decoding.
func applyListDefaults(cfg *Config) {
	for _, principals := range [][]Principal{cfg.Apps, cfg.ThirdParties} {
		for i := range principals {
			for j := range principals[i].Grants {
				if len(principals[i].Grants[j].Actions) == 0 {
					principals[i].Grants[j].Actions = slices.Clone(DefaultGrantActions)
				}
			}
		}
	}
}
