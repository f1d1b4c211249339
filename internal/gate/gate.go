// Package gate is the deploy workflow's approval after evidence: a preview writes the steps
// a deploy would take and a summary for the approver; after approval, the apply refuses a
// commit that is not the newest, previews again, stops if the steps differ from the
// approved ones, and only then runs up and records the deployed commit on the stack.
package gate

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"

	sdk "github.com/pulumi/pulumi/sdk/v3"
	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/events"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"

	"github.com/secure-aws/secure-aws/internal/preview"
)

// Exit codes of Preview and Apply.
const (
	// OK: the preview ran (changes or not), or the apply deployed and recorded its commit.
	OK = 0
	// Refused: the policy pack found a mandatory violation, the program refused its
	// configuration, the steps differ from the approved ones, or up failed.
	Refused = 1
	// CannotRun: usage, checkout, stack, backend or CLI errors, and a commit that may not
	// deploy (not main's head as the remote says, or not newer than the deployed one).
	CannotRun = 2
)

// DeployedTag is the stack tag holding the last commit deployed to the stack. Only the
// deploy jobs can write it: it lives in the state backend.
const DeployedTag = "secure-aws:deployed-commit"

// Files the preview writes into its output directory.
const (
	StepsFile   = "steps.json"
	SummaryFile = "summary.md"
)

// Options are the parts of a gate run that are not the stack.
type Options struct {
	// PolicyPack is the pack every preview and up runs with: a built pack binary
	// (BuildPolicyPack), or a directory holding PulumiPolicy.yaml (its runtime go then
	// needs the Go language host).
	PolicyPack string
	Git        Git
	// NoRefresh makes Preview compare the program with the state as last recorded, for a
	// role that may read the state but no resource (the pull request's preview). Apply
	// always refreshes: it compares what AWS holds now with the approved steps.
	NoRefresh bool
}

// BuildPolicyPack builds the policy pack of the checkout in dir (./policypack, as reviewed)
// into outDir and returns the binary's path, which the CLI runs as the pack itself: the
// pack's directory (runtime go) would need the Go language host. The real-engine tier
// builds its pack with it too.
func BuildPolicyPack(ctx context.Context, dir, outDir string) (string, error) {
	out, err := filepath.Abs(filepath.Join(outDir, "policypack"))
	if err != nil {
		return "", err
	}
	cmd := exec.CommandContext(ctx, "go", "build", "-o", out, "./policypack")
	cmd.Dir = dir
	if b, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("building the policy pack of %s: %w\n%s", dir, err, b)
	}
	return out, nil
}

// Preview runs the refreshing preview of s with the pack (pulumi preview --refresh --diff,
// one command: the refresh is part of the preview and persists nothing; without --refresh
// under o.NoRefresh), writes the steps
// file (when it ran) and the summary into dir, and prints the summary on stdout; the CLI's
// progress goes to stderr.
func Preview(ctx context.Context, s auto.Stack, dir string, o Options, stdout, stderr io.Writer) int {
	head, err := o.Git.Head(ctx)
	if err == nil {
		err = checkCLI(s)
	}
	if err == nil {
		err = os.MkdirAll(dir, 0o755)
	}
	if err != nil {
		fmt.Fprintf(stderr, "the preview of stack %s may not run: %v\n", s.Name(), err)
		return CannotRun
	}
	evs, code := runPreview(ctx, s, o.PolicyPack, !o.NoRefresh, stderr)
	var summary string
	if code == OK {
		summary = Summary(s.Name(), head, evs)
		err = Approved{Stack: s.Name(), Commit: head, Steps: StepsOf(evs)}.write(filepath.Join(dir, StepsFile))
	} else {
		summary = Failure(s.Name(), head, code, evs)
	}
	if err == nil {
		err = os.WriteFile(filepath.Join(dir, SummaryFile), []byte(summary), 0o644)
	}
	if err != nil {
		fmt.Fprintf(stderr, "writing the preview: %v\n", err)
		return CannotRun
	}
	fmt.Fprint(stdout, summary)
	return code
}

