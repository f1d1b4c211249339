// Command plan shows, offline, what the secure-aws program would register for a stack:
//
//	go run ./cmd/plan --stack staging [--format markdown|json] [--dir .]
//
// It needs no AWS credentials and no Pulumi CLI. It exits 1 when a mandatory policy rule
// is violated, 2 when the stack file is missing, is not valid YAML or its configuration is
// invalid (nothing could be planned or deployed), and 3 when the program itself failed.
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
	if err := flags.Parse(args); err != nil {
		return 2
	}
	if *stack == "" || (*format != "markdown" && *format != "json") {
		fmt.Fprintln(os.Stderr, "usage: plan --stack NAME [--format markdown|json] [--dir DIR]")
		return 2
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
	if *format == "json" {
		out, err := p.JSON()
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 3
		}
		os.Stdout.Write(out)
	} else {
		fmt.Print(p.Markdown())
	}
	if n := p.MandatoryViolations(); n > 0 {
		fmt.Fprintf(os.Stderr, "%d mandatory policy rule violation(s)\n", n)
		return 1
	}
	return 0
}
