package awsapi

import (
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-aws/secure-aws/awstypes"
	"github.com/secure-aws/secure-aws/internal/awsmodel"
	"github.com/secure-aws/secure-aws/internal/testsupport/mototest"
	"github.com/secure-aws/secure-aws/pgpkey/pgpkeytest"
)

// credentialRecord is one credential the backend reported as generated.
type credentialRecord struct{ typ, user, kind, value string }

// newMotoIAM is the IAM backend against a new moto, the server (for the AWS CLI) and the
// credentials it reports as generated.
func newMotoIAM(t *testing.T) (*IAM, *mototest.Server, *[]credentialRecord) {
	t.Helper()
	server, c := motoServerConfig(t)
	var records []credentialRecord
	c.Generated = func(typ, user, kind, value string) error {
		records = append(records, credentialRecord{typ, user, kind, value})
		return nil
	}
	b, err := NewIAM(c)
	require.NoError(t, err)
	return b, server, &records
}

// iamResource is a resource of a fixture: its type, its inputs as JSON, the inputs AWS
// does not report (kept: a refresh keeps what the program sent, an import cannot read
// them), and those moto 5.2.1 reports otherwise than AWS (motoGap, in
// docs/engine-tests.md).
type iamResource struct {
	typ, inputs string
	kept        []string
	motoGap     []string
}

const consolePolicy = `{"Version":"2012-10-17","Statement":[{"Sid":"AllowViewAccountInfo","Effect":"Allow","Action":["iam:GetAccountPasswordPolicy","iam:ListVirtualMFADevices"],"Resource":"*"}]}`

// admins is a console group as the program makes it (plans/*.md), one resource per IAM
// type, in an order the engine creates them; "$policy" stands for the policy's ARN.
var admins = []iamResource{
	{awstypes.Policy, `{"name":"admins-console","path":"/admins/","policy":` + quote(consolePolicy) + `}`, nil, nil},
	{awstypes.Group, `{"name":"admins","path":"/admins/"}`, nil, nil},
	{awstypes.User, `{"forceDestroy":true,"name":"alice","path":"/admins/","tags":{"secure-aws:stack":"secure-aws/production"}}`, []string{"forceDestroy"}, nil},
	{awstypes.User, `{"name":"bob","path":"/admins/","tags":{"secure-aws:stack":"secure-aws/production"}}`, nil, nil},
	{awstypes.Membership, `{"groups":["admins"],"user":"alice"}`, nil, nil},
	{awstypes.GroupMembership, `{"group":"admins","name":"admins","users":["alice","bob"]}`, nil, nil},
	{awstypes.GroupAttachment, `{"group":"admins","policyArn":"$policy"}`, nil, nil},
	{awstypes.GroupPoliciesExcl, `{"groupName":"admins","policyNames":[]}`, nil, nil},
	{awstypes.GroupAttachmentsExcl, `{"groupName":"admins","policyArns":["$policy"]}`, nil, nil},
	{awstypes.UserPoliciesExcl, `{"policyNames":[],"userName":"alice"}`, nil, nil},
	{awstypes.UserAttachmentsExcl, `{"policyArns":[],"userName":"alice"}`, nil, nil},
	{awstypes.LoginProfile, `{"passwordLength":20,"passwordResetRequired":true,"user":"alice"}`, []string{"passwordLength"}, []string{"passwordResetRequired"}},
	{awstypes.AccessKey, `{"user":"bob"}`, nil, nil},
}

func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// TestIAMAgainstMoto runs each IAM case against one moto, emptied between them (a moto
// takes seconds to start on a busy machine).
func TestIAMAgainstMoto(t *testing.T) {
	b, server, records := newMotoIAM(t)
	for _, c := range []struct {
		name string
		run  func(*testing.T, *IAM, *mototest.Server, *[]credentialRecord)
	}{
		{"create, refresh and import", testIAMCreateAndRead},
		{"updates", testIAMUpdates},
		{"deletes", testIAMDeletes},
		{"credentials", testIAMCredentials},
	} {
		t.Run(c.name, func(t *testing.T) {
			server.Reset(t)
			*records = nil
			c.run(t, b, server, records)
		})
	}
}

