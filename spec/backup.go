package spec

import (
	"fmt"

	"github.com/secure-aws/secure-aws/awsnames"
)

// storageClassMinimumDays maps each storage class a vault may move backups to onto the
// minimum number of days S3 bills an object stored there
// (https://aws.amazon.com/s3/storage-classes/, "minimum storage duration").
var storageClassMinimumDays = map[string]int{
	"GLACIER":      90,
	"GLACIER_IR":   90,
	"DEEP_ARCHIVE": 180,
}

// BackupSchedule is how long backups stay in S3 Standard, in cold storage and in all.
type BackupSchedule struct {
	// GlacierAfterDays moves current backups to StorageClass after this many days.
	GlacierAfterDays int `json:"glacierAfterDays"`
	// StorageClass is GLACIER, GLACIER_IR or DEEP_ARCHIVE.
	StorageClass string `json:"storageClass"`
	// ExpireAfterDays expires current backups (they become noncurrent versions).
	ExpireAfterDays int `json:"expireAfterDays"`
	// NoncurrentGlacierAfterDays moves noncurrent versions to StorageClass; 0 leaves them.
	NoncurrentGlacierAfterDays int `json:"noncurrentGlacierAfterDays"`
	// NoncurrentExpireAfterDays deletes noncurrent versions for good.
	NoncurrentExpireAfterDays int `json:"noncurrentExpireAfterDays"`
	// AbortIncompleteUploadsAfterDays aborts multipart uploads that never completed.
	AbortIncompleteUploadsAfterDays int `json:"abortIncompleteUploadsAfterDays"`
}

// The IDs of the lifecycle rules the program declares: every bucket's one rule, and a
// vault's two. A bucket being adopted that has rules of other IDs would lose them
// (internal/adoptcheck).
const (
	AbortUploadsRuleID   = "abort-incomplete-uploads"
	VaultRetentionRuleID = "backup-retention"
	VaultCleanupRuleID   = "cleanup"
)

// AbortIncompleteUploadsDays is when every bucket's lifecycle aborts a multipart upload
// that never completed (its parts are billed until then), and a vault's default.
const AbortIncompleteUploadsDays = 7

// Problems lists every rule the schedule breaks: S3's own (positive days, expiry after
// transition) and one of cost: a schedule that deletes backups before the storage class's
// minimum billed duration pays for days it does not keep.
func (s BackupSchedule) Problems() []FieldProblem {
	var out []FieldProblem
	add := func(field, format string, args ...any) {
		out = append(out, FieldProblem{field, fmt.Sprintf(format, args...)})
	}
	minDays, known := storageClassMinimumDays[s.StorageClass]
	if !known {
		add("storageClass", "%q is not allowed: use GLACIER, GLACIER_IR or DEEP_ARCHIVE", s.StorageClass)
	}
	for _, f := range []struct {
		field string
		days  int
	}{
		{"glacierAfterDays", s.GlacierAfterDays},
		{"expireAfterDays", s.ExpireAfterDays},
		{"noncurrentExpireAfterDays", s.NoncurrentExpireAfterDays},
		{"abortIncompleteUploadsAfterDays", s.AbortIncompleteUploadsAfterDays},
	} {
		if f.days < 1 {
			add(f.field, "must be a whole number of days of at least 1, not %d", f.days)
		}
	}
	if s.NoncurrentGlacierAfterDays < 0 {
		add("noncurrentGlacierAfterDays", "must be 0 (no transition) or a positive number of days, not %d", s.NoncurrentGlacierAfterDays)
	}
	if len(out) > 0 {
		return out
	}
	if s.ExpireAfterDays <= s.GlacierAfterDays {
		add("expireAfterDays", "(%d) must be later than glacierAfterDays (%d): S3 refuses an expiry before the transition", s.ExpireAfterDays, s.GlacierAfterDays)
	} else if kept := s.ExpireAfterDays - s.GlacierAfterDays; kept < minDays {
		add("expireAfterDays", "(%d) keeps backups %d days in %s, which bills at least %d; set it to %d or more, or transition later", s.ExpireAfterDays, kept, s.StorageClass, minDays, s.GlacierAfterDays+minDays)
	}
	if n := s.NoncurrentGlacierAfterDays; n > 0 {
		if s.NoncurrentExpireAfterDays <= n {
			add("noncurrentExpireAfterDays", "(%d) must be later than noncurrentGlacierAfterDays (%d)", s.NoncurrentExpireAfterDays, n)
		} else if kept := s.NoncurrentExpireAfterDays - n; kept < minDays {
			add("noncurrentExpireAfterDays", "(%d) keeps old versions %d days in %s, which bills at least %d; set it to %d or more", s.NoncurrentExpireAfterDays, kept, s.StorageClass, minDays, n+minDays)
		}
	}
	return out
}

