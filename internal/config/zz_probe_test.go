package config_test

import (
	"fmt"
	"testing"

	"github.com/secure-aws/secure-aws/internal/config"
)

func probe(t *testing.T, name string, m map[string]string) {
	cfg, err := config.Load("staging", func(k string) (string, bool) { v, ok := m[k]; return v, ok })
	fmt.Printf("== %s: err=%v\n", name, err)
	_ = cfg
}

func TestProbe(t *testing.T) {
	base := func() map[string]string {
		return map[string]string{
			"aws:region":            "us-east-1",
			"aws:allowedAccountIds": `["111111111111"]`,
			"secure-aws:buckets":    `[{"name":"acme-assets-staging"}]`,
			"secure-aws:apps":       `[{"name":"my-app","grants":[{"bucket":"acme-assets-staging"}]}]`,
		}
	}
	m := base()
	m["secure-aws:account"] = `{"passwordPolicy":{"minimumLength":8}}`
	probe(t, "pp manage false", m)
	m = base()
	m["secure-aws:adminGroup"] = `{"path":"/admins"}`
	probe(t, "adminGroup manage false", m)
	m = base()
	m["secure-aws:apps"] = `[{"name":"my-app","accessKey":"yes","grants":[{"bucket":"acme-assets-staging"}]}]`
	probe(t, "accesskey", m)
	m = base()
	m["secure-aws:apps"] = `[{"name":"my-app","grants":[{"bucktet":"acme-assets-staging"}]}]`
	probe(t, "bucktet", m)
	m = base()
	m["secure-aws:apps"] = `[{"name":"my-app","grants":[{"bucket":"acme-assets-staging","actions":"s3:GetObject"}]}]`
	probe(t, "actions string", m)
	m = base()
	m["secure-aws:backups"] = `[{"bucket":"acme-backups-staging","glacierAfterDays":"30"}]`
	probe(t, "glacier string", m)
	m = base()
	m["secure-aws:account"] = `prod`
	probe(t, "account string", m)
	m = base()
	m["secure-aws:account"] = `"prod"`
	probe(t, "account qstring", m)
	m = base()
	m["secure-aws:apps"] = `{"name":"x"}`
	probe(t, "apps obj", m)
	m = base()
	m["aws:allowedAccountIds"] = `[111111111111]`
	probe(t, "unquoted", m)
	m = base()
	m["secure-aws:account"] = `{"aliass":"x"}`
	probe(t, "aliass", m)
	m = base()
	m["secure-aws:apps"] = `[{"name":"my-app","pgpKey":"keybase:bad user","accessKey":true,"grants":[{"bucket":"acme-assets-staging"}]}]`
	probe(t, "pgp", m)
	m = base()
	m["secure-aws:apps"] = `[{"name":"my-app","grants":[{"bucket":"acme-assets-staging","prefix":"up/","actions":["s3:GetObject","s3:GetBucketTagging"]}]}]`
	probe(t, "prefix whole", m)
	m = base()
	m["aws:region"] = `us-isob-east-1`
	probe(t, "iso", m)
	m = base()
	m["secure-aws:account"] = `{"Manage":true,"ALIAS":"acme-corp"}`
	probe(t, "case", m)
	m = base()
	m["secure-aws:account"] = `{"manage":true,"alias":"acme-corp"}}`
	probe(t, "trailing", m)
	m = base()
	m["secure-aws:backups"] = `[{"bucket":"acme-backups-staging","objectLock":{"mode":"COMPLIANCE","days":3650}}]`
	probe(t, "lock", m)
	m = base()
	m["secure-aws:environment"] = `prod`
	m["secure-aws:account"] = `{"manage":true,"alias":"acme-corp"}`
	m["secure-aws:admins"] = `[{"name":"My-App-prod"}]`
	probe(t, "clash", m)
	m = base()
	m["aws:region"] = ``
	probe(t, "region empty", m)
	m = base()
	m["secure-aws:apps"] = `[{"name":"my-app","grants":[{"bucket":"acme-assets-staging"}]}, 5]`
	probe(t, "elem number", m)
	cfg, _ := config.Load("staging", func(k string) (string, bool) { v, ok := base()[k]; return v, ok })
	cfg.Apps[0].Grants[0].Actions[0] = "MUTATED"
	fmt.Println(config.DefaultGrantActions)
}
