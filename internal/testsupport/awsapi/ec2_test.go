package awsapi

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-aws/secure-aws/awstypes"
)

// TestEBSEncryptionByDefaultAgainstMoto: the region's setting is turned on by a create,
// read back by a refresh, an import and the AWS CLI, turned off by an update and by a
// delete, each answer moto's, and on when enabled is left out; moto, enforcing, takes the
// backend's hand-made signature; its refusal of an unknown action comes back with its code.
func TestEBSEncryptionByDefaultAgainstMoto(t *testing.T) {
	server, c := motoServerConfig(t)
	b, err := NewEC2(c)
	require.NoError(t, err)
	ctx := t.Context()
	cli := func() any {
		got, code := server.AWS(t, "ec2", "get-ebs-encryption-by-default")
		require.Empty(t, code)
		return got.(map[string]any)["EbsEncryptionByDefault"]
	}
	require.Equal(t, false, cli(), "off in a new account, as in AWS")

	on := props(t, `{"enabled":true}`)
	id, state, err := b.Create(ctx, awstypes.EBSEncryptionByDefault, on)
	require.NoError(t, err)
	assert.Regexp(t, `^terraform-\d{18}[0-9a-f]{8}$`, id, "an id made up as the provider makes one")
	assert.True(t, on.DeepEquals(state), "state %v", state)
	assert.Equal(t, true, cli())
	for _, olds := range []string{`{"enabled":true}`, `{}`} {
		read, _, err := b.Read(ctx, awstypes.EBSEncryptionByDefault, id, props(t, olds))
		require.NoError(t, err)
		assert.True(t, on.DeepEquals(read), "read %v", read)
	}

	off := props(t, `{"enabled":false}`)
	state, err = b.Update(ctx, awstypes.EBSEncryptionByDefault, id, on, off)
	require.NoError(t, err)
	assert.True(t, off.DeepEquals(state), "state %v", state)
	assert.Equal(t, false, cli())
	_, err = b.Update(ctx, awstypes.EBSEncryptionByDefault, id, off, on)
	require.NoError(t, err)
	require.NoError(t, b.Delete(ctx, awstypes.EBSEncryptionByDefault, id, on))
	assert.Equal(t, false, cli(), "a delete turns it off, as the provider's does")
	_, err = b.Update(ctx, awstypes.EBSEncryptionByDefault, id, off, props(t, `{}`))
	require.NoError(t, err)
	assert.Equal(t, true, cli(), "enabled left out is on, the provider's default")

	admin := server.Admin(t)
	stop := admin.Enforce(t)
	signed, err := NewEC2(serverConfig(t, admin))
	require.NoError(t, err)
	_, _, err = signed.Read(ctx, awstypes.EBSEncryptionByDefault, id, nil)
	require.NoError(t, err, "moto, enforcing, takes the backend's own signature")
	_, _, err = b.Read(ctx, awstypes.EBSEncryptionByDefault, id, nil)
	require.ErrorContains(t, err, "AuthFailure", "and refuses a key it did not issue, with EC2's code")
	stop()

	_, err = b.call(ctx, "NoSuchAction")
	require.Error(t, err)
	assert.False(t, notFound(err), "an unknown action is not a missing resource: %v", err)
	_, _, err = b.Create(ctx, awstypes.Bucket, on)
	assert.ErrorContains(t, err, "does not serve")
}
