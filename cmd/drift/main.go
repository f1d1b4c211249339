// Command drift compares what AWS holds with what the program declares for one stack, as
// the scheduled drift workflow does (.github/workflows/drift.yml):
//
//	go run ./cmd/drift --stack production [--dir .]
//
// It runs `pulumi preview --refresh --expect-no-changes` through the Pulumi CLI on PATH, the
// program running in this process as an Automation API inline program (as main.go runs
// it, on the Pulumi.yaml and stack files in --dir: no Go language host), with the credentials and backend of the environment, changes nothing, and prints a
// Markdown summary per resource. It exits 0 when nothing drifted, 1 when a resource
// differs, and 2 when the check could not run (usage, stack, backend or AWS errors).
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/secure-aws/secure-aws/internal/drift"
	"github.com/secure-aws/secure-aws/internal/preview"
)

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	flags := flag.NewFlagSet("drift", flag.ContinueOnError)
	flags.SetOutput(stderr)
	stack := flags.String("stack", "", "stack name (required); the stack must exist in the backend")
	dir := flags.String("dir", ".", "directory holding Pulumi.yaml")
	if err := flags.Parse(args); err != nil || *stack == "" || flags.NArg() > 0 {
		fmt.Fprintln(stderr, "usage: drift --stack NAME [--dir DIR]")
		return 2
	}
	s, err := preview.Select(ctx, *stack, *dir)
	if err != nil {
		fmt.Fprintf(stderr, "selecting stack %s: %v\n", *stack, err)
		return 2
	}
	return drift.Run(ctx, s, stdout, stderr)
}
