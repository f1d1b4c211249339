package components

import (
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cfg"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/guardduty"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/securityhub"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/secure-aws/secure-aws/awsnames"
	"github.com/secure-aws/secure-aws/iampolicy"
	"github.com/secure-aws/secure-aws/spec"
)

// DetectionType is the type token of Detection; renaming it changes every child URN.
const DetectionType = "secure-aws:components:Detection"

// SecurityHubStandards are the Security Hub CSPM standards Detection subscribes to in a
// region: CIS AWS Foundations Benchmark v5.0.0 (the version this project's CIS ids name)
// and AWS Foundational Security Best Practices v1.0.0, by the ARNs of "Security Hub CSPM
// standards reference" (https://docs.aws.amazon.com/securityhub/latest/userguide/standards-reference.html):
// regional standards/ ARNs, as pulumi-aws's StandardsSubscription documentation gives them
// for CIS v1.4.0 and v3.0.0 (only v1.2.0 is a ruleset/ ARN without a region); `aws
// securityhub describe-standards` lists a region's exact ARNs.
// The map's keys name each subscription's resource.
func SecurityHubStandards(partition, region string) map[string]string {
	prefix := "arn:" + partition + ":securityhub:" + region + "::standards/"
	return map[string]string{
		"cis":  prefix + "cis-aws-foundations-benchmark/v/5.0.0",
		"fsbp": prefix + "aws-foundational-security-best-practices/v/1.0.0",
	}
}

// DetectionArgs configures a Detection.
type DetectionArgs struct {
	// Account to watch (required).
	Account spec.Account
	// Region is the stack's region (required): AWS Config records the global resources
	// (IAM) only here, so each is recorded once.
	Region string
	// Regions are the regions watched, the stack's included (required, at least one).
	Regions []string
	// EnableGuardDuty turns on a GuardDuty detector in each region. Default false.
	EnableGuardDuty bool
	// FindingFrequency is how often GuardDuty publishes updated findings (required with
	// EnableGuardDuty: spec.GuardDutyFrequencies).
	FindingFrequency string
	// ConfigBucket, when set, turns on an AWS Config recorder in each region delivering to
	// this bucket, created for it. Optional.
	ConfigBucket string
	// EnableSecurityHub turns on Security Hub CSPM in each region with the CIS v5.0.0 and
	// FSBP standards (SecurityHubStandards). It needs ConfigBucket: most controls are AWS
	// Config rules. Default false.
	EnableSecurityHub bool
}

func (args *DetectionArgs) problems() []spec.FieldProblem {
	problems := accountProblems(args.Account)
	if args.Region == "" || !slices.Contains(args.Regions, args.Region) {
		problems = append(problems, spec.FieldProblem{Field: "regions", Message: fmt.Sprintf("must list the stack's region %q", args.Region)})
	}
	for i, r := range args.Regions {
		if awsnames.Partition(r) != args.Account.Partition {
			problems = append(problems, spec.FieldProblem{Field: fmt.Sprintf("regions[%d]", i), Message: fmt.Sprintf("%q is not a region of partition %s", r, args.Account.Partition)})
		}
	}
	if args.EnableGuardDuty && !slices.Contains(spec.GuardDutyFrequencies(), args.FindingFrequency) {
		problems = append(problems, spec.FieldProblem{Field: "findingFrequency", Message: fmt.Sprintf("%q is not one of %v", args.FindingFrequency, spec.GuardDutyFrequencies())})
	}
	if args.EnableSecurityHub && args.ConfigBucket == "" {
		problems = append(problems, spec.FieldProblem{Field: "enableSecurityHub", Message: "needs configBucket: Security Hub CSPM's controls are AWS Config rules, which need a recorder"})
	}
	return problems
}

// Detection turns on the account's detective services in each region: GuardDuty (threats),
// AWS Config (what each resource's configuration was, when; CIS v5.0.0 3.3 (v7.0.0 4.3))
// and Security Hub CSPM scoring the account against CIS v5.0.0 and FSBP (CIS v5.0.0 4.16
// (v7.0.0 5.16)). They exist once per account and region: create it in the managing
// stack only.
type Detection struct {
	pulumi.ResourceState

	// ConfigBucketName is AWS Config's delivery bucket ("" without Config).
	ConfigBucketName pulumi.StringOutput `output:"configBucketName"`
}

