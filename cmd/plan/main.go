// Command plan shows, offline, what the secure-aws program would register for a stack:
//
//	go run ./cmd/plan --stack staging [--format markdown|json] [--dir .]
//	go run ./cmd/plan --stack staging --base base.json
//
// With --base, the JSON plan of the stack as deployed (the pull request's base), it prints
// instead what the deploy would change, matched by URN: resources created, updated,
// replaced and deleted, the protected ones whose deletion or replacement stops the
// deploy, and the credentials their holders lose.
//
// It needs no AWS credentials and no Pulumi CLI. It exits 1 when a mandatory policy rule
// is violated, 2 when the stack file is missing, is not valid YAML or its configuration is
// invalid (nothing could be planned or deployed), 3 when the program itself failed, and 4
// when, with --base, the deploy would stop at a protected resource (and no mandatory rule
// is violated).
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"

	"github.com/secure-aws/secure-aws/internal/config"
	"github.com/secure-aws/secure-aws/internal/plan"
	"github.com/secure-aws/secure-aws/internal/stackfile"
)

func main() {
	os.Exit(run(os.Args[1:]))
}

func run(args []string) int {
	flags := flag.NewFlagSet("plan", flag.ContinueOnError)
	stack := flags.String("stack", "", "stack name: reads Pulumi.<stack>.yaml (required)")
	format := flags.String("format", "markdown", "markdown or json")
	dir := flags.String("dir", ".", "directory holding Pulumi.yaml")
	basePath := flags.String("base", "", "JSON plan of the deployed stack (--format json): print the changes from it (an empty file: a new stack)")
	if err := flags.Parse(args); err != nil {
		return 2
	}
	if *stack == "" || (*format != "markdown" && *format != "json") || (*basePath != "" && *format != "markdown") {
		fmt.Fprintln(os.Stderr, "usage: plan --stack NAME [--format markdown|json] [--dir DIR]\n       plan --stack NAME --base BASE.json [--dir DIR]")
		return 2
	}
	var base []byte
	if *basePath != "" {
		var err error
		if base, err = os.ReadFile(*basePath); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 2
		}
	}
	p, err := plan.Run(*dir, *stack)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		var cfgErr *config.Error
		var fileErr *stackfile.InvalidError
		if errors.As(err, &cfgErr) || errors.As(err, &fileErr) {
			return 2
		}
		return 3
	}
	var changes plan.Changes
	switch {
	case *basePath != "":
		if changes, err = p.Compare(base); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 2
		}
		fmt.Print(changes.Markdown())
	case *format == "json":
		out, err := p.JSON()
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 3
		}
		os.Stdout.Write(out)
	default:
		fmt.Print(p.Markdown())
	}
	if n := p.MandatoryViolations(); n > 0 {
		fmt.Fprintf(os.Stderr, "%d mandatory policy rule violation(s)\n", n)
		return 1
	}
	if n := len(changes.Stops()); n > 0 {
		fmt.Fprintf(os.Stderr, "the deploy would stop: it deletes or replaces %d protected resource(s)\n", n)
		return 4
	}
	return 0
}
