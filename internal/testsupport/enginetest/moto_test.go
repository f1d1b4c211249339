package enginetest

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-aws/secure-aws/awstypes"
	"github.com/secure-aws/secure-aws/internal/testsupport/awsapi"
	"github.com/secure-aws/secure-aws/internal/testsupport/mototest"
	"github.com/secure-aws/secure-aws/internal/testsupport/world"
	"github.com/secure-aws/secure-aws/pgpkey/pgpkeytest"
)

// awsCLI runs the AWS CLI against moto and decodes its JSON answer; a refusal fails the
// test.
func awsCLI(t *testing.T, server *mototest.Server, args ...string) map[string]any {
	t.Helper()
	answer, code := server.AWS(t, args...)
	require.Empty(t, code, "aws %s", strings.Join(args, " "))
	m, _ := answer.(map[string]any) // nil for a put, which answers nothing
	return m
}

// camel rewrites the CLI's keys (ID, Status, NoncurrentDays) as Pulumi names (id, status,
// noncurrentDays), so an answer compares with the inputs the engine sent.
func camel(v any) any {
	switch v := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, e := range v {
			if k == "ID" {
				k = "Id"
			}
			r := []rune(k)
			r[0] = unicode.ToLower(r[0])
			out[string(r)] = camel(e)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = camel(e)
		}
		return out
	}
	return v
}

// newMotoProject is a project whose AWS is server (useMoto), for the stand-in or the real
// provider (RealPluginEnvVar).
func newMotoProject(t testing.TB, server *mototest.Server) *project {
	p := copyProject(t)
	p.useMoto(server)
	return p
}

// useMoto points the project's provider at server, as a team reaches moto: the SDKs'
// variables, which the real provider and the stand-in both honour, name it, with the
// server's key (of the stack's account, or the one As or Admin chose). The stand-in
// sends the types its backend serves there and keeps the model for the rest; the real
// provider sends every request there (AWS_ENDPOINT_URL), none to AWS, and asks no instance
// metadata service for credentials.
func (p *project) useMoto(server *mototest.Server) {
	for _, kv := range server.Env() {
		if k, v, _ := strings.Cut(kv, "="); slices.Contains([]string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_DEFAULT_REGION", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"}, k) {
			p.env[k] = v
		}
	}
	// The SDKs' endpoint variables of every service the stand-in's backends serve: the
	// program refuses aws:endpoints in a stack file, and the real provider honours these too.
	for _, k := range awsapi.EndpointEnv {
		p.env[k] = server.URL
	}
	if tools.realPlugin != "" {
		p.env["AWS_ENDPOINT_URL"] = server.URL
		p.env["AWS_EC2_METADATA_DISABLED"] = "true"
		// S3 Control puts the account in front of the endpoint's host, and
		// <account>.127.0.0.1 is no name; <account>.localhost is loopback where the resolver
		// follows RFC 6761 (systemd-resolved, GitHub's runners) or /etc/hosts says so.
		p.env["AWS_ENDPOINT_URL_S3_CONTROL"] = strings.Replace(server.URL, "127.0.0.1", "localhost", 1)
	}
}