// Apply deploys s if, and only if, the checkout is the commit the approved steps were
// previewed on, that commit is the head of the branch as the remote says and strictly
// newer than the deployed one, and a new refreshing preview with the pack takes exactly
// the approved steps. The preview also stops a mandatory violation before anything
// changes: up alone (the Automation API runs it with --skip-preview) would create what was
// registered before the violating resource. After up, the deployed commit is recorded.
// The CLI's progress and every refusal go to stderr.
func Apply(ctx context.Context, s auto.Stack, approvedPath string, o Options, stdout, stderr io.Writer) int {
	approved, err := checkApply(ctx, s, approvedPath, o)
	if err != nil {
		fmt.Fprintf(stderr, "the deploy of stack %s may not run: %v\n", s.Name(), err)
		return CannotRun
	}
	evs, code := runPreview(ctx, s, o.PolicyPack, true, stderr)
	if code != OK {
		return code
	}
	if onlyApproved, onlyNow := Compare(approved.Steps, StepsOf(evs)); len(onlyApproved)+len(onlyNow) > 0 {
		fmt.Fprintf(stderr, "stack %s: the deploy would not take the approved steps, so nothing was changed; preview and approve again.\n%s",
			s.Name(), Difference(onlyApproved, onlyNow))
		return Refused
	}
	ch, wait := preview.Collect()
	// The checkpoint switch of the previews is set in the workspace for them only; an up
	// must write its state as it goes, whatever the job's environment says.
	s.Workspace().SetEnvVar(preview.SkipCheckpoints, "false")
	_, err = s.Up(ctx, optup.Refresh(), optup.PolicyPacks(o.PolicyPack), optup.Diff(), optup.ProgressStreams(stderr), optup.EventStreams(ch))
	s.Workspace().UnsetEnvVar(preview.SkipCheckpoints)
	upSteps := wait(err)
	if err != nil {
		fmt.Fprintf(stderr, "stack %s: up failed: %v\n", s.Name(), err)
		return Refused
	}
	if err := s.Workspace().SetTag(ctx, s.Name(), DeployedTag, approved.Commit); err != nil {
		fmt.Fprintf(stderr, "stack %s: deployed commit %s, but could not record it in tag %s: %v\n", s.Name(), approved.Commit, DeployedTag, err)
		return Refused
	}
	// AWS can change in the seconds between the preview and up. A step approved as a
	// change that up found unneeded (same) is no harm; any other difference is said.
	_, onlyUp := Compare(approved.Steps, StepsOf(upSteps))
	if unapproved := slices.DeleteFunc(onlyUp, func(s Step) bool { return s.Op == string(apitype.OpSame) }); len(unapproved) > 0 {
		fmt.Fprintf(stderr, "stack %s: deployed commit %s, but up took steps that were not approved (AWS changed after the preview):\n%s",
			s.Name(), approved.Commit, Difference(nil, unapproved))
		return Refused
	}
	fmt.Fprintf(stdout, "stack %s: deployed commit %s\n", s.Name(), approved.Commit)
	return OK
}

// checkApply is every check of Apply that runs before the preview, and returns the
// approved steps, whose commit is the one to deploy.
func checkApply(ctx context.Context, s auto.Stack, approvedPath string, o Options) (Approved, error) {
	approved, err := ReadApproved(approvedPath)
	if err != nil {
		return approved, err
	}
	if approved.Stack != s.Name() {
		return approved, fmt.Errorf("the approved steps %s are of stack %s", approvedPath, approved.Stack)
	}
	head, err := o.Git.Head(ctx)
	if err != nil {
		return approved, err
	}
	if approved.Commit != head {
		return approved, fmt.Errorf("the approved steps are of commit %s, the checkout is %s", approved.Commit, head)
	}
	if err := checkCLI(s); err != nil {
		return approved, err
	}
	tags, err := s.Workspace().ListTags(ctx, s.Name())
	if err != nil {
		return approved, fmt.Errorf("reading the deployed commit: %w", err)
	}
	return approved, o.Git.CheckDeployable(ctx, head, tags[DeployedTag])
}

// runPreview is the preview with the pack, refreshing or not, its progress on stderr; on
// failure the exit code says whether the pack or the program refused, or it could not run.
func runPreview(ctx context.Context, s auto.Stack, pack string, refresh bool, stderr io.Writer) ([]events.EngineEvent, int) {
	opts := []optpreview.Option{optpreview.Diff(), optpreview.PolicyPacks(pack), optpreview.ProgressStreams(stderr)}
	if refresh {
		opts = append(opts, optpreview.Refresh())
	}
	evs, err := preview.Run(ctx, s, opts...)
	if err == nil {
		return evs, OK
	}
	fmt.Fprintf(stderr, "the preview of stack %s failed: %v\n", s.Name(), err)
	if refused(evs) {
		return evs, Refused
	}
	return evs, CannotRun
}

// refused tells a preview the pack or the program refused from one that could not run:
// a mandatory policy violation, or an error tied to no resource but the stack itself (an
// inline program's error comes with no URN). A provider's error names its resource; a
// backend or credential error comes before any event.
func refused(evs []events.EngineEvent) bool {
	for _, e := range evs {
		if p := e.PolicyEvent; p != nil && p.EnforcementLevel == "mandatory" && len(p.Exceptions) == 0 {
			return true
		}
		if d := e.DiagnosticEvent; d != nil && d.Severity == "error" && (d.URN == "" || strings.Contains(d.URN, "::pulumi:pulumi:Stack::")) {
			return true
		}
	}
	return false
}

// checkCLI refuses a Pulumi CLI other than the version of the program's Pulumi SDK, the
// one the workflows pin and the real-engine tests run.
func checkCLI(s auto.Stack) error {
	if got := s.Workspace().PulumiCommand().Version(); !got.Equals(sdk.Version) {
		return fmt.Errorf("the Pulumi CLI on PATH is v%s; deploys run the pinned v%s, the version of the program's SDK", got, sdk.Version)
	}
	return nil
}
