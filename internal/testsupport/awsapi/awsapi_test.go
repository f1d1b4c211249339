package awsapi

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-aws/secure-aws/internal/awsmodel"
	"github.com/secure-aws/secure-aws/internal/testsupport/mototest"
)

// TestAccountAgainstMoto: unless skipCredentialsValidation, the account is STS's answer,
// and one aws:allowedAccountIds does not list is refused, as the real provider refuses it.
func TestAccountAgainstMoto(t *testing.T) {
	c := motoConfig(t)
	account, err := c.Account(t.Context(), []string{mototest.DefaultAccount})
	require.NoError(t, err)
	assert.Equal(t, mototest.DefaultAccount, account)

	_, err = c.Account(t.Context(), []string{"999999999999"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "AWS account ID not allowed: "+mototest.DefaultAccount)

	c.SkipCredentialsValidation = true
	account, err = c.Account(t.Context(), []string{"999999999999"})
	require.NoError(t, err)
	assert.Empty(t, account, "skipped: no STS call")

	c.SkipCredentialsValidation = false
	delete(c.Endpoints, "sts")
	_, err = c.Account(t.Context(), nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "AWS_ENDPOINT_URL_STS")
}

// TestAlertsAgainstMoto runs the tests of the backends of the alerts, the budget and the
// contacts (issue 22) against one moto: its start is most of each one's time.
func TestAlertsAgainstMoto(t *testing.T) {
	server := mototest.Start(t)
	for name, test := range map[string]func(*testing.T, *mototest.Server){"kms": keyAgainstMoto, "sns": topicAgainstMoto, "events": ruleAgainstMoto,
		"budgets": budgetAgainstMoto, "account": contactAgainstMoto} {
		t.Run(name, func(t *testing.T) { test(t, server) })
	}
}

// TestFromProviderConfig: aws:endpoints wins; without it the SDKs' variables name the
// endpoints (a service's own before AWS_ENDPOINT_URL); with neither the model answers.
func TestFromProviderConfig(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	args := resource.PropertyMap{
		"endpoints":                 resource.NewProperty(`[{"s3":"http://127.0.0.1:1"}]`),
		"s3UsePathStyle":            resource.NewProperty("true"),
		"skipCredentialsValidation": resource.NewProperty(true),
		"accessKey":                 resource.NewProperty("AKIDCONFIG"),
		"secretKey":                 resource.MakeSecret(resource.NewProperty("config-secret")),
	}
	c, err := FromProviderConfig(args, "eu-west-1", "aws", env(map[string]string{"AWS_ENDPOINT_URL_S3": "http://127.0.0.1:2"}))
	require.NoError(t, err)
	require.NotNil(t, c)
	assert.Equal(t, Config{Region: "eu-west-1", Partition: "aws", Endpoints: map[string]string{"s3": "http://127.0.0.1:1"}, S3UsePathStyle: true,
		AccessKey: "AKIDCONFIG", SecretKey: "config-secret", SkipCredentialsValidation: true}, *c)

	c, err = FromProviderConfig(resource.PropertyMap{}, "us-east-1", "aws", env(map[string]string{
		"AWS_ENDPOINT_URL": "http://127.0.0.1:3", "AWS_ENDPOINT_URL_S3": "http://127.0.0.1:2",
		"AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": "env-secret"}))
	require.NoError(t, err)
	require.NotNil(t, c)
	assert.Equal(t, map[string]string{"s3": "http://127.0.0.1:2", "s3control": "http://127.0.0.1:3", "iam": "http://127.0.0.1:3", "sts": "http://127.0.0.1:3",
		"cloudtrail": "http://127.0.0.1:3", "kms": "http://127.0.0.1:3", "sns": "http://127.0.0.1:3", "events": "http://127.0.0.1:3",
		"budgets": "http://127.0.0.1:3", "account": "http://127.0.0.1:3", "guardduty": "http://127.0.0.1:3", "configservice": "http://127.0.0.1:3",
		"ec2": "http://127.0.0.1:3"}, c.Endpoints)
	assert.Equal(t, "AKIDENV", c.AccessKey)
	assert.False(t, c.SkipCredentialsValidation)

	_, err = FromProviderConfig(resource.PropertyMap{}, "us-east-1", "aws", env(map[string]string{"AWS_ENDPOINT_URL": "https://s3.amazonaws.com"}))
	require.Error(t, err, "a real AWS endpoint is refused from the environment too")
	assert.Contains(t, err.Error(), "AWS_ENDPOINT_URL")

	c, err = FromProviderConfig(resource.PropertyMap{"region": resource.NewProperty("us-east-1")}, "us-east-1", "aws", env(nil))
	require.NoError(t, err)
	assert.Nil(t, c, "no endpoints: the model answers")
}

// TestEngineTestsDocListsEveryServedType: docs/engine-tests.md's table of the types served
// through the AWS API names each type a backend serves when every endpoint is named, so
// the doc cannot drift from the backends.
func TestEngineTestsDocListsEveryServedType(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("..", "..", "..", "docs", "engine-tests.md"))
	require.NoError(t, err)
	c := Config{Region: "us-east-1", Partition: "aws", Endpoints: map[string]string{}, AccessKey: "unused", SecretKey: "unused"}
	for k := range EndpointEnv {
		c.Endpoints[k] = "http://127.0.0.1:1"
	}
	backends, err := New(c)
	require.NoError(t, err)
	for typ := range awsmodel.ReplaceOn {
		if backends.Serves(typ) {
			assert.Contains(t, string(doc), "`"+typ+"`", "docs/engine-tests.md: a row for %s", typ)
		}
	}
}
