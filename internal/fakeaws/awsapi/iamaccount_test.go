package awsapi

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-aws/secure-aws/awstypes"
	"github.com/secure-aws/secure-aws/internal/mototest"
)

// supportTrust is the support role's trust policy as the program writes it (plans/*.md),
// in moto's default account.
const supportTrust = `{"Version":"2012-10-17","Statement":[{"Sid":"AllowAccountPrincipalsWithMFA","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole","Condition":{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::123456789012:user/admins/*"},"Bool":{"aws:MultiFactorAuthPresent":"true"}}}]}`

// account is the account baseline's and the CI role's IAM resources as the program sends
// them (plans/*.md), in the order the engine creates them; importID is the id an import
// names, when it is not the id the create answered.
var account = []struct{ typ, inputs, importID string }{
	{awstypes.Role, `{"name":"aws-support","description":"CIS 1.17: manage incidents with AWS Support; assumable by admins with MFA","assumeRolePolicy":` + quote(supportTrust) + `}`, ""},
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

// createAccount creates every resource of account and returns their ids.
func createAccount(t *testing.T, b *IAMAccount) []string {
	t.Helper()
	var ids []string
	for _, r := range account {
		id, _, err := b.Create(t.Context(), r.typ, props(t, r.inputs))
		require.NoError(t, err, r.typ)
		ids = append(ids, id)
	}
	return ids
}

// TestIAMAccountAgainstMoto: every type of the IAMAccount backend is created in moto with
// the program's inputs, and a refresh (old inputs given) and an import (none) read back
// exactly those inputs; ids and computed attributes are moto's answers.
func TestIAMAccountAgainstMoto(t *testing.T) {
	b, _ := newMotoIAMAccount(t)
	ctx := t.Context()
	for _, r := range account {
		inputs := props(t, r.inputs)
		id, state, err := b.Create(ctx, r.typ, inputs)
		require.NoError(t, err, r.typ)
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
}

// TestIAMAccountUpdateAgainstMoto: each update is made with the calls the provider makes
// and reads back as sent; the alias and the password policy read back with the AWS CLI.
func TestIAMAccountUpdateAgainstMoto(t *testing.T) {
	b, server := newMotoIAMAccount(t)
	ctx := t.Context()
	ids := createAccount(t, b)
	for _, tc := range []struct {
		i      int // in account
		inputs string
	}{
		{0, `{"name":"aws-support","description":"another","maxSessionDuration":7200,"tags":{"team":"ops"},"permissionsBoundary":"arn:aws:iam::aws:policy/ReadOnlyAccess","assumeRolePolicy":` + quote(strings.ReplaceAll(supportTrust, "admins/*", "ops/*")) + `}`},
		{3, `{"roleName":"aws-support","policyArns":["arn:aws:iam::aws:policy/ReadOnlyAccess"]}`},
		{4, `{"url":"https://token.actions.githubusercontent.com","clientIdLists":["sts.amazonaws.com"],"thumbprintLists":["6938fd4d98bab03faadb97b34396831e3780aea1"]}`},
		{6, `{"allowUsersToChangePassword":false,"hardExpiry":true,"maxPasswordAge":90,"minimumPasswordLength":20,"passwordReusePrevention":5,"requireLowercaseCharacters":false,"requireNumbers":true,"requireSymbols":false,"requireUppercaseCharacters":true}`},
	} {
		typ, news := account[tc.i].typ, props(t, tc.inputs)
		_, err := b.Update(ctx, typ, ids[tc.i], props(t, account[tc.i].inputs), news)
		require.NoError(t, err, typ)
		got, _, err := b.Read(ctx, typ, ids[tc.i], news)
		require.NoError(t, err, typ)
		assert.True(t, news.DeepEquals(got), "%s: read %v, sent %v", typ, got, news)
	}
	// Back to the program's role: the optional settings go.
	_, err := b.Update(ctx, awstypes.Role, "aws-support", nil, props(t, account[0].inputs))
	require.NoError(t, err)
	got, _, err := b.Read(ctx, awstypes.Role, "aws-support", nil)
	require.NoError(t, err)
	assert.True(t, props(t, account[0].inputs).DeepEquals(got), "read %v", got)

	// moto 5.2.1 has no AddClientIDToOpenIDConnectProvider (docs/engine-tests.md): a new
	// client id fails with its answer, never silently.
	_, err = b.Update(ctx, awstypes.OIDCProvider, ids[4], nil, props(t, `{"url":"https://token.actions.githubusercontent.com","clientIdLists":["sts.amazonaws.com","sigstore"]}`))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "AddClientIDToOpenIDConnectProvider")
	assert.Contains(t, err.Error(), "500")

	// An account has one alias: the one it has cannot be created again (AWS's
	// EntityAlreadyExists), and another replaces it, so the first reads as that one.
	_, _, err = b.Create(ctx, awstypes.AccountAlias, props(t, account[5].inputs))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "EntityAlreadyExists")
	_, _, err = b.Create(ctx, awstypes.AccountAlias, props(t, `{"accountAlias":"acme-other"}`))
	require.NoError(t, err)
	got, _, err = b.Read(ctx, awstypes.AccountAlias, ids[5], props(t, account[5].inputs))
	require.NoError(t, err)
	assert.Equal(t, "acme-other", got["accountAlias"].StringValue())

	if testing.Short() {
		return // the AWS CLI's read-back, a second or more per call, runs without -short
	}
	aliases, _ := server.AWS(t, "iam", "list-account-aliases")
	assert.Equal(t, []any{"acme-other"}, aliases.(map[string]any)["AccountAliases"])
	policy, _ := server.AWS(t, "iam", "get-account-password-policy")
	p := policy.(map[string]any)["PasswordPolicy"].(map[string]any)
	for k, v := range map[string]any{"MinimumPasswordLength": 20.0, "PasswordReusePrevention": 5.0, "MaxPasswordAge": 90.0, "HardExpiry": true, "AllowUsersToChangePassword": false, "RequireSymbols": false, "RequireNumbers": true} {
		assert.Equal(t, v, p[k], k)
	}
}

