package program

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/secure-aws/secure-aws/components"
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
	if o.Trail != nil {
		ctx.Export("auditTrailArn", o.Trail.Arn)
		ctx.Export("auditTrailBucket", o.Trail.BucketName)
	}
	if o.Alerts != nil {
		ctx.Export("alertTopicArn", o.Alerts.TopicArn)
	}
	if o.CI != nil {
		ctx.Export("ciDeployRoleArn", o.CI.DeployRoleArn)
		ctx.Export("ciPreviewRoleArn", o.CI.PreviewRoleArn)
		ctx.Export("ciDriftRoleArn", o.CI.DriftRoleArn)
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
	ctx.Export("buckets", outputMaps(o.Buckets))
	ctx.Export("apps", outputMaps(o.Apps))
	ctx.Export("thirdParties", outputMaps(o.ThirdParties))
	ctx.Export("backups", outputMaps(o.Backups))
	// The key secrets apart, so the maps above stay readable: "apps/my-application" etc.
	secrets := pulumi.StringMap{}
	addSecrets(secrets, "apps", o.Apps)
	addSecrets(secrets, "thirdParties", o.ThirdParties)
	addSecrets(secrets, "backups", o.Backups)
	ctx.Export("accessKeySecrets", pulumi.ToSecret(secrets.ToStringMapOutput()))
}

// addSecrets adds each component's credential under <section>/<name>.
func addSecrets[T any](into pulumi.StringMap, section string, set map[string]T) {
	for name, c := range set {
		for _, secret := range components.Outputs(c, components.SecretOutputs) {
			into[section+"/"+name] = secret.(pulumi.StringOutput)
		}
	}
}

// outputMaps exports a set of components as one map from logical name to their public
// outputs.
func outputMaps[T any](set map[string]T) pulumi.Map {
	out := pulumi.Map{}
	for name, c := range set {
		out[name] = components.Outputs(c, components.PublicOutputs)
	}
	return out
}
