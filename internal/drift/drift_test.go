package drift

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/auto/events"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/stretchr/testify/assert"
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
