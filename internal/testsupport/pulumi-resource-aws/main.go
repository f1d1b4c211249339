//go:build fakeaws

// Command pulumi-resource-aws serves the stand-in AWS provider (package standin) to the
// Pulumi engine, for the real-engine tests only. It is a test double: it builds only with
// the build tag fakeaws (standin.StandInTag), so `go install ./...` never puts it on PATH,
// and it refuses to start outside a test.
package main

import (
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/cmdutil"

	"github.com/secure-aws/secure-aws/internal/testsupport/standin"
)

func main() {
	if err := standin.Main(); err != nil {
		cmdutil.ExitError(err.Error())
	}
}
