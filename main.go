// Command secure-aws is the Pulumi program that sets up an AWS account securely. It is
// run by `pulumi up`; everything it does lives in internal/program.
package main

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/secure-aws/secure-aws/internal/program"
	"github.com/secure-aws/secure-aws/internal/rootcheck"
)

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		return program.Run(rootcheck.AWSReader{Get: ctx.GetConfig}, program.EngineConfigKeys())(ctx)
	})
}