// TestIAMAccountExclusiveAgainstMoto: an inline policy put on a role and a policy attached
// to it by hand with the AWS CLI are what the exclusive types read (drift), and their next
// update removes both, as the provider's syncAttachments does.
func TestIAMAccountExclusiveAgainstMoto(t *testing.T) {
	if testing.Short() {
		t.Skip("the hand changes are made with the AWS CLI, a second or more per call: run without -short")
	}
	b, server := newMotoIAMAccount(t)
	ctx := t.Context()
	createAccount(t, b)
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`
	_, code := server.AWS(t, "iam", "put-role-policy", "--role-name", "aws-support", "--policy-name", "by-hand", "--policy-document", doc)
	require.Empty(t, code)
	_, code = server.AWS(t, "iam", "attach-role-policy", "--role-name", "aws-support", "--policy-arn", "arn:aws:iam::aws:policy/ReadOnlyAccess")
	require.Empty(t, code)

	for _, tc := range []struct {
		i          int
		key, extra string
	}{{2, "policyNames", "by-hand"}, {3, "policyArns", "arn:aws:iam::aws:policy/ReadOnlyAccess"}} {
		r := account[tc.i]
		olds := props(t, r.inputs)
		got, _, err := b.Read(ctx, r.typ, "aws-support", olds)
		require.NoError(t, err, r.typ)
		want := append(stringList(olds[resource.PropertyKey(tc.key)]), tc.extra)
		assert.Equal(t, want, stringList(got[resource.PropertyKey(tc.key)]), "%s: the hand-made entry is read", r.typ)

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

// TestIAMAccountDeleteAgainstMoto: deleted in the order the engine deletes (dependents
// first), every type reads as gone; the exclusive types delete nothing, as the
// provider's.
func TestIAMAccountDeleteAgainstMoto(t *testing.T) {
	b, server := newMotoIAMAccount(t)
	ctx := t.Context()
	ids := createAccount(t, b)
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
