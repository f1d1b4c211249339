package rootcheck

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fakeReader returns a fixed status or error and counts its calls.
type fakeReader struct {
	status Status
	err    error
	calls  int
}

func (f *fakeReader) RootStatus(context.Context) (Status, error) {
	f.calls++
	return f.status, f.err
}

var (
	healthy  = Status{MFAEnabled: true}
	keys     = Status{AccessKeysPresent: true, MFAEnabled: true}
	noMFA    = Status{}
	keysNoMF = Status{AccessKeysPresent: true}
	errRead  = errors.New("AccessDenied: not authorized to perform iam:GetAccountSummary")
)

func TestCheck(t *testing.T) {
	type want struct {
		warnings []string // substrings, one slice entry per expected warning
		err      []string // substrings of the error; nil means no error
	}
	tests := []struct {
		name   string
		reader *fakeReader // nil means no reader at all
		mode   string
		dryRun bool
		want   want
		calls  int
	}{
		{name: "off, unhealthy root, update", reader: &fakeReader{status: keysNoMF}, mode: ModeOff},
		{name: "off, read error, fail-worthy update", reader: &fakeReader{err: errRead}, mode: ModeOff},
		{name: "off, preview", reader: &fakeReader{status: keysNoMF}, mode: ModeOff, dryRun: true},
		{name: "off, no reader", mode: ModeOff},

		{name: "warn, healthy", reader: &fakeReader{status: healthy}, mode: ModeWarn, calls: 1},
		{name: "fail, healthy, update", reader: &fakeReader{status: healthy}, mode: ModeFail, calls: 1},
		{name: "fail, healthy, preview", reader: &fakeReader{status: healthy}, mode: ModeFail, dryRun: true, calls: 1},

		{name: "warn, keys present", reader: &fakeReader{status: keys}, mode: ModeWarn, calls: 1,
			want: want{warnings: []string{"rule R1: the root user has access keys"}}},
		{name: "warn, no MFA", reader: &fakeReader{status: noMFA}, mode: ModeWarn, calls: 1,
			want: want{warnings: []string{"rule R1: the root user has no MFA device"}}},
		{name: "warn, keys and no MFA, preview", reader: &fakeReader{status: keysNoMF}, mode: ModeWarn, dryRun: true, calls: 1,
			want: want{warnings: []string{"rule R1: the root user has access keys", "rule R1: the root user has no MFA device"}}},

		{name: "fail, keys present, update", reader: &fakeReader{status: keys}, mode: ModeFail, calls: 1,
			want: want{err: []string{"rule R1", "access keys"}}},
		{name: "fail, no MFA, update", reader: &fakeReader{status: noMFA}, mode: ModeFail, calls: 1,
			want: want{err: []string{"rule R1", "no MFA device"}}},
		{name: "fail, keys and no MFA, update", reader: &fakeReader{status: keysNoMF}, mode: ModeFail, calls: 1,
			want: want{err: []string{"rule R1", "access keys", "no MFA device"}}},
		{name: "fail, keys present, preview", reader: &fakeReader{status: keys}, mode: ModeFail, dryRun: true, calls: 1,
			want: want{err: []string{"rule R1", "access keys"}}},

		{name: "warn, read error, update", reader: &fakeReader{err: errRead}, mode: ModeWarn, calls: 1,
			want: want{warnings: []string{"could not read the IAM account summary: " + errRead.Error()}}},
		{name: "warn, read error, preview", reader: &fakeReader{err: errRead}, mode: ModeWarn, dryRun: true, calls: 1,
			want: want{warnings: []string{"could not read the IAM account summary"}}},
		{name: "fail, read error, preview", reader: &fakeReader{err: errRead}, mode: ModeFail, dryRun: true, calls: 1,
			want: want{warnings: []string{"could not read the IAM account summary: " + errRead.Error()}}},
		{name: "fail, read error, update", reader: &fakeReader{err: errRead}, mode: ModeFail, calls: 1,
			want: want{err: []string{"could not read the IAM account summary", errRead.Error(), "iam:GetAccountSummary", "rootCredentialCheck to warn"}}},

		{name: "warn, no reader", mode: ModeWarn, want: want{warnings: []string{"no reader configured"}}},
		{name: "fail, no reader, preview", mode: ModeFail, dryRun: true, want: want{warnings: []string{"no reader configured"}}},
		{name: "fail, no reader, update", mode: ModeFail, want: want{err: []string{"no reader configured"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var r Reader
			if tt.reader != nil {
				r = tt.reader
			}
			got := Check(context.Background(), r, tt.mode, tt.dryRun)

			if tt.reader != nil {
				assert.Equal(t, tt.calls, tt.reader.calls, "reader calls")
			}
			if tt.want.err == nil {
				assert.NoError(t, got.Err)
			} else if assert.Error(t, got.Err) {
				for _, w := range tt.want.err {
					assert.Contains(t, got.Err.Error(), w)
				}
			}
			require.Len(t, got.Warnings, len(tt.want.warnings), "warnings: %q", got.Warnings)
			for i, w := range tt.want.warnings {
				assert.Contains(t, got.Warnings[i], w)
			}
			if tt.want.err != nil {
				assert.Empty(t, got.Warnings, "a failing check reports through the error only")
			}
		})
	}
}

// Every R1 finding, warned or failed, tells the operator how to fix it by hand.
func TestCheckFindingsCarryManualSteps(t *testing.T) {
	warned := Check(context.Background(), &fakeReader{status: keysNoMF}, ModeWarn, false)
	require.Len(t, warned.Warnings, 2)
	for _, w := range warned.Warnings {
		assert.Contains(t, w, ManualSteps)
	}
	failed := Check(context.Background(), &fakeReader{status: keysNoMF}, ModeFail, false)
	require.Error(t, failed.Err)
	assert.Contains(t, failed.Err.Error(), ManualSteps)
}

func TestCheckPassesContext(t *testing.T) {
	type key struct{}
	ctx := context.WithValue(context.Background(), key{}, "marker")
	var seen any
	r := readerFunc(func(ctx context.Context) (Status, error) {
		seen = ctx.Value(key{})
		return healthy, nil
	})
	res := Check(ctx, r, ModeWarn, false)
	assert.Equal(t, Result{}, res)
	assert.Equal(t, "marker", seen)
}

type readerFunc func(context.Context) (Status, error)

func (f readerFunc) RootStatus(ctx context.Context) (Status, error) { return f(ctx) }

// offlineAWSEnv makes sure the AWS SDK finds no credentials, profile, region or endpoint
// outside the test, cannot reach the instance metadata service, and sends any HTTP request
// to a closed local port instead of the network.
func offlineAWSEnv(t *testing.T) {
	t.Helper()
	dir := t.TempDir()
	config := filepath.Join(dir, "config")
	creds := filepath.Join(dir, "credentials")
	require.NoError(t, os.WriteFile(config, nil, 0o600))
	require.NoError(t, os.WriteFile(creds, nil, 0o600))
	t.Setenv("AWS_CONFIG_FILE", config)
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", creds)
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	for _, k := range []string{
		"AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
		"AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE",
		"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_ENDPOINT_URL",
		"AWS_ENDPOINT_URL_IAM", "AWS_ENDPOINT_URL_STS",
	} {
		t.Setenv(k, "")
	}
	for _, k := range []string{"HTTPS_PROXY", "HTTP_PROXY", "https_proxy", "http_proxy"} {
		t.Setenv(k, "http://127.0.0.1:1")
	}
	t.Setenv("NO_PROXY", "")
	t.Setenv("no_proxy", "")
}

func configGetter(values map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) {
		v, ok := values[k]
		return v, ok
	}
}

