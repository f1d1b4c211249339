// Command policypack is the secure-aws Pulumi policy pack. The Pulumi CLI builds and starts
// it for `pulumi preview --policy-pack ./policypack`; it serves the Analyzer protocol on a
// port it prints on its first line of output.
package main

import (
	"fmt"
	"os"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/policyx"
)

func main() {
	if err := policyx.Main(func(*pulumi.Context) (policyx.PolicyPack, error) { return NewPack() }); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
