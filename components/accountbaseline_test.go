package components

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/secure-aws/secure-aws/awstypes"
	"github.com/secure-aws/secure-aws/spec"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func cisPasswordPolicy() spec.PasswordPolicy {
	return spec.PasswordPolicy{
		MinimumLength: 14, ReusePrevention: 24,
		RequireUppercase: true, RequireLowercase: true, RequireNumbers: true, RequireSymbols: true,
		AllowUsersToChange: true,
	}
}

func baselineArgs() *AccountBaselineArgs {
	return &AccountBaselineArgs{Account: testAccount, Alias: "acme-corp", PasswordPolicy: cisPasswordPolicy(), AdminUserPath: "/admins/"}
}

func newTestBaseline(args *AccountBaselineArgs) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		_, err := NewAccountBaseline(ctx, "account", args)
		return err
	}
}

func TestAccountBaselineSettings(t *testing.T) {
	rec := mustRun(t, newTestBaseline(baselineArgs()))

	assert.Equal(t, "acme-corp", one(t, rec, awstypes.AccountAlias).Input("accountAlias"))
	assert.Equal(t, map[string]any{
		"minimumPasswordLength":      float64(14),
		"passwordReusePrevention":    float64(24),
		"requireUppercaseCharacters": true,
		"requireLowercaseCharacters": true,
		"requireNumbers":             true,
		"requireSymbols":             true,
		"allowUsersToChangePassword": true,
		"hardExpiry":                 false,
		"maxPasswordAge":             float64(0),
	}, inputs(one(t, rec, awstypes.AccountPasswordPolicy)), "maxPasswordAge is always set, so a change back to 0 (never expire) applies")
	for _, typ := range []string{awstypes.AccountAlias, awstypes.AccountPasswordPolicy, awstypes.AccountPublicAccess} {
		assert.True(t, one(t, rec, typ).RetainOnDelete, "%s outlives the stack that set it", typ)
	}

	block := inputs(one(t, rec, awstypes.AccountPublicAccess))
	assert.Equal(t, "111111111111", block["accountId"])
	for _, k := range []string{"blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"} {
		assert.Equal(t, true, block[k], k)
	}
	analyzer := inputs(one(t, rec, awstypes.Analyzer))
	assert.Equal(t, "ACCOUNT", analyzer["type"])
	assert.Equal(t, "acme-corp-account", analyzer["analyzerName"])
}

func TestAccountBaselineSupportRole(t *testing.T) {
	rec := mustRun(t, newTestBaseline(baselineArgs()))
	role := one(t, rec, awstypes.Role)
	assert.Equal(t, SupportRoleName, role.Input("name"))
	trust := statement(t, policyStatements(t, role, "assumeRolePolicy"), "AllowAccountPrincipalsWithMFA")
	assert.Equal(t, "sts:AssumeRole", trust["Action"])
	assert.Equal(t, map[string]any{"AWS": "arn:aws:iam::111111111111:root"}, trust["Principal"])
	assert.Equal(t, map[string]any{
		"Bool":    map[string]any{"aws:MultiFactorAuthPresent": "true"},
		"ArnLike": map[string]any{"aws:PrincipalArn": "arn:aws:iam::111111111111:user/admins/*"},
	}, trust["Condition"], "only admins signed in with MFA may assume it")
	attachment := one(t, rec, awstypes.RoleAttachment)
	assert.Equal(t, "arn:aws:iam::aws:policy/AWSSupportAccess", attachment.Input("policyArn"))
	assert.Equal(t, SupportRoleName, attachment.Input("role"))
	roleOwnedChecks(t, rec, SupportRoleName)
}

func TestAccountBaselineMaxPasswordAge(t *testing.T) {
	args := baselineArgs()
	args.PasswordPolicy.MaxAgeDays = 90
	args.PasswordPolicy.HardExpiry = true
	rec := mustRun(t, newTestBaseline(args))
	policy := inputs(one(t, rec, awstypes.AccountPasswordPolicy))
	assert.Equal(t, float64(90), policy["maxPasswordAge"])
	assert.Equal(t, true, policy["hardExpiry"])
}

