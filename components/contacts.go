package components

import (
	"errors"
	"fmt"

	awsaccount "github.com/pulumi/pulumi-aws/sdk/v6/go/aws/account"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/secure-aws/secure-aws/spec"
)

// AccountContactsType is the type token of AccountContacts; renaming it changes every child URN.
const AccountContactsType = "secure-aws:components:AccountContacts"

// AccountContactsArgs configures AccountContacts.
type AccountContactsArgs struct {
	// Account whose alternate contacts are set (required).
	Account spec.Account
	// Contacts to set; a nil one is left as the account has it (at least one required).
	Contacts spec.Contacts
}

// AccountContacts sets the account's alternate contacts: the security contact is whom
// AWS writes to about abuse or a compromise of the account (CIS v5.0.0 1.2 (v7.0.0 2.3)).
type AccountContacts struct {
	pulumi.ResourceState

	// Types are the contact types set (SECURITY, OPERATIONS, BILLING).
	Types pulumi.StringArrayOutput `output:"types"`
}

// NewAccountContacts registers AccountContacts.
func NewAccountContacts(ctx *pulumi.Context, name string, args *AccountContactsArgs, opts ...pulumi.ResourceOption) (*AccountContacts, error) {
	if args == nil {
		return nil, errors.New("account contacts: args are required")
	}
	problems := append(accountProblems(args.Account), spec.Prefixed("contacts", args.Contacts.Problems())...)
	if args.Contacts == (spec.Contacts{}) {
		problems = append(problems, spec.FieldProblem{Field: "contacts", Message: "are empty: set at least one"})
	}
	if err := spec.ProblemsError(problems); err != nil {
		return nil, fmt.Errorf("account contacts %s: %w", name, err)
	}
	c := &AccountContacts{}
	if err := ctx.RegisterComponentResource(AccountContactsType, name, c, opts...); err != nil {
		return nil, fmt.Errorf("registering %s %s: %w", AccountContactsType, name, err)
	}
	types := pulumi.StringArray{}
	for _, t := range args.Contacts.ContactTypes() {
		if t.Contact == nil {
			continue
		}
		// Retained like the account baseline: the account keeps whom AWS writes to if the
		// managing stack changes or the setting leaves the program.
		if _, err := awsaccount.NewAlternativeContact(ctx, name+"-"+t.Field, &awsaccount.AlternativeContactArgs{
			AlternateContactType: pulumi.String(t.Type),
			Name:                 pulumi.String(t.Contact.Name),
			Title:                pulumi.String(t.Contact.Title),
			EmailAddress:         pulumi.String(t.Contact.Email),
			PhoneNumber:          pulumi.String(t.Contact.Phone),
		}, pulumi.Parent(c), pulumi.RetainOnDelete(true)); err != nil {
			return nil, fmt.Errorf("setting the %s contact: %w", t.Field, err)
		}
		types = append(types, pulumi.String(t.Type))
	}
	c.Types = types.ToStringArrayOutput()
	if err := registerOutputs(ctx, c, name); err != nil {
		return nil, err
	}
	return c, nil
}
