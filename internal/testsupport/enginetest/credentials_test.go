package enginetest

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-aws/secure-aws/awstypes"
	"github.com/secure-aws/secure-aws/internal/credaudit"
	"github.com/secure-aws/secure-aws/internal/testsupport/fixtures"
	"github.com/secure-aws/secure-aws/internal/testsupport/oplog"
	"github.com/secure-aws/secure-aws/pgpkey/pgpkeytest"
)

// TestKeyRotation rotates an application's access key through the real engine, step by
// step as the README's recipe does, and asserts what the engine does at each step: adding
// generation 2 creates one key and touches the first; deactivating generation 1 updates
// its status in place; removing it deletes that key only. Swapping generations in a single
// change creates the new key before it deletes the old one. A change unrelated to keys
// (a grant) touches no key, and neither does a new pgpKey.
func TestKeyRotation(t *testing.T) {
	p := newProject(t)
	const name = "rotation"
	base := ownStack(map[string]string{
		"secure-aws:credentialsAsPulumiSecrets": "true",
		"secure-aws:buckets":                    `[{"name":"enginetest-rotation"}]`,
	})
	withApps := func(keys, actions string) map[string]string {
		cfg := maps.Clone(base)
		cfg["secure-aws:apps"] = fmt.Sprintf(`[{"name":"rot","accessKey":true%s,"grants":[{"bucket":"enginetest-rotation","actions":%s}]}]`, keys, actions)
		return cfg
	}
	const read = `["s3:GetObject"]`
	component := fmt.Sprintf("urn:pulumi:%s::secure-aws::secure-aws:components:AppUser$%s::", name, awstypes.AccessKey)
	key1, key2 := component+"rot-key", component+"rot-key-2"

	// step applies cfg as the deploy workflow does, and returns the preview's changed steps
	// and the provider calls of the up that changed something.
	p.writeStack(name, withApps("", read))
	s := p.stack(name)
	step := func(cfg map[string]string) ([]string, []oplog.Op) {
		t.Helper()
		p.writeStack(name, cfg)
		pre, err := p.preview(s)
		require.NoError(t, err)
		before := len(p.ops())
		_, err = p.up(s)
		require.NoError(t, err)
		var writes []oplog.Op
		for _, o := range p.ops()[before:] {
			if slices.Contains([]string{"create", "update", "delete"}, o.Op) {
				writes = append(writes, o)
			}
		}
		return pre.changed(), writes
	}
	opsOn := func(ops []oplog.Op) []string {
		var out []string
		for _, o := range ops {
			out = append(out, o.Op+" "+o.URN)
		}
		return out
	}

	_, ops := step(withApps("", read))
	assert.Contains(t, opsOn(ops), "create "+key1)

	steps, ops := step(withApps(`,"accessKeys":[{"generation":1},{"generation":2}]`, read))
	assert.Equal(t, []string{"create " + key2}, steps, "adding a generation is one new key; the one in use is untouched")
	assert.Equal(t, []string{"create " + key2}, opsOn(ops))

	steps, ops = step(withApps(`,"accessKeys":[{"generation":1,"status":"Inactive"},{"generation":2}]`, read))
	assert.Equal(t, []string{"update " + key1}, steps, "deactivating is an update in place")
	require.Len(t, ops, 1)
	props, err := ops[0].Properties()
	require.NoError(t, err)
	assert.Equal(t, "Inactive", props["status"].StringValue(), "sent to AWS as the key's new status")

	steps, ops = step(withApps(`,"accessKeys":[{"generation":2}]`, read))
	assert.Equal(t, []string{"delete " + key1}, steps, "removing the old generation deletes only its key")
	assert.Equal(t, []string{"delete " + key1}, opsOn(ops))

	steps, ops = step(withApps(`,"accessKeys":[{"generation":2}]`, `["s3:GetObject","s3:PutObject"]`))
	require.NotEmpty(t, steps, "the grant changed")
	for _, s := range append(steps, opsOn(ops)...) {
		assert.NotContains(t, s, awstypes.AccessKey, "a change of grants touches no key")
	}

	steps, ops = step(withApps(`,"pgpKey":"`+pgpkeytest.Public(t, "alice")+`","accessKeys":[{"generation":2}]`, `["s3:GetObject","s3:PutObject"]`))
	assert.Empty(t, steps, "a new pgpKey replaces no key in use: it is for the next generation")
	assert.Empty(t, ops)

	_, ops = step(withApps(`,"accessKeys":[{"generation":3}]`, `["s3:GetObject","s3:PutObject"]`))
	key3 := component + "rot-key-3"
	order := opsOn(ops)
	require.Contains(t, order, "create "+key3)
	require.Contains(t, order, "delete "+key2)
	assert.Less(t, slices.Index(order, "create "+key3), slices.Index(order, "delete "+key2), "the new key exists before the old one is deleted")
}

