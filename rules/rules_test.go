package rules_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-aws/secure-aws/awstypes"
	"github.com/secure-aws/secure-aws/iampolicy"
	"github.com/secure-aws/secure-aws/internal/config"
	"github.com/secure-aws/secure-aws/internal/plan"
	"github.com/secure-aws/secure-aws/internal/record"
	"github.com/secure-aws/secure-aws/rules"
	"github.com/secure-aws/secure-aws/spec"
)

// res builds a resource from plain inputs; unknown() values become computed.
func res(typ, name string, inputs map[string]any) rules.Resource {
	t := true
	return rules.Resource{
		URN:            "urn:pulumi:test::secure-aws::" + typ + "::" + name,
		Type:           typ,
		Name:           name,
		Props:          resource.FromResourcePropertyMap(toProps(inputs)),
		Protect:        true,
		RetainOnDelete: &t,
	}
}

type unknownValue struct{}

func unknown() any { return unknownValue{} }

func toProps(m map[string]any) resource.PropertyMap {
	out := resource.PropertyMap{}
	for k, v := range m {
		out[resource.PropertyKey(k)] = toProp(v)
	}
	return out
}

func toProp(v any) resource.PropertyValue {
	switch v := v.(type) {
	case unknownValue:
		return resource.MakeComputed(resource.NewProperty(""))
	case map[string]any:
		return resource.NewProperty(toProps(v))
	case []any:
		var arr []resource.PropertyValue
		for _, e := range v {
			arr = append(arr, toProp(e))
		}
		return resource.NewProperty(arr)
	case []string:
		var arr []resource.PropertyValue
		for _, e := range v {
			arr = append(arr, resource.NewProperty(e))
		}
		return resource.NewProperty(arr)
	case string:
		return resource.NewProperty(v)
	case bool:
		return resource.NewProperty(v)
	case int:
		return resource.NewProperty(float64(v))
	}
	panic("unsupported test value")
}

func rule(t *testing.T, name string) rules.Rule {
	t.Helper()
	for _, r := range rules.All() {
		if r.Name == name {
			return r
		}
	}
	t.Fatalf("no rule %s", name)
	return rules.Rule{}
}

// check runs one rule and returns its messages.
func check(t *testing.T, name string, stack ...rules.Resource) []string {
	t.Helper()
	var out []string
	for _, v := range rule(t, name).Check(stack) {
		assert.Equal(t, name, v.Rule)
		out = append(out, v.Message)
	}
	return out
}

func TestEveryRuleIsWellFormed(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range rules.All() {
		assert.Regexp(t, `^[a-z0-9]+(-[a-z0-9]+)*$`, r.Name, "kebab-case name")
		assert.False(t, seen[r.Name], "duplicate rule %s", r.Name)
		seen[r.Name] = true
		assert.NotEmpty(t, r.Description)
		assert.Contains(t, []rules.Level{rules.Mandatory, rules.Advisory}, r.Level)
		assert.True(t, (r.Resource == nil) != (r.Stack == nil), "%s sets exactly one of Resource and Stack", r.Name)
		assert.NotEmpty(t, r.Judges, "%s says what it judges, or the plan shows it n/a everywhere", r.Name)
	}
}

func cisPolicy(changes map[string]any) rules.Resource {
	in := map[string]any{
		"minimumPasswordLength": 14, "passwordReusePrevention": 24,
		"requireUppercaseCharacters": true, "requireLowercaseCharacters": true,
		"requireNumbers": true, "requireSymbols": true,
	}
	for k, v := range changes {
		if v == nil {
			delete(in, k)
		} else {
			in[k] = v
		}
	}
	return res(awstypes.AccountPasswordPolicy, "pp", in)
}

func TestPasswordPolicyCIS(t *testing.T) {
	assert.Empty(t, check(t, "password-policy-cis", cisPolicy(nil)))
	assert.Len(t, check(t, "password-policy-cis", cisPolicy(map[string]any{"minimumPasswordLength": 8})), 1)
	assert.Len(t, check(t, "password-policy-cis", cisPolicy(map[string]any{"passwordReusePrevention": 5})), 1)
	assert.Len(t, check(t, "password-policy-cis", cisPolicy(map[string]any{"requireSymbols": false})), 1)
	assert.Len(t, check(t, "password-policy-cis", cisPolicy(map[string]any{"requireNumbers": nil})), 1, "absent means off")
	absent := rule(t, "password-policy-cis").Check([]rules.Resource{cisPolicy(map[string]any{"minimumPasswordLength": nil, "passwordReusePrevention": nil})})
	assert.Len(t, absent, 2, "absent numbers are AWS's defaults (length 8, no reuse prevention)")
	for _, v := range absent {
		assert.Equal(t, "absent", v.Value)
	}
	assert.Empty(t, check(t, "password-policy-cis", cisPolicy(map[string]any{"minimumPasswordLength": unknown(), "requireSymbols": unknown()})), "unknown is not a violation")
}

// TestAccountBaselineComplete: a stack that manages the account must register exactly one
// password policy and one account-level Block Public Access; a stack without the
// AccountBaseline has nothing to judge.
func TestAccountBaselineComplete(t *testing.T) {
	baseline := res(awstypes.AccountBaseline, "account", nil)
	bpa := res(awstypes.AccountPublicAccess, "bpa", nil)
	assert.Empty(t, check(t, "account-baseline-complete", baseline, cisPolicy(nil), bpa))
	assert.Empty(t, check(t, "account-baseline-complete", bpa), "not a managing stack")
	missing := check(t, "account-baseline-complete", baseline, bpa)
	require.Len(t, missing, 1)
	assert.Contains(t, missing[0], "registers 0 "+awstypes.AccountPasswordPolicy)
	assert.Len(t, check(t, "account-baseline-complete", baseline, cisPolicy(nil), bpa, res(awstypes.AccountPublicAccess, "bpa2", nil)), 1, "two")
}

// TestPasswordViolationNamesTheSetting: a password policy violation says, in one line, the
// stack file's setting, its value, the rule and what it accepts; and the configuration
// refuses each such value of the stack file (exit 2, before anything is registered) in
// the same line, so the rule and the validation cannot drift apart.
func TestPasswordViolationNamesTheSetting(t *testing.T) {
	vs := rule(t, "password-policy-cis").Check([]rules.Resource{cisPolicy(map[string]any{"passwordReusePrevention": 5})})
	require.Len(t, vs, 1)
	assert.Equal(t, "secure-aws:account.passwordPolicy.reusePrevention: 5 fails password-policy-cis (CIS v5.0.0 1.8 (v7.0.0 2.9) asks for 24)", vs[0].String())

	for _, f := range spec.PasswordFloors {
		t.Run(f.Field, func(t *testing.T) {
			var bad, setting any = false, false
			if !f.Switch {
				bad, setting = int(f.Least-1), int(f.Least-1)
			}
			vs := rule(t, "password-policy-cis").Check([]rules.Resource{cisPolicy(map[string]any{f.Property: bad})})
			require.Len(t, vs, 1)
			text, err := json.Marshal(map[string]any{"manage": true, "alias": "acme-corp", "passwordPolicy": map[string]any{f.Field: setting},
				"contacts": map[string]any{"security": map[string]any{"name": "Sam Doe", "title": "Security lead", "email": "security@acme.example", "phone": "+1 555 0100"}}})
			require.NoError(t, err)
			_, err = config.Load("production", config.MapGetter(map[string]string{
				"aws:region": "us-east-1", "aws:allowedAccountIds": `["111111111111"]`, "secure-aws:account": string(text),
			}))
			var cfgErr *config.Error
			require.ErrorAs(t, err, &cfgErr)
			require.Len(t, cfgErr.Problems, 1, "%v", err)
			assert.Equal(t, vs[0].String(), cfgErr.Problems[0].Key+": "+cfgErr.Problems[0].Message)
		})
	}
}

