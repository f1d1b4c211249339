package gate

import (
	"cmp"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/auto/events"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"

	"github.com/secure-aws/secure-aws/internal/preview"
)

// Step is what a deploy does to one resource. It carries nothing secret: an approver's
// artifact and a public log may hold it.
type Step struct {
	URN string `json:"urn"`
	Op  string `json:"op"`
}

func (s Step) String() string { return s.Op + " " + s.URN }

// Approved is the steps file the preview writes and the apply reads: what the approver
// saw, for which stack and commit.
type Approved struct {
	Stack  string `json:"stack"`
	Commit string `json:"commit"`
	// Steps are in the order the engine announced them; the comparison ignores the order,
	// which the program's concurrent registrations make vary from run to run.
	Steps []Step `json:"steps"`
}

// StepsOf lists the steps of a run's events: every resource step but the refresh's own
// reads, which change nothing and are followed by the step that matters.
func StepsOf(evs []events.EngineEvent) []Step {
	var out []Step
	for _, c := range preview.Steps(evs) {
		if c.Op != string(apitype.OpRefresh) {
			out = append(out, Step{URN: c.URN, Op: c.Op})
		}
	}
	return out
}

// Compare returns the steps only the approved list has and those only now has, each
// counted as often as it occurs, sorted by URN; both empty when the lists hold the same
// steps in any order.
func Compare(approved, now []Step) (onlyApproved, onlyNow []Step) {
	count := map[Step]int{}
	for _, s := range approved {
		count[s]++
	}
	for _, s := range now {
		count[s]--
	}
	for s, n := range count {
		for ; n > 0; n-- {
			onlyApproved = append(onlyApproved, s)
		}
		for ; n < 0; n++ {
			onlyNow = append(onlyNow, s)
		}
	}
	byURN := func(a, b Step) int { return cmp.Or(strings.Compare(a.URN, b.URN), strings.Compare(a.Op, b.Op)) }
	slices.SortFunc(onlyApproved, byURN)
	slices.SortFunc(onlyNow, byURN)
	return onlyApproved, onlyNow
}

// Difference renders Compare's result for the log: "-" before what was approved and will
// not happen, "+" before what would happen and was not approved.
func Difference(onlyApproved, onlyNow []Step) string {
	var b strings.Builder
	for _, s := range onlyApproved {
		fmt.Fprintf(&b, "- %s\n", s)
	}
	for _, s := range onlyNow {
		fmt.Fprintf(&b, "+ %s\n", s)
	}
	return b.String()
}

// write saves the steps file.
func (a Approved) write(path string) error {
	b, err := json.MarshalIndent(a, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

// ReadApproved reads a steps file written by the preview.
func ReadApproved(path string) (Approved, error) {
	var a Approved
	b, err := os.ReadFile(path)
	if err != nil {
		return a, fmt.Errorf("reading the approved steps: %w", err)
	}
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&a); err != nil {
		return a, fmt.Errorf("reading the approved steps %s: %w", path, err)
	}
	if a.Stack == "" || a.Commit == "" {
		return a, fmt.Errorf("the approved steps %s name no stack or commit", path)
	}
	return a, nil
}

// Summary renders a preview for the job summary and the approver: one row per resource
// the deploy changes (operation, type, name, changed properties), the count of those it
// leaves alone, and the policy pack's advisory findings. It shows names and property
// names, never values.
func Summary(stack, commit string, evs []events.EngineEvent) string {
	var b strings.Builder
	var changes []preview.Change
	same := 0
	for _, c := range preview.Steps(evs) {
		switch apitype.OpType(c.Op) {
		case apitype.OpSame:
			same++
		case apitype.OpRefresh, apitype.OpRead, apitype.OpReadDiscard:
		default:
			changes = append(changes, c)
		}
	}
	fmt.Fprintf(&b, "### Stack %s: %d change(s) to approve, commit %s\n\n", stack, len(changes), commit)
	if len(changes) == 0 {
		fmt.Fprintf(&b, "Nothing changes; %d resource(s) stay as they are.\n", same)
	} else {
		b.WriteString("| Operation | Type | Name | Changed properties |\n|---|---|---|---|\n")
		for _, c := range changes {
			name, typ, props := c.Cells()
			fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", c.Op, typ, name, props)
		}
		fmt.Fprintf(&b, "\n%d other resource(s) stay as they are.\n", same)
	}
	if f := findings(evs); f != "" {
		fmt.Fprintf(&b, "\nFindings:\n\n%s", f)
	}
	return b.String()
}

// Failure renders a preview that failed with code for the job summary: nothing to
// approve, and why, as the pack and the engine said it.
func Failure(stack, commit string, code int, evs []events.EngineEvent) string {
	what := "could not run"
	if code == Refused {
		what = "was refused"
	}
	s := fmt.Sprintf("### Stack %s: the preview %s, commit %s\n\nThere is nothing to approve; the job's log has the CLI's output.\n", stack, what, commit)
	if f := findings(evs); f != "" {
		s += "\n" + f
	}
	return s
}

// findings lists the policy pack's findings and the engine's errors as Markdown items;
// warnings stay in the log (the credential audit's name users).
func findings(evs []events.EngineEvent) string {
	var b strings.Builder
	for _, e := range evs {
		if p := e.PolicyEvent; p != nil {
			fmt.Fprintf(&b, "- %s `%s`: %s\n", p.EnforcementLevel, p.PolicyName, indent(p.Message))
		}
		if d := e.DiagnosticEvent; d != nil && d.Severity == "error" {
			fmt.Fprintf(&b, "- error: %s\n", indent(d.Message))
		}
	}
	return b.String()
}

// indent makes a message of several lines one Markdown list item.
func indent(msg string) string {
	return strings.ReplaceAll(strings.TrimSpace(msg), "\n", "\n  ")
}
