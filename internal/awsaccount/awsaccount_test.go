package awsaccount

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

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

// iamServer answers the credential audit's and the root check's calls as IAM's query API
// does: the report is "STARTED" the first time it is asked for, then "COMPLETE", and its
// CSV base64 in XML; a user's tags come in two pages, the second naming the stack
// secure-aws/<user>; the account summary says the root user has MFA and no password, and
// the assigned virtual MFA devices come in two pages, alice's, then the root's without a
// user.
func iamServer(t *testing.T, report string, format string) *[]string {
	t.Helper()
	var actions []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		require.NoError(t, req.ParseForm())
		action := req.Form.Get("Action")
		actions = append(actions, action)
		w.Header().Set("Content-Type", "text/xml")
		switch action {
		case "GenerateCredentialReport":
			state := "STARTED"
			if len(actions) > 1 {
				state = "COMPLETE"
			}
			fmt.Fprintf(w, `<GenerateCredentialReportResponse><GenerateCredentialReportResult><State>%s</State></GenerateCredentialReportResult></GenerateCredentialReportResponse>`, state)
		case "ListUserTags":
			// Two pages, as IAM sends a user's tags beyond MaxItems.
			member := func(k, v string) string { return "<member><Key>" + k + "</Key><Value>" + v + "</Value></member>" }
			page := member("team", "media") + "</Tags><IsTruncated>true</IsTruncated><Marker>page-2</Marker>"
			if req.Form.Get("Marker") == "page-2" {
				page = member("secure-aws:stack", "secure-aws/"+req.Form.Get("UserName")) + "</Tags><IsTruncated>false</IsTruncated>"
			}
			fmt.Fprintf(w, `<ListUserTagsResponse><ListUserTagsResult><Tags>%s</ListUserTagsResult></ListUserTagsResponse>`, page)
		case "GetAccountSummary":
			entry := func(k string, v int) string {
				return fmt.Sprintf("<entry><key>%s</key><value>%d</value></entry>", k, v)
			}
			fmt.Fprintf(w, `<GetAccountSummaryResponse><GetAccountSummaryResult><SummaryMap>%s%s%s</SummaryMap></GetAccountSummaryResult></GetAccountSummaryResponse>`,
				entry("AccountMFAEnabled", 1), entry("AccountAccessKeysPresent", 0), entry("AccountPasswordPresent", 0))
		case "ListVirtualMFADevices":
			assert.Equal(t, "Assigned", req.Form.Get("AssignmentStatus"))
			page := "<member><SerialNumber>arn:aws:iam::111111111111:mfa/alice</SerialNumber><User><Arn>arn:aws:iam::111111111111:user/alice</Arn><UserName>alice</UserName><UserId>AIDAEXAMPLE</UserId><Path>/</Path><CreateDate>2026-01-01T00:00:00Z</CreateDate></User></member></VirtualMFADevices><IsTruncated>true</IsTruncated><Marker>page-2</Marker>"
			if req.Form.Get("Marker") == "page-2" {
				page = "<member><SerialNumber>arn:aws:iam::111111111111:mfa/root-account-mfa-device</SerialNumber></member></VirtualMFADevices><IsTruncated>false</IsTruncated>"
			}
			fmt.Fprintf(w, `<ListVirtualMFADevicesResponse><ListVirtualMFADevicesResult><VirtualMFADevices>%s</ListVirtualMFADevicesResult></ListVirtualMFADevicesResponse>`, page)
		case "GetCredentialReport":
			fmt.Fprintf(w, `<GetCredentialReportResponse><GetCredentialReportResult><Content>%s</Content><ReportFormat>%s</ReportFormat><GeneratedTime>2026-12-01T09:00:00Z</GeneratedTime></GetCredentialReportResult></GetCredentialReportResponse>`,
				base64.StdEncoding.EncodeToString([]byte(report)), format)
		default:
			w.WriteHeader(http.StatusBadRequest)
		}
	}))
	t.Cleanup(srv.Close)
	t.Setenv("AWS_ENDPOINT_URL_IAM", srv.URL)
	t.Setenv("NO_PROXY", "127.0.0.1")
	return &actions
}

func TestCredentialReportWaitsForTheReport(t *testing.T) {
	offlineAWSEnv(t)
	reportPoll = time.Millisecond
	const csv = "user,arn\n<root_account>,arn:aws:iam::111111111111:root\n"
	actions := iamServer(t, csv, "text/csv")
	r := AWSReader{Get: configGetter(map[string]string{"aws:region": "us-east-1", "aws:accessKey": "AKIDTEST", "aws:secretKey": "secret"})}
	got, err := r.CredentialReport(context.Background())
	require.NoError(t, err)
	assert.Equal(t, csv, string(got))
	assert.Equal(t, []string{"GenerateCredentialReport", "GenerateCredentialReport", "GetCredentialReport"}, *actions, "generates, waits until complete, then reads")
}

func TestCredentialReportRefusesOtherFormats(t *testing.T) {
	offlineAWSEnv(t)
	reportPoll = time.Millisecond
	iamServer(t, "{}", "application/json")
	r := AWSReader{Get: configGetter(map[string]string{"aws:region": "us-east-1", "aws:accessKey": "AKIDTEST", "aws:secretKey": "secret"})}
	_, err := r.CredentialReport(context.Background())
	assert.ErrorContains(t, err, `"application/json", not text/csv`)
}

func TestUserTagsReadsEveryPage(t *testing.T) {
	offlineAWSEnv(t)
	actions := iamServer(t, "", "text/csv")
	r := AWSReader{Get: configGetter(map[string]string{"aws:region": "us-east-1", "aws:accessKey": "AKIDTEST", "aws:secretKey": "secret"})}
	got, err := r.UserTags(context.Background(), "mallory")
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"team": "media", "secure-aws:stack": "secure-aws/mallory"}, got)
	assert.Equal(t, []string{"ListUserTags", "ListUserTags"}, *actions)
}