// TestViolationWithoutSettingNamesTheResource: a finding about what the program built
// names the resource by type and name, and the rule.
func TestViolationWithoutSettingNamesTheResource(t *testing.T) {
	v := rules.Violation{Rule: "bucket-secure", URN: "urn:pulumi:prod::secure-aws::aws:s3/bucketV2:BucketV2::data-bucket", Message: "bucket data has no default encryption"}
	assert.Equal(t, "aws:s3/bucketV2:BucketV2 data-bucket: bucket data has no default encryption (fails bucket-secure)", v.String())
	assert.Equal(t, v.Message, v.Detail(), "the policy pack names the rule and the resource itself")
}

func publicAccess(typ string, off string) rules.Resource {
	in := map[string]any{"bucket": "b", "blockPublicAcls": true, "blockPublicPolicy": true, "ignorePublicAcls": true, "restrictPublicBuckets": true}
	if off != "" {
		in[off] = false
	}
	return res(typ, "pab", in)
}

func TestAccountPublicAccessBlocked(t *testing.T) {
	assert.Empty(t, check(t, "account-public-access-blocked", publicAccess(awstypes.AccountPublicAccess, "")))
	assert.Equal(t, []string{"restrictPublicBuckets is not true"}, check(t, "account-public-access-blocked", publicAccess(awstypes.AccountPublicAccess, "restrictPublicBuckets")))
}

// TestForbiddenTypesAreRealTokens registers the resource types no-user-policies judges
// through the pulumi-aws SDK itself, so a typo in a type constant cannot hide them: a
// user's own policy, one by one or in an owned list, is a violation; the owned lists held
// empty, and a group's owned member list, are the shapes the program uses, and pass.
func TestForbiddenTypesAreRealTokens(t *testing.T) {
	register := func(ctx *pulumi.Context, list pulumi.StringArray) error {
		if _, err := iam.NewUserPolicyAttachmentsExclusive(ctx, "attached-exclusive", &iam.UserPolicyAttachmentsExclusiveArgs{UserName: pulumi.String("u"), PolicyArns: list}); err != nil {
			return err
		}
		_, err := iam.NewUserPoliciesExclusive(ctx, "inline-exclusive", &iam.UserPoliciesExclusiveArgs{UserName: pulumi.String("u"), PolicyNames: list})
		return err
	}
	rec := record.New("secure-aws", "test")
	require.NoError(t, rec.Run(nil, false, func(ctx *pulumi.Context) error {
		if _, err := iam.NewUserPolicy(ctx, "inline", &iam.UserPolicyArgs{User: pulumi.String("u"), Policy: pulumi.String("{}")}); err != nil {
			return err
		}
		if _, err := iam.NewUserPolicyAttachment(ctx, "attached", &iam.UserPolicyAttachmentArgs{User: pulumi.String("u"), PolicyArn: pulumi.String("arn")}); err != nil {
			return err
		}
		if err := register(ctx, pulumi.StringArray{pulumi.String("everything")}); err != nil {
			return err
		}
		_, err := iam.NewPolicyAttachment(ctx, "exclusive", &iam.PolicyAttachmentArgs{Users: pulumi.Array{pulumi.String("u")}, PolicyArn: pulumi.String("arn")})
		return err
	}))
	stack := plan.Resources(rec.Registrations())
	require.Len(t, stack, 5)
	assert.Len(t, check(t, "no-user-policies", stack...), 5)

	rec = record.New("secure-aws", "test")
	require.NoError(t, rec.Run(nil, false, func(ctx *pulumi.Context) error {
		if err := register(ctx, pulumi.StringArray{}); err != nil {
			return err
		}
		_, err := iam.NewGroupMembership(ctx, "whole-group", &iam.GroupMembershipArgs{Name: pulumi.String("g"), Group: pulumi.String("g"), Users: pulumi.StringArray{pulumi.String("u")}})
		return err
	}))
	stack = plan.Resources(rec.Registrations())
	require.Len(t, stack, 3)
	assert.Empty(t, check(t, "no-user-policies", stack...))
}

func policy(doc iampolicy.Document) rules.Resource {
	return res(awstypes.Policy, "p", map[string]any{"name": "p", "path": "/apps/", "policy": doc.MustJSON()})
}

func appPolicy(t *testing.T, grants ...iampolicy.S3Grant) rules.Resource {
	t.Helper()
	doc, err := iampolicy.S3AccessDocument("aws", iampolicy.BucketOwners{Account: "111111111111"}, grants)
	require.NoError(t, err)
	return policy(doc)
}

func allow(actions []string, resources ...string) iampolicy.Document {
	return iampolicy.Document{Statements: []iampolicy.Statement{{Sid: "A", Effect: iampolicy.Allow, Actions: actions, Resources: resources}}}
}

func TestNoWildcardActions(t *testing.T) {
	good := appPolicy(t, iampolicy.S3Grant{Bucket: "bkt", Actions: []string{"s3:GetObject"}})
	assert.Empty(t, check(t, "no-wildcard-actions", good))
	for _, action := range []string{"*", "s3:*", "s3:Get*", "iam:?et*"} {
		assert.Len(t, check(t, "no-wildcard-actions", policy(allow([]string{action}, "*"))), 1, action)
	}
	notAction := policy(iampolicy.Document{Statements: []iampolicy.Statement{{Sid: "N", Effect: iampolicy.Allow, NotActions: []string{"iam:*"}, Resources: []string{"*"}}}})
	assert.Len(t, check(t, "no-wildcard-actions", notAction), 1)
	deny := policy(iampolicy.Document{Statements: []iampolicy.Statement{{Sid: "D", Effect: iampolicy.Deny, Actions: []string{"*"}, Resources: []string{"*"}}}})
	assert.Empty(t, check(t, "no-wildcard-actions", deny), "a wildcard Deny grants nothing")
	assert.Empty(t, check(t, "no-wildcard-actions", res(awstypes.Policy, "p", map[string]any{"policy": unknown()})))
	assert.Equal(t, []string{`statement "UnreadablePolicy" allows wildcard action "*"`},
		check(t, "no-wildcard-actions", res(awstypes.Policy, "p", map[string]any{"policy": "not json"})),
		"a policy the rules cannot read is refused, never skipped")

	// IAM accepts booleans and numbers as condition values; they must not hide a grant.
	boolCondition := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":true},"NumericLessThan":{"s3:TlsVersion":1.2}}}]}`
	assert.Len(t, check(t, "no-wildcard-actions", res(awstypes.Policy, "p", map[string]any{"policy": boolCondition})), 1)
}

