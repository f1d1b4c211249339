package components

import (
	"errors"
	"fmt"
	"slices"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/secure-aws/secure-aws/awstypes"
	"github.com/secure-aws/secure-aws/iampolicy"
	"github.com/secure-aws/secure-aws/spec"
)

// BackupVaultType is the type token of BackupVault; renaming it changes every child URN.
const BackupVaultType = awstypes.BackupVault

// backupWriterActions are all a backup writer may do: list the vault and add objects.
var backupWriterActions = []string{"s3:ListBucket", "s3:PutObject"}

// vaultGuard is what the vault's own policy allows whatever any identity policy says (rule
// R15): only its writer adds backups, no one changes or deletes one (expiry is the
// lifecycle's, which S3 runs without a principal), and only a person signed in with MFA
// reads or restores one: restores are an admin's job, and no machine principal, of this
// stack or another, can read another environment's backups by a grant made in error.
func vaultGuard(account spec.Account, writerPath, writerName string) iampolicy.ObjectGuard {
	return iampolicy.ObjectGuard{
		WriteActions: slices.DeleteFunc(slices.Clone(backupWriterActions), func(a string) bool {
			level, _ := iampolicy.S3ActionLevel(a)
			return level != iampolicy.ObjectLevel
		}),
		Writers: []iampolicy.Condition{iampolicy.ExceptPrincipals(account.UserARN(writerPath, writerName))},
		Readers: []iampolicy.Condition{iampolicy.ExceptSignedInWithMFA()},
	}
}

// TransitionMinimumObjectSize is the vault lifecycle's transitionDefaultMinimumObjectSize:
// objects smaller than 128 KB stay in S3 Standard. Moving them would cost more than it
// saves: each transition is a billed request, and Glacier classes add about 40 KB of
// billed overhead per object
// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/lifecycle-transition-general-considerations.html).
const TransitionMinimumObjectSize = "all_storage_classes_128K"

// BackupVaultArgs configures a BackupVault.
type BackupVaultArgs struct {
	// Account the vault lives in (required).
	Account spec.Account
	// Stack is the stack that creates the writer (awsnames.StackTag), tagged on it so the
	// credential audit can tell it from one made by hand (required).
	Stack string
	// Environment is the deployment environment (required).
	Environment string
	// Backup is the vault: its bucket, schedule, Object Lock and writer's access keys (see
	// spec.Backup; every problem is reported).
	spec.Backup
}

// BackupVault is a dedicated, versioned backup bucket with a lifecycle that ages backups
// into cold storage and expires them with all their versions, and a writer that may only
// list the bucket and add objects (rule R9).
type BackupVault struct {
	pulumi.ResourceState

	// BucketName is the vault's bucket name.
	BucketName pulumi.StringOutput `output:"bucketName"`
	// Arn is the vault's bucket ARN.
	Arn pulumi.StringOutput `output:"arn"`
	// WriterUserName is the IAM user that writes backups.
	WriterUserName pulumi.StringOutput `output:"writerUserName"`
	// WriterArn is the ARN of that user.
	WriterArn pulumi.StringOutput `output:"writerArn"`
	// KeyOutputs are the writer's access key.
	KeyOutputs
}

