// Command gate is the deploy workflow's approval after evidence, for one stack:
//
//	go run ./cmd/gate preview --stack production --out DIR [--dir .] [--refresh=false]
//	go run ./cmd/gate apply --stack production --approved DIR/steps.json [--dir .]
//
// Both run the program in this process (internal/program, as main.go runs it) as an
// Automation API inline program, on the project's Pulumi.yaml and stack files in --dir, and
// build the repository's policy pack (./policypack, with the go on PATH) into a temporary
// directory to pass the CLI its binary: the Pulumi CLI on PATH, which must be the version of
// the program's SDK, needs no Go language host.
//
// preview runs `pulumi preview --refresh --diff` with the pack (--refresh=false: without
// the refresh, for a role that reads the state and no resource) and writes DIR/steps.json (each step's URN and operation, nothing secret)
// and DIR/summary.md (a table per resource for the job summary and the approver), and
// prints the summary on stdout (the CLI's progress goes to stderr). It writes no state. It exits 0 when the preview ran, changes or not,
// 1 when the policy pack (a mandatory violation) or the program refused, 2 when it could
// not run.
//
// apply refuses (exit 2) unless the checkout is the commit the steps were previewed on,
// that commit is the head of main as `git ls-remote origin` says (GITHUB_TOKEN, if set,
// authenticates the request), and the stack's tag secure-aws:deployed-commit names one of
// its ancestors (or is unset: the first deploy); the checkout needs main's history. It then
// previews again and stops (exit 1) if the steps differ from the approved ones, printing
// the difference, before anything changes; then runs up with the pack and sets the tag.
// It exits 0 once deployed and tagged, 1 when refused or up failed (or up took steps that
// were not approved, AWS having changed in the seconds after the preview).
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/secure-aws/secure-aws/internal/gate"
	"github.com/secure-aws/secure-aws/internal/preview"
)

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
}

const usage = "usage: gate preview --stack NAME --out DIR [--dir DIR] [--refresh=false]\n       gate apply --stack NAME --approved FILE [--dir DIR]"

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || (args[0] != "preview" && args[0] != "apply") {
		fmt.Fprintln(stderr, usage)
		return gate.CannotRun
	}
	command := args[0]
	flags := flag.NewFlagSet("gate "+command, flag.ContinueOnError)
	flags.SetOutput(stderr)
	stack := flags.String("stack", "", "stack name (required); the stack must exist in the backend")
	dir := flags.String("dir", ".", "the checkout: the directory holding Pulumi.yaml and policypack/")
	file := flags.String("out", "", "preview: the directory to write steps.json and summary.md into")
	refresh := new(bool)
	if command == "apply" {
		file = flags.String("approved", "", "apply: the steps.json of the approved preview")
	} else {
		refresh = flags.Bool("refresh", true, "preview: refresh first (false: compare with the state as recorded)")
	}
	if err := flags.Parse(args[1:]); err != nil || *stack == "" || *file == "" || flags.NArg() > 0 {
		fmt.Fprintln(stderr, usage)
		return gate.CannotRun
	}
	s, err := preview.Select(ctx, *stack, *dir)
	if err != nil {
		fmt.Fprintf(stderr, "selecting stack %s: %v\n", *stack, err)
		return gate.CannotRun
	}
	// Always the repository's own pack, as reviewed.
	tmp, err := os.MkdirTemp("", "gate-")
	if err != nil {
		fmt.Fprintln(stderr, err)
		return gate.CannotRun
	}
	defer os.RemoveAll(tmp)
	pack, err := gate.BuildPolicyPack(ctx, *dir, tmp)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return gate.CannotRun
	}
	o := gate.Options{PolicyPack: pack, Git: gate.DefaultGit(*dir), NoRefresh: !*refresh}
	if command == "apply" {
		return gate.Apply(ctx, s, *file, o, stdout, stderr)
	}
	return gate.Preview(ctx, s, *file, o, stdout, stderr)
}
