// Package stackgen writes synthetic stack configurations for benchmarks and scaling tests:
// full keys and JSON values, as the engine hands them to the program.
package stackgen

import (
	"encoding/json"
	"fmt"
)

// Apps is a stack of n applications, each with its own bucket and access key, and the
// group quota raised to hold them.
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
	}
}
