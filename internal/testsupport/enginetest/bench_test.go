package enginetest

import (
	"fmt"
	"testing"

	"github.com/secure-aws/secure-aws/internal/plan"
	"github.com/secure-aws/secure-aws/internal/testsupport/stackgen"
)

// benchStacks are the repository's stacks and generated ones of 20 and 200 applications.
func benchStacks(b *testing.B, p *project) []string {
	names := stackNames(b)
	for _, n := range []int{20, 200} {
		name := fmt.Sprintf("apps-%d", n)
		stack := stackgen.Apps(n)
		// An account of its own: beside the repository's stacks in one account, the
		// generated groups would exceed its quota (the offline plan checks the account's
		// stacks together).
		stack["aws:allowedAccountIds"] = fmt.Sprintf(`["%012d"]`, 200000000000+n)
		stack["secure-aws:account"] = `{"managedElsewhere":true}`
		p.writeStack(name, stack)
		names = append(names, name)
	}
	return names
}

// BenchmarkEnginePreview times `pulumi preview` with the policy pack through the real CLI
// and the stand-in provider, from empty state, as the workflows run it (checkpoints
// skipped) and as a plain `pulumi preview` does; BenchmarkOfflinePlan times the offline
// plan of the same stacks. Both report the time per resource. Run with
//
//	go test ./internal/testsupport/enginetest -run '^$' -bench . -benchtime 1x
func BenchmarkEnginePreview(b *testing.B) {
	p := newProject(b)
	for _, name := range benchStacks(b, p) {
		s := p.stack(name)
		for _, mode := range []struct {
			name string
			skip bool
		}{{"skip-checkpoints", true}, {"checkpoints", false}} {
			b.Run(name+"/"+mode.name, func(b *testing.B) {
				var steps int
				for b.Loop() {
					r, err := p.previewWith(s, mode.skip)
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
