// Package drift compares what AWS holds with what the program declares: a preview that
// refreshes first and expects no changes (pulumi preview --refresh --expect-no-changes),
// summarised per resource.
package drift

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/events"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"

	"github.com/secure-aws/secure-aws/awstypes"
	"github.com/secure-aws/secure-aws/internal/preview"
)

// Change is one resource whose state in AWS differs from the program's. Its Op is what the
// next `pulumi up` would do to put it back: update, replace, create (it was deleted outside
// the program), delete; or ByHand.
type Change = preview.Change

// Report is the result of one check.
type Report struct {
	Stack string
	// Same counts the resources that match.
	Same    int
	Changes []Change
}

// Drifted reports whether any resource differs.
func (r Report) Drifted() bool { return len(r.Changes) > 0 }

// unchanged are the step operations that change nothing: reads and the refresh itself.
var unchanged = []apitype.OpType{apitype.OpSame, apitype.OpRead, apitype.OpRefresh, apitype.OpReadDiscard}

// foreign are attributes of a resource that the program never declares and the refresh
// reads: any value is a change made outside the program. No diff shows it (for an
// attribute the program leaves unset, the provider keeps what it reads) and no up undoes
// it, so the check reads the refreshed state itself. A bucket's replication copies every
// new object to another bucket, perhaps in another account.
var foreign = map[string][]string{awstypes.Bucket: {"replicationConfigurations"}}

// ByHand is the Op of a foreign attribute: the next up would leave it.
const ByHand = "nothing: remove it by hand"

// FromEvents builds the report of a refreshing preview from its engine events.
func FromEvents(stack string, evs []events.EngineEvent) Report {
	r := Report{Stack: stack}
	var byHand []Change
	for _, e := range evs {
		if o := e.ResOutputsEvent; o != nil && o.Metadata.Op == apitype.OpRefresh && o.Metadata.New != nil {
			for _, k := range foreign[o.Metadata.Type] {
				if v, ok := o.Metadata.New.Outputs[k].([]any); ok && len(v) > 0 {
					byHand = append(byHand, Change{URN: o.Metadata.URN, Op: ByHand, Properties: []string{k}})
				}
			}
		}
	}
	for _, c := range preview.Steps(evs) {
		switch {
		case c.Op == string(apitype.OpSame):
			r.Same++
		case slices.Contains(unchanged, apitype.OpType(c.Op)):
		default:
			r.Changes = append(r.Changes, c)
		}
	}
	for _, c := range byHand {
		// A provider that diffs the attribute reports it already, with what up would do.
		if !slices.ContainsFunc(r.Changes, func(d Change) bool { return d.URN == c.URN && slices.Contains(d.Properties, c.Properties[0]) }) {
			r.Changes = append(r.Changes, c)
		}
	}
	slices.SortFunc(r.Changes, func(a, b Change) int { return strings.Compare(a.URN, b.URN) })
	return r
}

// Check runs the refresh-and-compare on s. The error is nil when the check ran, drift or
// not; it is the preview's own failure otherwise (AWS denied a read, the program refused
// its configuration), and then the report holds what was seen before it.
func Check(ctx context.Context, s auto.Stack, opts ...optpreview.Option) (Report, error) {
	evs, err := preview.Run(ctx, s, append([]optpreview.Option{optpreview.Refresh(), optpreview.ExpectNoChanges()}, opts...)...)
	report := FromEvents(s.Name(), evs)
	if err != nil && !(report.Drifted() && strings.Contains(err.Error(), "no changes were expected")) {
		return report, fmt.Errorf("the refreshing preview of stack %s failed: %w", s.Name(), err)
	}
	return report, nil
}

// Exit codes of Run: the drift workflow fails on anything but NoDrift.
const (
	NoDrift   = 0
	Drifted   = 1
	CannotRun = 2
)

// Run is the drift check as cmd/drift runs it: Check on s, the Markdown summary on
// stdout (the job summary), the preview's error on stderr, and the exit code.
func Run(ctx context.Context, s auto.Stack, stdout, stderr io.Writer) int {
	report, err := Check(ctx, s)
	if err != nil {
		fmt.Fprintf(stdout, "### Stack %s: the drift check could not run\n\n```\n%v\n```\n", s.Name(), err)
		fmt.Fprintln(stderr, err)
		return CannotRun
	}
	fmt.Fprint(stdout, report.Markdown())
	if report.Drifted() {
		return Drifted
	}
	return NoDrift
}

// Markdown renders the report for a job summary: a line when nothing drifted, a table of
// the resources that did otherwise.
func (r Report) Markdown() string {
	var b strings.Builder
	if !r.Drifted() {
		fmt.Fprintf(&b, "### Stack %s: no drift\n\nAll %d resources match the program.\n", r.Stack, r.Same)
		return b.String()
	}
	fmt.Fprintf(&b, "### Stack %s: %d resource(s) changed outside the program\n\n", r.Stack, len(r.Changes))
	b.WriteString("The next `pulumi up` puts them back")
	if slices.ContainsFunc(r.Changes, func(c Change) bool { return c.Op == ByHand }) {
		b.WriteString(", except what the program does not declare (remove it by hand)")
	}
	b.WriteString("; find who changed them in the audit trail first.\n\n")
	b.WriteString("| Resource | Type | Next `up` would | Properties that differ |\n|---|---|---|---|\n")
	for _, c := range r.Changes {
		name, typ, props := c.Cells()
		fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", name, typ, c.Op, props)
	}
	return b.String()
}
