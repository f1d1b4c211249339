package components

import (
	"errors"
	"fmt"
	"slices"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/secure-aws/secure-aws/awsnames"
	"github.com/secure-aws/secure-aws/iampolicy"
	"github.com/secure-aws/secure-aws/spec"
)

// SecureBucketType is the type token of SecureBucket; renaming it changes every child URN.
const SecureBucketType = "secure-aws:components:SecureBucket"

// SecureBucketArgs configures a SecureBucket.
type SecureBucketArgs struct {
	// Account the bucket lives in (required; only its partition is used).
	Account spec.Account
	// BucketName is the physical, globally unique bucket name (required, never derived
	// randomly, so a replacement can never happen silently).
	BucketName string
	// ObjectLock, when set, turns on S3 Object Lock with this default retention, for new
	// and existing buckets. It cannot be turned off again. Optional.
	ObjectLock *spec.ObjectLock
	// PolicyStatements are further statements of the bucket policy, for a service that
	// writes to the bucket (CloudTrail). Optional.
	PolicyStatements []iampolicy.Statement
	// ImportExisting adopts a bucket of that name that already exists (it holds data, and
	// creating it again would fail): the first up imports it instead of creating it, and
	// its side resources (versioning, encryption, public access block, ownership, TLS
	// policy, lifecycle) set this program's settings over whatever the bucket had.
	// Default false.
	ImportExisting bool
	// CallerLifecycle says the caller declares the bucket's lifecycle (a backup vault's
	// schedule). Default false: the bucket gets the lifecycle every bucket has, which
	// only aborts incomplete multipart uploads.
	CallerLifecycle bool
}

func (args *SecureBucketArgs) validate() error {
	return spec.ProblemsError(args.problems())
}

func (args *SecureBucketArgs) problems() []spec.FieldProblem {
	problems := accountProblems(args.Account)
	if err := awsnames.BucketName(args.BucketName, true); err != nil {
		problems = append(problems, spec.FieldProblem{Field: "bucketName", Message: err.Error()})
	}
	if args.ObjectLock != nil {
		problems = append(problems, spec.Prefixed("objectLock", args.ObjectLock.Problems())...)
	}
	return problems
}

// SecureBucket is an S3 bucket that is versioned, encrypted, private, owner-enforced and
// reachable only over TLS (rule R8). The bucket and its versioning are protected and
// retained on delete (rule R11): removing them from the program never deletes data.
type SecureBucket struct {
	pulumi.ResourceState

	// BucketName is the physical bucket name.
	BucketName pulumi.StringOutput `output:"bucketName"`
	// Arn is the bucket ARN.
	Arn pulumi.StringOutput `output:"arn"`
	// Versioning is the bucket's versioning resource; lifecycle rules depend on it.
	Versioning *s3.BucketVersioningV2
	// Policy is the bucket policy; a service that writes to the bucket waits for it.
	Policy *s3.BucketPolicy
}

// bucketPolicy is the bucket's policy: TLS only, and with a GOVERNANCE lock no bypass of
// the retention by anyone.
func bucketPolicy(args *SecureBucketArgs) iampolicy.Document {
	doc := iampolicy.TLSOnlyBucketPolicy(args.Account.Partition, args.BucketName)
	if args.ObjectLock != nil && args.ObjectLock.Mode == "GOVERNANCE" {
		doc.Statements = append(doc.Statements, iampolicy.DenyGovernanceBypassStatement(args.Account.Partition, args.BucketName))
	}
	doc.Statements = append(doc.Statements, args.PolicyStatements...)
	return doc
}

