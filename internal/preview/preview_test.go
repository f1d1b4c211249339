package preview

import (
	"errors"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/auto/events"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/stretchr/testify/assert"
)

const policyURN = "urn:pulumi:production::secure-aws::secure-aws:components:SecureBucket$aws:s3/bucketPolicy:BucketPolicy::acme-assets-tls-only"

// TestSteps: each resource step in the engine's order with its changed inputs sorted;
// other events are not steps.
func TestSteps(t *testing.T) {
	evs := []events.EngineEvent{
		{EngineEvent: apitype.EngineEvent{ResourcePreEvent: &apitype.ResourcePreEvent{Metadata: apitype.StepEventMetadata{Op: apitype.OpUpdate, URN: policyURN, Diffs: []string{"policy", "bucket"}}}}},
		{EngineEvent: apitype.EngineEvent{DiagnosticEvent: &apitype.DiagnosticEvent{Message: "a warning"}}},
		{EngineEvent: apitype.EngineEvent{ResourcePreEvent: &apitype.ResourcePreEvent{Metadata: apitype.StepEventMetadata{Op: apitype.OpRefresh, URN: policyURN}}}},
	}
	assert.Equal(t, []Change{{URN: policyURN, Op: "update", Properties: []string{"bucket", "policy"}}, {URN: policyURN, Op: "refresh"}}, Steps(evs))
}

// TestCells: the resource's own type (not its parent's) and name, and "-" for no property.
func TestCells(t *testing.T) {
	name, typ, props := Change{URN: policyURN, Op: "create"}.Cells()
	assert.Equal(t, []string{"`acme-assets-tls-only`", "`aws:s3/bucketPolicy:BucketPolicy`", "-"}, []string{name, typ, props})
	_, _, props = Change{URN: policyURN, Properties: []string{"bucket", "policy"}}.Cells()
	assert.Equal(t, "`bucket`, `policy`", props)
	typ, name = TypeName("not-a-urn")
	assert.Equal(t, []string{"", "not-a-urn"}, []string{typ, name})
}

// TestCollectAfterAnUnopenedStream: a CLI that failed before it streamed never closes the
// channel; wait returns instead of hanging.
func TestCollectAfterAnUnopenedStream(t *testing.T) {
	_, wait := Collect()
	assert.Empty(t, wait(errors.New("no backend")))
	ch, wait := Collect()
	ch <- events.EngineEvent{}
	close(ch)
	assert.Len(t, wait(nil), 1)
}
