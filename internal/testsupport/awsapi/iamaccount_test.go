package awsapi

import (
	"strconv"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-aws/secure-aws/awstypes"
	"github.com/secure-aws/secure-aws/internal/testsupport/mototest"
)

// supportTrust is the support role's trust policy as the program writes it (plans/*.md),
// in moto's default account.
const supportTrust = `{"Version":"2012-10-17","Statement":[{"Sid":"AllowAccountPrincipalsWithMFA","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole","Condition":{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::123456789012:user/admins/*"},"Bool":{"aws:MultiFactorAuthPresent":"true"}}}]}`

// account is the account baseline's and the CI role's IAM resources as the program sends
// them (plans/*.md), in the order the engine creates them; importID is the id an import
// names, when it is not the id the create answered.
var account = []struct{ typ, inputs, importID string }{
	{awstypes.Role, `{"name":"aws-support","description":"Manage incidents with AWS Support; assumable by admins with MFA","assumeRolePolicy":` + strconv.Quote(supportTrust) + `}`, ""},
	{awstypes.RoleAttachment, `{"role":"aws-support","policyArn":"arn:aws:iam::aws:policy/AWSSupportAccess"}`, "aws-support/arn:aws:iam::aws:policy/AWSSupportAccess"},
	{awstypes.RolePoliciesExcl, `{"roleName":"aws-support","policyNames":[]}`, ""},
	{awstypes.RoleAttachmentsExcl, `{"roleName":"aws-support","policyArns":["arn:aws:iam::aws:policy/AWSSupportAccess"]}`, ""},
	{awstypes.OIDCProvider, `{"url":"https://token.actions.githubusercontent.com","clientIdLists":["sts.amazonaws.com"]}`, ""},
	{awstypes.AccountAlias, `{"accountAlias":"acme-corp"}`, ""},
	{awstypes.AccountPasswordPolicy, `{"allowUsersToChangePassword":true,"hardExpiry":false,"maxPasswordAge":0,"minimumPasswordLength":14,"passwordReusePrevention":24,"requireLowercaseCharacters":true,"requireNumbers":true,"requireSymbols":true,"requireUppercaseCharacters":true}`, ""},
}

func newMotoIAMAccount(t *testing.T) (*IAMAccount, *mototest.Server) {
	t.Helper()
	server := mototest.Start(t)
	b, err := NewIAMAccount(serverConfig(t, server))
	require.NoError(t, err)
	return b, server
}

// TestIAMAccountAgainstMoto: the life of every type of the IAMAccount backend in one moto.
// Created with the program's inputs, a refresh (old inputs given) and an import (none)
// read back exactly those inputs, and ids and computed attributes are moto's answers;
// hand changes made with the AWS CLI are what the exclusive types read, and their next
// update removes them; each update is made with the calls the provider makes, reads back
// as sent, and an update back to the program's inputs reads back as those; deleted in the
// order the engine deletes, every type reads as gone.
func TestIAMAccountAgainstMoto(t *testing.T) {
	b, server := newMotoIAMAccount(t)
	ctx := t.Context()
	var ids []string
	for _, r := range account {
		inputs := props(t, r.inputs)
		id, state, err := b.Create(ctx, r.typ, inputs)
		require.NoError(t, err, r.typ)
		ids = append(ids, id)
		for k, v := range inputs {
			assert.True(t, v.DeepEquals(state[k]), "%s: state %s = %v, sent %v", r.typ, k, state[k], v)
		}
		importID := id
		if r.importID != "" {
			importID = r.importID
		}
		for _, read := range []struct {
			id   string
			olds resource.PropertyMap
		}{{id, inputs}, {importID, nil}} {
			got, _, err := b.Read(ctx, r.typ, read.id, read.olds)
			require.NoError(t, err, r.typ)
			assert.True(t, inputs.DeepEquals(got), "%s (refresh: %v): read %v, sent %v", r.typ, read.olds != nil, got, inputs)
		}
		switch r.typ {
		case awstypes.Role:
			assert.Equal(t, "aws-support", id)
			assert.Equal(t, "arn:aws:iam::123456789012:role/aws-support", state["arn"].StringValue())
			assert.True(t, strings.HasPrefix(state["uniqueId"].StringValue(), "AROA"), "uniqueId %v", state["uniqueId"])
		case awstypes.RoleAttachment:
			assert.True(t, strings.HasPrefix(id, "aws-support-"), "id %s", id)
		case awstypes.RolePoliciesExcl, awstypes.RoleAttachmentsExcl:
			assert.Equal(t, "aws-support", id)
		case awstypes.OIDCProvider:
			assert.Equal(t, "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com", id)
			assert.Equal(t, id, state["arn"].StringValue())
		case awstypes.AccountAlias:
			assert.Equal(t, "acme-corp", id)
		case awstypes.AccountPasswordPolicy:
			assert.Equal(t, "iam-account-password-policy", id)
			assert.False(t, state["expirePasswords"].BoolValue())
		}
	}
	t.Run("hand changes", func(t *testing.T) { handChanges(t, b, server) })
	t.Run("update", func(t *testing.T) { updates(t, b, server, ids) })
	t.Run("delete", func(t *testing.T) { deletes(t, b, server, ids) })
}