// ObjectLock is a default retention for new object versions.
type ObjectLock struct {
	Mode string `json:"mode"` // GOVERNANCE or COMPLIANCE
	Days int    `json:"days"` // 1 to 36500
}

// Problems reports what AWS would not accept of the retention.
func (l ObjectLock) Problems() []FieldProblem {
	var out []FieldProblem
	if l.Mode != "GOVERNANCE" && l.Mode != "COMPLIANCE" {
		out = append(out, FieldProblem{"mode", fmt.Sprintf("%q is not allowed: use GOVERNANCE or COMPLIANCE", l.Mode)})
	}
	if l.Days < 1 || l.Days > 36500 {
		out = append(out, FieldProblem{"days", fmt.Sprintf("%d is out of range: 1 to 36500", l.Days)})
	}
	return out
}

// Backup is a backup vault: a dedicated bucket, its schedule and the user that writes it.
type Backup struct {
	// Name tells several vaults' writers apart: the writer is backup-<name>-<environment>;
	// unnamed, backup-<environment>.
	Name string `json:"name"`
	// Bucket is the vault's bucket (required).
	Bucket string `json:"bucket"`
	// AccessKey, AccessKeys and PGPKey are the writer's access key, as for a Principal.
	AccessKey  bool            `json:"accessKey"`
	AccessKeys []KeyGeneration `json:"accessKeys"`
	PGPKey     string          `json:"pgpKey"`
	// ObjectLock turns on Object Lock with this default retention; it can never be
	// turned off. Optional.
	ObjectLock *ObjectLock `json:"objectLock"`
	// ImportBucket and ImportWriter adopt the vault's bucket, or its writer user, that
	// exist already.
	ImportBucket bool `json:"importBucket"`
	ImportWriter bool `json:"importWriter"`
	// ReplaceLifecycle lets the vault's lifecycle replace the lifecycle rules an adopted
	// bucket has; without it they stop the adoption (internal/adoptcheck).
	ReplaceLifecycle bool `json:"replaceLifecycle"`
	BackupSchedule
}

// WriterName is the vault's writer in environment.
func (b Backup) WriterName(environment string) string { return BackupWriterName(b.Name, environment) }

// Problems checks the vault on its own, in environment: every problem, each naming its
// field.
func (b Backup) Problems(environment string) []FieldProblem {
	var out []FieldProblem
	if err := awsnames.IAMName(b.WriterName(environment), awsnames.MaxUserName, "user"); err != nil {
		out = append(out, FieldProblem{"name", err.Error()})
	}
	if b.Bucket == "" {
		out = append(out, FieldProblem{"bucket", "is required"})
	} else if err := awsnames.BucketName(b.Bucket, true); err != nil {
		out = append(out, FieldProblem{"bucket", err.Error()})
	}
	out = append(out, AccessKeyProblems(b.AccessKey, b.PGPKey, b.AccessKeys)...)
	out = append(out, b.BackupSchedule.Problems()...)
	if b.ObjectLock != nil {
		out = append(out, Prefixed("objectLock", b.ObjectLock.Problems())...)
	}
	if b.ReplaceLifecycle && !b.ImportBucket {
		out = append(out, FieldProblem{"replaceLifecycle", "is set but importBucket is false: only a bucket being adopted has lifecycle rules to replace"})
	}
	return out
}
