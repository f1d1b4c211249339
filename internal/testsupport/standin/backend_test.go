package standin

import (
	"context"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-aws/secure-aws/awstypes"
	"github.com/secure-aws/secure-aws/internal/testsupport/oplog"
)

// answering is a backend that holds one access key as AWS reports it: its user and
// status, never its secret, nor the pgpKey it was encrypted to.
type answering struct{ status string }

func (answering) Serves(typ string) bool { return typ == awstypes.AccessKey }

func (answering) Create(context.Context, string, resource.PropertyMap) (string, resource.PropertyMap, error) {
	panic("not called")
}

func (a answering) Read(context.Context, string, string, resource.PropertyMap) (resource.PropertyMap, resource.PropertyMap, error) {
	inputs := resource.PropertyMap{"user": resource.NewProperty("app"), "status": resource.NewProperty(a.status)}
	state := inputs.Copy()
	state["createDate"] = resource.NewProperty("2026-12-03T00:00:00Z")
	return inputs, state, nil
}

func (a answering) Update(ctx context.Context, typ, id string, _, news resource.PropertyMap) (resource.PropertyMap, error) {
	_, state, err := a.Read(ctx, typ, id, news)
	return state, err
}

func (answering) Delete(context.Context, string, string, resource.PropertyMap) error { return nil }

// TestBackendStateKeepsWhatAWSNeverReports: a refresh and an update through the AWS
// backend keep, in the state, the credential made at creation (AWS reports it once) and
// the inputs AWS has no field for (the pgpKey), as the provider keeps them; a refresh's
// inputs are the program's with AWS's values.
func TestBackendStateKeepsWhatAWSNeverReports(t *testing.T) {
	s := &server{log: func(oplog.Op) error { return nil }, backend: answering{status: "Inactive"}}
	sent := resource.PropertyMap{"user": resource.NewProperty("app"), "pgpKey": resource.NewProperty("mDMEKEY")}
	created := sent.Copy()
	created["encryptedSecret"] = resource.NewProperty("wcFMA-ciphertext")
	created["keyFingerprint"] = resource.NewProperty("0123abcd")
	created["status"] = resource.NewProperty("Active")
	in, err := marshal(sent)
	require.NoError(t, err)
	old, err := marshal(created)
	require.NoError(t, err)

	resp, err := s.Read(t.Context(), &pulumirpc.ReadRequest{Type: awstypes.AccessKey, Id: "AKIAEXAMPLE", Inputs: in, Properties: old})
	require.NoError(t, err)
	state, err := unmarshal(resp.GetProperties())
	require.NoError(t, err)
	inputs, err := unmarshal(resp.GetInputs())
	require.NoError(t, err)
	for _, k := range []resource.PropertyKey{"encryptedSecret", "keyFingerprint", "pgpKey"} {
		assert.True(t, created[k].DeepEquals(state[k]), "refresh: state %s = %v", k, state[k])
	}
	assert.Equal(t, "Inactive", state["status"].StringValue(), "what AWS holds now")
	assert.True(t, sent.DeepEquals(inputs), "refresh: the program's inputs, with AWS's values: %v", inputs)

	up, err := s.Update(t.Context(), &pulumirpc.UpdateRequest{Type: awstypes.AccessKey, Id: "AKIAEXAMPLE", Olds: old, News: in})
	require.NoError(t, err)
	state, err = unmarshal(up.GetProperties())
	require.NoError(t, err)
	for _, k := range []resource.PropertyKey{"encryptedSecret", "keyFingerprint"} {
		assert.True(t, created[k].DeepEquals(state[k]), "update: state %s = %v", k, state[k])
	}
}
