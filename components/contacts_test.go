package components

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-aws/secure-aws/awstypes"
	"github.com/secure-aws/secure-aws/spec"
)

func newContacts(c spec.Contacts) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		_, err := NewAccountContacts(ctx, "contacts", &AccountContactsArgs{Account: testAccount, Contacts: c})
		return err
	}
}

var testContact = &spec.Contact{Name: "Sam Doe", Title: "Security lead", Email: "security@acme.example", Phone: "+1 555 0100"}

// TestAccountContacts: each contact set is an alternate contact of its type, retained when
// it leaves the program; a contact left out is not touched.
func TestAccountContacts(t *testing.T) {
	rec := mustRun(t, newContacts(spec.Contacts{Security: testContact, Billing: testContact}))
	got := rec.OfType(awstypes.AlternateContact)
	require.Len(t, got, 2)
	var types []string
	for _, c := range got {
		types = append(types, c.Input("alternateContactType"))
		assert.True(t, c.RetainOnDelete, c.Name)
		assert.Equal(t, "security@acme.example", c.Input("emailAddress"))
		assert.Equal(t, "+1 555 0100", c.Input("phoneNumber"))
	}
	assert.ElementsMatch(t, []string{"SECURITY", "BILLING"}, types)
}

func TestAccountContactsRejectsBadArgs(t *testing.T) {
	requireRejected(t, "contacts are empty", newContacts(spec.Contacts{}))
	requireRejected(t, "contacts.security.phone", newContacts(spec.Contacts{Security: &spec.Contact{Name: "a", Title: "b", Email: "a@b.example", Phone: "call me"}}))
	requireRejected(t, "contacts.operations.title", newContacts(spec.Contacts{Operations: &spec.Contact{Name: "a", Email: "a@b.example", Phone: "1"}}))
}
