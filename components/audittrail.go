package components

import (
	"errors"
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudtrail"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/secure-aws/secure-aws/iampolicy"
	"github.com/secure-aws/secure-aws/spec"
)

// AuditTrailType is the type token of AuditTrail.
const AuditTrailType = "secure-aws:components:AuditTrail"

// AuditTrailArgs configures an AuditTrail.
type AuditTrailArgs struct {
	// Account the trail records (required).
	Account spec.Account
	// Region is the stack's region, the trail's home region (required).
	Region string
	// TrailName is the trail's name (required).
	TrailName string
	// BucketName is the dedicated bucket of its log files (required).
	BucketName string
	// LockDays is the COMPLIANCE retention of every log file: no one can delete or change a
	// record of what happened before it ends (required, 1 to 36500).
	LockDays int
}

// AuditTrail is a multi-region CloudTrail trail, with log file validation, into a
// dedicated SecureBucket whose log files are locked in COMPLIANCE mode: a record of who
// did what in the account (CIS v5.0.0 3.1, 3.2 (v7.0.0 4.1, 4.2)) that nobody who did it can erase.
type AuditTrail struct {
	pulumi.ResourceState

	// Arn is the trail's ARN.
	Arn pulumi.StringOutput `output:"arn"`
	// BucketName is the log bucket.
	BucketName pulumi.StringOutput `output:"bucketName"`
}

// NewAuditTrail registers an AuditTrail.
func NewAuditTrail(ctx *pulumi.Context, name string, args *AuditTrailArgs, opts ...pulumi.ResourceOption) (*AuditTrail, error) {
	if args == nil {
		return nil, errors.New("audit trail: args are required")
	}
	if err := args.Account.Validate(); err != nil {
		return nil, fmt.Errorf("audit trail %s: %w", name, err)
	}
	if args.TrailName == "" || args.Region == "" {
		return nil, fmt.Errorf("audit trail %s: a trail name and the region are required", name)
	}
	trailARN := "arn:" + args.Account.Partition + ":cloudtrail:" + args.Region + ":" + args.Account.ID + ":trail/" + args.TrailName
	bucketArgs := &SecureBucketArgs{
		Account:          args.Account,
		BucketName:       args.BucketName,
		ObjectLock:       &spec.ObjectLock{Mode: "COMPLIANCE", Days: args.LockDays},
		PolicyStatements: iampolicy.CloudTrailBucketStatements(args.Account.Partition, args.BucketName, args.Account.ID, trailARN),
	}
	if err := bucketArgs.validate(); err != nil {
		return nil, fmt.Errorf("audit trail %s: %w", name, err)
	}
	c := &AuditTrail{}
	if err := ctx.RegisterComponentResource(AuditTrailType, name, c, opts...); err != nil {
		return nil, fmt.Errorf("registering %s %s: %w", AuditTrailType, name, err)
	}
	bucket, err := NewSecureBucket(ctx, name, bucketArgs, pulumi.Parent(c))
	if err != nil {
		return nil, err
	}
	trail, err := cloudtrail.NewTrail(ctx, name+"-trail", &cloudtrail.TrailArgs{
		Name:                       pulumi.String(args.TrailName),
		S3BucketName:               bucket.BucketName,
		IsMultiRegionTrail:         pulumi.Bool(true),
		IncludeGlobalServiceEvents: pulumi.Bool(true),
		EnableLogFileValidation:    pulumi.Bool(true),
		EnableLogging:              pulumi.Bool(true),
	}, pulumi.Parent(c), pulumi.RetainOnDelete(true), pulumi.DependsOn([]pulumi.Resource{bucket.Policy}))
	if err != nil {
		return nil, fmt.Errorf("creating the trail %s: %w", args.TrailName, err)
	}
	c.Arn = trail.Arn
	c.BucketName = bucket.BucketName
	if err := registerOutputs(ctx, c, name); err != nil {
		return nil, err
	}
	return c, nil
}