// TestS3AgainstMoto: a stack with one bucket, one bucket made beforehand with the AWS CLI
// and adopted (import), and one backup vault, applied by the real engine through the
// stand-in with its endpoints naming moto: the S3 and IAM types reach moto, not the model; the AWS
// CLI reads back from moto every bucket's versioning, encryption, public access block,
// ownership, policy and lifecycle as the engine sent them; a second up changes nothing;
// versioning suspended by hand is seen by the refreshing preview and put back by up. The
// vault writer's access key is moto's, its secret only PGP-encrypted in the state.
func TestS3AgainstMoto(t *testing.T) {
	requireEngine(t)
	start := time.Now()
	server := mototest.StartInAccount(t, tierAccount) // the account the stack allows
	p := newMotoProject(t, server)
	const name = "moto"
	awsCLI(t, server, "s3api", "create-bucket", "--bucket", "enginetest-moto-legacy")
	p.writeStack(name, ownStack(map[string]string{
		"secure-aws:buckets": `[{"name":"enginetest-moto-data"},{"name":"enginetest-moto-legacy","import":true}]`,
		"secure-aws:backups": `[{"bucket":"enginetest-moto-backups","accessKey":true,"pgpKey":"` + pgpkeytest.Public(t, "writer") + `"}]`,
	}))
	s := p.stack(name)
	first, err := p.up(s)
	require.NoError(t, err)
	assert.Contains(t, first.steps(), "import urn:pulumi:moto::secure-aws::secure-aws:components:SecureBucket$"+awstypes.Bucket+"::enginetest-moto-legacy-bucket",
		"the bucket made beforehand is adopted, read from moto")
	t.Logf("moto started and first up: %s", time.Since(start).Round(time.Millisecond))

	if tools.realPlugin == "" { // only the stand-in has a model
		resources, err := world.Load(p.world)
		require.NoError(t, err)
		for _, r := range resources {
			assert.False(t, slices.Contains(slices.Concat(awsapi.S3Types, awsapi.IAMTypes), r.Type), "%s %s is in the model's world: the backend serves it", r.Type, r.ID)
		}
	}
	users, _ := awsCLI(t, server, "iam", "list-users")["Users"].([]any)
	require.Len(t, users, 1, "the vault's writer, an IAM user, is in moto")
	assert.Equal(t, "/backup/", users[0].(map[string]any)["Path"])

	raw, d := p.export(s)
	keys, _ := awsCLI(t, server, "iam", "list-access-keys", "--user-name", users[0].(map[string]any)["UserName"].(string))["AccessKeyMetadata"].([]any)
	require.Len(t, keys, 1, "the writer's access key is moto's")
	credentials := opsOf(p.ops(), "credential")
	assert.Len(t, credentials, 1, "the stand-in recorded the secret moto made for the key")
	for _, c := range credentials {
		assert.NotContains(t, raw, c.Value, "%s of %s is in the state in plain text", c.Kind, c.User)
	}
	read := map[string]func(bucket string) any{
		awstypes.Versioning: func(b string) any {
			return map[string]any{"status": awsCLI(t, server, "s3api", "get-bucket-versioning", "--bucket", b)["Status"]}
		},
		awstypes.Encryption: func(b string) any {
			var rules []any
			for _, r := range awsCLI(t, server, "s3api", "get-bucket-encryption", "--bucket", b)["ServerSideEncryptionConfiguration"].(map[string]any)["Rules"].([]any) {
				r := r.(map[string]any)
				rule := map[string]any{"applyServerSideEncryptionByDefault": map[string]any{
					"sseAlgorithm": r["ApplyServerSideEncryptionByDefault"].(map[string]any)["SSEAlgorithm"]}}
				if r["BucketKeyEnabled"] == true { // S3 reports false when unset
					rule["bucketKeyEnabled"] = true
				}
				rules = append(rules, rule)
			}
			return rules
		},
		awstypes.PublicAccessBlock: func(b string) any {
			return camel(awsCLI(t, server, "s3api", "get-public-access-block", "--bucket", b)["PublicAccessBlockConfiguration"])
		},
		awstypes.Ownership: func(b string) any {
			rules := awsCLI(t, server, "s3api", "get-bucket-ownership-controls", "--bucket", b)["OwnershipControls"].(map[string]any)["Rules"].([]any)
			require.Len(t, rules, 1)
			return camel(rules[0])
		},
		awstypes.BucketPolicy: func(b string) any {
			var doc any
			require.NoError(t, json.Unmarshal([]byte(awsCLI(t, server, "s3api", "get-bucket-policy", "--bucket", b)["Policy"].(string)), &doc))
			return doc
		},
		awstypes.Lifecycle: func(b string) any {
			return camel(awsCLI(t, server, "s3api", "get-bucket-lifecycle-configuration", "--bucket", b))
		},
	}
	// sent is the part of a resource's inputs the CLI's answer holds.
	sent := func(typ string, in map[string]any) any {
		switch typ {
		case awstypes.Versioning:
			return in["versioningConfiguration"]
		case awstypes.Encryption:
			return in["rules"]
		case awstypes.Ownership:
			return in["rule"]
		case awstypes.PublicAccessBlock:
			out := map[string]any{}
			for _, k := range []string{"blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"} {
				out[k] = in[k]
			}
			return out
		case awstypes.BucketPolicy:
			var doc any
			require.NoError(t, json.Unmarshal([]byte(in["policy"].(string)), &doc))
			return doc
		case awstypes.Lifecycle:
			out := map[string]any{"rules": in["rules"]}
			if v, ok := in["transitionDefaultMinimumObjectSize"]; ok {
				out["transitionDefaultMinimumObjectSize"] = v
			}
			return out
		}
		return nil
	}
	checked := map[string]int{}
	for _, r := range d.Resources {
		get, ok := read[r.Type]
		if !ok {
			continue
		}
		bucket, _ := r.Inputs["bucket"].(string)
		got := get(bucket)
		if r.Type == awstypes.Lifecycle {
			// S3 reports the default size rule for a lifecycle that does not set it.
			if _, set := r.Inputs["transitionDefaultMinimumObjectSize"]; !set {
				delete(got.(map[string]any), "transitionDefaultMinimumObjectSize")
			}
		}
		assert.Equal(t, sent(r.Type, r.Inputs), got, "%s of %s: the AWS CLI reads back from moto what the engine sent", r.Type, bucket)
		checked[r.Type]++
	}
	for typ := range read {
		assert.Equal(t, 3, checked[typ], "%s: the two buckets and the vault each have one", typ)
	}

	second := time.Now()
	r, err := p.up(s)
	require.NoError(t, err)
	assert.Empty(t, r.changed(), "a second up against moto changes nothing")
	t.Logf("second up: %s", time.Since(second).Round(time.Millisecond))
	drift := time.Now()

	awsCLI(t, server, "s3api", "put-bucket-versioning", "--bucket", "enginetest-moto-data", "--versioning-configuration", "Status=Suspended")
	versioning := "urn:pulumi:moto::secure-aws::secure-aws:components:SecureBucket$" + awstypes.Versioning + "::enginetest-moto-data-versioning"
	r, err = p.previewRefresh(s)
	require.NoError(t, err)
	assert.Equal(t, []string{"update " + versioning}, r.changed(), "the refresh read the suspended versioning from moto")
	_, err = p.up(s)
	require.NoError(t, err)
	assert.Equal(t, "Enabled", awsCLI(t, server, "s3api", "get-bucket-versioning", "--bucket", "enginetest-moto-data")["Status"], "up put it back")
	t.Logf("suspended by hand, seen and put back: %s; the whole test: %s", time.Since(drift).Round(time.Millisecond), time.Since(start).Round(time.Millisecond))
}
