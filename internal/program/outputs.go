package program

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// export publishes the stack outputs under lowerCamelCase names. Secrets (initial
// passwords, access key secrets) stay Pulumi secrets: `pulumi stack output --show-secrets`
// reveals them to whoever can decrypt the stack.
func (o *Outputs) export(ctx *pulumi.Context) {
	ctx.Export("environment", pulumi.String(o.Environment))
	if o.Baseline != nil {
		ctx.Export("accountAlias", o.Baseline.Alias)
		ctx.Export("supportRoleArn", o.Baseline.SupportRoleArn)
	}
	if o.AdminGroup != nil {
		ctx.Export("adminGroupArn", o.AdminGroup.Arn)
		ctx.Export("adminUserArns", o.AdminGroup.UserArns)
		ctx.Export("adminInitialPasswords", o.AdminGroup.InitialPasswords)
	}
	if o.DeveloperGroup != nil {
		ctx.Export("developerGroupArn", o.DeveloperGroup.Arn)
		ctx.Export("developerUserArns", o.DeveloperGroup.UserArns)
		ctx.Export("developerInitialPasswords", o.DeveloperGroup.InitialPasswords)
	}
	buckets := pulumi.Map{}
	for name, b := range o.Buckets {
		buckets[name] = b.OutputMap()
	}
	ctx.Export("buckets", buckets)
	apps := pulumi.Map{}
	for name, a := range o.Apps {
		apps[name] = a.OutputMap()
	}
	ctx.Export("apps", apps)
	thirdParties := pulumi.Map{}
	for name, t := range o.ThirdParties {
		thirdParties[name] = t.OutputMap()
	}
	ctx.Export("thirdParties", thirdParties)
	backups := pulumi.Map{}
	for name, b := range o.Backups {
		backups[name] = b.OutputMap()
	}
	ctx.Export("backups", backups)
}
