package main

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/structpb"

	"github.com/secure-aws/secure-aws/awstypes"
	"github.com/secure-aws/secure-aws/iampolicy"
	"github.com/secure-aws/secure-aws/rules"
)

// startPack builds the policy pack and starts it as the engine does: run the binary, read
// the port from its first line of output, and connect to the Analyzer service there.
func startPack(t *testing.T) pulumirpc.AnalyzerClient {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "policypack")
	// go test puts the toolchain's go first on the PATH of the tests it runs.
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Stderr = os.Stderr
	require.NoError(t, build.Run(), "building the policy pack")

	cmd := exec.Command(bin)
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	cmd.Stderr = os.Stderr
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })

	port, err := bufio.NewReader(stdout).ReadString('\n')
	require.NoError(t, err, "the pack prints its port")
	conn, err := grpc.NewClient("127.0.0.1:"+strings.TrimSpace(port), grpc.WithTransportCredentials(insecure.NewCredentials()))
	require.NoError(t, err)
	t.Cleanup(func() { conn.Close() })
	return pulumirpc.NewAnalyzerClient(conn)
}

func props(t *testing.T, m resource.PropertyMap) *structpb.Struct {
	t.Helper()
	s, err := plugin.MarshalProperties(m, plugin.MarshalOptions{KeepUnknowns: true, KeepSecrets: true})
	require.NoError(t, err)
	return s
}

func urn(typ, name string) string {
	return "urn:pulumi:staging::secure-aws::" + typ + "::" + name
}

func publicAccess(blockAcls resource.PropertyValue) resource.PropertyMap {
	return resource.PropertyMap{
		"blockPublicAcls":       blockAcls,
		"blockPublicPolicy":     resource.NewProperty(true),
		"ignorePublicAcls":      resource.NewProperty(true),
		"restrictPublicBuckets": resource.NewProperty(true),
	}
}

func TestAnalyzerProtocol(t *testing.T) {
	client := startPack(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	dir, err := os.Getwd()
	require.NoError(t, err)
	_, err = client.Handshake(ctx, &pulumirpc.AnalyzerHandshakeRequest{RootDirectory: &dir, ProgramDirectory: &dir})
	require.NoError(t, err)
	_, err = client.ConfigureStack(ctx, &pulumirpc.AnalyzerStackConfigureRequest{
		Stack: "staging", Project: "secure-aws", DryRun: true,
		Config: map[string]string{"aws:region": "us-east-1"},
	})
	require.NoError(t, err)

	info, err := client.GetAnalyzerInfo(ctx, &emptypb.Empty{})
	require.NoError(t, err)
	assert.Equal(t, PackName, info.GetName())
	levels := map[string]pulumirpc.EnforcementLevel{}
	for _, p := range info.GetPolicies() {
		levels[p.GetName()] = p.GetEnforcementLevel()
	}
	require.Len(t, levels, len(rules.All()))
	assert.Equal(t, pulumirpc.EnforcementLevel_MANDATORY, levels["bucket-secure"])
	for name, level := range levels {
		assert.Equal(t, pulumirpc.EnforcementLevel_MANDATORY, level, "%s: every rule is a security rule", name)
	}

	analyze := func(typ, name string, inputs resource.PropertyMap, protect bool) []*pulumirpc.AnalyzeDiagnostic {
		t.Helper()
		resp, err := client.Analyze(ctx, &pulumirpc.AnalyzeRequest{
			Type: typ, Name: name, Urn: urn(typ, name), Properties: props(t, inputs),
			Options: &pulumirpc.AnalyzerResourceOptions{Protect: protect},
		})
		require.NoError(t, err)
		return resp.GetDiagnostics()
	}

	// A violating resource: public ACLs allowed at account level.
	diags := analyze(awstypes.AccountPublicAccess, "account-s3-public-access", publicAccess(resource.NewProperty(false)), false)
	require.Len(t, diags, 1)
	assert.Equal(t, "account-public-access-blocked", diags[0].GetPolicyName())
	assert.Equal(t, pulumirpc.EnforcementLevel_MANDATORY, diags[0].GetEnforcementLevel())
	assert.Contains(t, diags[0].GetMessage(), "blockPublicAcls is not true")
	assert.Equal(t, urn(awstypes.AccountPublicAccess, "account-s3-public-access"), diags[0].GetUrn())

	// The compliant resource, and the same one during a preview with a value not known yet.
	assert.Empty(t, analyze(awstypes.AccountPublicAccess, "account-s3-public-access", publicAccess(resource.NewProperty(true)), false))
	assert.Empty(t, analyze(awstypes.AccountPublicAccess, "account-s3-public-access", publicAccess(resource.MakeComputed(resource.NewProperty(""))), false))

	// Resource options reach the rules: an unprotected bucket is a violation.
	bucket := resource.PropertyMap{"bucket": resource.NewProperty("acme-assets-staging")}
	diags = analyze(awstypes.Bucket, "assets", bucket, false)
	require.Len(t, diags, 1)
	assert.Equal(t, "bucket-data-protected", diags[0].GetPolicyName())
	assert.Empty(t, analyze(awstypes.Bucket, "assets", bucket, true))

	// A wildcard grant in a customer policy.
	wildcard := iampolicy.Document{Statements: []iampolicy.Statement{{Sid: "All", Effect: iampolicy.Allow, Actions: []string{"s3:*"}, Resources: []string{"*"}}}}
	diags = analyze(awstypes.Policy, "app-s3", resource.PropertyMap{"policy": resource.NewProperty(wildcard.MustJSON())}, false)
	names := []string{}
	for _, d := range diags {
		names = append(names, d.GetPolicyName())
	}
	assert.Contains(t, names, "no-wildcard-actions")
}

func TestAnalyzeStackProtocol(t *testing.T) {
	client := startPack(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, err := client.Handshake(ctx, &pulumirpc.AnalyzerHandshakeRequest{})
	require.NoError(t, err)
	_, err = client.ConfigureStack(ctx, &pulumirpc.AnalyzerStackConfigureRequest{Stack: "staging", Project: "secure-aws"})
	require.NoError(t, err)

	bucketURN := urn(awstypes.Bucket, "assets")
	resp, err := client.AnalyzeStack(ctx, &pulumirpc.AnalyzeStackRequest{Resources: []*pulumirpc.AnalyzerResource{{
		Type: awstypes.Bucket, Name: "assets", Urn: bucketURN,
		Properties: props(t, resource.PropertyMap{"bucket": resource.NewProperty("acme-assets-staging")}),
		Options:    &pulumirpc.AnalyzerResourceOptions{Protect: true},
	}}})
	require.NoError(t, err)
	var messages []string
	for _, d := range resp.GetDiagnostics() {
		assert.Equal(t, "bucket-secure", d.GetPolicyName())
		assert.Equal(t, bucketURN, d.GetUrn())
		messages = append(messages, d.GetMessage())
	}
	assert.Len(t, messages, 5, "a bare bucket lacks versioning, encryption, ownership controls, public access block and TLS policy: %v", messages)
}
