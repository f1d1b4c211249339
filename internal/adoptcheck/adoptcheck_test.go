package adoptcheck

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var assets = Bucket{Name: "acme-assets", File: "Pulumi.staging.yaml", Key: "secure-aws:buckets[1].import",
	OwnLifecycle: []string{"abort-incomplete-uploads"}, ReplaceLifecycleKey: "secure-aws:buckets[1].replaceLifecycle"}

var everything = Existing{
	Replication:   []ReplicationRule{{ID: "to-dr", Destination: "arn:aws:s3:::acme-dr"}, {Destination: "arn:aws:s3:::acme-copy"}},
	Lifecycle:     []string{"abort-incomplete-uploads", "expire-old", "to-glacier"},
	Notifications: []string{"arn:aws:sqs:us-east-1:111111111111:uploads", "arn:aws:lambda:us-east-1:111111111111:function:thumbs"},
	AccessPoints:  []string{"partner"},
}

func TestFindings(t *testing.T) {
	tests := map[string]struct {
		bucket   Bucket
		existing Existing
		want     []string
	}{
		"a bare bucket": {assets, Existing{}, nil},
		"only the program's own lifecycle (after the adopting up)": {assets, Existing{Lifecycle: []string{"abort-incomplete-uploads"}}, nil},
		"everything": {assets, everything, []string{
			"replication rule to-dr to arn:aws:s3:::acme-dr",
			"replication rule (unnamed) to arn:aws:s3:::acme-copy",
			"2 event notifications to arn:aws:sqs:us-east-1:111111111111:uploads, arn:aws:lambda:us-east-1:111111111111:function:thumbs",
			"access point partner",
			"lifecycle rules expire-old, to-glacier that the program's lifecycle would replace",
		}},
		"one notification": {assets, Existing{Notifications: []string{"EventBridge"}}, []string{"1 event notification to EventBridge"}},
		"the lifecycle replacement acknowledged, the rest still refused": {
			func() Bucket { b := assets; b.ReplaceLifecycle = true; return b }(), everything, []string{
				"replication rule to-dr to arn:aws:s3:::acme-dr",
				"replication rule (unnamed) to arn:aws:s3:::acme-copy",
				"2 event notifications to arn:aws:sqs:us-east-1:111111111111:uploads, arn:aws:lambda:us-east-1:111111111111:function:thumbs",
				"access point partner",
			}},
		"an unnamed lifecycle rule": {assets, Existing{Lifecycle: []string{""}}, []string{"lifecycle rules (unnamed) that the program's lifecycle would replace"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			assert.Equal(t, tc.want, Findings(tc.bucket, tc.existing))
		})
	}
}

type reader map[string]Existing

func (r reader) AdoptedBucket(_ context.Context, account, bucket string) (Existing, error) {
	if account != "111111111111" {
		return Existing{}, errors.New("wrong account " + account)
	}
	e, ok := r[bucket]
	if !ok {
		return Existing{}, errors.New("AccessDenied")
	}
	return e, nil
}

func TestCheck(t *testing.T) {
	state := Bucket{Name: "acme-state", File: "Pulumi.production.yaml", Key: "secure-aws:ci.stateBucket", OwnLifecycle: []string{"abort-incomplete-uploads"}}
	r := reader{"acme-assets": everything, "acme-state": {Lifecycle: []string{"abort-incomplete-uploads"}}}

	for _, dryRun := range []bool{true, false} {
		res := Check(context.Background(), r, "111111111111", []Bucket{assets, state}, dryRun)
		require.Error(t, res.Err, "what is found stops a preview as well as an up")
		msg := res.Err.Error()
		for _, want := range []string{"Pulumi.staging.yaml: secure-aws:buckets[1].import: bucket acme-assets already has ",
			"replication rule to-dr to arn:aws:s3:::acme-dr", "2 event notifications to ", "access point partner",
			"lifecycle rules expire-old, to-glacier that the program's lifecycle would replace",
			"remove them by hand first", "externalBuckets", "secure-aws:buckets[1].replaceLifecycle: true"} {
			assert.Contains(t, msg, want)
		}
		assert.NotContains(t, msg, "acme-state", "the state bucket has only the program's own lifecycle")
		assert.Empty(t, res.Warnings)
	}

	t.Run("acknowledged lifecycle alone is a warning", func(t *testing.T) {
		b := assets
		b.ReplaceLifecycle = true
		res := Check(context.Background(), reader{"acme-assets": {Lifecycle: everything.Lifecycle}}, "111111111111", []Bucket{b}, false)
		require.NoError(t, res.Err)
		assert.Equal(t, []string{"Pulumi.staging.yaml: secure-aws:buckets[1].import: the program's lifecycle replaces bucket acme-assets's lifecycle rules expire-old, to-glacier (secure-aws:buckets[1].replaceLifecycle)"}, res.Warnings)
	})

	t.Run("a state bucket's foreign lifecycle has no switch: remove it by hand", func(t *testing.T) {
		res := Check(context.Background(), reader{"acme-state": {Lifecycle: []string{"expire-state"}}}, "111111111111", []Bucket{state}, false)
		require.Error(t, res.Err)
		assert.Contains(t, res.Err.Error(), "secure-aws:ci.stateBucket: bucket acme-state already has lifecycle rules expire-state")
		assert.Contains(t, res.Err.Error(), "aws s3api delete-bucket-lifecycle")
		assert.NotContains(t, res.Err.Error(), "replaceLifecycle")
	})

	t.Run("unreadable: a preview warns, an up stops", func(t *testing.T) {
		res := Check(context.Background(), reader{}, "111111111111", []Bucket{assets}, true)
		require.NoError(t, res.Err)
		require.Len(t, res.Warnings, 1)
		assert.Contains(t, res.Warnings[0], "Pulumi.staging.yaml: secure-aws:buckets[1].import: the adoption check could not read bucket acme-assets")
		assert.Contains(t, res.Warnings[0], "AccessDenied")

		res = Check(context.Background(), reader{}, "111111111111", []Bucket{assets}, false)
		require.Error(t, res.Err)
		assert.Contains(t, res.Err.Error(), "could not read bucket acme-assets")
		assert.Contains(t, res.Err.Error(), "s3:ListAccessPoints")

		res = Check(context.Background(), nil, "111111111111", []Bucket{assets}, false)
		assert.ErrorContains(t, res.Err, "no reader configured")
	})

	t.Run("nothing adopted reads nothing", func(t *testing.T) {
		res := Check(context.Background(), nil, "111111111111", nil, false)
		assert.NoError(t, res.Err)
		assert.Empty(t, res.Warnings)
	})
}