func TestAWSReaderRejectsBadAssumeRole(t *testing.T) {
	offlineAWSEnv(t)
	tests := map[string]struct{ raw, want string }{
		"invalid JSON":    {`{"roleArn": `, "unexpected end of JSON input"},
		"not an object":   {`"arn:aws:iam::111111111111:role/x"`, "cannot unmarshal string"},
		"empty string":    {``, "unexpected end of JSON input"},
		"missing roleArn": {`{"sessionName":"secure-aws","externalId":"x"}`, "needs a roleArn"},
		"empty roleArn":   {`{"roleArn":""}`, "needs a roleArn"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			r := AWSReader{Get: configGetter(map[string]string{
				"aws:region":     "us-east-1",
				"aws:assumeRole": tc.raw,
			})}
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()

			_, err := r.awsConfig(ctx)
			require.Error(t, err)
			assert.Contains(t, err.Error(), "aws:assumeRole")
			assert.Contains(t, err.Error(), tc.want)

			// RootStatus stops at the same point, before any request is made.
			start := time.Now()
			_, err = r.RootStatus(ctx)
			require.Error(t, err)
			assert.Contains(t, err.Error(), "aws:assumeRole")
			assert.Less(t, time.Since(start), 2*time.Second, "no network round trip expected")
		})
	}
}

