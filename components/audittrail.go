package components

import (
	"errors"
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudtrail"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/secure-aws/secure-aws/awsnames"
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
	// DataEvents are the buckets whose object-level API calls the trail records (CIS v5.0.0
	// 3.8, 3.9 (v7.0.0 4.8, 4.9)). Optional: none records management events only, as AWS
	// does by default.
	DataEvents []spec.DataEvents
	// AccessLogBucket, when set, is a bucket created for the S3 server access logs of the
	// trail bucket (CIS v5.0.0 3.4 (v7.0.0 4.4)): who read or tried to change the record.
	// Optional.
	AccessLogBucket string
	// CreateKey encrypts the log files with a KMS key of the trail's own, rotated every
	// year (CIS v5.0.0 3.5, 3.6 (v7.0.0 4.5, 4.6)). Default false: S3-managed keys.
	CreateKey bool
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
	problems := bucketArgs.problems()
	for i, d := range args.DataEvents {
		problems = append(problems, spec.Prefixed(fmt.Sprintf("dataEvents[%d]", i), d.Problems())...)
		if err := awsnames.BucketName(d.Bucket, false); err != nil {
			problems = append(problems, spec.FieldProblem{Field: fmt.Sprintf("dataEvents[%d].bucket", i), Message: err.Error()})
		}
	}
	var logArgs *SecureBucketArgs
	if args.AccessLogBucket != "" {
		logArgs = &SecureBucketArgs{
			Account:          args.Account,
			BucketName:       args.AccessLogBucket,
			PolicyStatements: iampolicy.AccessLogBucketStatements(args.Account.Partition, args.AccessLogBucket, args.BucketName, args.Account.ID),
		}
		problems = append(problems, spec.Prefixed("accessLogBucket", logArgs.problems())...)
	}
	if err := spec.ProblemsError(problems); err != nil {
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
	trailArgs := &cloudtrail.TrailArgs{
		Name:                       pulumi.String(args.TrailName),
		S3BucketName:               bucket.BucketName,
		IsMultiRegionTrail:         pulumi.Bool(true),
		IncludeGlobalServiceEvents: pulumi.Bool(true),
		EnableLogFileValidation:    pulumi.Bool(true),
		EnableLogging:              pulumi.Bool(true),
		AdvancedEventSelectors:     eventSelectors(args.Account.Partition, args.DataEvents),
	}
	if logArgs != nil {
		if err := accessLogging(ctx, name, c, bucket, logArgs); err != nil {
			return nil, err
		}
	}
	if args.CreateKey {
		key, err := kms.NewKey(ctx, name+"-key", &kms.KeyArgs{
			Description:       pulumi.String("encrypts the log files of trail " + args.TrailName),
			EnableKeyRotation: pulumi.Bool(true),
			// The longest window: a key scheduled for deletion by mistake can be saved
			// for 30 days, and the log files it encrypts stay readable meanwhile.
			DeletionWindowInDays: pulumi.Int(30),
			Policy:               pulumi.String(iampolicy.CloudTrailKeyPolicy(args.Account.Partition, args.Account.ID, trailARN).MustJSON()),
		}, pulumi.Parent(c), pulumi.Protect(true), pulumi.RetainOnDelete(true))
		if err != nil {
			return nil, fmt.Errorf("creating the key of trail %s: %w", args.TrailName, err)
		}
		trailArgs.KmsKeyId = key.Arn
	}
	trail, err := cloudtrail.NewTrail(ctx, name+"-trail", trailArgs, pulumi.Parent(c), pulumi.RetainOnDelete(true), pulumi.DependsOn([]pulumi.Resource{bucket.Policy}))
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

// eventSelectors are the trail's advanced event selectors: nil (AWS's default, every
// management event) without data events; else every management event, stated explicitly
// (a trail with advanced selectors records only what they select), and the object-level
// calls on each named bucket, writes only or reads too
// (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/logging-data-events-with-cloudtrail.html).
func eventSelectors(partition string, events []spec.DataEvents) cloudtrail.TrailAdvancedEventSelectorArray {
	if len(events) == 0 {
		return nil
	}
	field := func(name string, values ...string) *cloudtrail.TrailAdvancedEventSelectorFieldSelectorArgs {
		return &cloudtrail.TrailAdvancedEventSelectorFieldSelectorArgs{Field: pulumi.String(name), Equals: pulumi.ToStringArray(values)}
	}
	out := cloudtrail.TrailAdvancedEventSelectorArray{&cloudtrail.TrailAdvancedEventSelectorArgs{
		Name:           pulumi.String("Management events"),
		FieldSelectors: cloudtrail.TrailAdvancedEventSelectorFieldSelectorArray{field("eventCategory", "Management")},
	}}
	for _, mode := range spec.DataEventModes() {
		var prefixes []string
		for _, e := range events {
			if e.Mode == mode {
				prefixes = append(prefixes, iampolicy.BucketARN(partition, e.Bucket)+"/")
			}
		}
		if len(prefixes) == 0 {
			continue
		}
		fields := cloudtrail.TrailAdvancedEventSelectorFieldSelectorArray{
			field("eventCategory", "Data"),
			field("resources.type", "AWS::S3::Object"),
			&cloudtrail.TrailAdvancedEventSelectorFieldSelectorArgs{Field: pulumi.String("resources.ARN"), StartsWiths: pulumi.ToStringArray(prefixes)},
		}
		name := "S3 object reads and writes"
		if mode == spec.DataEventsWrite {
			name = "S3 object writes"
			fields = append(fields, field("readOnly", "false"))
		}
		out = append(out, &cloudtrail.TrailAdvancedEventSelectorArgs{Name: pulumi.String(name), FieldSelectors: fields})
	}
	return out
}

// accessLogging creates the log bucket and turns on the server access logging of the
// trail bucket into it, under a prefix naming the trail bucket. The log bucket has no
// Object Lock: S3 does not deliver server access logs to a bucket with a default retention
// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html).
func accessLogging(ctx *pulumi.Context, name string, c *AuditTrail, trailBucket *SecureBucket, logArgs *SecureBucketArgs) error {
	logs, err := NewSecureBucket(ctx, name+"-access-logs", logArgs, pulumi.Parent(c))
	if err != nil {
		return err
	}
	if _, err := s3.NewBucketLoggingV2(ctx, name+"-access-logging", &s3.BucketLoggingV2Args{
		Bucket:       trailBucket.BucketName,
		TargetBucket: logs.BucketName,
		TargetPrefix: pulumi.Sprintf("%s/", trailBucket.BucketName),
	}, pulumi.Parent(c), pulumi.RetainOnDelete(true), pulumi.DependsOn([]pulumi.Resource{logs.Policy})); err != nil {
		return fmt.Errorf("logging the access to %s: %w", logArgs.BucketName, err)
	}
	return nil
}
