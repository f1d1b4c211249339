// Command secure-aws is the Pulumi program that sets up an AWS account securely. It is
// run by `pulumi up`; everything it does lives in internal/program.
package main

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/secure-aws/secure-aws/internal/program"
)

func main() {
	pulumi.Run(program.Main(program.EngineConfigKeys(), ""))
}