func TestPasswordPolicyProblems(t *testing.T) {
	with := func(change func(*spec.PasswordPolicy)) spec.PasswordPolicy {
		p := cisPasswordPolicy()
		change(&p)
		return p
	}
	cases := map[string]struct {
		policy spec.PasswordPolicy
		field  string
	}{
		"too short":          {with(func(p *spec.PasswordPolicy) { p.MinimumLength = 8 }), "minimumLength"},
		"too long":           {with(func(p *spec.PasswordPolicy) { p.MinimumLength = 129 }), "minimumLength"},
		"no reuse check":     {with(func(p *spec.PasswordPolicy) { p.ReusePrevention = 0 }), "reusePrevention"},
		"reuse over 24":      {with(func(p *spec.PasswordPolicy) { p.ReusePrevention = 25 }), "reusePrevention"},
		"negative max age":   {with(func(p *spec.PasswordPolicy) { p.MaxAgeDays = -1 }), "maxAgeDays"},
		"max age over limit": {with(func(p *spec.PasswordPolicy) { p.MaxAgeDays = 1096 }), "maxAgeDays"},
		"hard expiry alone":  {with(func(p *spec.PasswordPolicy) { p.HardExpiry = true }), "hardExpiry"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			problems := c.policy.Problems()
			require.Len(t, problems, 1)
			assert.Equal(t, c.field, problems[0].Field)
		})
	}
	assert.Empty(t, cisPasswordPolicy().Problems())
}

func TestAccountBaselineRejectsBadArgs(t *testing.T) {
	with := func(change func(*AccountBaselineArgs)) *AccountBaselineArgs {
		a := baselineArgs()
		change(a)
		return a
	}
	cases := map[string]struct {
		args *AccountBaselineArgs
		want string
	}{
		"nil":             {nil, "args are required"},
		"bad alias":       {with(func(a *AccountBaselineArgs) { a.Alias = "Acme_Corp" }), "not a valid account alias"},
		"weak password":   {with(func(a *AccountBaselineArgs) { a.PasswordPolicy.MinimumLength = 8 }), "minimumLength"},
		"bad admin path":  {with(func(a *AccountBaselineArgs) { a.AdminUserPath = "admins" }), "not a valid IAM path"},
		"missing account": {with(func(a *AccountBaselineArgs) { a.Account = spec.Account{} }), "partition is required"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) { requireRejected(t, c.want, newTestBaseline(c.args)) })
	}
}

// TestAccountBaselineRegionDefaults: the stack's region and each further region get an
// analyzer and EBS encryption by default, a further region through a provider of that
// region pinned to the stack's account; EBS encryption outlives the stack as the other
// account-wide settings do. The stack region's resources keep the names they had before
// further regions existed, and each further region's analyzer the name it had under
// account.analyzerRegions (the URN pins hold the rest).
func TestAccountBaselineRegionDefaults(t *testing.T) {
	args := baselineArgs()
	args.Regions = []string{"eu-west-1", "ap-southeast-2"}
	rec := mustRun(t, newTestBaseline(args))
	assert.Len(t, rec.OfType(awstypes.Analyzer), 3, "the stack's region and two more")
	assert.Len(t, rec.OfType(awstypes.EBSEncryptionByDefault), 3, "the stack's region and two more")
	for _, suffix := range []string{"", "-eu-west-1", "-ap-southeast-2"} {
		ebs, ok := rec.Find(awstypes.EBSEncryptionByDefault, "account-ebs-encryption"+suffix)
		require.True(t, ok, suffix)
		assert.Equal(t, true, inputs(ebs)["enabled"], suffix)
		assert.True(t, ebs.RetainOnDelete, "turning the stack off leaves EBS encryption on")
		_, ok = rec.Find(awstypes.Analyzer, "account-access-analyzer"+suffix)
		assert.True(t, ok, suffix)
	}
	for _, region := range args.Regions {
		provider, ok := rec.Find("pulumi:providers:aws", "account-"+region)
		require.True(t, ok, region)
		assert.Equal(t, region, provider.Input("region"))
		assert.Equal(t, []any{"111111111111"}, inputs(provider)["allowedAccountIds"], "an explicit provider is pinned to the account too")
		for _, name := range []string{"account-access-analyzer-" + region, "account-ebs-encryption-" + region} {
			for _, typ := range []string{awstypes.Analyzer, awstypes.EBSEncryptionByDefault} {
				if r, ok := rec.Find(typ, name); ok {
					assert.Contains(t, r.Provider, "account-"+region, "%s is made in %s", name, region)
				}
			}
		}
	}
	assert.Len(t, mustRun(t, newTestBaseline(baselineArgs())).OfType("pulumi:providers:aws"), 0, "no further region, no extra provider")
}