func TestAWSReaderUnknownProfile(t *testing.T) {
	offlineAWSEnv(t)
	r := AWSReader{Get: configGetter(map[string]string{"aws:region": "us-east-1", "aws:profile": "no-such-profile"})}
	_, err := r.awsConfig(context.Background())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "loading AWS credentials")
	assert.Contains(t, err.Error(), "no-such-profile")
}

func TestAWSReaderStaticCredentialsAndRegion(t *testing.T) {
	offlineAWSEnv(t)
	r := AWSReader{Get: configGetter(map[string]string{
		"aws:region":    "eu-west-1",
		"aws:accessKey": "AKIDEXAMPLE",
		"aws:secretKey": "secret",
		"aws:token":     "token",
	})}
	cfg, err := r.awsConfig(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "eu-west-1", cfg.Region)
	require.NotNil(t, cfg.Credentials)
	// Static credentials resolve locally, without a request.
	creds, err := cfg.Credentials.Retrieve(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "AKIDEXAMPLE", creds.AccessKeyID)
	assert.Equal(t, "secret", creds.SecretAccessKey)
	assert.Equal(t, "token", creds.SessionToken)
}

func TestAWSReaderAssumeRoleWrapsCredentials(t *testing.T) {
	offlineAWSEnv(t)
	r := AWSReader{Get: configGetter(map[string]string{
		"aws:region":     "us-east-1",
		"aws:accessKey":  "AKIDEXAMPLE",
		"aws:secretKey":  "secret",
		"aws:assumeRole": `{"roleArn":"arn:aws:iam::111111111111:role/deployer","sessionName":"secure-aws","externalId":"ext"}`,
	})}
	cfg, err := r.awsConfig(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "us-east-1", cfg.Region)
	// The credentials are now the (lazy) assume-role provider, not the static keys; they are
	// not retrieved here because that would call STS.
	_, isCache := cfg.Credentials.(*aws.CredentialsCache)
	assert.True(t, isCache, "assume-role credentials are cached, got %T", cfg.Credentials)
}

func TestAWSReaderList(t *testing.T) {
	home, err := os.UserHomeDir()
	require.NoError(t, err)
	r := AWSReader{Get: configGetter(map[string]string{
		"two":      `["/a/config","/b/config"]`,
		"home":     `["~/.aws/config"]`,
		"empty":    `[]`,
		"invalid":  `["/a/config"`,
		"notAList": `"/a/config"`,
	})}
	tests := []struct {
		key     string
		want    []string
		wantErr bool
	}{
		{"two", []string{"/a/config", "/b/config"}, false},
		{"home", []string{filepath.Join(home, ".aws/config")}, false},
		{"empty", []string{}, false},
		{"invalid", nil, true},
		{"notAList", nil, true},
		{"missing", nil, false},
	}
	for _, tt := range tests {
		got, err := r.list(tt.key)
		assert.Equal(t, tt.wantErr, err != nil, tt.key)
		assert.Equal(t, tt.want, got, tt.key)
	}
}

func TestAWSReaderSharedFilesFromStackConfig(t *testing.T) {
	offlineAWSEnv(t)
	dir := t.TempDir()
	config := filepath.Join(dir, "stack-config")
	creds := filepath.Join(dir, "stack-credentials")
	require.NoError(t, os.WriteFile(config, []byte("[profile deploy]\nregion = ap-southeast-2\n"), 0o600))
	require.NoError(t, os.WriteFile(creds, []byte("[deploy]\naws_access_key_id = AKIDFROMFILE\naws_secret_access_key = filesecret\n"), 0o600))
	r := AWSReader{Get: configGetter(map[string]string{
		"aws:profile":                "deploy",
		"aws:sharedConfigFiles":      `["` + filepath.ToSlash(config) + `"]`,
		"aws:sharedCredentialsFiles": `["` + filepath.ToSlash(creds) + `"]`,
	})}
	cfg, err := r.awsConfig(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "ap-southeast-2", cfg.Region, "region comes from the stack's shared config file")
	got, err := cfg.Credentials.Retrieve(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "AKIDFROMFILE", got.AccessKeyID, "keys come from the stack's shared credentials file")
	assert.Equal(t, "filesecret", got.SecretAccessKey)

	// Without the stack's files the profile is unknown: the environment's (empty) files are used.
	r = AWSReader{Get: configGetter(map[string]string{"aws:profile": "deploy"})}
	_, err = r.awsConfig(context.Background())
	assert.ErrorContains(t, err, "deploy")
}
