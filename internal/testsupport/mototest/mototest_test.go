package mototest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-aws/secure-aws/awstypes"
	"github.com/secure-aws/secure-aws/internal/plan"
	"github.com/secure-aws/secure-aws/internal/record"
)

// TestExternalServerMustBeLoopback: MOTO_SERVER_URL is taken only on this machine.
func TestExternalServerMustBeLoopback(t *testing.T) {
	for _, ok := range []string{"http://127.0.0.1:5000", "http://[::1]:5000", "http://localhost:5000/", "http://127.0.0.2:5000"} {
		s, err := external(ok)
		require.NoError(t, err, ok)
		assert.NotEmpty(t, s.addr)
	}
	for raw, why := range map[string]string{
		"http://10.0.0.5:5000":      "10.0.0.5 is not a loopback address",
		"http://moto.internal:5000": "moto.internal is not a loopback address",
		"http://0.0.0.0:5000":       "0.0.0.0 is not a loopback address",
		"https://127.0.0.1:5000":    "want http://127.0.0.1:<port>",
		"127.0.0.1:5000":            "want http://127.0.0.1:<port>",
	} {
		_, err := external(raw)
		require.Error(t, err, raw)
		assert.Contains(t, err.Error(), why, raw)
		assert.Contains(t, err.Error(), URLEnvVar, "the message names the variable")
	}
}

