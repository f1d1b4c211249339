// Package preview runs `pulumi preview` through the Automation API on the CLI the stack's
// workspace uses, and reads its engine events as steps. The drift check (internal/drift) and
// the deploy gate (internal/gate) both read a refreshing preview through it. It also selects
// the stack as the workflows run it: the program inline, in this process.
package preview

import (
	"context"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/events"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/secure-aws/secure-aws/internal/program"
)

// Program is a stack's program, given the configuration keys the stack sets: the Go
// language host hands them to main.go in PULUMI_CONFIG, the engine gives an inline program
// their values but no list of them.
type Program func(keys []string) pulumi.RunFunc

// Workspace is the local workspace of the project in dir whose program is prog, run in this
// process as an Automation API inline program, so the CLI needs no Go language host. The
// CLI still reads the project from dir as `pulumi up` run there does: Pulumi.yaml (its
// declared defaults applied, keys without one required) and Pulumi.<stack>.yaml.
func Workspace(ctx context.Context, dir string, prog Program, opts ...auto.LocalWorkspaceOption) (auto.Workspace, error) {
	var ws auto.Workspace
	run := func(pctx *pulumi.Context) error {
		// Asked of the CLI on every run: the stack file may change between runs.
		cfg, err := ws.GetAllConfig(pctx.Context(), pctx.Stack())
		if err != nil {
			return fmt.Errorf("reading the keys of stack %s: %w", pctx.Stack(), err)
		}
		return prog(slices.Collect(maps.Keys(cfg)))(pctx)
	}
	ws, err := auto.NewLocalWorkspace(ctx, append(opts, auto.WorkDir(dir), auto.Program(run))...)
	return ws, err
}

// Select selects the existing stack name of the project in dir as the workflows run it:
// program.Main, inline, against AWS, with dir's stack files for the account's other stacks.
func Select(ctx context.Context, name, dir string) (auto.Stack, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return auto.Stack{}, err
	}
	ws, err := Workspace(ctx, dir, func(keys []string) pulumi.RunFunc { return program.Main(keys, dir) })
	if err != nil {
		return auto.Stack{}, err
	}
	return auto.SelectStack(ctx, name, ws)
}

// SkipCheckpoints is the CLI's switch that stops it serializing the whole snapshot after
// every step. A preview persists nothing (its snapshot manager discards what it is given),
// yet the CLI (3.274.1) still serializes and verifies the snapshot per step, which makes
// large previews quadratic (docs/engine-tests.md). Never set it for an up: the up would
// then write its state only at the end.
const SkipCheckpoints = "PULUMI_SKIP_CHECKPOINTS"

// Run runs a preview of s with opts and returns every engine event it streamed, with the
// preview's own error. The checkpoint switch is set on the workspace for the preview only.
func Run(ctx context.Context, s auto.Stack, opts ...optpreview.Option) ([]events.EngineEvent, error) {
	ws := s.Workspace()
	ws.SetEnvVar(SkipCheckpoints, "true")
	defer ws.UnsetEnvVar(SkipCheckpoints)
	ch, wait := Collect()
	_, err := s.Preview(ctx, append(opts, optpreview.EventStreams(ch))...)
	return wait(err), err
}

// Collect gathers the events of one Automation API run on the returned channel; wait,
// given the run's error, returns them. The Automation API closes the channel when the
// CLI's event stream ends; a CLI that failed before it streamed anything (no backend, no
// stack) never opens it, so after an error wait gives up after a second.
func Collect() (chan events.EngineEvent, func(error) []events.EngineEvent) {
	ch := make(chan events.EngineEvent)
	done := make(chan []events.EngineEvent, 1)
	go func() {
		var evs []events.EngineEvent
		for e := range ch {
			evs = append(evs, e)
		}
		done <- evs
	}()
	return ch, func(err error) []events.EngineEvent {
		if err == nil {
			return <-done
		}
		select {
		case evs := <-done:
			return evs
		case <-time.After(time.Second):
			return nil
		}
	}
}

// Change is one step of the engine on one resource.
type Change struct {
	URN string
	// Op is the engine's operation (create, update, replace, delete, same, ...), or a
	// caller's own word for what happens.
	Op string
	// Properties are the inputs that differ, sorted.
	Properties []string
}

// Steps lists the resource steps of a run's events, in the order the engine announced
// them, each with the inputs it changes.
func Steps(evs []events.EngineEvent) []Change {
	var out []Change
	for _, e := range evs {
		if e.ResourcePreEvent == nil {
			continue
		}
		m := e.ResourcePreEvent.Metadata
		out = append(out, Change{URN: m.URN, Op: string(m.Op), Properties: slices.Sorted(slices.Values(m.Diffs))})
	}
	return out
}

// Cells are the Markdown table cells of a change: the resource's name and its own type
// (code-formatted), and its changed properties ("-" for none).
func (c Change) Cells() (name, typ, props string) {
	typ, name = TypeName(c.URN)
	props = "-"
	if len(c.Properties) > 0 {
		props = "`" + strings.Join(c.Properties, "`, `") + "`"
	}
	return "`" + name + "`", "`" + typ + "`", props
}

// TypeName splits urn:pulumi:stack::project::parent$type::name into the resource's own
// type and its name.
func TypeName(urn string) (typ, name string) {
	parts := strings.Split(urn, "::")
	if len(parts) < 4 {
		return "", urn
	}
	types := strings.Split(parts[2], "$")
	return types[len(types)-1], strings.Join(parts[3:], "::")
}