// NewDetection registers a Detection.
func NewDetection(ctx *pulumi.Context, name string, args *DetectionArgs, opts ...pulumi.ResourceOption) (*Detection, error) {
	if args == nil {
		return nil, errors.New("detection: args are required")
	}
	problems := args.problems()
	var bucketArgs *SecureBucketArgs
	if args.ConfigBucket != "" {
		// No Object Lock: AWS Config does not deliver to a bucket with Object Lock
		// (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-config-deliverychannel.html).
		bucketArgs = &SecureBucketArgs{
			Account:          args.Account,
			BucketName:       args.ConfigBucket,
			PolicyStatements: iampolicy.ConfigBucketStatements(args.Account.Partition, args.ConfigBucket, args.Account.ID),
		}
		problems = append(problems, spec.Prefixed("configBucket", bucketArgs.problems())...)
	}
	if err := spec.ProblemsError(problems); err != nil {
		return nil, fmt.Errorf("detection %s: %w", name, err)
	}
	c := &Detection{ConfigBucketName: pulumi.String("").ToStringOutput()}
	if err := ctx.RegisterComponentResource(DetectionType, name, c, opts...); err != nil {
		return nil, fmt.Errorf("registering %s %s: %w", DetectionType, name, err)
	}
	parent := pulumi.Parent(c)
	// Turning a detective service off is what an intruder does first: leaving the program
	// must not do it either.
	retained := []pulumi.ResourceOption{parent, pulumi.RetainOnDelete(true)}
	var recorderRole *iam.ServiceLinkedRole
	var bucket *SecureBucket
	if bucketArgs != nil {
		var err error
		if bucket, err = NewSecureBucket(ctx, name+"-config", bucketArgs, parent); err != nil {
			return nil, err
		}
		c.ConfigBucketName = bucket.BucketName
		// The service-linked role, not a role of our own: Security Hub CSPM's Config.1
		// (CIS v5.0.0 3.3) fails a recorder that uses another role.
		if recorderRole, err = iam.NewServiceLinkedRole(ctx, name+"-config-role", &iam.ServiceLinkedRoleArgs{
			AwsServiceName: pulumi.String("config.amazonaws.com"),
		}, retained...); err != nil {
			return nil, fmt.Errorf("creating AWS Config's service-linked role: %w", err)
		}
	}
	for _, region := range args.Regions {
		ropts := slices.Clone(retained)
		if region != args.Region {
			provider, err := regionProvider(ctx, name, region, args.Account, parent)
			if err != nil {
				return nil, err
			}
			ropts = append(ropts, pulumi.Provider(provider))
		}
		if err := detectRegion(ctx, name+"-"+region, args, region, bucket, recorderRole, ropts); err != nil {
			return nil, err
		}
	}
	if err := registerOutputs(ctx, c, name); err != nil {
		return nil, err
	}
	return c, nil
}

// detectRegion registers the services of one region, each resource named from name.
func detectRegion(ctx *pulumi.Context, name string, args *DetectionArgs, region string, bucket *SecureBucket, role *iam.ServiceLinkedRole, opts []pulumi.ResourceOption) error {
	if args.EnableGuardDuty {
		if _, err := guardduty.NewDetector(ctx, name+"-guardduty", &guardduty.DetectorArgs{
			Enable:                     pulumi.Bool(true),
			FindingPublishingFrequency: pulumi.String(args.FindingFrequency),
		}, opts...); err != nil {
			return fmt.Errorf("turning on GuardDuty in %s: %w", region, err)
		}
	}
	if bucket == nil {
		return nil
	}
	// One recorder and one delivery channel per region and account, named "default" as
	// the console names them.
	recorder, err := cfg.NewRecorder(ctx, name+"-config-recorder", &cfg.RecorderArgs{
		Name:    pulumi.String("default"),
		RoleArn: role.Arn,
		RecordingGroup: &cfg.RecorderRecordingGroupArgs{
			AllSupported:               pulumi.Bool(true),
			IncludeGlobalResourceTypes: pulumi.Bool(region == args.Region),
		},
	}, opts...)
	if err != nil {
		return fmt.Errorf("creating the AWS Config recorder of %s: %w", region, err)
	}
	channel, err := cfg.NewDeliveryChannel(ctx, name+"-config-delivery", &cfg.DeliveryChannelArgs{
		Name:         pulumi.String("default"),
		S3BucketName: bucket.BucketName,
	}, slices.Concat(opts, []pulumi.ResourceOption{pulumi.DependsOn([]pulumi.Resource{recorder, bucket.Policy})})...)
	if err != nil {
		return fmt.Errorf("creating the AWS Config delivery channel of %s: %w", region, err)
	}
	status, err := cfg.NewRecorderStatus(ctx, name+"-config-recording", &cfg.RecorderStatusArgs{
		Name:      recorder.Name,
		IsEnabled: pulumi.Bool(true),
	}, slices.Concat(opts, []pulumi.ResourceOption{pulumi.DependsOn([]pulumi.Resource{channel})})...)
	if err != nil {
		return fmt.Errorf("starting the AWS Config recorder of %s: %w", region, err)
	}
	if !args.EnableSecurityHub {
		return nil
	}
	hub, err := securityhub.NewAccount(ctx, name+"-securityhub", &securityhub.AccountArgs{
		// Only the standards below: the defaults include CIS v1.2.0, two renumberings old.
		EnableDefaultStandards: pulumi.Bool(false),
		AutoEnableControls:     pulumi.Bool(true),
		// One finding per control across standards, with the control's own id (S3.5).
		ControlFindingGenerator: pulumi.String("SECURITY_CONTROL"),
	}, slices.Concat(opts, []pulumi.ResourceOption{pulumi.DependsOn([]pulumi.Resource{status})})...)
	if err != nil {
		return fmt.Errorf("turning on Security Hub CSPM in %s: %w", region, err)
	}
	standards := SecurityHubStandards(args.Account.Partition, region)
	for _, k := range slices.Sorted(maps.Keys(standards)) {
		if _, err := securityhub.NewStandardsSubscription(ctx, name+"-"+k, &securityhub.StandardsSubscriptionArgs{
			StandardsArn: pulumi.String(standards[k]),
		}, slices.Concat(opts, []pulumi.ResourceOption{pulumi.DependsOn([]pulumi.Resource{hub})})...); err != nil {
			return fmt.Errorf("subscribing to %s: %w", standards[k], err)
		}
	}
	return nil
}
