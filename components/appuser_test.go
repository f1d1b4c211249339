package components

import (
	"fmt"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-aws/secure-aws/awstypes"
	"github.com/secure-aws/secure-aws/iampolicy"
	"github.com/secure-aws/secure-aws/internal/record"
	"github.com/secure-aws/secure-aws/spec"
)

func appArgs() *AppUserArgs {
	return &AppUserArgs{
		Account:     testAccount,
		Stack:       testStack,
		Environment: "staging",
		Principal: spec.Principal{
			Name: "my-application",
			Grants: []iampolicy.S3Grant{{
				Bucket:  "acme-assets-staging",
				Actions: []string{"s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:ListBucket"},
			}},
		},
	}
}

func newTestApp(args *AppUserArgs) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		_, err := NewAppUser(ctx, "my-application", args)
		return err
	}
}

// runApp runs one AppUser and captures the access key id and secret it exports.
func runApp(t *testing.T, args *AppUserArgs) (rec *record.Recorder, id, secret interface{ Get() (string, bool, bool) }) {
	t.Helper()
	rec = mustRun(t, func(ctx *pulumi.Context) error {
		app, err := NewAppUser(ctx, "my-application", args)
		if err != nil {
			return err
		}
		id, secret = capture(app.AccessKeyID), capture(app.SecretAccessKey)
		return nil
	})
	return rec, id, secret
}

func TestAppUserIsOneUserPerEnvironmentWithGroupPolicy(t *testing.T) {
	rec := mustRun(t, newTestApp(appArgs()))
	statements := principalChecks(t, rec, "my-application-staging", spec.AppUserPath, false,
		"BucketAcmeAssetsStaging", "ObjectsAcmeAssetsStaging", "DenyDestructiveS3Actions")

	bucket := statement(t, statements, "BucketAcmeAssetsStaging")
	assert.Equal(t, "s3:ListBucket", bucket["Action"])
	assert.Equal(t, "arn:aws:s3:::acme-assets-staging", bucket["Resource"])
	objects := statement(t, statements, "ObjectsAcmeAssetsStaging")
	assert.Equal(t, []any{"s3:DeleteObject", "s3:GetObject", "s3:PutObject"}, objects["Action"])
	assert.Equal(t, "arn:aws:s3:::acme-assets-staging/*", objects["Resource"])
	deny := statement(t, statements, "DenyDestructiveS3Actions")
	assert.ElementsMatch(t, []any{"arn:aws:s3:::acme-assets-staging", "arn:aws:s3:::acme-assets-staging/*"}, deny["Resource"])
	assert.Len(t, deny["Action"], len(iampolicy.DestructiveS3Actions()))
}

func TestAppUserAccessKeyIsSecret(t *testing.T) {
	for name, pgp := range map[string]string{"plain": "", "pgp": "keybase:alice"} {
		t.Run(name, func(t *testing.T) {
			args := appArgs()
			args.AccessKey = true
			args.PGPKey = pgp
			rec, id, secret := runApp(t, args)
			principalChecks(t, rec, "my-application-staging", spec.AppUserPath, true,
				"BucketAcmeAssetsStaging", "ObjectsAcmeAssetsStaging", "DenyDestructiveS3Actions")
			assert.Equal(t, pgp, one(t, rec, awstypes.AccessKey).Input("pgpKey"))

			got, known, isSecret := id.Get()
			require.True(t, known)
			assert.Regexp(t, `^AKIA[A-Z2-7]{16}$`, got, "an access key id as AWS forms it")
			assert.False(t, isSecret, "the key id is not a secret")
			got, known, isSecret = secret.Get()
			require.True(t, known)
			assert.True(t, isSecret, "the key secret must be a Pulumi secret")
			if pgp == "" {
				assert.Equal(t, "mock-secret-my-application-staging", got)
			} else {
				assert.Regexp(t, `^wcFMA\w+-pgp-ciphertext$`, got, "only the ciphertext")
			}
		})
	}
}

