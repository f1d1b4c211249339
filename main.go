// Command secure-aws is the Pulumi program that sets up an AWS account securely. It is
// run by `pulumi up`; everything it does lives in internal/program.
package main

import (
	"cmp"
	"os"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/secure-aws/secure-aws/internal/awsaccount"
	"github.com/secure-aws/secure-aws/internal/program"
)

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		return program.Run(program.Env{
			Account:      awsaccount.AWSReader{Get: ctx.GetConfig},
			ConfigKeys:   program.EngineConfigKeys(),
			Dir:          cmp.Or(ctx.RootDirectory(), "."),
			AuditDetails: os.Getenv(program.AuditDetailsEnvVar),
		})(ctx)
	})
}