// NewSecureBucket registers a SecureBucket and its side resources.
func NewSecureBucket(ctx *pulumi.Context, name string, args *SecureBucketArgs, opts ...pulumi.ResourceOption) (*SecureBucket, error) {
	if args == nil {
		return nil, errors.New("secure bucket: args are required")
	}
	if err := args.validate(); err != nil {
		return nil, fmt.Errorf("secure bucket %s: %w", name, err)
	}

	c := &SecureBucket{}
	if err := ctx.RegisterComponentResource(SecureBucketType, name, c, opts...); err != nil {
		return nil, fmt.Errorf("registering %s %s: %w", SecureBucketType, name, err)
	}
	// Every child is retained on delete: a bucket that leaves the program stays in AWS with
	// all its safeguards (a retained bucket without its public access block or TLS policy
	// would be worse than either). The data-bearing ones are also protected against
	// `pulumi destroy` and replacement.
	retained := []pulumi.ResourceOption{pulumi.Parent(c), pulumi.RetainOnDelete(true)}
	keep := slices.Concat(retained, []pulumi.ResourceOption{pulumi.Protect(true)})

	bucketOpts := keep
	if args.ImportExisting {
		bucketOpts = append(slices.Clone(keep), pulumi.Import(pulumi.ID(args.BucketName)))
	}
	bucket, err := s3.NewBucketV2(ctx, name+"-bucket", &s3.BucketV2Args{
		Bucket: pulumi.String(args.BucketName),
	}, bucketOpts...)
	if err != nil {
		return nil, fmt.Errorf("creating bucket %s: %w", args.BucketName, err)
	}
	// Side resources name the bucket by its name, known at preview time even for a new
	// bucket (its ID is not), so reviews and policy rules can tie them to their bucket.
	// Deleting this resource would suspend versioning, so it is kept like the bucket.
	versioning, err := s3.NewBucketVersioningV2(ctx, name+"-versioning", &s3.BucketVersioningV2Args{
		Bucket: bucket.Bucket,
		VersioningConfiguration: &s3.BucketVersioningV2VersioningConfigurationArgs{
			Status: pulumi.String("Enabled"),
		},
	}, keep...)
	if err != nil {
		return nil, fmt.Errorf("enabling versioning on %s: %w", args.BucketName, err)
	}
	if _, err := s3.NewBucketServerSideEncryptionConfigurationV2(ctx, name+"-encryption", &s3.BucketServerSideEncryptionConfigurationV2Args{
		Bucket: bucket.Bucket,
		Rules: s3.BucketServerSideEncryptionConfigurationV2RuleArray{
			&s3.BucketServerSideEncryptionConfigurationV2RuleArgs{
				ApplyServerSideEncryptionByDefault: &s3.BucketServerSideEncryptionConfigurationV2RuleApplyServerSideEncryptionByDefaultArgs{
					SseAlgorithm: pulumi.String("AES256"),
				},
			},
		},
	}, retained...); err != nil {
		return nil, fmt.Errorf("configuring encryption on %s: %w", args.BucketName, err)
	}
	if _, err := s3.NewBucketOwnershipControls(ctx, name+"-ownership", &s3.BucketOwnershipControlsArgs{
		Bucket: bucket.Bucket,
		Rule: &s3.BucketOwnershipControlsRuleArgs{
			ObjectOwnership: pulumi.String("BucketOwnerEnforced"),
		},
	}, retained...); err != nil {
		return nil, fmt.Errorf("disabling ACLs on %s: %w", args.BucketName, err)
	}
	publicAccess, err := s3.NewBucketPublicAccessBlock(ctx, name+"-public-access", &s3.BucketPublicAccessBlockArgs{
		Bucket:                bucket.Bucket,
		BlockPublicAcls:       pulumi.Bool(true),
		BlockPublicPolicy:     pulumi.Bool(true),
		IgnorePublicAcls:      pulumi.Bool(true),
		RestrictPublicBuckets: pulumi.Bool(true),
	}, retained...)
	if err != nil {
		return nil, fmt.Errorf("blocking public access to %s: %w", args.BucketName, err)
	}
	// S3 answers 409 when a policy is written while the public access block is still being
	// applied, so the policy waits for the block.
	policy, err := s3.NewBucketPolicy(ctx, name+"-tls-only", &s3.BucketPolicyArgs{
		Bucket: bucket.Bucket,
		Policy: pulumi.String(bucketPolicy(args).MustJSON()),
	}, slices.Concat(retained, []pulumi.ResourceOption{pulumi.DependsOn([]pulumi.Resource{publicAccess})})...)
	if err != nil {
		return nil, fmt.Errorf("writing the TLS-only policy of %s: %w", args.BucketName, err)
	}
	c.Policy = policy
	// Object Lock is turned on by its configuration, which S3 allows on new and existing
	// versioned buckets alike; it can never be turned off, so the configuration is kept
	// like the data it locks.
	if l := args.ObjectLock; l != nil {
		if _, err := s3.NewBucketObjectLockConfigurationV2(ctx, name+"-object-lock", &s3.BucketObjectLockConfigurationV2Args{
			Bucket:            bucket.Bucket,
			ObjectLockEnabled: pulumi.String("Enabled"),
			Rule: &s3.BucketObjectLockConfigurationV2RuleArgs{
				DefaultRetention: &s3.BucketObjectLockConfigurationV2RuleDefaultRetentionArgs{
					Mode: pulumi.String(l.Mode),
					Days: pulumi.Int(l.Days),
				},
			},
		}, slices.Concat(keep, []pulumi.ResourceOption{pulumi.DependsOn([]pulumi.Resource{versioning})})...); err != nil {
			return nil, fmt.Errorf("configuring object lock on %s: %w", args.BucketName, err)
		}
	}

	// A bucket without a lifecycle configuration has nothing the drift check could compare
	// a rule added by hand with (a one-day expiry of old versions deletes the history the
	// versioning keeps): every bucket's lifecycle is declared, so any other is drift that
	// the next up replaces.
	if !args.CallerLifecycle {
		if _, err := s3.NewBucketLifecycleConfigurationV2(ctx, name+"-lifecycle", &s3.BucketLifecycleConfigurationV2Args{
			Bucket: bucket.Bucket,
			Rules: s3.BucketLifecycleConfigurationV2RuleArray{&s3.BucketLifecycleConfigurationV2RuleArgs{
				Id:     pulumi.String(spec.AbortUploadsRuleID),
				Status: pulumi.String("Enabled"),
				Filter: &s3.BucketLifecycleConfigurationV2RuleFilterArgs{Prefix: pulumi.String("")},
				AbortIncompleteMultipartUpload: &s3.BucketLifecycleConfigurationV2RuleAbortIncompleteMultipartUploadArgs{
					DaysAfterInitiation: pulumi.Int(spec.AbortIncompleteUploadsDays),
				},
			}},
		}, slices.Concat(retained, []pulumi.ResourceOption{pulumi.DependsOn([]pulumi.Resource{versioning})})...); err != nil {
			return nil, fmt.Errorf("configuring the lifecycle of %s: %w", args.BucketName, err)
		}
	}

	c.BucketName = bucket.Bucket
	c.Arn = bucket.Arn
	c.Versioning = versioning
	if err := registerOutputs(ctx, c, name); err != nil {
		return nil, err
	}
	return c, nil
}
