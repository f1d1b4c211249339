// Package adoptcheck judges a bucket a stack adopts (imports) before the run registers
// anything: what the bucket already has that the program would silently replace (its
// lifecycle rules) or could never see (replication, event notifications, access points,
// which no resource of the program manages) stops the run, unless the configuration
// declares it. The reader that calls AWS is internal/awsaccount; this package is the pure
// judgement.
package adoptcheck

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/secure-aws/secure-aws/iampolicy"
	"github.com/secure-aws/secure-aws/internal/accountcheck"
)

// Existing is what an existing bucket has that adoption would replace or leave unseen.
type Existing struct {
	Replication   []ReplicationRule
	Lifecycle     []string // lifecycle rule IDs
	Notifications []string // the targets of its event notifications: topic, queue or function ARNs, or "EventBridge"
	AccessPoints  []string // names of the account's access points on the bucket (in the stack's region)
}

// ReplicationRule is one rule of a bucket's replication configuration.
type ReplicationRule struct {
	ID          string
	Destination string // the destination bucket's ARN
}

// Bucket is a bucket the stack marks for adoption, as the configuration declares it.
type Bucket struct {
	Name string
	// File and Key name the stack file and the setting that adopts it, e.g.
	// Pulumi.staging.yaml and secure-aws:buckets[1].import.
	File, Key string
	// OwnLifecycle are the IDs of the lifecycle rules the program declares on the bucket:
	// rules of these IDs are the program's own (a previous up put them there).
	OwnLifecycle []string
	// ReplaceLifecycle acknowledges that the program's lifecycle replaces the bucket's
	// other rules, by the setting ReplaceLifecycleKey; a bucket without such a setting ("")
	// has them removed by hand.
	ReplaceLifecycle    bool
	ReplaceLifecycleKey string
}

// Reader reads an existing bucket of account.
type Reader interface {
	AdoptedBucket(ctx context.Context, account, bucket string) (Existing, error)
}

// Findings lists what b has that the configuration does not declare: every replication
// rule, notification and access point (the program manages none of them, so an adopted
// bucket would keep them unseen), and the lifecycle rules the program's lifecycle would
// replace unless b acknowledges it. Empty: the bucket may be adopted.
func Findings(b Bucket, e Existing) []string {
	var out []string
	for _, r := range e.Replication {
		out = append(out, fmt.Sprintf("replication rule %s to %s", orUnnamed(r.ID), r.Destination))
	}
	switch n := len(e.Notifications); n {
	case 0:
	case 1:
		out = append(out, "1 event notification to "+e.Notifications[0])
	default:
		out = append(out, fmt.Sprintf("%d event notifications to %s", n, strings.Join(e.Notifications, ", ")))
	}
	for _, a := range e.AccessPoints {
		out = append(out, "access point "+a)
	}
	if !b.ReplaceLifecycle {
		if foreign := ForeignLifecycle(b, e); len(foreign) > 0 {
			out = append(out, fmt.Sprintf("lifecycle rules %s that the program's lifecycle would replace", strings.Join(foreign, ", ")))
		}
	}
	return out
}

// ForeignLifecycle are the bucket's lifecycle rules that are not the program's own.
func ForeignLifecycle(b Bucket, e Existing) []string {
	var out []string
	for _, id := range e.Lifecycle {
		if !slices.Contains(b.OwnLifecycle, id) {
			out = append(out, orUnnamed(id))
		}
	}
	return out
}

func orUnnamed(id string) string {
	if id == "" {
		return "(unnamed)"
	}
	return id
}

// remedy is what to do about findings on b.
func remedy(b Bucket) string {
	msg := "remove them by hand first (aws s3api delete-bucket-replication, put-bucket-notification-configuration with {}, aws s3control delete-access-point), or keep the bucket external (externalBuckets) and drop the adoption"
	if b.ReplaceLifecycleKey != "" {
		return msg + "; for the lifecycle rules alone, " + b.ReplaceLifecycleKey + ": true lets the program's lifecycle replace them"
	}
	return msg + " (aws s3api delete-bucket-lifecycle for the lifecycle rules)"
}

// Check reads each adopted bucket of account and judges it. What it finds stops the run,
// in a preview too; a bucket that cannot be read stops an update but only warns in a
// preview (a preview role may lack the reads; the offline plan reads nothing), so an
// adoption is never applied unchecked. Lifecycle rules acknowledged for replacement are
// named in a warning.
func Check(ctx context.Context, r Reader, account string, buckets []Bucket, dryRun bool) accountcheck.Result {
	var out accountcheck.Result
	var errs []error
	for _, b := range buckets {
		check := accountcheck.Check{Mode: accountcheck.ModeFail, DryRun: dryRun,
			Unreadable: fmt.Sprintf("%s: %s: the adoption check could not read bucket %s's replication, lifecycle, event notifications and access points", b.File, b.Key, b.Name),
			Remedy:     "grant " + strings.Join(iampolicy.AdoptionCheckActions(), ", ") + " to the identity that runs the update"}
		existing, err := Existing{}, errors.New("no reader configured")
		if r != nil {
			existing, err = r.AdoptedBucket(ctx, account, b.Name)
		}
		var findings []string
		if err == nil {
			if f := Findings(b, existing); len(f) > 0 {
				findings = []string{fmt.Sprintf("%s: %s: bucket %s already has %s, which this program does not declare; nothing was changed: %s",
					b.File, b.Key, b.Name, strings.Join(f, "; "), remedy(b))}
			} else if foreign := ForeignLifecycle(b, existing); len(foreign) > 0 {
				out.Warnings = append(out.Warnings, fmt.Sprintf("%s: %s: the program's lifecycle replaces bucket %s's lifecycle rules %s (%s)",
					b.File, b.Key, b.Name, strings.Join(foreign, ", "), b.ReplaceLifecycleKey))
			}
		}
		res := check.Result(err, findings)
		out.Warnings = append(out.Warnings, res.Warnings...)
		if res.Err != nil {
			errs = append(errs, res.Err)
		}
	}
	out.Err = errors.Join(errs...)
	return out
}
