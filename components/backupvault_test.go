package components

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/secure-aws/secure-aws/awstypes"
	"github.com/secure-aws/secure-aws/spec"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func vaultArgs() *BackupVaultArgs {
	return &BackupVaultArgs{
		Account:     testAccount,
		Stack:       testStack,
		Environment: "staging",
		Backup: spec.Backup{
			Bucket: "acme-backups-staging",
			BackupSchedule: spec.BackupSchedule{
				GlacierAfterDays:                30,
				StorageClass:                    "GLACIER",
				ExpireAfterDays:                 365,
				NoncurrentExpireAfterDays:       30,
				AbortIncompleteUploadsAfterDays: 7,
			},
		},
	}
}

func newTestVault(args *BackupVaultArgs) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		_, err := NewBackupVault(ctx, "backups", args)
		return err
	}
}

func TestBackupVaultLifecycle(t *testing.T) {
	rec := mustRun(t, newTestVault(vaultArgs()))
	lifecycle := one(t, rec, awstypes.Lifecycle)
	assert.Equal(t, "acme-backups-staging", lifecycle.Input("bucket"))
	assert.Equal(t, "all_storage_classes_128K", lifecycle.Input("transitionDefaultMinimumObjectSize"), "set, so the lifecycle does not depend on when it was written")
	assert.Equal(t, []any{
		map[string]any{
			"id":                          "backup-retention",
			"status":                      "Enabled",
			"filter":                      map[string]any{"prefix": ""},
			"transitions":                 []any{map[string]any{"days": float64(30), "storageClass": "GLACIER"}},
			"expiration":                  map[string]any{"days": float64(365)},
			"noncurrentVersionExpiration": map[string]any{"noncurrentDays": float64(30)},
		},
		map[string]any{
			"id":                             "cleanup",
			"status":                         "Enabled",
			"filter":                         map[string]any{"prefix": ""},
			"expiration":                     map[string]any{"expiredObjectDeleteMarker": true},
			"abortIncompleteMultipartUpload": map[string]any{"daysAfterInitiation": float64(7)},
		},
	}, inputs(lifecycle)["rules"])
	assert.Contains(t, lifecycle.Dependencies, one(t, rec, awstypes.Versioning).URN, "lifecycle waits for versioning")
}

func TestBackupVaultNoncurrentTransition(t *testing.T) {
	args := vaultArgs()
	args.BackupSchedule.StorageClass = "DEEP_ARCHIVE"
	args.BackupSchedule.NoncurrentGlacierAfterDays = 10
	args.BackupSchedule.NoncurrentExpireAfterDays = 190
	rec := mustRun(t, newTestVault(args))
	rules := inputs(one(t, rec, awstypes.Lifecycle))["rules"].([]any)
	retention := rules[0].(map[string]any)
	assert.Equal(t, []any{map[string]any{"noncurrentDays": float64(10), "storageClass": "DEEP_ARCHIVE"}}, retention["noncurrentVersionTransitions"])
	assert.Equal(t, map[string]any{"noncurrentDays": float64(190)}, retention["noncurrentVersionExpiration"])
}

func TestBackupVaultWriterMayOnlyListAndPut(t *testing.T) {
	rec := mustRun(t, newTestVault(vaultArgs()))
	statements := principalChecks(t, rec, "backup-staging", spec.BackupWriterPath, false,
		"BucketAcmeBackupsStaging", "ObjectsAcmeBackupsStaging", "DenyDestructiveS3Actions")
	bucket := statement(t, statements, "BucketAcmeBackupsStaging")
	assert.Equal(t, "s3:ListBucket", bucket["Action"])
	assert.Equal(t, "arn:aws:s3:::acme-backups-staging", bucket["Resource"])
	objects := statement(t, statements, "ObjectsAcmeBackupsStaging")
	assert.Equal(t, "s3:PutObject", objects["Action"])
	assert.Equal(t, "arn:aws:s3:::acme-backups-staging/*", objects["Resource"])
}

func TestBackupVaultProtectsBucketAndObjectLock(t *testing.T) {
	rec := mustRun(t, newTestVault(vaultArgs()))
	for _, typ := range []string{awstypes.Bucket, awstypes.Versioning} {
		r := one(t, rec, typ)
		assert.True(t, r.Protect, "%s protected", typ)
		assert.True(t, r.RetainOnDelete, "%s retained on delete", typ)
	}
	assert.True(t, one(t, rec, awstypes.Lifecycle).RetainOnDelete, "a dropped vault keeps expiring its backups")
	assert.Empty(t, rec.OfType(awstypes.ObjectLock), "no object lock unless asked for")

	args := vaultArgs()
	args.ObjectLock = &spec.ObjectLock{Mode: "GOVERNANCE", Days: 35}
	locked := mustRun(t, newTestVault(args))
	assert.Equal(t, "Enabled", one(t, locked, awstypes.ObjectLock).Input("objectLockEnabled"))
	assert.Equal(t, map[string]any{"defaultRetention": map[string]any{"mode": "GOVERNANCE", "days": float64(35)}}, inputs(one(t, locked, awstypes.ObjectLock))["rule"])
}