// TestDuplicateSidsAreRefused: a policy with two statements of one Sid (IAM refuses it, and
// the plan's diff could not pair its statements) reads as one the rules cannot read, which
// every identity rule refuses.
func TestDuplicateSidsAreRefused(t *testing.T) {
	twice := `{"Version":"2012-10-17","Statement":[{"Sid":"Read","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*"},{"Sid":"Read","Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::bkt"}]}`
	assert.Equal(t, []string{`statement "UnreadablePolicy" allows wildcard action "*"`},
		check(t, "no-wildcard-actions", res(awstypes.Policy, "p", map[string]any{"policy": twice})))
	once := strings.Replace(twice, `"Sid":"Read","Effect":"Allow","Action":"s3:ListBucket"`, `"Sid":"List","Effect":"Allow","Action":"s3:ListBucket"`, 1)
	assert.Empty(t, check(t, "no-wildcard-actions", res(awstypes.Policy, "p", map[string]any{"policy": once})))
}

func TestS3ActionsOnRightResource(t *testing.T) {
	good := appPolicy(t, iampolicy.S3Grant{Bucket: "bkt", Prefix: "in/", Actions: []string{"s3:ListBucket", "s3:GetObject"}})
	assert.Empty(t, check(t, "s3-actions-on-right-resource", good))
	assert.Len(t, check(t, "s3-actions-on-right-resource", policy(allow([]string{"s3:GetObject"}, "arn:aws:s3:::b"))), 1, "object action on the bucket")
	assert.Len(t, check(t, "s3-actions-on-right-resource", policy(allow([]string{"s3:ListBucket"}, "arn:aws:s3:::b/*"))), 1, "bucket action on objects")
	assert.Len(t, check(t, "s3-actions-on-right-resource", policy(allow([]string{"s3:GetObjects"}, "arn:aws:s3:::b/*"))), 1, "unknown action")
	assert.Len(t, check(t, "s3-actions-on-right-resource", policy(allow([]string{"s3:ListAllMyBuckets"}, "*"))), 1, "account-level action")
	assert.Empty(t, check(t, "s3-actions-on-right-resource", policy(allow([]string{"s3:GetAccountPublicAccessBlock"}, "*"))), "an account configuration read, on *")
	assert.Len(t, check(t, "s3-actions-on-right-resource", policy(allow([]string{"s3:GetAccountPublicAccessBlock"}, "arn:aws:s3:::b"))), 1, "an account-level read on a bucket")
	assert.Empty(t, check(t, "s3-actions-on-right-resource", policy(iampolicy.ConfigurationReaderPolicy("aws", ""))))

	// A wildcard bucket reads every bucket, as a NotResource does; only configuration reads
	// may reach every bucket.
	for _, doc := range []iampolicy.Document{
		allow([]string{"s3:GetObject"}, "arn:aws:s3:::*/*"),
		allow([]string{"s3:GetObject"}, "arn:aws:s3:::acme-*/*"),
		allow([]string{"s3:GetObjectTagging"}, "arn:aws:s3:::ac?e/*"),
		allow([]string{"s3:ListBucketMultipartUploads"}, "*"),
	} {
		assert.Len(t, check(t, "s3-actions-on-right-resource", policy(doc)), 1, doc.Statements[0].Resources)
	}
	everyBucket := allow([]string{"s3:GetObject"}, "arn:aws:s3:::*/*")
	everyBucket.Statements = append(everyBucket.Statements, iampolicy.DenyDestructiveS3EverywhereStatement("aws"))
	assert.Empty(t, check(t, "destructive-s3-actions-denied", policy(everyBucket)), "a deny everywhere satisfies the deny rule, so this rule must refuse the read")
	assert.Empty(t, check(t, "s3-actions-on-right-resource", policy(allow([]string{"s3:GetBucketPolicy", "s3:ListBucket"}, "*"))), "configuration reads on *")
}

// TestConfigurationReaderNeedsItsDeny: the drift role's policy reads s3:GetBucketVersioning,
// one of the deny list, because its second statement denies every other S3 action
// everywhere; without that statement, or with a looser one, it is refused.
func TestConfigurationReaderNeedsItsDeny(t *testing.T) {
	reader := iampolicy.ConfigurationReaderPolicy("aws", "")
	for _, rule := range []string{"destructive-s3-actions-denied", "no-wildcard-actions", "s3-actions-on-right-resource"} {
		assert.Empty(t, check(t, rule, policy(reader)), rule)
	}

	withoutDeny := iampolicy.Document{Statements: reader.Statements[:1]}
	assert.Contains(t, check(t, "destructive-s3-actions-denied", policy(withoutDeny)), `statement "ReadConfiguration" allows destructive "s3:GetBucketVersioning"`)

	for name, notActions := range map[string][]string{
		"lets a version listing through": append(iampolicy.ConfigurationReads(), "s3:ListBucketVersions"),
		"lets every S3 action through":   append(iampolicy.ConfigurationReads(), "s3:*"),
		"lets every action through":      {"*"},
	} {
		loose := iampolicy.Document{Statements: []iampolicy.Statement{reader.Statements[0],
			{Sid: "DenyEverythingElse", Effect: iampolicy.Deny, NotActions: notActions, Resources: []string{"*"}}}}
		assert.Contains(t, check(t, "destructive-s3-actions-denied", policy(loose)), `statement "ReadConfiguration" allows destructive "s3:GetBucketVersioning"`, name)
	}
	state := iampolicy.ConfigurationReaderPolicy("aws", "acme-pulumi-state")
	for _, rule := range []string{"destructive-s3-actions-denied", "no-wildcard-actions", "s3-actions-on-right-resource"} {
		assert.Empty(t, check(t, rule, policy(state)), "with a state bucket: "+rule)
	}
	narrowDeny := iampolicy.Document{Statements: []iampolicy.Statement{reader.Statements[0],
		{Sid: "DenyEverythingElse", Effect: iampolicy.Deny, NotActions: iampolicy.ConfigurationReads(), Resources: []string{"arn:aws:s3:::b"}}}}
	assert.NotEmpty(t, check(t, "destructive-s3-actions-denied", policy(narrowDeny)), "a deny on one bucket is not a deny everywhere")

	conditioned := iampolicy.Document{Statements: []iampolicy.Statement{
		{Sid: "App", Effect: iampolicy.Allow, Actions: []string{"s3:ListBucket", "s3:PutObject", "s3:DeleteObject"}, Resources: []string{"arn:aws:s3:::b", "arn:aws:s3:::b/*"}},
		{Sid: "Inert", Effect: iampolicy.Deny, NotActions: []string{"s3:ListBucket"}, Resources: []string{"*"},
			Conditions: []iampolicy.Condition{{Operator: "StringEquals", Key: "aws:username", Values: []string{"nobody"}}}}}}
	assert.Len(t, check(t, "destructive-s3-actions-denied", policy(conditioned)), 2*len(iampolicy.DestructiveS3Actions()), "a deny with a condition may never apply: it limits nothing")

	mixedCase := iampolicy.Document{Statements: []iampolicy.Statement{
		{Sid: "A", Effect: iampolicy.Allow, Actions: []string{"S3:DeleteBucket", "S3:PutBucketPolicy"}, Resources: []string{"arn:aws:s3:::b"}},
		{Sid: "D", Effect: iampolicy.Deny, NotActions: []string{"S3:DeleteBucket", "S3:PutBucketPolicy"}, Resources: []string{"*"}}}}
	got := check(t, "destructive-s3-actions-denied", policy(mixedCase))
	assert.Contains(t, got, `statement "A" allows destructive "S3:DeleteBucket"`, "IAM matches actions in any case")
	assert.NotEmpty(t, check(t, "s3-actions-on-right-resource", policy(mixedCase)), "only the spelling AWS defines")

	readsData := iampolicy.Document{Statements: []iampolicy.Statement{
		{Sid: "ReadConfiguration", Effect: iampolicy.Allow, Actions: []string{"s3:GetBucketPolicy", "s3:GetObjectVersionAcl"}, Resources: []string{"*"}},
		reader.Statements[1]}}
	assert.Contains(t, check(t, "destructive-s3-actions-denied", policy(readsData)), `statement "ReadConfiguration" allows destructive "s3:GetObjectVersionAcl"`, "only configuration reads of the deny list")
}

