package awsaccount

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-aws/secure-aws/internal/accountcheck"
	"github.com/secure-aws/secure-aws/internal/mototest"
	"github.com/secure-aws/secure-aws/internal/rootcheck"
)

// TestRootStatusAgainstMoto: the root check's read, against moto: the summary's root flags
// (moto's root has no MFA and its summary no AccountPasswordPresent, which must not pass
// for a root user without a password) and every assigned virtual MFA device with its user,
// none of the unassigned ones. A user's device named like the root's is not the root's.
func TestRootStatusAgainstMoto(t *testing.T) {
	offlineAWSEnv(t)
	moto := mototest.Start(t)
	httpClient := moto.HTTPClient()
	t.Setenv("AWS_ENDPOINT_URL_IAM", moto.URL)
	ctx := t.Context()
	cfg, err := awsconfig.LoadDefaultConfig(ctx, awsconfig.WithRegion("us-east-1"), awsconfig.WithHTTPClient(httpClient),
		awsconfig.WithCredentialsProvider(credentials.NewStaticCredentialsProvider("AKIDTEST", "secret", "")))
	require.NoError(t, err)
	client := iam.NewFromConfig(cfg)
	_, err = client.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("mallory")})
	require.NoError(t, err)
	serials := map[string]string{}
	for _, name := range []string{"root-account-mfa-device", "spare"} {
		out, err := client.CreateVirtualMFADevice(ctx, &iam.CreateVirtualMFADeviceInput{VirtualMFADeviceName: aws.String(name)})
		require.NoError(t, err)
		serials[name] = aws.ToString(out.VirtualMFADevice.SerialNumber)
	}
	_, err = client.EnableMFADevice(ctx, &iam.EnableMFADeviceInput{UserName: aws.String("mallory"), SerialNumber: aws.String(serials["root-account-mfa-device"]),
		AuthenticationCode1: aws.String("123456"), AuthenticationCode2: aws.String("654321")})
	require.NoError(t, err)

	r := AWSReader{Get: configGetter(map[string]string{"aws:region": "us-east-1", "aws:accessKey": "AKIDTEST", "aws:secretKey": "secret"}), httpClient: httpClient}
	status, err := r.RootStatus(ctx)
	require.NoError(t, err)
	require.Len(t, status.VirtualMFADevices, 1, "the assigned device only")
	device := status.VirtualMFADevices[0]
	assert.Regexp(t, `^arn:aws:iam::[0-9]{12}:mfa/root-account-mfa-device$`, device.SerialNumber)
	assert.Regexp(t, `^arn:aws:iam::[0-9]{12}:user/mallory$`, device.UserARN)
	assert.False(t, status.MFAEnabled, "moto's root user has no MFA")
	assert.False(t, status.PasswordAbsent, "a summary that does not say the password is gone keeps it")

	got := rootcheck.Check(ctx, r, accountcheck.ModeWarn, false)
	require.NoError(t, got.Err)
	require.Len(t, got.Warnings, 1, "%q", got.Warnings)
	assert.Contains(t, got.Warnings[0], "the root user has no MFA device")
}

// TestRootStatusReadsEveryDevicePage: a summary that says the root user has no password
// makes PasswordAbsent; the devices come from every page, the root's without a user too.
func TestRootStatusReadsEveryDevicePage(t *testing.T) {
	offlineAWSEnv(t)
	var actions []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		require.NoError(t, req.ParseForm())
		action := req.Form.Get("Action")
		actions = append(actions, action)
		w.Header().Set("Content-Type", "text/xml")
		entry := func(k string, v int) string {
			return fmt.Sprintf("<entry><key>%s</key><value>%d</value></entry>", k, v)
		}
		device := func(serial, user string) string {
			if user != "" {
				user = "<User><Arn>" + user + "</Arn><UserName>alice</UserName><UserId>AIDAEXAMPLE</UserId><Path>/</Path><CreateDate>2026-01-01T00:00:00Z</CreateDate></User>"
			}
			return "<member><SerialNumber>" + serial + "</SerialNumber>" + user + "</member>"
		}
		switch action {
		case "GetAccountSummary":
			fmt.Fprintf(w, `<GetAccountSummaryResponse><GetAccountSummaryResult><SummaryMap>%s%s%s</SummaryMap></GetAccountSummaryResult></GetAccountSummaryResponse>`,
				entry("AccountMFAEnabled", 1), entry("AccountAccessKeysPresent", 0), entry("AccountPasswordPresent", 0))
		case "ListVirtualMFADevices":
			assert.Equal(t, "Assigned", req.Form.Get("AssignmentStatus"))
			page := device("arn:aws:iam::111111111111:mfa/alice", "arn:aws:iam::111111111111:user/alice") + "</VirtualMFADevices><IsTruncated>true</IsTruncated><Marker>page-2</Marker>"
			if req.Form.Get("Marker") == "page-2" {
				page = device("arn:aws:iam::111111111111:mfa/root-account-mfa-device", "") + "</VirtualMFADevices><IsTruncated>false</IsTruncated>"
			}
			fmt.Fprintf(w, `<ListVirtualMFADevicesResponse><ListVirtualMFADevicesResult><VirtualMFADevices>%s</ListVirtualMFADevicesResult></ListVirtualMFADevicesResponse>`, page)
		default:
			w.WriteHeader(http.StatusBadRequest)
		}
	}))
	t.Cleanup(srv.Close)
	t.Setenv("AWS_ENDPOINT_URL_IAM", srv.URL)
	t.Setenv("NO_PROXY", "127.0.0.1")

	r := AWSReader{Get: configGetter(map[string]string{"aws:region": "us-east-1", "aws:accessKey": "AKIDTEST", "aws:secretKey": "secret"})}
	got, err := r.RootStatus(context.Background())
	require.NoError(t, err)
	assert.Equal(t, rootcheck.Status{MFAEnabled: true, PasswordAbsent: true, VirtualMFADevices: []rootcheck.VirtualMFADevice{
		{SerialNumber: "arn:aws:iam::111111111111:mfa/alice", UserARN: "arn:aws:iam::111111111111:user/alice"},
		{SerialNumber: "arn:aws:iam::111111111111:mfa/root-account-mfa-device"},
	}}, got)
	assert.Equal(t, []string{"GetAccountSummary", "ListVirtualMFADevices", "ListVirtualMFADevices"}, actions)
}