// importID is the id the provider's importer takes for a resource created with id.
func importID(typ, id string, inputs resource.PropertyMap) string {
	switch typ {
	case awstypes.Membership:
		return inputs["user"].StringValue() + "/" + strings.Join(awsmodel.StringList(inputs["groups"]), "/")
	case awstypes.GroupAttachment:
		return inputs["group"].StringValue() + "/" + inputs["policyArn"].StringValue()
	}
	return id
}

// createAdmins creates admins in moto and returns each resource's id and inputs.
func createAdmins(t *testing.T, b *IAM) (ids []string, inputs []resource.PropertyMap) {
	t.Helper()
	var policyARN string
	for _, r := range admins {
		in := props(t, strings.ReplaceAll(r.inputs, "$policy", policyARN))
		id, state, err := b.Create(t.Context(), r.typ, in)
		require.NoError(t, err, r.typ)
		for k, v := range in {
			assert.True(t, v.DeepEquals(state[k]), "%s: state %s = %v, sent %v", r.typ, k, state[k], v)
		}
		if r.typ == awstypes.Policy {
			policyARN = id
		}
		ids, inputs = append(ids, id), append(inputs, in)
	}
	return ids, inputs
}

// testIAMCreateAndRead: every IAM type the program creates is created in moto with the
// program's inputs; ids and ARNs are AWS's (a policy's id is its ARN, a membership's and
// an attachment's are formed as the provider forms them); a refresh (old inputs given)
// reads back exactly those inputs, and an import (none) every input AWS holds.
func testIAMCreateAndRead(t *testing.T, b *IAM, _ *mototest.Server, _ *[]credentialRecord) {
	ctx := t.Context()
	ids, inputs := createAdmins(t, b)
	want := map[string]*regexp.Regexp{
		awstypes.Policy:          regexp.MustCompile(`^arn:aws:iam::` + mototest.DefaultAccount + `:policy/admins/admins-console$`),
		awstypes.Group:           regexp.MustCompile(`^admins$`),
		awstypes.User:            regexp.MustCompile(`^(alice|bob)$`),
		awstypes.Membership:      regexp.MustCompile(`^terraform-\d{18}[0-9a-f]{8}$`),
		awstypes.GroupMembership: regexp.MustCompile(`^admins$`),
		awstypes.GroupAttachment: regexp.MustCompile(`^admins-\d{18}[0-9a-f]{8}$`),
		awstypes.LoginProfile:    regexp.MustCompile(`^alice$`),
		awstypes.AccessKey:       regexp.MustCompile(`^AKIA[A-Z0-9]{16}$`),
	}
	for i, r := range admins {
		if re, ok := want[r.typ]; ok {
			assert.Regexp(t, re, ids[i], r.typ)
		}
		read, state, err := b.Read(ctx, r.typ, ids[i], inputs[i])
		require.NoError(t, err, r.typ)
		require.NotNil(t, read, "%s %s: refresh finds it", r.typ, ids[i])
		for k, v := range inputs[i] {
			if slices.Contains(r.kept, string(k)) || slices.Contains(r.motoGap, string(k)) {
				continue
			}
			assert.True(t, v.DeepEquals(read[k]), "%s (refresh): read %s = %v, sent %v", r.typ, k, read[k], v)
		}
		if r.typ == awstypes.User {
			assert.Equal(t, "arn:aws:iam::"+mototest.DefaultAccount+":user/admins/"+ids[i], state["arn"].StringValue())
			assert.NotEmpty(t, state["uniqueId"].StringValue())
		}

		imported, _, err := b.Read(ctx, r.typ, importID(r.typ, ids[i], inputs[i]), nil)
		require.NoError(t, err, r.typ)
		require.NotNil(t, imported, "%s %s: import finds it", r.typ, ids[i])
		for k, v := range inputs[i] {
			if slices.Contains(r.kept, string(k)) {
				assert.NotContains(t, imported, k, "%s: AWS holds no %s", r.typ, k)
				continue
			}
			if slices.Contains(r.motoGap, string(k)) {
				continue
			}
			assert.True(t, v.DeepEquals(imported[k]), "%s (import): read %s = %v, sent %v", r.typ, k, imported[k], v)
		}
		assert.Len(t, imported, len(inputs[i])-len(r.kept), "%s (import): %v", r.typ, imported)
	}
}