func TestDestructiveS3ActionsDenied(t *testing.T) {
	good := appPolicy(t,
		iampolicy.S3Grant{Bucket: "aaa", Actions: []string{"s3:GetObject"}},
		iampolicy.S3Grant{Bucket: "bbb", Prefix: "x/", Actions: []string{"s3:PutObject"}})
	assert.Empty(t, check(t, "destructive-s3-actions-denied", good))

	allowsDestructive := policy(allow([]string{"s3:DeleteObjectVersion"}, "arn:aws:s3:::b/*"))
	got := check(t, "destructive-s3-actions-denied", allowsDestructive)
	assert.Contains(t, got, `statement "A" allows destructive "s3:DeleteObjectVersion"`)
	// With no deny at all, every destructive action is missing on bucket and objects.
	assert.Len(t, got, 1+2*len(iampolicy.DestructiveS3Actions()))

	everywhere := policy(allow([]string{"s3:GetObject"}, "*"))
	assert.Len(t, check(t, "destructive-s3-actions-denied", everywhere), 2*len(iampolicy.DestructiveS3Actions()), "S3 access on * reaches every bucket")

	accountReads := policy(allow([]string{"s3:ListAccessPoints", "s3:GetAccountPublicAccessBlock", "iam:GetAccountSummary"}, "*"))
	assert.Empty(t, check(t, "destructive-s3-actions-denied", accountReads), "reads of account settings reach no bucket")
	for _, reach := range [][]string{{"s3:ListAccessPoints", "s3:GetBucketPolicy"}, {"s3:ListAccessPoints", "s3:ListAllMyBuckets"}, {"s3:listaccesspoints"}} {
		assert.Len(t, check(t, "destructive-s3-actions-denied", policy(allow(reach, "*"))), 2*len(iampolicy.DestructiveS3Actions()),
			"%v: a bucket read, an account-level action that is no configuration read, or an uncatalogued spelling beside them reaches every bucket", reach)
	}

	console := policy(iampolicy.Document{Statements: iampolicy.MFASelfServiceStatements("aws", "111111111111")})
	assert.Empty(t, check(t, "destructive-s3-actions-denied", console), "policies without S3 access need no S3 deny")
}

func TestBucketDataProtected(t *testing.T) {
	b := res(awstypes.Bucket, "b", map[string]any{"bucket": "b"})
	assert.Empty(t, check(t, "bucket-data-protected", b))
	b.Protect = false
	assert.Len(t, check(t, "bucket-data-protected", b), 1)
	f := false
	v := res(awstypes.Versioning, "v", map[string]any{"bucket": "b"})
	v.RetainOnDelete = &f
	assert.Len(t, check(t, "bucket-data-protected", v), 1)
	v.RetainOnDelete = nil
	assert.Empty(t, check(t, "bucket-data-protected", v), "the policy engine does not report retainOnDelete")
}

// secureBucket is a compliant bucket and its side resources.
func secureBucket(name string) []rules.Resource {
	return []rules.Resource{
		res(awstypes.Bucket, name, map[string]any{"bucket": name}),
		res(awstypes.Versioning, name+"-v", map[string]any{"bucket": name, "versioningConfiguration": map[string]any{"status": "Enabled"}}),
		res(awstypes.Encryption, name+"-e", map[string]any{"bucket": name, "rules": []any{map[string]any{"applyServerSideEncryptionByDefault": map[string]any{"sseAlgorithm": "AES256"}}}}),
		res(awstypes.Ownership, name+"-o", map[string]any{"bucket": name, "rule": map[string]any{"objectOwnership": "BucketOwnerEnforced"}}),
		publicAccessFor(name),
		res(awstypes.BucketPolicy, name+"-p", map[string]any{"bucket": name, "policy": iampolicy.TLSOnlyBucketPolicy("aws", name).MustJSON()}),
	}
}

func publicAccessFor(bucket string) rules.Resource {
	return res(awstypes.PublicAccessBlock, bucket+"-pab", map[string]any{"bucket": bucket, "blockPublicAcls": true, "blockPublicPolicy": true, "ignorePublicAcls": true, "restrictPublicBuckets": true})
}

func TestBucketSecure(t *testing.T) {
	assert.Empty(t, check(t, "bucket-secure", secureBucket("b")...))

	for i, want := range []string{"no versioning", "no default encryption", "no ownership controls", "no public access block", "no TLS-only bucket policy"} {
		stack := secureBucket("b")
		stack = append(stack[:i+1], stack[i+2:]...)
		got := check(t, "bucket-secure", stack...)
		require.Len(t, got, 1, want)
		assert.Contains(t, got[0], want)
	}

	suspended := secureBucket("b")
	suspended[1] = res(awstypes.Versioning, "b-v", map[string]any{"bucket": "b", "versioningConfiguration": map[string]any{"status": "Suspended"}})
	assert.Equal(t, []string{"bucket b: versioning is Suspended, not Enabled"}, check(t, "bucket-secure", suspended...))

	acls := secureBucket("b")
	acls[3] = res(awstypes.Ownership, "b-o", map[string]any{"bucket": "b", "rule": map[string]any{"objectOwnership": "ObjectWriter"}})
	assert.Len(t, check(t, "bucket-secure", acls...), 1)

	boolean := secureBucket("b")
	boolean[5] = res(awstypes.BucketPolicy, "b-p", map[string]any{"bucket": "b", "policy": `{"Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::b","arn:aws:s3:::b/*"],"Condition":{"Bool":{"aws:SecureTransport":false}}}]}`})
	assert.Empty(t, check(t, "bucket-secure", boolean...), "a boolean false is the same condition")

	narrow := secureBucket("b")
	narrow[5] = res(awstypes.BucketPolicy, "b-p", map[string]any{"bucket": "b", "policy": `{"Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`})
	assert.Len(t, check(t, "bucket-secure", narrow...), 1, "denying one action without TLS is not TLS-only")

	open := secureBucket("b")
	open[5] = res(awstypes.BucketPolicy, "b-p", map[string]any{"bucket": "b", "policy": allow([]string{"s3:GetObject"}, "arn:aws:s3:::b/*").MustJSON()})
	assert.Len(t, check(t, "bucket-secure", open...), 1)

	// A side resource whose bucket is not known yet (preview of a new bucket) proves nothing.
	previewed := secureBucket("b")
	previewed[1] = res(awstypes.Versioning, "b-v", map[string]any{"bucket": unknown(), "versioningConfiguration": map[string]any{"status": "Enabled"}})
	assert.Empty(t, check(t, "bucket-secure", previewed...))
	assert.Empty(t, check(t, "bucket-secure", res(awstypes.Bucket, "b", map[string]any{"bucket": unknown()})))
}