// TestServerReadBackAndReset: what the SDK creates in moto, the AWS CLI reads back
// (settings a bucket lacks are absent); after Reset nothing is left.
func TestServerReadBackAndReset(t *testing.T) {
	skipShort(t)
	s := Start(t)
	ctx := t.Context()
	cfg := s.Config(t)
	s3c, iamc := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true }), iam.NewFromConfig(cfg)
	_, err := s3c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("readback")})
	require.NoError(t, err)
	_, err = s3c.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: aws.String("readback"),
		VersioningConfiguration: &s3types.VersioningConfiguration{Status: s3types.BucketVersioningStatusEnabled}})
	require.NoError(t, err)
	b := s.Bucket(t, "readback")
	assert.Equal(t, "Enabled", path(b, "versioning", "Status"))
	assert.NotContains(t, b, "policy", "a bucket without a policy reads back without one")
	assert.NotContains(t, b, "objectLock")

	_, err = iamc.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("alice"), Path: aws.String("/admins/")})
	require.NoError(t, err)
	_, err = iamc.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String("admins")})
	require.NoError(t, err)
	_, err = iamc.AddUserToGroup(ctx, &iam.AddUserToGroupInput{UserName: aws.String("alice"), GroupName: aws.String("admins")})
	require.NoError(t, err)
	_, err = iamc.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("alice"), PolicyName: aws.String("inline"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"*"}]}`)})
	require.NoError(t, err)
	_, err = iamc.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("alice")})
	require.NoError(t, err)
	u := s.User(t, "alice")
	assert.Equal(t, "/admins/", path(u, "user", "User", "Path"))
	assert.Equal(t, "admins", path(u, "groups", "Groups", 0, "GroupName"))
	assert.Contains(t, u["inlinePolicies"], "inline")
	assert.Len(t, path(u, "accessKeys", "AccessKeyMetadata"), 1)
	assert.NotContains(t, u, "loginProfile", "a user without a password reads back without a login profile")

	s.Reset(t)
	_, code := s.AWS(t, "s3api", "head-bucket", "--bucket", "readback")
	assert.NotEmpty(t, code, "the bucket is gone after a reset")
	_, code = s.AWS(t, "iam", "get-user", "--user-name", "alice")
	assert.Equal(t, "NoSuchEntity", code)
}

// TestWaitAsksOnlyForMotosConfig: a server is ready when moto's configuration answers,
// whatever its model dump (/moto-api/data.json) does: a shared server holding what an
// earlier test made answered that with 500.
func TestWaitAsksOnlyForMotosConfig(t *testing.T) {
	fake := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet && r.URL.Path == "/moto-api/config" {
			w.WriteHeader(http.StatusCreated)
			return
		}
		w.WriteHeader(http.StatusInternalServerError)
	}))
	defer fake.Close()
	s, err := external(fake.URL)
	require.NoError(t, err)
	require.NoError(t, s.wait(5*time.Second, nil))
}

// TestServerURLIsShared: with MOTO_SERVER_URL set, Start starts nothing and uses that
// server: what one client made, the other sees; one server holds several accounts, each
// seeing only its own, through the key that signs the request; a Reset empties every
// account and gives each holder a key of its account again; a server started with
// MOTO_ACCOUNT_ID, one account whatever the key, is refused, naming what to do.
func TestServerURLIsShared(t *testing.T) {
	skipShort(t)
	first := StartInAccount(t, "999999999999")
	assert.Equal(t, "999999999999", first.Account(t), "moto answers as the account asked for")
	assert.Regexp(t, "^ASIA", first.keyID, "a key moto issued in that account")
	t.Setenv(URLEnvVar, first.URL)
	second := StartInAccount(t, "999999999999")
	assert.Equal(t, first.URL, second.URL)
	other := Start(t)
	assert.Equal(t, first.URL, other.URL)
	assert.Equal(t, DefaultAccount, other.Account(t))
	assert.Equal(t, "999999999999", first.Account(t), "a second Start within the test keeps the first's account")

	_, err := s3.NewFromConfig(first.Config(t), func(o *s3.Options) { o.UsePathStyle = true }).
		CreateBucket(t.Context(), &s3.CreateBucketInput{Bucket: aws.String("shared")})
	require.NoError(t, err)
	_, code := second.AWS(t, "s3api", "head-bucket", "--bucket", "shared")
	assert.Empty(t, code)
	_, code = first.AWS(t, "iam", "create-user", "--user-name", "shared")
	require.Empty(t, code)
	_, code = second.AWS(t, "iam", "get-user", "--user-name", "shared")
	assert.Empty(t, code, "the same account")
	_, code = other.AWS(t, "iam", "get-user", "--user-name", "shared")
	assert.Equal(t, "NoSuchEntity", code, "another account of the same server does not see it")

	other.Reset(t)
	_, code = second.AWS(t, "iam", "get-user", "--user-name", "shared")
	assert.Equal(t, "NoSuchEntity", code, "a reset empties every account")
	assert.Equal(t, "999999999999", first.Account(t), "after a reset each holder signs with a key of its account again")
	assert.Equal(t, "999999999999", second.Account(t))

	t.Run("a new test empties it", func(t *testing.T) {
		_, code := first.AWS(t, "iam", "create-user", "--user-name", "left-over")
		require.Empty(t, code)
		held.Lock()
		saved := held.servers[first.URL]
		held.servers[first.URL] = nil // as in the next test binary of `go test -p 1`
		held.Unlock()
		defer func() { held.Lock(); held.servers[first.URL] = saved; held.Unlock() }()
		next := StartInAccount(t, "999999999999")
		_, code = next.AWS(t, "iam", "get-user", "--user-name", "left-over")
		assert.Equal(t, "NoSuchEntity", code)
	})

	oneAccount := launch(t, "MOTO_ACCOUNT_ID=555555555555")
	t.Setenv(URLEnvVar, oneAccount.URL)
	refused := &fatalRecorder{TB: t}
	func() {
		defer func() { _ = recover() }()
		StartInAccount(refused, "999999999999")
	}()
	assert.Contains(t, refused.msg, "answers as account 555555555555, not 999999999999: a server started with MOTO_ACCOUNT_ID is one account whatever the key; start it without")
}

// TestBucketReadBackMatchesThePlan: a bucket made in moto as the offline plan declares it
// reads back with no difference from the plan's inputs; a setting changed by hand with the
// AWS CLI is the one difference named.
func TestBucketReadBackMatchesThePlan(t *testing.T) {
	skipShort(t)
	const bucket = "mototest-data"
	dir := t.TempDir()
	pulumiYAML, err := os.ReadFile(filepath.Join("..", "..", "..", "Pulumi.yaml"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.yaml"), pulumiYAML, 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.moto.yaml"), []byte(`config:
  aws:region: us-east-1
  aws:allowedAccountIds: ["999999999999"]
  secure-aws:account: {managedElsewhere: true}
  secure-aws:buckets: [{name: `+bucket+`}]
