// Command plan shows, offline, what the secure-aws program would register for a stack:
//
//	go run ./cmd/plan --stack staging [--format markdown|json] [--dir .]
//	go run ./cmd/plan --stack staging --base base.json
//	go run ./cmd/plan --stack staging --resources head.json [--base base.json]
//	go run ./cmd/plan --comment comment.md [--limit 60000]
//
// With --base, the JSON plan of the stack as deployed (the pull request's base), it prints
// instead what the deploy would change, matched by URN: resources created, updated,
// replaced and deleted, the protected ones whose deletion or replacement stops the
// deploy, and the credentials their holders lose. With --resources, the JSON plan of the
// stack made by another build (the pull request's), it does not run the program: it
// renders those resources and judges them with its own rules (plan.Render). With
// --comment, it prints the pull request comment cut to --limit bytes (plan.CutComment).
//
// It needs no AWS credentials and no Pulumi CLI. Each rule violation is one line on stderr
// (the stack file's setting and its value, the rule and what it accepts; or the resource).
// It exits 1 when a mandatory policy rule is violated, 2 when the stack file is missing, is not valid YAML or its configuration is
// invalid (nothing could be planned or deployed), 3 when the program itself failed, and 4
// when, with --base, the deploy would stop at a protected resource (and no mandatory rule
// is violated).
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/secure-aws/secure-aws/internal/config"
	"github.com/secure-aws/secure-aws/internal/plan"
	"github.com/secure-aws/secure-aws/internal/stackfile"
)

func main() {
	os.Exit(run(os.Args[1:]))
}

// violations writes each rule violation of p in one line (rules.Violation.String: the
// setting and its value where one setting gives it, else the resource), led by the rule's
// level, then the count of mandatory ones, which it returns.
func violations(w io.Writer, p *plan.Plan) int {
	for _, v := range p.Violations {
		fmt.Fprintf(w, "%s: %s\n", p.Level(v), v)
	}
	n := p.MandatoryViolations()
	if n > 0 {
		fmt.Fprintf(w, "%d mandatory policy rule violation(s)\n", n)
	}
	return n
}

func run(args []string) int {
	flags := flag.NewFlagSet("plan", flag.ContinueOnError)
	stack := flags.String("stack", "", "stack name: reads Pulumi.<stack>.yaml (required)")
	format := flags.String("format", "markdown", "markdown or json")
	dir := flags.String("dir", ".", "directory holding Pulumi.yaml")
	basePath := flags.String("base", "", "JSON plan of the deployed stack (--format json): print the changes from it (an empty file: a new stack)")
	resourcesPath := flags.String("resources", "", "JSON plan of the stack (--format json) by another build: render its resources instead of running the program")
	commentPath := flags.String("comment", "", "a pull request comment (Markdown): print it cut to --limit bytes")
	limit := flags.Int("limit", 60000, "with --comment: the most bytes to print")
	if err := flags.Parse(args); err != nil {
		return 2
	}
	if *commentPath != "" && *stack == "" {
		md, err := os.ReadFile(*commentPath)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 2
		}
		fmt.Print(plan.CutComment(string(md), *limit))
		return 0
	}
	if *stack == "" || (*format != "markdown" && *format != "json") || (*basePath != "" && *format != "markdown") {
		fmt.Fprintln(os.Stderr, "usage: plan --stack NAME [--format markdown|json] [--dir DIR] [--resources HEAD.json]\n       plan --stack NAME --base BASE.json [--dir DIR] [--resources HEAD.json]\n       plan --comment COMMENT.md [--limit BYTES]")
		return 2
	}
	var base, recorded []byte
	for _, f := range []struct {
		path string
		into *[]byte
	}{{*basePath, &base}, {*resourcesPath, &recorded}} {
		if f.path == "" {
			continue
		}
		var err error
		if *f.into, err = os.ReadFile(f.path); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 2
		}
	}
	var p *plan.Plan
	var err error
	if *resourcesPath != "" {
		p, err = plan.Render(*dir, *stack, recorded)
	} else {
		p, err = plan.Run(*dir, *stack)
	}
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
		diff, err := p.Diff(base)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 2
		}
		changes = diff.Changes
		fmt.Print(diff.Markdown())
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
	if violations(os.Stderr, p) > 0 {
		return 1
	}
	if n := len(changes.Stops()); n > 0 {
		fmt.Fprintf(os.Stderr, "the deploy would stop: it deletes or replaces %d protected resource(s)\n", n)
		return 4
	}
	return 0
}