func vaultBucket(name string) rules.Resource {
	r := res(awstypes.Bucket, name, map[string]any{"bucket": name})
	r.URN = "urn:pulumi:test::secure-aws::secure-aws:components:BackupVault$secure-aws:components:SecureBucket$aws:s3/bucketV2:BucketV2::" + name
	return r
}

func lifecycle(bucket string, rulesList ...any) rules.Resource {
	return res(awstypes.Lifecycle, bucket+"-lc", map[string]any{"bucket": bucket, "rules": rulesList})
}

var (
	retentionRule = map[string]any{
		"status": "Enabled", "filter": map[string]any{"prefix": ""},
		"transitions":                 []any{map[string]any{"days": 30, "storageClass": "GLACIER"}},
		"expiration":                  map[string]any{"days": 365},
		"noncurrentVersionExpiration": map[string]any{"noncurrentDays": 30},
	}
	cleanupRule = map[string]any{
		"status": "Enabled", "filter": map[string]any{"prefix": ""},
		"expiration":                     map[string]any{"expiredObjectDeleteMarker": true},
		"abortIncompleteMultipartUpload": map[string]any{"daysAfterInitiation": 7},
	}
)

func TestBackupLifecycle(t *testing.T) {
	assert.Empty(t, check(t, "backup-lifecycle", vaultBucket("v"), lifecycle("v", retentionRule, cleanupRule)))
	assert.Empty(t, check(t, "backup-lifecycle", res(awstypes.Bucket, "plain", map[string]any{"bucket": "plain"})), "only vault buckets need one")
	assert.Equal(t, []string{"backup bucket v has no lifecycle configuration"}, check(t, "backup-lifecycle", vaultBucket("v")))

	got := check(t, "backup-lifecycle", vaultBucket("v"), lifecycle("v", retentionRule))
	assert.Len(t, got, 2, "no delete-marker cleanup, no multipart abort: %v", got)

	disabled := map[string]any{}
	for k, v := range retentionRule {
		disabled[k] = v
	}
	disabled["status"] = "Disabled"
	assert.Len(t, check(t, "backup-lifecycle", vaultBucket("v"), lifecycle("v", disabled, cleanupRule)), 3)

	noFilter := map[string]any{}
	for k, v := range retentionRule {
		if k != "filter" {
			noFilter[k] = v
		}
	}
	assert.Len(t, check(t, "backup-lifecycle", vaultBucket("v"), lifecycle("v", noFilter, cleanupRule)), 3)
	assert.Empty(t, check(t, "backup-lifecycle", vaultBucket("v"), res(awstypes.Lifecycle, "lc", map[string]any{"bucket": "v", "rules": unknown()})))
}

// consoleUser is a console user in group g whose attached policy is doc.
func consoleUser(user, group string, doc iampolicy.Document) []rules.Resource {
	return []rules.Resource{
		res(awstypes.LoginProfile, user+"-login", map[string]any{"user": user}),
		res(awstypes.Membership, user+"-m", map[string]any{"user": user, "groups": []string{group}}),
		res(awstypes.GroupAttachment, group+"-a", map[string]any{"group": group, "policyArn": "arn:aws:iam::111111111111:policy/admins/" + group + "-console"}),
		res(awstypes.Policy, group+"-console", map[string]any{"name": group + "-console", "path": "/admins/", "policy": doc.MustJSON()}),
	}
}

func TestConsoleUsersMFA(t *testing.T) {
	mfa := iampolicy.Document{Statements: iampolicy.MFASelfServiceStatements("aws", "111111111111")}
	assert.Empty(t, check(t, "console-users-mfa", consoleUser("alice", "admins", mfa)...))

	noMFA := allow([]string{"iam:GetUser"}, "*")
	assert.Equal(t, []string{"console user alice is in no group that denies access without MFA"}, check(t, "console-users-mfa", consoleUser("alice", "admins", noMFA)...))

	withKey := append(consoleUser("alice", "admins", mfa), res(awstypes.AccessKey, "k", map[string]any{"user": "alice"}))
	assert.Equal(t, []string{"console user alice has an access key"}, check(t, "console-users-mfa", withKey...))

	previewed := consoleUser("alice", "admins", noMFA)
	previewed[2] = res(awstypes.GroupAttachment, "admins-a", map[string]any{"group": "admins", "policyArn": unknown()})
	assert.Empty(t, check(t, "console-users-mfa", previewed...), "a policy ARN not known yet proves nothing")
	unknownDoc := consoleUser("alice", "admins", noMFA)
	unknownDoc[3] = res(awstypes.Policy, "admins-console", map[string]any{"name": "admins-console", "path": "/admins/", "policy": unknown()})
	assert.Empty(t, check(t, "console-users-mfa", unknownDoc...), "a policy document not known yet proves nothing")
}

// TestConsoleUsersMFAChecksTheDeny: only the deny as R4 means it counts. Every variant
// below still carries a Deny with the MFA condition, and each is a violation.
func TestConsoleUsersMFAChecksTheDeny(t *testing.T) {
	mfaDeny := func(change func(*iampolicy.Statement)) iampolicy.Document {
		statements := iampolicy.MFASelfServiceStatements("aws", "111111111111")
		for i := range statements {
			if statements[i].Sid == "DenyAllExceptListedIfNoMFA" {
				change(&statements[i])
			}
		}
		return iampolicy.Document{Statements: statements}
	}
	for name, doc := range map[string]iampolicy.Document{
		"narrowed to some actions": mfaDeny(func(s *iampolicy.Statement) { s.NotActions, s.Actions = nil, []string{"s3:*"} }),
		"narrowed to some resources": mfaDeny(func(s *iampolicy.Statement) {
			s.Resources = []string{"arn:aws:s3:::*"}
		}),
		"widened to exempt more": mfaDeny(func(s *iampolicy.Statement) { s.NotActions = append(s.NotActions, "iam:CreateAccessKey") }),
		"keyed on Bool, which requests without the key escape": mfaDeny(func(s *iampolicy.Statement) {
			s.Conditions = []iampolicy.Condition{{Operator: "Bool", Key: "aws:MultiFactorAuthPresent", Values: []string{"false"}}}
		}),
		"missing": mfaDeny(func(s *iampolicy.Statement) {
			*s = iampolicy.Statement{Sid: s.Sid, Effect: iampolicy.Deny, Actions: []string{"iam:CreateAccessKey"}, Resources: []string{"*"}, Conditions: []iampolicy.Condition{{Operator: "BoolIfExists", Key: "aws:MultiFactorAuthPresent", Values: []string{"false"}}}}
		}),
	} {
		t.Run(name, func(t *testing.T) {
			assert.Equal(t, []string{"console user alice is in no group that denies access without MFA"}, check(t, "console-users-mfa", consoleUser("alice", "admins", doc)...))
		})
	}
	narrower := mfaDeny(func(s *iampolicy.Statement) { s.NotActions = []string{"iam:ChangePassword"} })
	assert.Empty(t, check(t, "console-users-mfa", consoleUser("alice", "admins", narrower)...), "exempting fewer bootstrap actions is stricter, and passes")
}

