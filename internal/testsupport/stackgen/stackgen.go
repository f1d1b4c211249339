// Package stackgen writes synthetic stack configurations for benchmarks and scaling tests:
// full keys and JSON values, as the engine hands them to the program.
package stackgen

import (
	"encoding/json"
	"fmt"
)

// Apps is a stack of n applications, each with its own bucket and access key (kept as
// Pulumi secrets, to keep the configuration small), and the group quota raised to hold
// them.
func Apps(n int) map[string]string {
	type grant struct {
		Bucket string `json:"bucket"`
	}
	type app struct {
		Name      string  `json:"name"`
		AccessKey bool    `json:"accessKey"`
		Grants    []grant `json:"grants"`
	}
	var buckets []map[string]string
	var apps []app
	for i := range n {
		bucket := fmt.Sprintf("acme-app-%03d-staging", i)
		buckets = append(buckets, map[string]string{"name": bucket})
		apps = append(apps, app{Name: fmt.Sprintf("app-%03d", i), AccessKey: true, Grants: []grant{{Bucket: bucket}}})
	}
	b, _ := json.Marshal(buckets)
	a, _ := json.Marshal(apps)
	return map[string]string{
		"aws:region":            "us-east-1",
		"aws:allowedAccountIds": `["111111111111"]`,
		"secure-aws:buckets":    string(b),
		"secure-aws:apps":       string(a),
		"secure-aws:quotas":     fmt.Sprintf(`{"groupsPerAccount":%d}`, n+100),

		"secure-aws:credentialsAsPulumiSecrets": "true",
	}
}

// Everything is the stack "everything" (the one environment its deploy role trusts): it manages its account and uses every feature of the program:
// console users with and without PGP keys, CI roles, a bucket, an application, a
// third-party service with a prefix grant and a PGP-encrypted key, a locked backup vault,
// the credentials without a PGP key kept as Pulumi secrets, Keybase keys allowed, security
// alerts with a budget, every alternate contact, the region defaults and restriction, detection
// and the hardened trail.
func Everything() map[string]string {
	return map[string]string{
		"aws:region":              "us-east-1", // where the security alerts must live
		"aws:allowedAccountIds":   `["222222222222"]`,
		"secure-aws:account":      `{"manage":true,"contacts":{"security":{"name":"Sam Doe","title":"Security lead","email":"security@acme.example","phone":"+1 555 0100"},"operations":{"name":"Ops","title":"On call","email":"ops@acme.example","phone":"+1 555 0101"},"billing":{"name":"Finance","title":"Payables","email":"billing@acme.example","phone":"+1 555 0102"}},"alias":"acme-corp","regions":["eu-west-1","eu-central-1"],"allowedRegions":["us-east-1","eu-west-1","eu-central-1"],"trail":{"bucket":"acme-audit-trail","accessLogBucket":"acme-audit-access-logs","kms":true},"detection":{"guardDuty":true,"securityHub":true,"configBucket":"acme-config"},"alerts":{"emails":["security@acme.example","ops@acme.example"]},"budget":{"limitUsd":50,"thresholds":[80,100,150]}}`,
		"secure-aws:ci":           `{"repository":"acme/infra","ownerId":1234567,"repositoryId":89012345,"environments":["everything"]}`,
		"secure-aws:admins":       `[{"name":"alice","pgpKey":"keybase:acme_alice"},{"name":"bob"}]`,
		"secure-aws:developers":   `[{"name":"carol"}]`,
		"secure-aws:buckets":      `[{"name":"acme-assets","dataEvents":"readwrite"}]`,
		"secure-aws:apps":         `[{"name":"web","accessKey":true,"grants":[{"bucket":"acme-assets"}]}]`,
		"secure-aws:thirdParties": `[{"name":"encoder","accessKey":true,"pgpKey":"keybase:acme_alice","grants":[{"bucket":"acme-assets","prefix":"in/","actions":["s3:GetObject"]}]}]`,
		"secure-aws:backups":      `[{"bucket":"acme-backups","accessKey":true,"noncurrentGlacierAfterDays":30,"noncurrentExpireAfterDays":120,"objectLock":{"mode":"GOVERNANCE","days":7}}]`,

		"secure-aws:credentialsAsPulumiSecrets": "true",
		"secure-aws:allowKeybase":               "true",
	}
}