// auditedAccount has a healthy root user and the credential report report, or fails to
// read it with err.
type auditedAccount struct {
	fixtures.HealthyAccount
	report string
	err    error
}

func (a auditedAccount) CredentialReport(context.Context) ([]byte, error) {
	return []byte(a.report), a.err
}

// TestCredentialAuditThroughTheEngine: the managing stack's audit as the CLI shows it. A
// credential nobody declares is a warning in the preview and in up (warn, the default);
// in fail mode it stops both before anything is created; a report that cannot be read
// warns in a preview and stops an up. What the CLI shows counts the findings and names no
// user (nameUsers false, the default).
func TestCredentialAuditThroughTheEngine(t *testing.T) {
	p := newProject(t)
	const name = "audit"
	today := time.Now().UTC().Format(time.DateOnly)
	stray := credaudit.Header + "deploy-bot,arn:aws:iam::" + tierAccount + ":user/deploy-bot," + today + "T00:00:00+00:00,false,N/A,N/A,N/A,false," +
		"true," + today + "T00:00:00+00:00,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n"
	cfg := func(mode string) map[string]string {
		return ownStack(map[string]string{
			"secure-aws:credentialsAsPulumiSecrets": "true",
			"secure-aws:account":                    `{"manage":true,` + securityContactJSON + `"alias":"enginetest-audit","credentialAudit":{"mode":"` + mode + `"}}`,
		})
	}
	const finding = "credential audit: 1 access key of a user no stack file declares; the log names no user"
	namesNoUser := func(t *testing.T, shown ...string) {
		t.Helper()
		for _, line := range shown {
			assert.NotContains(t, line, "deploy-bot", "the CLI shows a user's name")
		}
	}

	p.account = auditedAccount{report: stray}
	p.writeStack(name, cfg("fail"))
	s := p.stack(name)
	_, err := p.preview(s)
	require.Error(t, err, "fail mode stops the preview, so the pull request shows the finding")
	assert.Contains(t, err.Error(), finding)
	namesNoUser(t, err.Error())
	_, err = p.up(s)
	require.Error(t, err)
	assert.Empty(t, opsOf(p.ops(), "create"), "nothing was created")

	p.writeStack(name, cfg("warn"))
	pre, err := p.preview(s)
	require.NoError(t, err)
	assert.True(t, slices.ContainsFunc(pre.warnings(), func(w string) bool { return strings.Contains(w, finding) }), "%q", pre.warnings())
	up, err := p.up(s)
	require.NoError(t, err)
	assert.True(t, slices.ContainsFunc(up.warnings(), func(w string) bool { return strings.Contains(w, finding) }), "%q", up.warnings())
	namesNoUser(t, append(pre.warnings(), up.warnings()...)...)

	p.account = auditedAccount{err: errors.New("AccessDenied: iam:GenerateCredentialReport")}
	p.writeStack(name, cfg("fail"))
	pre, err = p.preview(s)
	require.NoError(t, err, "a preview without the report warns")
	assert.True(t, slices.ContainsFunc(pre.warnings(), func(w string) bool {
		return strings.Contains(w, "could not read the IAM credential report: AccessDenied")
	}), "%q", pre.warnings())
	_, err = p.up(s)
	require.Error(t, err, "an up in fail mode stops")
	assert.Contains(t, err.Error(), "grant iam:GenerateCredentialReport, iam:GetCredentialReport, iam:ListGroupsForUser and iam:ListUserTags")
}