func TestAppUserWithoutKeyExportsEmptyKey(t *testing.T) {
	var id, secret interface{ Get() (string, bool, bool) }
	mustRun(t, func(ctx *pulumi.Context) error {
		app, err := NewAppUser(ctx, "my-application", appArgs())
		if err != nil {
			return err
		}
		id, secret = capture(app.AccessKeyID), capture(app.SecretAccessKey)
		return nil
	})
	got, known, _ := id.Get()
	require.True(t, known)
	assert.Empty(t, got)
	got, _, _ = secret.Get()
	assert.Empty(t, got)
}

func TestAppUserRejectsBadArgs(t *testing.T) {
	with := func(change func(*AppUserArgs)) *AppUserArgs {
		a := appArgs()
		change(a)
		return a
	}
	cases := map[string]struct {
		args *AppUserArgs
		want string
	}{
		"nil":             {nil, "args are required"},
		"no application":  {with(func(a *AppUserArgs) { a.Name = "" }), "name is required"},
		"no environment":  {with(func(a *AppUserArgs) { a.Environment = "" }), "environment is required"},
		"no stack":        {with(func(a *AppUserArgs) { a.Stack = "" }), "stack is required"},
		"no grants":       {with(func(a *AppUserArgs) { a.Grants = nil }), "grants is empty"},
		"wildcard":        {with(func(a *AppUserArgs) { a.Grants[0].Actions = []string{"s3:*"} }), "wildcard"},
		"destructive":     {with(func(a *AppUserArgs) { a.Grants[0].Actions = []string{"s3:DeleteObjectVersion"} }), "always denied"},
		"name too long":   {with(func(a *AppUserArgs) { a.Name = "an-application-name-that-is-far-too-long-for-iam-user-names" }), "at most 64"},
		"bad pgp key":     {with(func(a *AppUserArgs) { a.AccessKey, a.PGPKey = true, "-----BEGIN PGP PUBLIC KEY BLOCK-----" }), "pgpKey"},
		"prefix no slash": {with(func(a *AppUserArgs) { a.Grants[0].Prefix = "uploads" }), "must end with /"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) { requireRejected(t, c.want, newTestApp(c.args)) })
	}
}

// TestAppUserReportsEveryProblem: one run names every invalid field, not the first.
func TestAppUserReportsEveryProblem(t *testing.T) {
	args := appArgs()
	args.Name = "an-application-name-that-is-far-too-long-for-iam-user-names"
	args.PGPKey = "-----BEGIN PGP PUBLIC KEY BLOCK-----"
	args.Grants[0].Actions = []string{"s3:DeleteObjectVersion"}
	rec, err := run(t, newTestApp(args))
	require.Error(t, err)
	assert.Empty(t, rec.Registrations())
	for _, want := range []string{"name ", "at most 64", "pgpKey ", "grants[0].actions[0] ", "always denied"} {
		assert.Contains(t, err.Error(), want)
	}
}

// TestAppUserSplitsLargePolicies: grants beyond one managed policy's 6,144 characters go
// to a second policy on the same group, the first keeping its name.
func TestAppUserSplitsLargePolicies(t *testing.T) {
	args := appArgs()
	args.Grants = nil
	for i := range 30 {
		args.Grants = append(args.Grants, iampolicy.S3Grant{Bucket: fmt.Sprintf("acme-assets-%02d", i), Actions: []string{"s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:ListBucket"}})
	}
	rec := mustRun(t, newTestApp(args))
	policies := rec.OfType(awstypes.Policy)
	require.Len(t, policies, 3)
	names := map[string]bool{}
	buckets := 0
	for _, p := range policies {
		names[p.Input("name")] = true
		assert.LessOrEqual(t, len(p.Input("policy")), iampolicy.MaxManagedPolicySize)
		statements := policyStatements(t, p, "policy")
		deny := statement(t, statements, "DenyDestructiveS3Actions")
		buckets += len(deny["Resource"].([]any)) / 2
	}
	assert.Equal(t, map[string]bool{"my-application-staging-s3": true, "my-application-staging-s3-2": true, "my-application-staging-s3-3": true}, names)
	assert.Equal(t, 30, buckets, "every bucket is denied the destructive actions in the policy that grants it")
	assert.Len(t, rec.OfType(awstypes.GroupAttachment), 3, "all attached to the group")
	_, ok := rec.Find(awstypes.Policy, "my-application-s3")
	assert.True(t, ok, "the first policy keeps its logical name")
}