func TestBackupWriterName(t *testing.T) {
	assert.Equal(t, "backup-staging", spec.BackupWriterName("", "staging"))
	assert.Equal(t, "backup-media-production", spec.BackupWriterName("media", "production"))

	args := vaultArgs()
	args.Name = "media"
	args.AccessKey = true
	var writer, key interface{ Get() (string, bool, bool) }
	rec := mustRun(t, func(ctx *pulumi.Context) error {
		v, err := NewBackupVault(ctx, "media", args)
		if err != nil {
			return err
		}
		writer, key = capture(v.WriterUserName), capture(v.SecretAccessKey)
		return nil
	})
	assert.Equal(t, "backup-media-staging", one(t, rec, awstypes.User).Input("name"))
	got, known, _ := writer.Get()
	require.True(t, known)
	assert.Equal(t, "backup-media-staging", got)
	_, _, secret := key.Get()
	assert.True(t, secret, "the writer's key secret is a Pulumi secret")
}

func TestBackupScheduleProblems(t *testing.T) {
	base := vaultArgs().BackupSchedule
	with := func(change func(*spec.BackupSchedule)) spec.BackupSchedule {
		s := base
		change(&s)
		return s
	}
	cases := map[string]struct {
		schedule spec.BackupSchedule
		field    string
		want     string
	}{
		"expiry before transition": {with(func(s *spec.BackupSchedule) { s.ExpireAfterDays = 20 }), "expireAfterDays", "must be later than glacierAfterDays"},
		"expiry equals transition": {with(func(s *spec.BackupSchedule) { s.ExpireAfterDays = 30 }), "expireAfterDays", "must be later"},
		"zero glacier days":        {with(func(s *spec.BackupSchedule) { s.GlacierAfterDays = 0 }), "glacierAfterDays", "at least 1"},
		"negative expiry":          {with(func(s *spec.BackupSchedule) { s.ExpireAfterDays = -1 }), "expireAfterDays", "at least 1"},
		"zero noncurrent expiry":   {with(func(s *spec.BackupSchedule) { s.NoncurrentExpireAfterDays = 0 }), "noncurrentExpireAfterDays", "at least 1"},
		"zero abort days":          {with(func(s *spec.BackupSchedule) { s.AbortIncompleteUploadsAfterDays = 0 }), "abortIncompleteUploadsAfterDays", "at least 1"},
		"negative noncurrent move": {with(func(s *spec.BackupSchedule) { s.NoncurrentGlacierAfterDays = -5 }), "noncurrentGlacierAfterDays", "0 (no transition)"},
		"unknown class":            {with(func(s *spec.BackupSchedule) { s.StorageClass = "STANDARD_IA" }), "storageClass", "GLACIER, GLACIER_IR or DEEP_ARCHIVE"},
		"too short in glacier":     {with(func(s *spec.BackupSchedule) { s.ExpireAfterDays = 100 }), "expireAfterDays", "bills at least 90; set it to 120"},
		"too short in deep":        {with(func(s *spec.BackupSchedule) { s.StorageClass, s.ExpireAfterDays = "DEEP_ARCHIVE", 120 }), "expireAfterDays", "bills at least 180"},
		"noncurrent move too late": {with(func(s *spec.BackupSchedule) { s.NoncurrentGlacierAfterDays = 30 }), "noncurrentExpireAfterDays", "must be later than noncurrentGlacierAfterDays"},
		"noncurrent too short":     {with(func(s *spec.BackupSchedule) { s.NoncurrentGlacierAfterDays, s.NoncurrentExpireAfterDays = 10, 50 }), "noncurrentExpireAfterDays", "bills at least 90"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			problems := c.schedule.Problems()
			require.NotEmpty(t, problems)
			assert.Equal(t, c.field, problems[0].Field)
			assert.Contains(t, problems[0].Message, c.want)
		})
	}
	assert.Empty(t, base.Problems(), "the default schedule is valid")
}

func TestBackupVaultRejectsBadArgs(t *testing.T) {
	badSchedule := vaultArgs()
	badSchedule.BackupSchedule.ExpireAfterDays = 10
	noEnv := vaultArgs()
	noEnv.Environment = ""
	dotted := vaultArgs()
	dotted.Bucket = "acme.backups"
	noStack := vaultArgs()
	noStack.Stack = ""
	cases := map[string]struct {
		args *BackupVaultArgs
		want string
	}{
		"nil":            {nil, "args are required"},
		"no environment": {noEnv, "environment is required"},
		"bad schedule":   {badSchedule, "expireAfterDays"},
		"dotted bucket":  {dotted, `"." at position 5 is not allowed`},
		"no stack":       {noStack, "stack is required"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) { requireRejected(t, c.want, newTestVault(c.args)) })
	}
}