// TestIAMRefusesWhatItDoesNotServe: an input the backend has no field for is an error
// naming it, before any request; a type it does not serve is left to another backend or
// the model.
func TestIAMRefusesWhatItDoesNotServe(t *testing.T) {
	b, err := NewIAM(Config{Region: "us-east-1", Endpoints: map[string]string{"iam": "http://127.0.0.1:1"}, AccessKey: "testing", SecretKey: "testing"})
	require.NoError(t, err)
	_, _, err = b.Create(t.Context(), awstypes.User, props(t, `{"name":"carol","passwordPolicy":"x"}`))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "passwordPolicy")
	_, _, err = b.Create(t.Context(), awstypes.GroupPoliciesExcl, props(t, `{"groupName":"admins","policyNames":[],"extra":1}`))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "extra")
	assert.False(t, b.Serves(awstypes.Bucket))
	assert.False(t, b.Serves(awstypes.Role), "roles are not this backend's")
}

// testIAMUpdates: each update is AWS's (read back through the SDK, apart from
// the backend), with the provider's semantics: a policy's new document is a new default
// version and the oldest other version goes when five exist; a membership removes only
// the groups it had; a group membership and an exclusive list remove what was added by
// hand (with the AWS CLI, or the SDK as a person's script would), which a refresh shows
// first.
func testIAMUpdates(t *testing.T, b *IAM, server *mototest.Server, _ *[]credentialRecord) {
	ctx := t.Context()
	ids, inputs := createAdmins(t, b)
	at := func(typ string) int {
		return slices.IndexFunc(admins, func(r iamResource) bool { return r.typ == typ })
	}

	// A policy edited six times keeps five versions, the newest the default.
	p := at(awstypes.Policy)
	olds := inputs[p]
	for n := 1; n <= 6; n++ {
		news := olds.Copy()
		news["policy"] = resource.NewProperty(strings.Replace(consolePolicy, `"iam:ListVirtualMFADevices"`, `"iam:ListVirtualMFADevices","iam:ListUsers`+strings.Repeat("x", n)+`"`, 1))
		_, err := b.Update(ctx, awstypes.Policy, ids[p], olds, news)
		require.NoError(t, err, "update %d", n)
		olds = news
	}
	versions, err := b.iam.ListPolicyVersions(ctx, &iam.ListPolicyVersionsInput{PolicyArn: aws.String(ids[p])})
	require.NoError(t, err)
	assert.Len(t, versions.Versions, 5)
	read, _, err := b.Read(ctx, awstypes.Policy, ids[p], olds)
	require.NoError(t, err)
	assert.Equal(t, olds["policy"].StringValue(), read["policy"].StringValue())

	// A user's path and tags.
	u := at(awstypes.User)
	news := inputs[u].Copy()
	news["path"] = resource.NewProperty("/people/")
	news["tags"] = resource.NewProperty(resource.PropertyMap{"team": resource.NewProperty("ops")})
	_, err = b.Update(ctx, awstypes.User, ids[u], inputs[u], news)
	require.NoError(t, err)
	user, err := b.iam.GetUser(ctx, &iam.GetUserInput{UserName: aws.String("alice")})
	require.NoError(t, err)
	assert.Equal(t, "/people/", aws.ToString(user.User.Path))
	assert.Equal(t, map[string]any{"team": "ops"}, tagsFromAPI(user.User.Tags))

	// An access key deactivated and activated again.
	k := at(awstypes.AccessKey)
	inactive := props(t, `{"user":"bob","status":"Inactive"}`)
	state, err := b.Update(ctx, awstypes.AccessKey, ids[k], inputs[k], inactive)
	require.NoError(t, err)
	assert.Equal(t, "Inactive", state["status"].StringValue())
	keys, err := b.iam.ListAccessKeys(ctx, &iam.ListAccessKeysInput{UserName: aws.String("bob")})
	require.NoError(t, err)
	assert.Equal(t, iamtypes.StatusTypeInactive, keys.AccessKeyMetadata[0].Status)
	state, err = b.Update(ctx, awstypes.AccessKey, ids[k], inactive, inputs[k])
	require.NoError(t, err)
	assert.Equal(t, "Active", state["status"].StringValue())

	// A membership moved from admins to developers takes alice out of admins only, not out
	// of auditors, where a person put her.
	for _, g := range []string{"developers", "auditors"} {
		_, err = b.iam.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String(g)})
		require.NoError(t, err)
	}
	_, err = b.iam.AddUserToGroup(ctx, &iam.AddUserToGroupInput{UserName: aws.String("alice"), GroupName: aws.String("auditors")})
	require.NoError(t, err)
	m := at(awstypes.Membership)
	_, err = b.Update(ctx, awstypes.Membership, ids[m], inputs[m], props(t, `{"groups":["developers"],"user":"alice"}`))
	require.NoError(t, err)
	groups, err := b.groupsOf(ctx, "alice")
	require.NoError(t, err)
	assert.ElementsMatch(t, []string{"developers", "auditors"}, groups, "admins removed, auditors (not the membership's) kept")

	// Carol added to admins by hand: a refresh of the group membership shows her, and the
	// update to the program's list removes her.
	_, err = b.iam.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("carol")})
	require.NoError(t, err)
	_, err = b.iam.AddUserToGroup(ctx, &iam.AddUserToGroupInput{UserName: aws.String("carol"), GroupName: aws.String("admins")})
	require.NoError(t, err)
	gm := at(awstypes.GroupMembership)
	read, refreshed, err := b.Read(ctx, awstypes.GroupMembership, ids[gm], inputs[gm])
	require.NoError(t, err)
	assert.Equal(t, []string{"bob", "carol"}, awsmodel.StringList(read["users"]), "alice left with the membership's update; carol came by hand")
	_, err = b.Update(ctx, awstypes.GroupMembership, ids[gm], refreshed, inputs[gm])
	require.NoError(t, err)
	read, _, err = b.Read(ctx, awstypes.GroupMembership, ids[gm], inputs[gm])
	require.NoError(t, err)
	assert.Equal(t, []string{"alice", "bob"}, awsmodel.StringList(read["users"]))

	// An inline policy put on the group by hand with the AWS CLI: the exclusive list's read
	// shows it, its update deletes it.
	_, code := server.AWS(t, "iam", "put-group-policy", "--group-name", "admins", "--policy-name", "by-hand", "--policy-document", consolePolicy)
	require.Empty(t, code)
	e := at(awstypes.GroupPoliciesExcl)
	read, refreshed, err = b.Read(ctx, awstypes.GroupPoliciesExcl, ids[e], inputs[e])
	require.NoError(t, err)
	assert.Equal(t, []string{"by-hand"}, awsmodel.StringList(read["policyNames"]))
	_, err = b.Update(ctx, awstypes.GroupPoliciesExcl, ids[e], refreshed, inputs[e])
	require.NoError(t, err)
	inline, err := b.iam.ListGroupPolicies(ctx, &iam.ListGroupPoliciesInput{GroupName: aws.String("admins")})
	require.NoError(t, err)
	assert.Empty(t, inline.PolicyNames)

	// A policy attached to the group by hand, likewise.
	_, other, err := b.Create(ctx, awstypes.Policy, props(t, `{"name":"by-hand","policy":`+quote(consolePolicy)+`}`))
	require.NoError(t, err)
	_, err = b.iam.AttachGroupPolicy(ctx, &iam.AttachGroupPolicyInput{GroupName: aws.String("admins"), PolicyArn: aws.String(other["arn"].StringValue())})
	require.NoError(t, err)
	a := at(awstypes.GroupAttachmentsExcl)
	read, refreshed, err = b.Read(ctx, awstypes.GroupAttachmentsExcl, ids[a], inputs[a])
	require.NoError(t, err)
	assert.Equal(t, []string{ids[p], other["arn"].StringValue()}, awsmodel.StringList(read["policyArns"]))
	_, err = b.Update(ctx, awstypes.GroupAttachmentsExcl, ids[a], refreshed, inputs[a])
	require.NoError(t, err)
	read, _, err = b.Read(ctx, awstypes.GroupAttachmentsExcl, ids[a], inputs[a])
	require.NoError(t, err)
	assert.Equal(t, []string{ids[p]}, awsmodel.StringList(read["policyArns"]))
}

