package awsapi

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	accountapi "github.com/aws/aws-sdk-go-v2/service/account"
	accounttypes "github.com/aws/aws-sdk-go-v2/service/account/types"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"github.com/secure-aws/secure-aws/awstypes"
)

// Account serves the account's alternate contacts through the Account API at the
// configured account endpoint, as hashicorp/terraform-provider-aws
// internal/service/account/alternate_contact.go calls it: put creates and updates, and
// the id of a contact of the caller's own account is its type.
type Account struct{ client *accountapi.Client }

// NewAccount makes the Account backend for c, which must name the account endpoint.
func NewAccount(c Config) (*Account, error) {
	cfg, e, err := c.clientConfig("account", "Account")
	if err != nil {
		return nil, err
	}
	return &Account{client: accountapi.NewFromConfig(cfg, func(o *accountapi.Options) { o.BaseEndpoint = aws.String(e) })}, nil
}

// Serves implements Backend.
func (b *Account) Serves(typ string) bool { return typ == awstypes.AlternateContact }

// contactInputs are an alternate contact's inputs, by their Pulumi names (the program
// sets no accountId: the contact is its own account's).
type contactInputs struct {
	AlternateContactType string `json:"alternateContactType"`
	Name                 string `json:"name"`
	Title                string `json:"title"`
	EmailAddress         string `json:"emailAddress"`
	PhoneNumber          string `json:"phoneNumber"`
}

// put is PutAlternateContact with inputs, as creating and updating both do.
func (b *Account) put(ctx context.Context, typ string, inputs resource.PropertyMap) (string, error) {
	if !b.Serves(typ) {
		return "", notServed("Account", typ)
	}
	var in contactInputs
	if err := decode(typ, inputs, &in); err != nil {
		return "", err
	}
	_, err := b.client.PutAlternateContact(ctx, &accountapi.PutAlternateContactInput{AlternateContactType: accounttypes.AlternateContactType(in.AlternateContactType),
		Name: aws.String(in.Name), Title: aws.String(in.Title), EmailAddress: aws.String(in.EmailAddress), PhoneNumber: aws.String(in.PhoneNumber)})
	return in.AlternateContactType, wrap("putting the alternate contact", in.AlternateContactType, err)
}

// Create implements Backend.
func (b *Account) Create(ctx context.Context, typ string, inputs resource.PropertyMap) (string, resource.PropertyMap, error) {
	id, err := b.put(ctx, typ, inputs)
	if err != nil {
		return "", nil, err
	}
	state, err := stateAfterWrite(ctx, b, typ, id, inputs)
	return id, state, err
}

// Update implements Backend.
func (b *Account) Update(ctx context.Context, typ, id string, _, news resource.PropertyMap) (resource.PropertyMap, error) {
	if _, err := b.put(ctx, typ, news); err != nil {
		return nil, err
	}
	return stateAfterWrite(ctx, b, typ, id, news)
}

// Read implements Backend: GetAlternateContact of the type id names.
func (b *Account) Read(ctx context.Context, typ, id string, _ resource.PropertyMap) (resource.PropertyMap, resource.PropertyMap, error) {
	if !b.Serves(typ) {
		return nil, nil, notServed("Account", typ)
	}
	out, err := b.client.GetAlternateContact(ctx, &accountapi.GetAlternateContactInput{AlternateContactType: accounttypes.AlternateContactType(id)})
	if notFound(err, "ResourceNotFoundException") {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, wrap("reading the alternate contact", id, err)
	}
	c := out.AlternateContact
	inputs := encode(contactInputs{AlternateContactType: string(c.AlternateContactType), Name: aws.ToString(c.Name), Title: aws.ToString(c.Title),
		EmailAddress: aws.ToString(c.EmailAddress), PhoneNumber: aws.ToString(c.PhoneNumber)})
	return inputs, inputs.Copy(), nil
}

// Delete implements Backend: DeleteAlternateContact; one already gone is deleted.
func (b *Account) Delete(ctx context.Context, typ, id string, _ resource.PropertyMap) error {
	if !b.Serves(typ) {
		return notServed("Account", typ)
	}
	_, err := b.client.DeleteAlternateContact(ctx, &accountapi.DeleteAlternateContactInput{AlternateContactType: accounttypes.AlternateContactType(id)})
	if err != nil && !notFound(err, "ResourceNotFoundException") {
		return fmt.Errorf("deleting %s %s: %w", typ, id, err)
	}
	return nil
}