// TestRulesNeverPanic feeds every rule resources of every judged type with unknown and
// oddly shaped properties.
func TestRulesNeverPanic(t *testing.T) {
	types := []string{awstypes.AccountPasswordPolicy, awstypes.AccountPublicAccess, awstypes.Policy, awstypes.Bucket,
		awstypes.Versioning, awstypes.Encryption, awstypes.Ownership, awstypes.PublicAccessBlock, awstypes.BucketPolicy,
		awstypes.Lifecycle, awstypes.LoginProfile, awstypes.Membership, awstypes.GroupAttachment, awstypes.AccessKey, awstypes.PolicyAttachment,
		awstypes.GroupMembership, awstypes.GroupAttachmentsExcl, awstypes.RoleAttachmentsExcl, awstypes.UserPoliciesExcl, awstypes.UserAttachmentsExcl}
	shapes := []map[string]any{
		{},
		{"bucket": unknown(), "policy": unknown(), "user": unknown(), "rules": unknown(), "groups": unknown(), "rule": unknown(), "users": unknown(), "group": unknown(), "policyArns": unknown(), "policyNames": unknown()},
		{"bucket": 7, "policy": 7, "user": true, "rules": "x", "groups": "x", "rule": []any{1}, "versioningConfiguration": "x", "users": "x", "policyArns": 7, "groupName": 7},
		{"bucket": "b", "policy": `{"Statement":"x"}`, "user": "u", "rules": []any{"x", unknown()}, "groups": []any{unknown()}, "users": []any{unknown()}, "policyArns": []any{unknown()}},
		{"bucket": "b", "policy": `{"Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}}`},
	}
	var stack []rules.Resource
	for _, typ := range types {
		for i, shape := range shapes {
			stack = append(stack, res(typ, typ+string(rune('a'+i)), shape))
		}
	}
	assert.NotPanics(t, func() { rules.Evaluate(rules.All(), stack) })
}

// member is a user in group, whose group holds the managed policies arns.
func member(user, group string, arns ...string) []rules.Resource {
	out := []rules.Resource{res(awstypes.Membership, user+"-m", map[string]any{"user": user, "groups": []string{group}})}
	for i, arn := range arns {
		out = append(out, res(awstypes.GroupAttachment, fmt.Sprintf("%s-a%d", group, i), map[string]any{"group": group, "policyArn": arn}))
	}
	return out
}

func TestNoDenyListedReach(t *testing.T) {
	everywhere := iampolicy.Document{Statements: []iampolicy.Statement{iampolicy.DenyDestructiveS3EverywhereStatement("aws")}}
	denyPolicy := res(awstypes.Policy, "developers-console", map[string]any{"name": "developers-console", "path": "/developers/", "policy": everywhere.MustJSON()})
	const readOnly = "arn:aws:iam::aws:policy/ReadOnlyAccess"
	const console = "arn:aws:iam::111111111111:policy/developers/developers-console"

	assert.Empty(t, check(t, "no-deny-listed-reach", append(member("carol", "developers", readOnly, console), denyPolicy)...),
		"ReadOnlyAccess with the deny everywhere")
	got := check(t, "no-deny-listed-reach", member("carol", "developers", readOnly)...)
	require.Len(t, got, 1)
	assert.Contains(t, got[0], "user carol holds ReadOnlyAccess")
	assert.Empty(t, check(t, "no-deny-listed-reach", member("alice", "admins", "arn:aws:iam::aws:policy/AdministratorAccess")...), "admins are outside R5")

	role := res(awstypes.RoleAttachment, "r", map[string]any{"role": "reader", "policyArn": "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"})
	assert.Len(t, check(t, "no-deny-listed-reach", role), 1, "roles count too")
	support := res(awstypes.RoleAttachment, "s", map[string]any{"role": "aws-support", "policyArn": "arn:aws:iam::aws:policy/AWSSupportAccess"})
	assert.Empty(t, check(t, "no-deny-listed-reach", support), "AWSSupportAccess grants no S3 action")
	unknownArn := res(awstypes.RoleAttachment, "u", map[string]any{"role": "reader", "policyArn": unknown()})
	assert.Empty(t, check(t, "no-deny-listed-reach", role, unknownArn), "a policy not known yet proves nothing")
}

// TestOwnedListsAreLinks: a member listed by a group's GroupMembership, and a policy in an
// owned attachment list, reach the principal as the one-by-one resources do.
func TestOwnedListsAreLinks(t *testing.T) {
	const readOnly = "arn:aws:iam::aws:policy/ReadOnlyAccess"
	wholeGroup := res(awstypes.GroupMembership, "developers-members", map[string]any{"name": "developers", "group": "developers", "users": []string{"carol"}})
	groupList := res(awstypes.GroupAttachmentsExcl, "developers-attached", map[string]any{"groupName": "developers", "policyArns": []string{readOnly}})
	got := check(t, "no-deny-listed-reach", wholeGroup, groupList)
	require.Len(t, got, 1)
	assert.Contains(t, got[0], "user carol holds ReadOnlyAccess")
	roleList := res(awstypes.RoleAttachmentsExcl, "reader-attached", map[string]any{"roleName": "reader", "policyArns": []string{readOnly}})
	assert.Len(t, check(t, "no-deny-listed-reach", roleList), 1)
	unknownList := res(awstypes.RoleAttachmentsExcl, "reader-attached-2", map[string]any{"roleName": "reader", "policyArns": unknown()})
	assert.Empty(t, check(t, "no-deny-listed-reach", roleList, unknownList), "a list not known yet proves nothing")

	mfa := iampolicy.Document{Statements: iampolicy.MFASelfServiceStatements("aws", "111111111111")}
	owned := consoleUser("alice", "admins", mfa)
	owned[1] = res(awstypes.GroupMembership, "admins-members", map[string]any{"name": "admins", "group": "admins", "users": []string{"alice"}})
	owned[2] = res(awstypes.GroupAttachmentsExcl, "admins-attached", map[string]any{"groupName": "admins", "policyArns": []string{"arn:aws:iam::111111111111:policy/admins/admins-console"}})
	assert.Empty(t, check(t, "console-users-mfa", owned...), "alice is a member through the group's list, its policy attached through the owned list")
	owned[1] = res(awstypes.GroupMembership, "admins-members", map[string]any{"name": "admins", "group": "admins", "users": []string{"bob"}})
	assert.Equal(t, []string{"console user alice is in no group that denies access without MFA"}, check(t, "console-users-mfa", owned...))
}