// testIAMDeletes: each delete does what the provider's does. A user AWS
// refuses to delete is reported with AWS's error (DeleteConflict); with forceDestroy its
// key, login profile and groups go with it. Everything deleted reads as gone (a
// membership as an empty list, as the provider reads it), and deleting an exclusive list
// leaves AWS's list as it is.
func testIAMDeletes(t *testing.T, b *IAM, _ *mototest.Server, _ *[]credentialRecord) {
	ctx := t.Context()
	ids, inputs := createAdmins(t, b)

	// An inline policy: AWS refuses the delete, forceDestroy or not (the provider removes a
	// user's keys, devices and login profile, never its policies), and the error is AWS's.
	_, err := b.iam.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("alice"), PolicyName: aws.String("by-hand"), PolicyDocument: aws.String(consolePolicy)})
	require.NoError(t, err)
	err = b.Delete(ctx, awstypes.User, "alice", inputs[2])
	require.Error(t, err, "alice has an inline policy")
	assert.Contains(t, err.Error(), "DeleteConflict")
	_, err = b.iam.DeleteUserPolicy(ctx, &iam.DeleteUserPolicyInput{UserName: aws.String("alice"), PolicyName: aws.String("by-hand")})
	require.NoError(t, err)

	for i := len(admins) - 1; i >= 0; i-- {
		r := admins[i]
		if r.typ == awstypes.User && ids[i] == "alice" {
			continue // deleted last, with what forceDestroy removes
		}
		require.NoError(t, b.Delete(ctx, r.typ, ids[i], inputs[i]), r.typ)
		read, state, err := b.Read(ctx, r.typ, ids[i], inputs[i])
		require.NoError(t, err, r.typ)
		switch r.typ {
		case awstypes.Membership, awstypes.GroupMembership:
			// As the provider reads it: the user or group is there, with none of its list.
			require.NotNil(t, read, r.typ)
			assert.Empty(t, awsmodel.StringList(read[map[string]resource.PropertyKey{awstypes.Membership: "groups", awstypes.GroupMembership: "users"}[r.typ]]), r.typ)
		case awstypes.UserPoliciesExcl, awstypes.UserAttachmentsExcl, awstypes.GroupPoliciesExcl, awstypes.GroupAttachmentsExcl:
			// Deleting the list leaves AWS's list as it was (the attachment goes later).
			require.NotNil(t, read, r.typ)
			assert.True(t, inputs[i].DeepEquals(read), "%s: %v", r.typ, read)
		default:
			assert.Nil(t, read, "%s %s is gone", r.typ, ids[i])
			assert.Nil(t, state, r.typ)
		}
	}

	// alice, with a login profile and an access key, in a group, with forceDestroy.
	_, _, err = b.Create(ctx, awstypes.LoginProfile, props(t, `{"user":"alice"}`))
	require.NoError(t, err)
	_, _, err = b.Create(ctx, awstypes.AccessKey, props(t, `{"user":"alice"}`))
	require.NoError(t, err)
	_, err = b.iam.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String("ops")})
	require.NoError(t, err)
	_, err = b.iam.AddUserToGroup(ctx, &iam.AddUserToGroupInput{UserName: aws.String("alice"), GroupName: aws.String("ops")})
	require.NoError(t, err)
	require.NoError(t, b.Delete(ctx, awstypes.User, "alice", inputs[2]))
	_, err = b.iam.GetUser(ctx, &iam.GetUserInput{UserName: aws.String("alice")})
	assert.True(t, notFound(err, "NoSuchEntity"), "alice is gone: %v", err)

	members, err := b.iam.GetGroup(ctx, &iam.GetGroupInput{GroupName: aws.String("ops")})
	require.NoError(t, err)
	assert.Empty(t, members.Users)
}

