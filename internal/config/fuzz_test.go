package config_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/secure-aws/secure-aws/internal/config"
)

// FuzzLoad feeds the loader arbitrary values for its structured keys. It must never panic;
// what it refuses is a *config.Error naming at least one key; what it accepts obeys the
// invariants the components rely on.
func FuzzLoad(f *testing.F) {
	f.Add(`{"manage":true,"contacts":{"security":{"name":"Sam Doe","title":"Security lead","email":"security@acme.example","phone":"+1 555 0100"}},"alias":"acme-corp"}`, `[{"name":"app","grants":[{"bucket":"acme-assets"}]}]`, `[{"bucket":"acme-backups"}]`)
	f.Add(`{"manage":true}`, `[{"name":"app","grants":[{"bucket":"acme-assets","prefix":"in/","actions":["s3:ListBucket","s3:GetObject"]}]}]`, `[]`)
	f.Add(`"x"`, `{"name":1}`, `[{"bucket":"acme-backups","glacierAfterDays":-1,"objectLock":{"mode":"X"}}]`)
	f.Add(`{"passwordPolicy":{"minimumLength":1e400}}`, `[{"grants":null}]`, `[null]`)
	f.Add(`{}`, `[{"name":"app","grants":[{"bucket":"acme-assets","actions":["s3:*"]}]}]`, `[{"bucket":"acme-backups","storageClass":"DEEP_ARCHIVE","expireAfterDays":100}]`)
	f.Add(`{"trail":"x","Manage":1,"credentialAudit":{"mode":[]}}`, `[{"Name":"a","grants":[{"bucket":1,"actions":"s3:GetObject","allowdelete":"yes"}],"accessKeys":[{"generation":1.5}]}]`, `[{"objectLock":{"days":"3"},"glacierAfterDays":1e400}]`)
	f.Fuzz(func(t *testing.T, account, apps, backups string) {
		values := map[string]string{
			"aws:region":            "us-east-1",
			"aws:allowedAccountIds": `["111111111111"]`,
			"secure-aws:buckets":    `[{"name":"acme-assets"}]`,
			"secure-aws:account":    account,
			"secure-aws:apps":       apps,
			"secure-aws:backups":    backups,
		}
		cfg, err := config.Load("fuzz", config.MapGetter(values))
		if err != nil {
			var cfgErr *config.Error
			if !errors.As(err, &cfgErr) || len(cfgErr.Problems) == 0 {
				t.Fatalf("refusal without a problem: %v", err)
			}
			for _, p := range cfgErr.Problems {
				if p.Key == "" || p.Message == "" {
					t.Fatalf("problem without key or message: %+v", p)
				}
				// The loader's own account of a value that does not decode, never
				// encoding/json's (which drops list indices and names Go types).
				if strings.HasPrefix(p.Message, "unknown field") || strings.HasPrefix(p.Message, "cannot unmarshal") {
					t.Fatalf("encoding/json's words: %+v", p)
				}
			}
			return
		}
		if cfg.Account.Manage && cfg.Account.Alias == "" {
			t.Fatal("a managing stack without an alias was accepted")
		}
		for _, a := range cfg.Apps {
			if len(a.Grants) == 0 {
				t.Fatalf("app %q without grants was accepted", a.Name)
			}
			for _, g := range a.Grants {
				if len(g.Actions) == 0 {
					t.Fatalf("grant without actions after defaults: %+v", g)
				}
			}
		}
		for _, b := range cfg.Backups {
			if len(b.BackupSchedule.Problems()) > 0 || b.ExpireAfterDays <= b.GlacierAfterDays {
				t.Fatalf("impossible schedule accepted: %+v", b.BackupSchedule)
			}
		}
	})
}