// TestBackupLockImmutable: a GOVERNANCE lock counts only with the bypass denied to every
// principal by the bucket policy; COMPLIANCE holds by itself.
func TestBackupLockImmutable(t *testing.T) {
	lock := func(mode any) rules.Resource {
		return res(awstypes.ObjectLock, "v-lock", map[string]any{"bucket": "v", "rule": map[string]any{"defaultRetention": map[string]any{"mode": mode, "days": 35}}})
	}
	policy := func(doc iampolicy.Document) rules.Resource {
		return res(awstypes.BucketPolicy, "v-policy", map[string]any{"bucket": "v", "policy": doc.MustJSON()})
	}
	tls := iampolicy.TLSOnlyBucketPolicy("aws", "v")
	withDeny := iampolicy.TLSOnlyBucketPolicy("aws", "v")
	withDeny.Statements = append(withDeny.Statements, iampolicy.DenyGovernanceBypassStatement("aws", "v"))
	otherBucket := iampolicy.TLSOnlyBucketPolicy("aws", "v")
	otherBucket.Statements = append(otherBucket.Statements, iampolicy.DenyGovernanceBypassStatement("aws", "w"))
	onlyAdmins := iampolicy.TLSOnlyBucketPolicy("aws", "v")
	deny := iampolicy.DenyGovernanceBypassStatement("aws", "v")
	deny.Principals = []iampolicy.Principal{{Type: "AWS", Identifiers: []string{"arn:aws:iam::111111111111:role/deploy"}}}
	onlyAdmins.Statements = append(onlyAdmins.Statements, deny)

	violation := []string{"bucket v is locked in GOVERNANCE mode without a bucket policy denying s3:BypassGovernanceRetention to every principal"}
	assert.Equal(t, violation, check(t, "backup-lock-immutable", lock("GOVERNANCE"), policy(tls)))
	assert.Equal(t, violation, check(t, "backup-lock-immutable", lock("GOVERNANCE"), policy(otherBucket)), "a deny on another bucket")
	assert.Equal(t, violation, check(t, "backup-lock-immutable", lock("GOVERNANCE"), policy(onlyAdmins)), "a deny for one principal")
	assert.Empty(t, check(t, "backup-lock-immutable", lock("GOVERNANCE"), policy(withDeny)))
	assert.Empty(t, check(t, "backup-lock-immutable", lock("COMPLIANCE"), policy(tls)), "COMPLIANCE holds by itself")
	assert.Empty(t, check(t, "backup-lock-immutable", lock(unknown()), policy(tls)), "an unknown mode is not judged")
}

// TestDesignDocListsEveryRule: the rule table of docs/design.md names every rule of the
// catalogue, in its order, with its level; a rule added without its row fails here.
func TestDesignDocListsEveryRule(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "docs", "design.md"))
	require.NoError(t, err)
	text := string(b)
	start := strings.Index(text, "| Rule | Level | Checks |")
	require.GreaterOrEqual(t, start, 0)
	var documented []string
	for _, line := range strings.Split(text[start:], "\n")[2:] {
		if !strings.HasPrefix(line, "| `") {
			break
		}
		cells := strings.Split(line, " | ")
		documented = append(documented, strings.Trim(cells[0], "| `")+" "+cells[1])
	}
	var catalogue []string
	for _, r := range rules.All() {
		catalogue = append(catalogue, r.Name+" "+string(r.Level))
	}
	assert.Equal(t, catalogue, documented)
}

// TestAllowMustNameItsActionsAndResources: an Allow with NotResource grants its actions on
// every resource but a few (every bucket), and one with NotAction every action but a few;
// the program writes neither, and each action rule refuses both on its own, so disabling
// one rule in the pack does not let them through.
func TestAllowMustNameItsActionsAndResources(t *testing.T) {
	readEverything := iampolicy.Statement{Sid: "N", Effect: iampolicy.Allow, Actions: []string{"s3:GetObject", "s3:ListBucket"}, NotResources: []string{"arn:aws:s3:::secret/*"}}
	notResource := policy(iampolicy.Document{Statements: []iampolicy.Statement{readEverything}})
	notAction := policy(iampolicy.Document{Statements: []iampolicy.Statement{
		{Sid: "N", Effect: iampolicy.Allow, NotActions: []string{"iam:*"}, Resources: []string{"arn:aws:s3:::b", "arn:aws:s3:::b/*"}}}})
	for _, r := range []string{"no-wildcard-actions", "s3-actions-on-right-resource", "destructive-s3-actions-denied"} {
		assert.NotEmpty(t, check(t, r, notResource), "NotResource: %s", r)
		assert.NotEmpty(t, check(t, r, notAction), "NotAction: %s", r)
	}
	assert.Contains(t, check(t, "no-wildcard-actions", notResource), `statement "N" allows its actions on NotResource, every resource but those listed`)
	assert.Contains(t, check(t, "destructive-s3-actions-denied", notResource), "s3:DeleteBucket is not denied on arn:aws:s3:::*", "NotResource reaches every bucket")
	deniedEverywhere := policy(iampolicy.Document{Statements: []iampolicy.Statement{readEverything, iampolicy.DenyDestructiveS3EverywhereStatement("aws")}})
	assert.Empty(t, check(t, "destructive-s3-actions-denied", deniedEverywhere), "with the deny on every bucket, nothing destructive is reached")
	assert.NotEmpty(t, check(t, "s3-actions-on-right-resource", deniedEverywhere), "but the grant names no resource")
	assert.Contains(t, check(t, "destructive-s3-actions-denied", notAction), `statement "N" allows NotAction, which reaches every destructive S3 action it does not list`)

	notS3 := policy(iampolicy.Document{Statements: []iampolicy.Statement{
		{Sid: "N", Effect: iampolicy.Allow, NotActions: []string{"s3:*"}, Resources: []string{"*"}}}})
	assert.Empty(t, check(t, "destructive-s3-actions-denied", notS3), "a NotAction that excludes all of S3 reaches no S3 action")
	assert.NotEmpty(t, check(t, "no-wildcard-actions", notS3), "but it still grants every other action")

	// Conditions only narrow an Allow: a grant limited to the account's own buckets stays
	// acceptable to every action rule.
	grant := appPolicy(t, iampolicy.S3Grant{Bucket: "bkt", Prefix: "in/", Actions: []string{"s3:ListBucket", "s3:GetObject"}})
	doc, err := iampolicy.Parse(strOf(t, grant))
	require.NoError(t, err)
	for i := range doc.Statements {
		if doc.Statements[i].Effect == iampolicy.Allow {
			doc.Statements[i].Conditions = append(doc.Statements[i].Conditions, iampolicy.Condition{Operator: "StringEquals", Key: "s3:ResourceAccount", Values: []string{"111111111111"}})
		}
	}
	for _, r := range []string{"no-wildcard-actions", "s3-actions-on-right-resource", "destructive-s3-actions-denied"} {
		assert.Empty(t, check(t, r, policy(doc)), "an Allow with a condition: %s", r)
	}
}