`), 0o644))
	offline, err := plan.Run(dir, "moto")
	require.NoError(t, err)

	s := Start(t)
	ctx := t.Context()
	s3c := s3.NewFromConfig(s.Config(t), func(o *s3.Options) { o.UsePathStyle = true })
	for _, call := range []func() error{
		func() error {
			_, err := s3c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)})
			return err
		},
		func() error {
			_, err := s3c.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: aws.String(bucket),
				VersioningConfiguration: &s3types.VersioningConfiguration{Status: s3types.BucketVersioningStatusEnabled}})
			return err
		},
		func() error {
			_, err := s3c.PutBucketEncryption(ctx, &s3.PutBucketEncryptionInput{Bucket: aws.String(bucket),
				ServerSideEncryptionConfiguration: &s3types.ServerSideEncryptionConfiguration{Rules: []s3types.ServerSideEncryptionRule{{
					ApplyServerSideEncryptionByDefault: &s3types.ServerSideEncryptionByDefault{SSEAlgorithm: s3types.ServerSideEncryptionAes256}}}}})
			return err
		},
		func() error {
			_, err := s3c.PutPublicAccessBlock(ctx, &s3.PutPublicAccessBlockInput{Bucket: aws.String(bucket),
				PublicAccessBlockConfiguration: &s3types.PublicAccessBlockConfiguration{BlockPublicAcls: aws.Bool(true),
					BlockPublicPolicy: aws.Bool(true), IgnorePublicAcls: aws.Bool(true), RestrictPublicBuckets: aws.Bool(true)}})
			return err
		},
		func() error {
			_, err := s3c.PutBucketOwnershipControls(ctx, &s3.PutBucketOwnershipControlsInput{Bucket: aws.String(bucket),
				OwnershipControls: &s3types.OwnershipControls{Rules: []s3types.OwnershipControlsRule{{ObjectOwnership: s3types.ObjectOwnershipBucketOwnerEnforced}}}})
			return err
		},
		func() error {
			_, err := s3c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String(bucket), Policy: aws.String(`{"Version":"2012-10-17","Statement":[{"Sid":"TLSOnly","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::` + bucket + `","arn:aws:s3:::` + bucket + `/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`)})
			return err
		},
		func() error {
			_, err := s3c.PutBucketLifecycleConfiguration(ctx, &s3.PutBucketLifecycleConfigurationInput{Bucket: aws.String(bucket),
				LifecycleConfiguration: &s3types.BucketLifecycleConfiguration{Rules: []s3types.LifecycleRule{{
					ID: aws.String("abort-incomplete-uploads"), Status: s3types.ExpirationStatusEnabled, Filter: &s3types.LifecycleRuleFilter{Prefix: aws.String("")},
					AbortIncompleteMultipartUpload: &s3types.AbortIncompleteMultipartUpload{DaysAfterInitiation: aws.Int32(7)}}}}})
			return err
		},
	} {
		require.NoError(t, call())
	}
	assert.Empty(t, BucketMismatches(offline.Resources, bucket, s.Bucket(t, bucket)), "moto holds the bucket the plan declares")

	_, code := s.AWS(t, "s3api", "put-bucket-versioning", "--bucket", bucket, "--versioning-configuration", "Status=Suspended")
	require.Empty(t, code)
	assert.Equal(t, []string{"versioning of mototest-data: the plan says Enabled, AWS has Suspended"},
		BucketMismatches(offline.Resources, bucket, s.Bucket(t, bucket)))
}

// skipShort keeps the tests that read back with the AWS CLI (a second or more a call on a
// busy machine) out of -short, as the real-engine tier is.
func skipShort(t *testing.T) {
	if testing.Short() {
		t.Skip("reads moto back with the AWS CLI: runs without -short")
	}
}

// TestCIChecksThePinnedVersion: .ci/run refuses another moto than the one the tests pin,
// and an absent AWS CLI, before any test runs.
func TestCIChecksThePinnedVersion(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "..", ".ci", "run"))
	require.NoError(t, err)
	assert.Contains(t, string(b), `"$moto_version" != "`+Version+`"`)
	assert.Contains(t, string(b), "aws --version ||")
}

