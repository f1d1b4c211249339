package enginetest

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/secure-aws/secure-aws/internal/plan"
)

// generatedStack is a stack of n applications, each with its own bucket and access key,
// with the group quota raised to hold them.
func generatedStack(n int) map[string]string {
	var buckets, apps []map[string]any
	for i := range n {
		bucket := fmt.Sprintf("acme-app-%03d-bench", i)
		buckets = append(buckets, map[string]any{"name": bucket})
		apps = append(apps, map[string]any{"name": fmt.Sprintf("app-%03d", i), "accessKey": true, "grants": []any{map[string]any{"bucket": bucket}}})
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

// benchStacks are the repository's stacks and generated ones of 20 and 200 applications.
func benchStacks(b *testing.B, p *project) []string {
	names := stackNames(b)
	for _, n := range []int{20, 200} {
		name := fmt.Sprintf("apps-%d", n)
		p.writeStack(name, generatedStack(n))
		names = append(names, name)
	}
	return names
}

// BenchmarkEnginePreview times `pulumi preview` with the policy pack through the real CLI
// and the stand-in provider, from empty state; BenchmarkOfflinePlan times the offline plan
// of the same stacks. Both report the time per resource. Run with
//
//	go test ./internal/enginetest -run '^$' -bench . -benchtime 3x
func BenchmarkEnginePreview(b *testing.B) {
	p := newProject(b)
	for _, name := range benchStacks(b, p) {
		s := p.stack(name)
		b.Run(name, func(b *testing.B) {
			var steps int
			for b.Loop() {
				r, err := p.preview(s)
				if err != nil {
					b.Fatal(err)
				}
				steps = len(r.steps())
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(steps)/1e6, "ms/resource")
			b.ReportMetric(float64(steps), "resources")
		})
	}
}

func BenchmarkOfflinePlan(b *testing.B) {
	p := newProject(b)
	for _, name := range benchStacks(b, p) {
		b.Run(name, func(b *testing.B) {
			var n int
			for b.Loop() {
				pl, err := plan.Run(p.dir, name)
				if err != nil {
					b.Fatal(err)
				}
				n = len(pl.Resources)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n)/1e6, "ms/resource")
			b.ReportMetric(float64(n), "resources")
		})
	}
}
