package program_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-aws/secure-aws/internal/adoptcheck"
)

// TestAdoptionCheck: a stack that adopts a bucket with a replication rule, an event
// notification, an access point and lifecycle rules of its own stops, in a preview and in
// an up, before it registers anything, naming the stack file, the key and what exists;
// what the configuration declares (only the program's lifecycle, or the lifecycle's
// replacement acknowledged) is adopted.
func TestAdoptionCheck(t *testing.T) {
	cfg := loadExample(t, "staging")
	cfg["secure-aws:buckets"] = `[{"name":"acme-media-staging"},{"name":"acme-assets-staging","import":true}]`
	legacy := adoptcheck.Existing{
		Replication:   []adoptcheck.ReplicationRule{{ID: "to-dr", Destination: "arn:aws:s3:::acme-dr"}},
		Lifecycle:     []string{"expire-old", "to-glacier"},
		Notifications: []string{"arn:aws:sqs:us-east-1:111111111111:uploads", "arn:aws:sns:us-east-1:111111111111:new"},
		AccessPoints:  []string{"partner"},
	}
	account := fakeRoot{adopted: map[string]adoptcheck.Existing{"acme-assets-staging": legacy}}
	for _, dryRun := range []bool{true, false} {
		rec, err := runConfig(t, "staging", cfg, account, dryRun)
		require.Error(t, err, "dry run %t", dryRun)
		assert.Contains(t, err.Error(), "Pulumi.staging.yaml: secure-aws:buckets[1].import: bucket acme-assets-staging already has "+
			"replication rule to-dr to arn:aws:s3:::acme-dr; "+
			"2 event notifications to arn:aws:sqs:us-east-1:111111111111:uploads, arn:aws:sns:us-east-1:111111111111:new; "+
			"access point partner; "+
			"lifecycle rules expire-old, to-glacier that the program's lifecycle would replace")
		assert.Contains(t, err.Error(), "remove them by hand first")
		assert.Empty(t, rec.Registrations(), "nothing is registered")
	}

	// Replication, notifications and access points cannot be declared: acknowledging the
	// lifecycle's replacement still refuses them.
	cfg["secure-aws:buckets"] = `[{"name":"acme-media-staging"},{"name":"acme-assets-staging","import":true,"replaceLifecycle":true}]`
	rec, err := runConfig(t, "staging", cfg, account, false)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "access point partner")
	assert.NotContains(t, err.Error(), "lifecycle rules expire-old")
	assert.Empty(t, rec.Registrations())

	// Removed by hand, the lifecycle acknowledged: adopted.
	account.adopted["acme-assets-staging"] = adoptcheck.Existing{Lifecycle: legacy.Lifecycle}
	rec, err = runConfig(t, "staging", cfg, account, false)
	require.NoError(t, err)
	assert.NotEmpty(t, rec.Registrations())

	// A vault's bucket is checked under its own key, with the vault's own rules as its own.
	vault := loadExample(t, "staging")
	vault["secure-aws:backups"] = `[{"bucket":"acme-backups-staging","importBucket":true,"glacierAfterDays":7,"expireAfterDays":97,"noncurrentExpireAfterDays":7}]`
	own := fakeRoot{adopted: map[string]adoptcheck.Existing{"acme-backups-staging": {Lifecycle: []string{"backup-retention", "cleanup"}}}}
	_, err = runConfig(t, "staging", vault, own, false)
	require.NoError(t, err, "the vault's own rules, after the adopting up")
	foreign := fakeRoot{adopted: map[string]adoptcheck.Existing{"acme-backups-staging": {Lifecycle: []string{"abort-incomplete-uploads"}}}}
	_, err = runConfig(t, "staging", vault, foreign, false)
	assert.ErrorContains(t, err, "secure-aws:backups[0].importBucket: bucket acme-backups-staging already has lifecycle rules abort-incomplete-uploads")
	assert.ErrorContains(t, err, "secure-aws:backups[0].replaceLifecycle: true")

	// Unreadable: a preview warns and goes on, an up stops before registering anything.
	unreadable := fakeRoot{adoptedErr: errors.New("AccessDenied")}
	rec, err = runConfig(t, "staging", cfg, unreadable, true)
	require.NoError(t, err)
	assert.NotEmpty(t, rec.Registrations())
	rec, err = runConfig(t, "staging", cfg, unreadable, false)
	assert.ErrorContains(t, err, "the adoption check could not read bucket acme-assets-staging")
	assert.Empty(t, rec.Registrations())
}

// TestStateBucketAdoptionCheck: the state bucket is always adopted, so every run of the
// managing stack checks it; the program's own lifecycle (there since the first up) passes,
// an access point stops the run.
func TestStateBucketAdoptionCheck(t *testing.T) {
	cfg := loadExample(t, "production")
	cfg["secure-aws:ci"] = `{"repository":"acme/secure-aws","ownerId":1,"repositoryId":2,"stateBucket":"acme-pulumi-state"}`
	own := fakeRoot{status: healthyRoot.status, adopted: map[string]adoptcheck.Existing{"acme-pulumi-state": {Lifecycle: []string{"abort-incomplete-uploads"}}}}
	_, err := runConfig(t, "production", cfg, own, false)
	require.NoError(t, err)

	ap := fakeRoot{status: healthyRoot.status, adopted: map[string]adoptcheck.Existing{"acme-pulumi-state": {AccessPoints: []string{"backup-reader"}}}}
	rec, err := runConfig(t, "production", cfg, ap, true)
	assert.ErrorContains(t, err, "Pulumi.production.yaml: secure-aws:ci.stateBucket: bucket acme-pulumi-state already has access point backup-reader")
	assert.Empty(t, rec.Registrations())
}
