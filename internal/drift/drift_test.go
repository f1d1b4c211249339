package drift

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/auto/events"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/stretchr/testify/assert"

	"github.com/secure-aws/secure-aws/awstypes"
)

func step(op apitype.OpType, urn string, diffs ...string) events.EngineEvent {
	return events.EngineEvent{EngineEvent: apitype.EngineEvent{ResourcePreEvent: &apitype.ResourcePreEvent{
		Metadata: apitype.StepEventMetadata{Op: op, URN: urn, Diffs: diffs},
	}}}
}

const (
	policyURN = "urn:pulumi:production::secure-aws::secure-aws:components:SecureBucket$aws:s3/bucketPolicy:BucketPolicy::acme-assets-tls-only"
	keyURN    = "urn:pulumi:production::secure-aws::secure-aws:components:AppUser$aws:iam/accessKey:AccessKey::my-app-production"
)

// TestFromEvents: reads of the refresh and unchanged resources are not drift; every other
// step is, with the properties that differ, sorted by URN.
func TestFromEvents(t *testing.T) {
	r := FromEvents("production", []events.EngineEvent{
		step(apitype.OpRefresh, policyURN),
		step(apitype.OpRefresh, keyURN),
		step(apitype.OpSame, "urn:pulumi:production::secure-aws::pulumi:pulumi:Stack::secure-aws-production"),
		step(apitype.OpUpdate, policyURN, "policy"),
		step(apitype.OpCreate, keyURN),
		{EngineEvent: apitype.EngineEvent{DiagnosticEvent: &apitype.DiagnosticEvent{Message: "a warning"}}},
	})
	assert.True(t, r.Drifted())
	assert.Equal(t, 1, r.Same)
	assert.Equal(t, []Change{{URN: keyURN, Op: "create"}, {URN: policyURN, Op: "update", Properties: []string{"policy"}}}, r.Changes)
	assert.Equal(t, "### Stack production: 2 resource(s) changed outside the program\n\n"+
		"The next `pulumi up` puts them back; find who changed them in the audit trail first.\n\n"+
		"| Resource | Type | Next `up` would | Properties that differ |\n|---|---|---|---|\n"+
		"| `my-app-production` | `aws:iam/accessKey:AccessKey` | create | - |\n"+
		"| `acme-assets-tls-only` | `aws:s3/bucketPolicy:BucketPolicy` | update | `policy` |\n", r.Markdown())
}

func TestNoDrift(t *testing.T) {
	r := FromEvents("staging", []events.EngineEvent{step(apitype.OpRefresh, policyURN), step(apitype.OpSame, policyURN)})
	assert.False(t, r.Drifted())
	assert.Equal(t, "### Stack staging: no drift\n\nAll 1 resources match the program.\n", r.Markdown())
}

// refreshed is the outputs event of a refresh step: what AWS holds for urn.
func refreshed(typ, urn string, outputs map[string]any) events.EngineEvent {
	return events.EngineEvent{EngineEvent: apitype.EngineEvent{ResOutputsEvent: &apitype.ResOutputsEvent{
		Metadata: apitype.StepEventMetadata{Op: apitype.OpRefresh, URN: urn, Type: typ, New: &apitype.StepEventStateMetadata{Outputs: outputs}},
	}}}
}

// TestForeignAttributes: a replication the refresh reads on a bucket is drift that no
// diff shows and no up undoes, reported once, with that said; none is no drift.
func TestForeignAttributes(t *testing.T) {
	const bucketURN = "urn:pulumi:production::secure-aws::secure-aws:components:SecureBucket$aws:s3/bucketV2:BucketV2::acme-assets-bucket"
	replication := map[string]any{"replicationConfigurations": []any{map[string]any{"role": "arn:aws:iam::222222222222:role/copy"}}}
	r := FromEvents("production", []events.EngineEvent{refreshed(awstypes.Bucket, bucketURN, replication), step(apitype.OpSame, bucketURN)})
	assert.Equal(t, []Change{{URN: bucketURN, Op: ByHand, Properties: []string{"replicationConfigurations"}}}, r.Changes)
	assert.Contains(t, r.Markdown(), "except what the program does not declare (remove it by hand)")
	assert.Contains(t, r.Markdown(), "| `acme-assets-bucket` | `aws:s3/bucketV2:BucketV2` | nothing: remove it by hand | `replicationConfigurations` |")

	diffed := FromEvents("production", []events.EngineEvent{refreshed(awstypes.Bucket, bucketURN, replication), step(apitype.OpUpdate, bucketURN, "replicationConfigurations")})
	assert.Equal(t, []Change{{URN: bucketURN, Op: "update", Properties: []string{"replicationConfigurations"}}}, diffed.Changes, "a provider that diffs it reports it once")

	none := FromEvents("production", []events.EngineEvent{
		refreshed(awstypes.Bucket, bucketURN, map[string]any{"replicationConfigurations": []any{}}),
		refreshed(awstypes.Versioning, policyURN, replication),
		step(apitype.OpSame, bucketURN),
	})
	assert.False(t, none.Drifted(), "no replication, or the attribute on a type that does not own it")
}