// NewBackupVault registers a BackupVault.
func NewBackupVault(ctx *pulumi.Context, name string, args *BackupVaultArgs, opts ...pulumi.ResourceOption) (*BackupVault, error) {
	if args == nil {
		return nil, errors.New("backup vault: args are required")
	}
	if args.Environment == "" {
		return nil, fmt.Errorf("backup vault %s: environment is required", name)
	}
	if err := spec.ProblemsError(slices.Concat(accountProblems(args.Account), stackProblems(args.Stack), args.Backup.Problems(args.Environment))); err != nil {
		return nil, fmt.Errorf("backup vault %s: %w", name, err)
	}
	writer := serviceUser{
		userName:   args.WriterName(args.Environment),
		path:       spec.BackupWriterPath,
		grants:     []iampolicy.S3Grant{{Bucket: args.Bucket, Actions: backupWriterActions}},
		keys:       spec.KeyGenerations(args.AccessKey, args.AccessKeys),
		pgpKey:     args.PGPKey,
		account:    args.Account,
		stack:      args.Stack,
		importUser: args.ImportWriter,
	}
	bucketArgs := &SecureBucketArgs{
		Account:          args.Account,
		BucketName:       args.Bucket,
		ObjectLock:       args.ObjectLock,
		ImportExisting:   args.ImportBucket,
		CallerLifecycle:  true,
		PolicyStatements: iampolicy.GuardedObjectStatements(args.Account.Partition, args.Bucket, vaultGuard(args.Account, writer.path, writer.userName)),
	}

	c := &BackupVault{}
	if err := ctx.RegisterComponentResource(BackupVaultType, name, c, opts...); err != nil {
		return nil, fmt.Errorf("registering %s %s: %w", BackupVaultType, name, err)
	}
	bucket, err := NewSecureBucket(ctx, name, bucketArgs, pulumi.Parent(c))
	if err != nil {
		return nil, err
	}
	if _, err := s3.NewBucketLifecycleConfigurationV2(ctx, name+"-lifecycle", &s3.BucketLifecycleConfigurationV2Args{
		Bucket: bucket.BucketName,
		Rules:  lifecycleRules(args.BackupSchedule),
		// Set explicitly: S3 changed the default in September 2024, and an older lifecycle
		// edited later flips to the new one, so what moves to the cold class would depend
		// on when the rule was written.
		TransitionDefaultMinimumObjectSize: pulumi.String(TransitionMinimumObjectSize),
	}, pulumi.Parent(c), pulumi.RetainOnDelete(true), pulumi.DependsOn([]pulumi.Resource{bucket.Versioning})); err != nil {
		return nil, fmt.Errorf("configuring the lifecycle of %s: %w", args.Bucket, err)
	}
	out, err := writer.register(ctx, c, name+"-writer")
	if err != nil {
		return nil, err
	}

	c.BucketName = bucket.BucketName
	c.Arn = bucket.Arn
	c.WriterUserName = out.UserName
	c.WriterArn = out.Arn
	c.KeyOutputs = out.KeyOutputs
	if err := registerOutputs(ctx, c, name); err != nil {
		return nil, err
	}
	return c, nil
}

// lifecycleRules are the vault's two rules, both over the whole bucket (an explicit empty
// prefix filter): one ages and expires backups and their old versions, one cleans up
// expired delete markers and abandoned uploads. S3 does not allow the delete-marker
// cleanup in a rule that also expires by age, hence two rules.
func lifecycleRules(s spec.BackupSchedule) s3.BucketLifecycleConfigurationV2RuleArray {
	wholeBucket := &s3.BucketLifecycleConfigurationV2RuleFilterArgs{Prefix: pulumi.String("")}
	retention := &s3.BucketLifecycleConfigurationV2RuleArgs{
		Id:     pulumi.String(spec.VaultRetentionRuleID),
		Status: pulumi.String("Enabled"),
		Filter: wholeBucket,
		Transitions: s3.BucketLifecycleConfigurationV2RuleTransitionArray{
			&s3.BucketLifecycleConfigurationV2RuleTransitionArgs{
				Days:         pulumi.Int(s.GlacierAfterDays),
				StorageClass: pulumi.String(s.StorageClass),
			},
		},
		Expiration: &s3.BucketLifecycleConfigurationV2RuleExpirationArgs{
			Days: pulumi.Int(s.ExpireAfterDays),
		},
		NoncurrentVersionExpiration: &s3.BucketLifecycleConfigurationV2RuleNoncurrentVersionExpirationArgs{
			NoncurrentDays: pulumi.Int(s.NoncurrentExpireAfterDays),
		},
	}
	if s.NoncurrentGlacierAfterDays > 0 {
		retention.NoncurrentVersionTransitions = s3.BucketLifecycleConfigurationV2RuleNoncurrentVersionTransitionArray{
			&s3.BucketLifecycleConfigurationV2RuleNoncurrentVersionTransitionArgs{
				NoncurrentDays: pulumi.Int(s.NoncurrentGlacierAfterDays),
				StorageClass:   pulumi.String(s.StorageClass),
			},
		}
	}
	cleanup := &s3.BucketLifecycleConfigurationV2RuleArgs{
		Id:     pulumi.String(spec.VaultCleanupRuleID),
		Status: pulumi.String("Enabled"),
		Filter: wholeBucket,
		Expiration: &s3.BucketLifecycleConfigurationV2RuleExpirationArgs{
			ExpiredObjectDeleteMarker: pulumi.Bool(true),
		},
		AbortIncompleteMultipartUpload: &s3.BucketLifecycleConfigurationV2RuleAbortIncompleteMultipartUploadArgs{
			DaysAfterInitiation: pulumi.Int(s.AbortIncompleteUploadsAfterDays),
		},
	}
	return s3.BucketLifecycleConfigurationV2RuleArray{retention, cleanup}
}