// strOf returns the policy JSON of a policy resource built by policy().
func strOf(t *testing.T, r rules.Resource) string {
	t.Helper()
	v, ok := r.Props.GetOk("policy")
	require.True(t, ok && v.IsString())
	return v.AsString()
}

// TestDenyMustBeUnconditional: a deny that may not apply (a condition), or whose reach is
// "everything but" (NotAction, NotResource), is no deny for the rules that require one.
func TestDenyMustBeUnconditional(t *testing.T) {
	never := iampolicy.Condition{Operator: "StringEquals", Key: "aws:username", Values: []string{"nobody"}}
	withDeny := func(change func(*iampolicy.Statement)) rules.Resource {
		doc, err := iampolicy.S3AccessDocument("aws", iampolicy.BucketOwners{Account: "111111111111"}, []iampolicy.S3Grant{{Bucket: "bkt", Actions: []string{"s3:GetObject"}}})
		require.NoError(t, err)
		last := &doc.Statements[len(doc.Statements)-1]
		require.Equal(t, iampolicy.Deny, last.Effect)
		change(last)
		return policy(doc)
	}
	require.Empty(t, check(t, "destructive-s3-actions-denied", withDeny(func(*iampolicy.Statement) {})))
	for name, r := range map[string]rules.Resource{
		"a condition that never holds": withDeny(func(s *iampolicy.Statement) { s.Conditions = []iampolicy.Condition{never} }),
		"NotResource":                  withDeny(func(s *iampolicy.Statement) { s.Resources, s.NotResources = nil, []string{"arn:aws:s3:::other"} }),
		"NotAction":                    withDeny(func(s *iampolicy.Statement) { s.Actions, s.NotActions = nil, []string{"s3:GetObject"} }),
	} {
		assert.Len(t, check(t, "destructive-s3-actions-denied", r), 2*len(iampolicy.DestructiveS3Actions()), name)
	}

	const readOnly = "arn:aws:iam::aws:policy/ReadOnlyAccess"
	const console = "arn:aws:iam::111111111111:policy/developers/developers-console"
	everywhere := iampolicy.DenyDestructiveS3EverywhereStatement("aws")
	everywhere.Conditions = []iampolicy.Condition{never}
	denyPolicy := res(awstypes.Policy, "developers-console", map[string]any{"name": "developers-console", "path": "/developers/",
		"policy": iampolicy.Document{Statements: []iampolicy.Statement{everywhere}}.MustJSON()})
	assert.Len(t, check(t, "no-deny-listed-reach", append(member("carol", "developers", readOnly, console), denyPolicy)...), 1, "a conditioned deny everywhere")
}

// TestBucketSecureTLSDenyCoversEveryoneOnTheBucket: the TLS deny counts only for every
// principal, on the bucket's own ARNs, with no other condition.
func TestBucketSecureTLSDenyCoversEveryoneOnTheBucket(t *testing.T) {
	const violation = "bucket b: the bucket policy does not deny requests without TLS (aws:SecureTransport false)"
	with := func(change func(*iampolicy.Statement)) []rules.Resource {
		doc := iampolicy.TLSOnlyBucketPolicy("aws", "b")
		change(&doc.Statements[0])
		stack := secureBucket("b")
		stack[5] = res(awstypes.BucketPolicy, "b-p", map[string]any{"bucket": "b", "policy": doc.MustJSON()})
		return stack
	}
	for name, stack := range map[string][]rules.Resource{
		"one principal": with(func(s *iampolicy.Statement) {
			s.Principals = []iampolicy.Principal{{Type: "AWS", Identifiers: []string{"arn:aws:iam::111111111111:role/reader"}}}
		}),
		"another bucket": with(func(s *iampolicy.Statement) {
			s.Resources = []string{"arn:aws:s3:::other", "arn:aws:s3:::other/*"}
		}),
		"some objects only": with(func(s *iampolicy.Statement) {
			s.Resources = []string{"arn:aws:s3:::b", "arn:aws:s3:::b/public/*"}
		}),
		"a condition that may not hold": with(func(s *iampolicy.Statement) {
			s.Conditions = append(s.Conditions, iampolicy.Condition{Operator: "StringEquals", Key: "aws:username", Values: []string{"nobody"}})
		}),
		"NotAction": with(func(s *iampolicy.Statement) { s.Actions, s.NotActions = nil, []string{"s3:GetObject"} }),
	} {
		assert.Equal(t, []string{violation}, check(t, "bucket-secure", stack...), name)
	}
	assert.Empty(t, check(t, "bucket-secure", with(func(s *iampolicy.Statement) {
		s.Principals = []iampolicy.Principal{{Type: iampolicy.Everyone, Identifiers: []string{"*"}}}
	})...), `Principal "*" is every principal too`)
}

// TestConsoleUsersMFAOwnUserOnly: without MFA, the bootstrap actions that act on a user
// must reach only the user's own user; the deny that says so is required, whole.
func TestConsoleUsersMFAOwnUserOnly(t *testing.T) {
	const violation = "console user alice is in no group that limits the MFA bootstrap actions to the user's own user without MFA"
	ownUser := func(change func(*iampolicy.Statement)) iampolicy.Document {
		var statements []iampolicy.Statement
		for _, s := range iampolicy.MFASelfServiceStatements("aws", "111111111111") {
			if s.Sid == "DenyOtherUsersIfNoMFA" {
				if change == nil {
					continue
				}
				change(&s)
			}
			statements = append(statements, s)
		}
		return iampolicy.Document{Statements: statements}
	}
	for name, doc := range map[string]iampolicy.Document{
		"missing":    ownUser(nil),
		"every user": ownUser(func(s *iampolicy.Statement) { s.NotResources = []string{"arn:aws:iam::111111111111:user/*"} }),
		"one action short": ownUser(func(s *iampolicy.Statement) {
			s.Actions = slices.DeleteFunc(slices.Clone(s.Actions), func(a string) bool { return a == "iam:EnableMFADevice" })
		}),
		"another condition": ownUser(func(s *iampolicy.Statement) {
			s.Conditions = []iampolicy.Condition{{Operator: "StringEquals", Key: "aws:username", Values: []string{"nobody"}}}
		}),
	} {
		assert.Equal(t, []string{violation}, check(t, "console-users-mfa", consoleUser("alice", "admins", doc)...), name)
	}
	everywhere := ownUser(func(s *iampolicy.Statement) { s.NotResources, s.Resources = nil, []string{"*"} })
	assert.Empty(t, check(t, "console-users-mfa", consoleUser("alice", "admins", everywhere)...), "denying them on every user is stricter, and passes")

	onlyPolicyTypes := ownUser(nil)
	for i := range onlyPolicyTypes.Statements {
		if onlyPolicyTypes.Statements[i].Sid == "DenyAllExceptListedIfNoMFA" {
			onlyPolicyTypes.Statements[i].NotActions = []string{"iam:GetAccountPasswordPolicy", "sts:GetSessionToken"}
		}
	}
	assert.Empty(t, check(t, "console-users-mfa", consoleUser("alice", "admins", onlyPolicyTypes)...), "a deny that exempts no user-level action needs no own-user limit")
}
