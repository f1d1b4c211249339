package awsapi

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-aws/secure-aws/awstypes"
	"github.com/secure-aws/secure-aws/internal/testsupport/mototest"
)

// contactAgainstMoto: the security contact is put in moto with the program's
// inputs, its id is its type; it reads back as sent on a refresh and an import; a new
// phone number is put in place; the delete deletes it, and a contact never set reads as
// gone.
func contactAgainstMoto(t *testing.T, server *mototest.Server) {
	b, err := NewAccount(serverConfig(t, server))
	require.NoError(t, err)
	ctx := t.Context()
	inputs := props(t, `{"alternateContactType":"SECURITY","emailAddress":"security@acme.example","name":"Sam Doe","phoneNumber":"+1 555 0100","title":"Security lead"}`)

	id, _, err := b.Create(ctx, awstypes.AlternateContact, inputs)
	require.NoError(t, err)
	assert.Equal(t, "SECURITY", id)
	readsAsSent(t, b, awstypes.AlternateContact, id, inputs, inputs, inputs)

	news := inputs.Copy()
	news["phoneNumber"] = resource.NewProperty("+1 555 0199")
	_, err = b.Update(ctx, awstypes.AlternateContact, id, inputs, news)
	require.NoError(t, err)
	if !testing.Short() {
		got, _ := server.AWS(t, "account", "get-alternate-contact", "--alternate-contact-type", "SECURITY")
		assert.Equal(t, "+1 555 0199", got.(map[string]any)["AlternateContact"].(map[string]any)["PhoneNumber"])
	}

	require.NoError(t, b.Delete(ctx, awstypes.AlternateContact, id, news))
	for _, typ := range []string{"SECURITY", "BILLING"} {
		got, state, err := b.Read(ctx, awstypes.AlternateContact, typ, nil)
		require.NoError(t, err)
		assert.Nil(t, got, typ)
		assert.Nil(t, state, typ)
	}
}