// testIAMCredentials: with a pgpKey, the access key's secret AWS answered and
// the password the provider made are encrypted to it, as the provider encrypts them; the
// key's owner decrypts them and finds the credential the backend reported as generated,
// which appears nowhere in the state. Without a pgpKey the plain value is a secret output.
func testIAMCredentials(t *testing.T, b *IAM, _ *mototest.Server, records *[]credentialRecord) {
	ctx := t.Context()
	for _, u := range []string{"my-app", "alice"} {
		_, _, err := b.Create(ctx, awstypes.User, props(t, `{"name":"`+u+`"}`))
		require.NoError(t, err)
	}
	owner := pgpkeytest.NewEntity(t, "owner", time.Now().Add(-time.Hour), 0)
	pgp := pgpkeytest.Export(t, owner)

	for _, tc := range []struct {
		typ, inputs, plain, encrypted string
	}{
		{awstypes.AccessKey, `{"user":"my-app","pgpKey":"` + pgp + `"}`, "secret", "encryptedSecret"},
		{awstypes.LoginProfile, `{"user":"alice","passwordLength":24,"passwordResetRequired":true,"pgpKey":"` + pgp + `"}`, "password", "encryptedPassword"},
	} {
		*records = nil
		_, state, err := b.Create(ctx, tc.typ, props(t, tc.inputs))
		require.NoError(t, err, tc.typ)
		require.Len(t, *records, 1, tc.typ)
		generated := (*records)[0]
		assert.Equal(t, tc.plain, generated.kind)
		require.NotEmpty(t, generated.value)
		assert.Equal(t, generated.value, pgpkeytest.Decrypt(t, owner, state[resource.PropertyKey(tc.encrypted)].StringValue()), tc.typ)
		assert.Regexp(t, `^[0-9a-f]{40}$`, state["keyFingerprint"].StringValue())
		assert.NotContains(t, state, resource.PropertyKey(tc.plain))
		wire, err := json.Marshal(state.Mappable())
		require.NoError(t, err)
		assert.NotContains(t, string(wire), generated.value, "%s: no plain text in the state", tc.typ)
		if tc.typ == awstypes.LoginProfile {
			assert.Len(t, generated.value, 24)
			for _, class := range []string{charLower, charUpper, charNumbers, charSymbols} {
				assert.True(t, strings.ContainsAny(generated.value, class), "every character class: %q", generated.value)
			}
		}
	}

	*records = nil
	_, state, err := b.Create(ctx, awstypes.AccessKey, props(t, `{"user":"alice"}`))
	require.NoError(t, err)
	require.Len(t, *records, 1)
	secret := state["secret"]
	require.True(t, secret.IsSecret(), "a plain secret is a secret output")
	assert.Equal(t, (*records)[0].value, secret.SecretValue().Element.StringValue())
	assert.Len(t, (*records)[0].value, 40, "moto's secret access key")
	assert.NotContains(t, state, resource.PropertyKey("encryptedSecret"))
}
