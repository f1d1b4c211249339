package enginetest

import (
	"encoding/json"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-aws/secure-aws/awstypes"
	"github.com/secure-aws/secure-aws/internal/testsupport/awsapi"
	"github.com/secure-aws/secure-aws/internal/testsupport/mototest"
	"github.com/secure-aws/secure-aws/internal/testsupport/world"
)

// TestAccountAgainstMoto: a stack that manages its account, with an audit trail, applied
// by the real engine through the stand-in with its s3, iam and cloudtrail endpoints naming
// moto: the support role, its policy lists, the alias, the password policy and the trail
// reach moto, not the model, and read back with the AWS CLI as the engine sent them; a
// second up changes nothing; an inline policy put on the role by hand is seen by the
// refreshing preview and removed by up.
func TestAccountAgainstMoto(t *testing.T) {
	requireEngine(t)
	start := time.Now()
	server := mototest.StartInAccount(t, tierAccount)
	p := newMotoProject(t, server)
	const name = "motoaccount"
	p.writeStack(name, ownStack(map[string]string{
		"secure-aws:account": `{"manage":true,` + securityContactJSON + `"alias":"enginetest-moto","trail":{"bucket":"enginetest-moto-trail"}}`,
	}))
	s := p.stack(name)
	_, err := p.up(s)
	require.NoError(t, err)
	t.Logf("moto started and first up: %s", time.Since(start).Round(time.Millisecond))

	if tools.realPlugin == "" { // only the stand-in has a model
		resources, err := world.Load(p.world)
		require.NoError(t, err)
		for _, r := range resources {
			assert.False(t, slices.Contains(awsapi.IAMAccountTypes, r.Type) || r.Type == awstypes.Trail, "%s %s is in the model's world: the backend serves it", r.Type, r.ID)
		}
	}

	_, d := p.export(s)
	checked := map[string]bool{}
	for _, r := range d.Resources {
		switch r.Type {
		case awstypes.Role:
			role := awsCLI(t, server, "iam", "get-role", "--role-name", r.Inputs["name"].(string))["Role"].(map[string]any)
			var sent any
			require.NoError(t, json.Unmarshal([]byte(r.Inputs["assumeRolePolicy"].(string)), &sent))
			got := role["AssumeRolePolicyDocument"]
			if s, ok := got.(string); ok { // URL-encoded JSON, as IAM answers it
				u, err := url.QueryUnescape(s)
				require.NoError(t, err)
				require.NoError(t, json.Unmarshal([]byte(u), &got))
			}
			assert.Equal(t, sent, got, "the trust of %s", r.Inputs["name"])
			assert.Equal(t, r.Inputs["description"], role["Description"])
		case awstypes.AccountAlias:
			assert.Equal(t, []any{r.Inputs["accountAlias"]}, awsCLI(t, server, "iam", "list-account-aliases")["AccountAliases"])
		case awstypes.AccountPasswordPolicy:
			got := camel(awsCLI(t, server, "iam", "get-account-password-policy")["PasswordPolicy"]).(map[string]any)
			for k, v := range r.Inputs {
				assert.EqualValues(t, v, got[k], "password policy %s", k)
			}
		case awstypes.Trail:
			trail := awsCLI(t, server, "cloudtrail", "get-trail", "--name", r.Inputs["name"].(string))["Trail"].(map[string]any)
			assert.Equal(t, r.Inputs["s3BucketName"], trail["S3BucketName"])
			assert.Equal(t, r.Inputs["isMultiRegionTrail"], trail["IsMultiRegionTrail"])
			assert.Equal(t, r.Inputs["enableLogFileValidation"], trail["LogFileValidationEnabled"])
			assert.Equal(t, r.Inputs["enableLogging"], awsCLI(t, server, "cloudtrail", "get-trail-status", "--name", r.Inputs["name"].(string))["IsLogging"])
		default:
			continue
		}
		checked[r.Type] = true
	}
	assert.Len(t, checked, 4, "the role, the alias, the password policy and the trail are read back")

	up, err := p.up(s)
	require.NoError(t, err)
	assert.Empty(t, up.changed(), "a second up against moto changes nothing")

	awsCLI(t, server, "iam", "put-role-policy", "--role-name", "aws-support", "--policy-name", "by-hand",
		"--policy-document", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`)
	inline := "urn:pulumi:" + name + "::secure-aws::secure-aws:components:AccountBaseline$" + awstypes.RolePoliciesExcl + "::account-support-role-inline-policies"
	r, err := p.previewRefresh(s)
	require.NoError(t, err)
	assert.Equal(t, []string{"update " + inline}, r.changed(), "the refresh read the hand-made inline policy from moto")
	_, err = p.up(s)
	require.NoError(t, err)
	assert.Empty(t, awsCLI(t, server, "iam", "list-role-policies", "--role-name", "aws-support")["PolicyNames"], "up removed it")
	t.Logf("the whole test: %s", time.Since(start).Round(time.Millisecond))
}