// TestBucketMismatchesNamesEachSetting: each setting the plan gives a bucket and AWS does
// not have is named, lifecycle's default minimum object size, Object Lock and server access
// logging included;
// settings of another bucket are not compared.
func TestBucketMismatchesNamesEachSetting(t *testing.T) {
	reg := func(typ string, inputs map[string]any) record.Registration {
		return record.Registration{Type: typ, Inputs: resource.NewPropertyMapFromMap(inputs)}
	}
	regs := []record.Registration{
		reg(awstypes.Versioning, map[string]any{"bucket": "vault", "versioningConfiguration": map[string]any{"status": "Enabled"}}),
		reg(awstypes.Lifecycle, map[string]any{"bucket": "vault", "transitionDefaultMinimumObjectSize": "all_storage_classes_128K",
			"rules": []any{map[string]any{"id": "retention"}, map[string]any{"id": "cleanup"}}}),
		reg(awstypes.ObjectLock, map[string]any{"bucket": "vault"}),
		reg(awstypes.BucketLogging, map[string]any{"bucket": "vault", "targetBucket": "vault-logs", "targetPrefix": "vault/"}),
		reg(awstypes.BucketPolicy, map[string]any{"bucket": "other"}),
	}
	got := map[string]any{
		"versioning": map[string]any{"Status": "Enabled"},
		"lifecycle":  map[string]any{"Rules": []any{map[string]any{"ID": "cleanup"}, map[string]any{"ID": "retention"}}},
	}
	assert.Equal(t, []string{
		"transitionDefaultMinimumObjectSize of vault: the plan says all_storage_classes_128K, AWS has <nil>",
		"Object Lock of vault: the plan says true, AWS has false",
		"the access logging target bucket of vault: the plan says vault-logs, AWS has <nil>",
	}, BucketMismatches(regs, "vault", got))
}

// TestStopsWhatItStarted: the moto a test started is gone when the test ends.
func TestStopsWhatItStarted(t *testing.T) {
	t.Setenv(URLEnvVar, "")
	var pid int
	t.Run("server", func(t *testing.T) {
		pid = Start(t).pid
		require.NotZero(t, pid)
		require.NoError(t, syscall.Kill(pid, 0), "moto runs during the test")
	})
	if pid == 0 {
		t.Skip("moto did not start (skipped under -short without moto)")
	}
	assert.ErrorIs(t, syscall.Kill(pid, 0), syscall.ESRCH, "no moto process is left behind")
}

// TestAvailableSaysWhatIsMissing: without python3, without moto, or with another moto
// than the pinned one, the message says what to install.
func TestAvailableSaysWhatIsMissing(t *testing.T) {
	bin := t.TempDir()
	t.Setenv("PATH", bin)
	err := Available()
	require.Error(t, err)
	assert.Contains(t, err.Error(), "python3 is not installed")

	fake := func(script string) {
		require.NoError(t, os.WriteFile(filepath.Join(bin, "python3"), []byte("#!/bin/sh\n"+script+"\n"), 0o755))
	}
	fake("echo \"ModuleNotFoundError: No module named 'moto'\" >&2; exit 1")
	err = Available()
	require.Error(t, err)
	assert.Contains(t, err.Error(), "moto is not installed for python3 (pip install 'moto[server]=="+Version+"')")
	fake("echo 4.2.0")
	err = Available()
	require.Error(t, err)
	assert.Contains(t, err.Error(), "moto 4.2.0 is installed; the tests are written against moto "+Version)
}

// fatalRecorder keeps the message of Fatalf and stops the call as FailNow would.
type fatalRecorder struct {
	testing.TB
	msg string
}

func (f *fatalRecorder) Fatalf(format string, args ...any) {
	f.msg = fmt.Sprintf(format, args...)
	panic(f)
}

func (f *fatalRecorder) Helper() {}

