package spec

import "fmt"

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

// Validate reports whether AWS would accept the retention.
func (l ObjectLock) Validate() error {
	if l.Mode != "GOVERNANCE" && l.Mode != "COMPLIANCE" {
		return fmt.Errorf("mode %q is not allowed: use GOVERNANCE or COMPLIANCE", l.Mode)
	}
	if l.Days < 1 || l.Days > 36500 {
		return fmt.Errorf("days %d is out of range: 1 to 36500", l.Days)
	}
	return nil
}