// handChanges: an inline policy put on the role and a policy attached to it by hand with
// the AWS CLI are what the exclusive types read (drift), and their next update removes
// both, as the provider's syncAttachments does.
func handChanges(t *testing.T, b *IAMAccount, server *mototest.Server) {
	if testing.Short() {
		t.Skip("the hand changes are made with the AWS CLI, a second or more per call: run without -short")
	}
	ctx := t.Context()
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`
	_, code := server.AWS(t, "iam", "put-role-policy", "--role-name", "aws-support", "--policy-name", "by-hand", "--policy-document", doc)
	require.Empty(t, code)
	_, code = server.AWS(t, "iam", "attach-role-policy", "--role-name", "aws-support", "--policy-arn", "arn:aws:iam::aws:policy/ReadOnlyAccess")
	require.Empty(t, code)

	for _, tc := range []struct {
		i         int
		key, read string // the list AWS holds, the program's first
	}{{2, "policyNames", `["by-hand"]`}, {3, "policyArns", `["arn:aws:iam::aws:policy/AWSSupportAccess","arn:aws:iam::aws:policy/ReadOnlyAccess"]`}} {
		r := account[tc.i]
		olds := props(t, r.inputs)
		got, _, err := b.Read(ctx, r.typ, "aws-support", olds)
		require.NoError(t, err, r.typ)
		want := props(t, `{"`+tc.key+`":`+tc.read+`}`)[resource.PropertyKey(tc.key)]
		assert.True(t, want.DeepEquals(got[resource.PropertyKey(tc.key)]), "%s: the hand-made entry is read: %v", r.typ, got)

		_, err = b.Update(ctx, r.typ, "aws-support", got, olds)
		require.NoError(t, err, r.typ)
		got, _, err = b.Read(ctx, r.typ, "aws-support", olds)
		require.NoError(t, err, r.typ)
		assert.True(t, olds.DeepEquals(got), "%s: after the update, read %v", r.typ, got)
	}
	inline, _ := server.AWS(t, "iam", "list-role-policies", "--role-name", "aws-support")
	assert.Empty(t, inline.(map[string]any)["PolicyNames"])
	attached, _ := server.AWS(t, "iam", "list-attached-role-policies", "--role-name", "aws-support")
	assert.Len(t, attached.(map[string]any)["AttachedPolicies"], 1)
}

// updates: each update reads back as sent (the role with every optional setting an update
// can change) and, without -short, with the AWS CLI; an update back to the program's
// inputs reads back as those. A client id moto cannot add fails with its answer; the
// alias the account has cannot be created again, and another replaces it.
func updates(t *testing.T, b *IAMAccount, server *mototest.Server, ids []string) {
	ctx := t.Context()
	for _, tc := range []struct {
		i      int // in account
		inputs string
		cli    func() // reads the update back with the AWS CLI, without -short
	}{
		{0, `{"name":"aws-support","description":"another","maxSessionDuration":7200,"tags":{"team":"ops"},"permissionsBoundary":"arn:aws:iam::aws:policy/ReadOnlyAccess","assumeRolePolicy":` + strconv.Quote(strings.ReplaceAll(supportTrust, "admins/*", "ops/*")) + `}`, nil},
		{3, `{"roleName":"aws-support","policyArns":["arn:aws:iam::aws:policy/ReadOnlyAccess"]}`, nil},
		{4, `{"url":"https://token.actions.githubusercontent.com","clientIdLists":["sts.amazonaws.com"],"thumbprintLists":["6938fd4d98bab03faadb97b34396831e3780aea1"]}`, nil},
		{6, `{"allowUsersToChangePassword":false,"hardExpiry":true,"maxPasswordAge":90,"minimumPasswordLength":20,"passwordReusePrevention":5,"requireLowercaseCharacters":false,"requireNumbers":true,"requireSymbols":false,"requireUppercaseCharacters":true}`, func() {
			policy, _ := server.AWS(t, "iam", "get-account-password-policy")
			p := policy.(map[string]any)["PasswordPolicy"].(map[string]any)
			for k, v := range map[string]any{"MinimumPasswordLength": 20.0, "PasswordReusePrevention": 5.0, "MaxPasswordAge": 90.0, "HardExpiry": true, "AllowUsersToChangePassword": false, "RequireSymbols": false, "RequireNumbers": true} {
				assert.Equal(t, v, p[k], k)
			}
		}},
	} {
		typ, olds, news := account[tc.i].typ, props(t, account[tc.i].inputs), props(t, tc.inputs)
		for _, step := range []struct{ from, to resource.PropertyMap }{{olds, news}, {news, olds}} {
			_, err := b.Update(ctx, typ, ids[tc.i], step.from, step.to)
			require.NoError(t, err, typ)
			got, _, err := b.Read(ctx, typ, ids[tc.i], step.to)
			require.NoError(t, err, typ)
			// The thumbprints stay: the provider cannot clear them (an empty list is no
			// update), and a refresh reports only the inputs sent (standin's readBackend).
			if _, sent := step.to["thumbprintLists"]; !sent {
				delete(got, "thumbprintLists")
			}
			assert.True(t, step.to.DeepEquals(got), "%s: read %v, sent %v", typ, got, step.to)
			if tc.cli != nil && !testing.Short() && step.to.DeepEquals(news) {
				tc.cli()
			}
		}
	}

	// moto 5.2.1 has no AddClientIDToOpenIDConnectProvider (docs/engine-tests.md): a new
	// client id fails with its answer, never silently.
	_, err := b.Update(ctx, awstypes.OIDCProvider, ids[4], nil, props(t, `{"url":"https://token.actions.githubusercontent.com","clientIdLists":["sts.amazonaws.com","sigstore"]}`))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "AddClientIDToOpenIDConnectProvider")
	assert.Contains(t, err.Error(), "500")

	// An account has one alias: the one it has cannot be created again (AWS's
	// EntityAlreadyExists), and another replaces it, so the first reads as that one.
	alias := props(t, account[5].inputs)
	_, _, err = b.Create(ctx, awstypes.AccountAlias, alias)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "EntityAlreadyExists")
	_, _, err = b.Create(ctx, awstypes.AccountAlias, props(t, `{"accountAlias":"acme-other"}`))
	require.NoError(t, err)
	got, _, err := b.Read(ctx, awstypes.AccountAlias, ids[5], alias)
	require.NoError(t, err)
	assert.Equal(t, "acme-other", got["accountAlias"].StringValue())
	if !testing.Short() {
		aliases, _ := server.AWS(t, "iam", "list-account-aliases")
		assert.Equal(t, []any{"acme-other"}, aliases.(map[string]any)["AccountAliases"])
	}
	_, _, err = b.Create(ctx, awstypes.AccountAlias, alias)
	require.NoError(t, err, "the program's alias replaces it back")
}

// deletes: deleted in the order the engine deletes (dependents first), every type reads
// as gone; the exclusive types delete nothing, as the provider's.
func deletes(t *testing.T, b *IAMAccount, server *mototest.Server, ids []string) {
	ctx := t.Context()
	for i := len(account) - 1; i >= 0; i-- {
		r := account[i]
		require.NoError(t, b.Delete(ctx, r.typ, ids[i], props(t, r.inputs)), r.typ)
		got, state, err := b.Read(ctx, r.typ, ids[i], props(t, r.inputs))
		require.NoError(t, err, r.typ)
		if r.typ == awstypes.RolePoliciesExcl || r.typ == awstypes.RoleAttachmentsExcl {
			assert.NotNil(t, got, "%s: its delete leaves the role's policies", r.typ)
			continue
		}
		assert.Nil(t, got, r.typ)
		assert.Nil(t, state, r.typ)
	}
	// A role that does not exist: its policy lists read as gone too.
	got, _, err := b.Read(ctx, awstypes.RolePoliciesExcl, "aws-support", nil)
	require.NoError(t, err)
	assert.Nil(t, got)
	if !testing.Short() {
		_, code := server.AWS(t, "iam", "get-role", "--role-name", "aws-support")
		assert.Equal(t, "NoSuchEntity", code)
		_, code = server.AWS(t, "iam", "get-account-password-policy")
		assert.Equal(t, "NoSuchEntity", code)
	}
}

// TestIAMAccountRefusesWhatItDoesNotServe: an input the backend has no field for is an
// error naming it; the types it does not serve keep the model.
func TestIAMAccountRefusesWhatItDoesNotServe(t *testing.T) {
	// No server: the backend refuses before it sends anything.
	b, err := NewIAMAccount(Config{Region: "us-east-1", Endpoints: map[string]string{"iam": "http://127.0.0.1:1"}, AccessKey: "a", SecretKey: "b"})
	require.NoError(t, err)
	_, _, err = b.Create(t.Context(), awstypes.Role, props(t, `{"name":"r","assumeRolePolicy":"{}","forceDetachPolicies":true}`))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "forceDetachPolicies")
	for _, typ := range []string{awstypes.User, awstypes.Analyzer, awstypes.Trail, awstypes.Bucket} {
		assert.False(t, b.Serves(typ), typ)
	}
}

// TestNewServesEachConfiguredEndpoint: an IAM or CloudTrail type is served through the
// API only when its endpoint is named; otherwise the model keeps it.
func TestNewServesEachConfiguredEndpoint(t *testing.T) {
	c := Config{Region: "us-east-1", Partition: "aws", Endpoints: map[string]string{"s3": "http://127.0.0.1:1"}, AccessKey: "a", SecretKey: "b"}
	bs, err := New(c)
	require.NoError(t, err)
	for _, typ := range append(IAMAccountTypes, awstypes.Trail) {
		assert.False(t, bs.Serves(typ), typ)
	}
	c.Endpoints = map[string]string{"s3": "http://127.0.0.1:1", "iam": "http://127.0.0.1:1", "cloudtrail": "http://127.0.0.1:1"}
	bs, err = New(c)
	require.NoError(t, err)
	for _, typ := range append(IAMAccountTypes, awstypes.Trail) {
		assert.True(t, bs.Serves(typ), typ)
	}
	assert.False(t, bs.Serves(awstypes.Analyzer), "moto has no Access Analyzer")
}

// TestServiceLinkedRoleAgainstMoto: AWS Config's service-linked role, as the detection
// component asks for it, is created by CreateServiceLinkedRole with the id, name, path and
// ARN moto answers; a refresh and an import by that ARN read back the program's inputs; a
// new description is an update in place; after the delete neither the backend nor the AWS
// CLI finds the role.
func TestServiceLinkedRoleAgainstMoto(t *testing.T) {
	b, server := newMotoIAMAccount(t)
	ctx := t.Context()
	inputs := props(t, `{"awsServiceName":"config.amazonaws.com"}`)
	id, state, err := b.Create(ctx, awstypes.ServiceLinkedRole, inputs)
	require.NoError(t, err)
	name := state["name"].StringValue()
	assert.True(t, strings.HasPrefix(name, "AWSServiceRoleFor"), name)
	assert.Equal(t, "arn:aws:iam::123456789012:role/aws-service-role/config.amazonaws.com/"+name, id)
	assert.Equal(t, id, state["arn"].StringValue())
	assert.Equal(t, "/aws-service-role/config.amazonaws.com/", state["path"].StringValue())
	assert.NotEmpty(t, state["uniqueId"].StringValue())
	for _, olds := range []resource.PropertyMap{inputs, nil} {
		read, _, err := b.Read(ctx, awstypes.ServiceLinkedRole, id, olds)
		require.NoError(t, err)
		assert.True(t, inputs.DeepEquals(read), "refresh %v: read %v", olds != nil, read)
	}
	described := props(t, `{"awsServiceName":"config.amazonaws.com","description":"AWS Config records"}`)
	state, err = b.Update(ctx, awstypes.ServiceLinkedRole, id, inputs, described)
	require.NoError(t, err)
	assert.Equal(t, "AWS Config records", state["description"].StringValue())

	require.NoError(t, b.Delete(ctx, awstypes.ServiceLinkedRole, id, described))
	read, _, err := b.Read(ctx, awstypes.ServiceLinkedRole, id, nil)
	require.NoError(t, err)
	assert.Nil(t, read)
	_, code := server.AWS(t, "iam", "get-role", "--role-name", name)
	assert.Equal(t, "NoSuchEntity", code)
}