// TestMismatchesNamesIAMSettings: for a user, a group, a role, a managed policy and the
// account, what the AWS CLI read back equal to the plan's inputs has no difference, and
// each setting that differs is named; registrations of other principals are not compared.
func TestMismatchesNamesIAMSettings(t *testing.T) {
	reg := func(typ string, inputs map[string]any) record.Registration {
		return record.Registration{Type: typ, Inputs: resource.NewPropertyMapFromMap(inputs)}
	}
	const trust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"sts:AssumeRole"}]}`
	regs := []record.Registration{
		reg(awstypes.User, map[string]any{"name": "alice", "path": "/admins/"}),
		reg(awstypes.Membership, map[string]any{"user": "alice", "groups": []any{"admins"}}),
		reg(awstypes.LoginProfile, map[string]any{"user": "alice"}),
		reg(awstypes.UserAttachmentsExcl, map[string]any{"userName": "alice", "policyArns": []any{}}),
		reg(awstypes.UserPoliciesExcl, map[string]any{"userName": "alice", "policyNames": []any{}}),
		reg(awstypes.User, map[string]any{"name": "web", "path": "/apps/"}),
		reg(awstypes.AccessKey, map[string]any{"user": "web"}),
		reg(awstypes.AccessKey, map[string]any{"user": "web", "status": "Inactive"}),
		reg(awstypes.Group, map[string]any{"name": "admins", "path": "/"}),
		reg(awstypes.GroupMembership, map[string]any{"group": "admins", "users": []any{"bob"}}),
		reg(awstypes.GroupAttachment, map[string]any{"group": "admins", "policyArn": "arn:aws:iam::aws:policy/AdministratorAccess"}),
		reg(awstypes.GroupPoliciesExcl, map[string]any{"groupName": "admins", "policyNames": []any{"mfa"}}),
		reg(awstypes.Role, map[string]any{"name": "support", "assumeRolePolicy": trust}),
		reg(awstypes.RoleAttachment, map[string]any{"role": "support", "policyArn": "arn:aws:iam::aws:policy/AWSSupportAccess"}),
		reg(awstypes.Policy, map[string]any{"name": "web-s3", "path": "/apps/", "policy": `{"Version":"2012-10-17","Statement":[]}`}),
		reg(awstypes.AccountAlias, map[string]any{"accountAlias": "acme"}),
		reg(awstypes.AccountPasswordPolicy, map[string]any{"minimumPasswordLength": 14, "hardExpiry": false}),
		reg(awstypes.OIDCProvider, map[string]any{"url": "https://token.actions.githubusercontent.com", "clientIdLists": []any{"sts.amazonaws.com"}}),
		reg(awstypes.Trail, map[string]any{"name": "audit", "s3BucketName": "acme-audit", "isMultiRegionTrail": true, "enableLogFileValidation": true,
			"advancedEventSelectors": []any{map[string]any{"name": "S3 object writes", "fieldSelectors": []any{
				map[string]any{"field": "eventCategory", "equals": []any{"Data"}}, map[string]any{"field": "resources.ARN", "startsWiths": []any{"arn:aws:s3:::acme-backups/"}}}}}}),
		reg(awstypes.ServiceLinkedRole, map[string]any{"awsServiceName": "config.amazonaws.com"}),
		reg(awstypes.GuardDutyDetector, map[string]any{"enable": true}),
		reg(awstypes.ConfigRecorder, map[string]any{"name": "default", "recordingGroup": map[string]any{"allSupported": true, "includeGlobalResourceTypes": true}}),
		reg(awstypes.ConfigDelivery, map[string]any{"name": "default", "s3BucketName": "acme-config"}),
		reg(awstypes.ConfigRecorderStatus, map[string]any{"name": "default", "isEnabled": true}),
		reg(awstypes.EBSEncryptionByDefault, map[string]any{"enabled": true}),
		{Type: awstypes.EBSEncryptionByDefault, Inputs: resource.NewPropertyMapFromMap(map[string]any{"enabled": false}), Provider: "urn:pulumi:p::s::pulumi:providers:aws::eu-west-1::id"},
		{Type: awstypes.GuardDutyDetector, Inputs: resource.NewPropertyMapFromMap(map[string]any{"enable": true}), Provider: "urn:pulumi:p::s::pulumi:providers:aws::eu-west-1::id"},
	}
	obj := func(kv ...any) map[string]any {
		m := map[string]any{}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i].(string)] = kv[i+1]
		}
		return m
	}
	var trustDoc any
	require.NoError(t, json.Unmarshal([]byte(trust), &trustDoc))
	account := func() map[string]any {
		return map[string]any{
			"aliases":        obj("AccountAliases", []any{"acme"}),
			"passwordPolicy": obj("PasswordPolicy", obj("MinimumPasswordLength", float64(14))),
			"oidcProviders":  obj("arn:aws:iam::1:oidc-provider/x", obj("Url", "token.actions.githubusercontent.com", "ClientIDList", []any{"sts.amazonaws.com"}, "ThumbprintList", []any{"ffff"})),
			"trails":         obj("trailList", []any{obj("Name", "audit", "S3BucketName", "acme-audit", "IsMultiRegionTrail", true, "LogFileValidationEnabled", true, "IncludeGlobalServiceEvents", true)}),
			"trailStatus":    obj("audit", obj("IsLogging", true)),
			"trailSelectors": obj("audit", obj("AdvancedEventSelectors", []any{obj("Name", "S3 object writes", "FieldSelectors", []any{
				obj("Field", "eventCategory", "Equals", []any{"Data"}), obj("Field", "resources.ARN", "StartsWith", []any{"arn:aws:s3:::acme-backups/"})})})),
			"serviceLinkedRoles":   obj("Roles", []any{obj("Path", "/aws-service-role/config.amazonaws.com/")}),
			"guardDuty":            obj("DetectorIds", []any{"d1"}),
			"detectors":            obj("d1", obj("Status", "ENABLED")),
			"configRecorders":      obj("ConfigurationRecorders", []any{obj("name", "default", "recordingGroup", obj("allSupported", true, "includeGlobalResourceTypes", true))}),
			"configRecorderStatus": obj("ConfigurationRecordersStatus", []any{obj("name", "default", "recording", true)}),
			"deliveryChannels":     obj("DeliveryChannels", []any{obj("name", "default", "s3BucketName", "acme-config")}),
			"ebsEncryption":        obj("EbsEncryptionByDefault", true),
		}
	}
	assertMismatchCases(t, regs, []mismatchCase{
		{Subject{KindUser, "alice"}, map[string]any{
			"user":             obj("User", obj("Path", "/admins/")),
			"groups":           obj("Groups", []any{obj("GroupName", "admins")}),
			"attachedPolicies": obj("AttachedPolicies", []any{}), "inlinePolicies": map[string]any{},
			"loginProfile": obj("LoginProfile", obj()), "accessKeys": obj("AccessKeyMetadata", []any{}),
		}, func(m map[string]any) { m["accessKeys"] = obj("AccessKeyMetadata", []any{obj("Status", "Active")}) },
			"access keys of user alice: the plan says [], AWS has [Active]"},
		{Subject{KindUser, "web"}, map[string]any{
			"user": obj("User", obj("Path", "/apps/")), "inlinePolicies": map[string]any{},
			"accessKeys": obj("AccessKeyMetadata", []any{obj("Status", "Inactive"), obj("Status", "Active")}),
		}, func(m map[string]any) { m["inlinePolicies"] = map[string]any{"extra": obj()} },
			"inline policies of user web: the plan says [], AWS has [extra]"},
		{Subject{KindGroup, "admins"}, map[string]any{
			"group":            obj("Group", obj("Path", "/"), "Users", []any{obj("UserName", "alice"), obj("UserName", "bob")}),
			"attachedPolicies": obj("AttachedPolicies", []any{obj("PolicyArn", "arn:aws:iam::aws:policy/AdministratorAccess")}),
			"inlinePolicies":   obj("PolicyNames", []any{"mfa"}),
		}, func(m map[string]any) {
			m["group"] = obj("Group", obj("Path", "/"), "Users", []any{obj("UserName", "alice"), obj("UserName", "bob"), obj("UserName", "mallory")})
		}, "members of group admins: the plan says [alice bob], AWS has [alice bob mallory]"},
		{Subject{KindRole, "support"}, map[string]any{
			"role":             obj("Role", obj("Path", "/", "AssumeRolePolicyDocument", trustDoc, "MaxSessionDuration", float64(3600))),
			"attachedPolicies": obj("AttachedPolicies", []any{obj("PolicyArn", "arn:aws:iam::aws:policy/AWSSupportAccess")}),
			"inlinePolicies":   obj("PolicyNames", []any{}),
		}, func(m map[string]any) {
			m["role"].(map[string]any)["Role"].(map[string]any)["AssumeRolePolicyDocument"] = obj("Statement", []any{})
		},
			"trust policy of role support"},
		{Subject{KindPolicy, "web-s3"}, map[string]any{
			"policy": obj("Path", "/apps/"), "document": obj("PolicyVersion", obj("Document", obj("Version", "2012-10-17", "Statement", []any{}))),
		}, func(m map[string]any) { m["policy"] = obj("Path", "/") }, "path of policy web-s3: the plan says /apps/, AWS has /"},
		{Subject{KindAccount, ""}, account(), func(m map[string]any) { m["trailStatus"] = obj("audit", obj("IsLogging", false)) },
			"trails of the account: the plan says [audit bucket=acme-audit multi-region=true validation=true global=true logging=true selectors=[S3 object writes eventCategory=[Data]^[] resources.ARN=[]^[arn:aws:s3:::acme-backups/]]], AWS has [audit bucket=acme-audit multi-region=true validation=true global=true logging=false selectors=[S3 object writes eventCategory=[Data]^[] resources.ARN=[]^[arn:aws:s3:::acme-backups/]]]"},
		{Subject{KindAccount, ""}, account(), func(m map[string]any) { m["trailSelectors"] = obj("audit", obj("AdvancedEventSelectors", []any{})) },
			"selectors=[]]"},
		{Subject{KindAccount, ""}, account(), func(m map[string]any) { m["serviceLinkedRoles"] = obj("Roles", []any{}) },
			"service-linked roles of the account: the plan says [config.amazonaws.com], AWS has []"},
		{Subject{KindAccount, ""}, account(), func(m map[string]any) {
			m["configRecorderStatus"] = obj("ConfigurationRecordersStatus", []any{obj("name", "default", "recording", false)})
		}, "AWS Config recorders of the stack's region: the plan says [default all=true global=true recording=true], AWS has [default all=true global=true recording=false]"},
		{Subject{KindAccount, ""}, account(), func(m map[string]any) { m["detectors"] = obj("d1", obj("Status", "DISABLED")) },
			"GuardDuty detectors (on) of the stack's region: the plan says [true], AWS has [false]"},
		{Subject{KindAccount, ""}, account(), func(m map[string]any) { m["ebsEncryption"] = obj("EbsEncryptionByDefault", false) },
			"EBS encryption by default of the stack's region: the plan says true, AWS has false"},
	})
}

// mismatchCase is a read-back (same) that equals the plan's inputs for subject, and an
// edit of it that Mismatches must name by named.
type mismatchCase struct {
	subject Subject
	same    map[string]any
	edit    func(map[string]any)
	named   string
}

// assertMismatchCases asserts each case: no difference as read, one naming the edit after.
func assertMismatchCases(t *testing.T, regs []record.Registration, cases []mismatchCase) {
	t.Helper()
	for _, c := range cases {
		assert.Empty(t, Mismatches(regs, c.subject, c.same), "%+v read back as planned", c.subject)
		c.edit(c.same)
		got := Mismatches(regs, c.subject, c.same)
		require.Len(t, got, 1, "%+v: %v", c.subject, got)
		assert.Contains(t, got[0], c.named)
	}
}

// TestEnforce: once Enforce is on, moto refuses a key it did not issue, lets the admin key
// do anything (signed by the AWS CLI or the AWS SDK for Go), holds a key it issued to its
// user's policies, and still authenticates an
// Inactive key (AWS refuses it) while a deleted one is refused; it miscomputes the
// signature of a request with an empty body on a REST API; the end of the (sub)test, stop
// and Reset each turn it off.
func TestEnforce(t *testing.T) {
	skipShort(t)
	s := Start(t)
	admin := s.Admin(t)
	t.Run("enforced", func(t *testing.T) {
		s.Enforce(t)
		_, code := s.AWS(t, "sts", "get-caller-identity")
		assert.Equal(t, "InvalidClientTokenId", code, "the dummy key is refused")
		_, err := iam.NewFromConfig(admin.Config(t)).ListUsers(t.Context(), &iam.ListUsersInput{})
		require.NoError(t, err, "the AWS SDK for Go's signature, as the stand-in's backends sign, passes")
		_, err = iam.NewFromConfig(s.Config(t)).ListUsers(t.Context(), &iam.ListUsersInput{})
		require.Error(t, err, "the dummy key is refused through the SDK too")
		detector, code := admin.AWS(t, "guardduty", "create-detector", "--enable")
		require.Empty(t, code, "a POST with a body is checked as AWS checks it")
		_, code = admin.AWS(t, "guardduty", "get-detector", "--detector-id", path(detector, "DetectorId").(string))
		assert.Equal(t, "403", code, "moto 5.2.1 answers SignatureDoesNotMatch (in XML, which the CLI cannot parse) to a GET "+
			"without query or body on a REST API: it signs the request's headers as its body")
		_, code = admin.AWS(t, "guardduty", "list-detectors", "--max-results", "5")
		assert.Equal(t, "403", code, "and with a query: it signs the query as the body")
	})
	_, code := s.AWS(t, "sts", "get-caller-identity")
	assert.Empty(t, code, "enforcement ends with the subtest that turned it on")
	s.Enforce(t)()
	_, code = s.AWS(t, "sts", "get-caller-identity")
	assert.Empty(t, code, "and with stop")
	s.Enforce(t)
	_, code = s.AWS(t, "sts", "get-caller-identity")
	assert.Equal(t, "InvalidClientTokenId", code, "the dummy key is refused")
	_, code = admin.AWS(t, "iam", "create-user", "--user-name", "app")
	require.Empty(t, code, "the admin may do anything")
	_, code = admin.AWS(t, "iam", "put-user-policy", "--user-name", "app", "--policy-name", "list", "--policy-document",
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:ListUsers","Resource":"*","Condition":{"StringEquals":{"aws:username":"nobody"}}}]}`)
	require.Empty(t, code)
	answer, code := admin.AWS(t, "iam", "create-access-key", "--user-name", "app")
	require.Empty(t, code)
	id, secret := path(answer, "AccessKey", "AccessKeyId").(string), path(answer, "AccessKey", "SecretAccessKey").(string)
	app := s.As(id, secret)
	_, code = app.AWS(t, "iam", "list-users")
	assert.Empty(t, code, "a Condition counts as met: the conditional allow allows")
	_, code = app.AWS(t, "iam", "list-groups")
	assert.Equal(t, "AccessDenied", code, "what no policy allows is refused")
	_, code = admin.AWS(t, "iam", "update-access-key", "--user-name", "app", "--access-key-id", id, "--status", "Inactive")
	require.Empty(t, code)
	_, code = app.AWS(t, "sts", "get-caller-identity")
	assert.Empty(t, code, "moto 5.2.1 authenticates an Inactive key")
	_, code = admin.AWS(t, "iam", "delete-access-key", "--user-name", "app", "--access-key-id", id)
	require.Empty(t, code)
	_, code = app.AWS(t, "sts", "get-caller-identity")
	assert.Equal(t, "InvalidClientTokenId", code, "a deleted key is refused")

	s.Reset(t)
	_, code = s.AWS(t, "sts", "get-caller-identity")
	assert.Empty(t, code, "after Reset moto takes any key again")
}

// TestInRegion: a server InRegion sends its clients' requests to that region, the SDK's
// and the AWS CLI's alike, and what is regional made there is read there, not in Region.
func TestInRegion(t *testing.T) {
	skipShort(t)
	s := Start(t)
	eu := s.InRegion("eu-west-1")
	_, code := eu.AWS(t, "sns", "create-topic", "--name", "regional")
	require.Empty(t, code)
	topics := func(s *Server) []string {
		got, code := s.AWS(t, "sns", "list-topics")
		require.Empty(t, code)
		var arns []string
		for _, topic := range asList(path(got, "Topics")) {
			arns = append(arns, path(topic, "TopicArn").(string))
		}
		return arns
	}
	assert.Equal(t, []string{"arn:aws:sns:eu-west-1:" + DefaultAccount + ":regional"}, topics(eu))
	assert.Empty(t, topics(s), "nothing of eu-west-1 in "+Region)
	assert.Equal(t, "eu-west-1", eu.Config(t).Region)
	assert.Equal(t, "eu-west-1", eu.ClientRegion())
	assert.Equal(t, Region, s.Config(t).Region, "InRegion leaves the server it was called on as it was")
}
