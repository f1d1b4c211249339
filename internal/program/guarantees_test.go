package program_test

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-aws/secure-aws/awsnames"
	"github.com/secure-aws/secure-aws/awstypes"
	"github.com/secure-aws/secure-aws/components"
	"github.com/secure-aws/secure-aws/internal/config"
	"github.com/secure-aws/secure-aws/internal/record"
	"github.com/secure-aws/secure-aws/internal/testsupport/golden"
)

// The guarantees of rule R11 (nothing lost by accident) and R12 (no secret in plain
// text), checked over the whole program rather than per component.

// TestURNsArePinned fails when a resource of any stack file would get a new URN. To
// Pulumi a changed URN is a delete of the old resource and a create of a new one, and for
// a bucket, its versioning or an IAM user that means lost data or broken credentials.
func TestURNsArePinned(t *testing.T) {
	var pins []string
	for _, stack := range repoStacks(t) {
		pins = append(pins, filepath.Join("testdata", "urns-"+stack+".txt"))
		t.Run(stack, func(t *testing.T) {
			var urns []string
			for _, r := range runStack(t, stack).Registrations() {
				urns = append(urns, r.URN)
			}
			path := filepath.Join("testdata", "urns-"+stack+".txt")
			got := strings.Join(urns, "\n") + "\n"
			if !golden.Updating() {
				want, err := os.ReadFile(path)
				if errors.Is(err, fs.ErrNotExist) {
					t.Fatalf("stack %s has no URN pins yet: run UPDATE_GOLDEN=1 go test ./... to pin them", stack)
				}
				require.NoError(t, err)
				for _, old := range strings.Fields(string(want)) {
					if !slices.Contains(urns, old) {
						t.Errorf("%s would be deleted and replaced: its URN is gone. If you renamed a resource, a\n"+
							"component or its type token, keep the old URN with an alias on the new resource, e.g.\n"+
							"  pulumi.Aliases([]pulumi.Alias{{Name: pulumi.String(\"old-name\")}})\n"+
							"(or {Type: ...} / {Parent: ...} for a new type or parent), check that `pulumi preview`\n"+
							"shows no replace, then regenerate the pins: UPDATE_GOLDEN=1 go test ./internal/program/", old)
					}
				}
			}
			golden.Assert(t, path, []byte(got))
		})
	}
	golden.Stale(t, filepath.Join("testdata", "urns-*.txt"), pins)
}

// dataBearing are the resource types whose loss loses data or its protection.
var dataBearing = []string{awstypes.Bucket, awstypes.Versioning, awstypes.ObjectLock}

// bearsData: r is of a dataBearing type, or the trail's KMS key, without which its log
// files cannot be read (the alert topic's key encrypts no message that outlives delivery).
func bearsData(r record.Registration) bool {
	return slices.Contains(dataBearing, r.Type) || r.Type == awstypes.KMSKey && strings.Contains(r.URN, components.AuditTrailType+"$")
}

func TestDataIsProtectedAndRetained(t *testing.T) {
	for _, stack := range repoStacks(t) {
		rec := runStack(t, stack)
		cfg := stackConfig(t, stack)
		want := 2 * (len(cfg.Buckets) + len(cfg.Backups)) // each bucket and its versioning
		for _, b := range cfg.Backups {
			if b.ObjectLock != nil {
				want++
			}
		}
		if t := cfg.Account.Trail; cfg.Account.Manage && t != nil {
			want += 3 // the trail's bucket, versioning and lock
			if t.AccessLogBucket != "" {
				want += 2 // the access log bucket and its versioning
			}
			if t.KMS {
				want++ // the key without which the log files cannot be read
			}
		}
		if d := cfg.Account.Detection; cfg.Account.Manage && d != nil && d.ConfigBucket != "" {
			want += 2 // AWS Config's bucket and its versioning
		}
		n := 0
		for _, r := range rec.Registrations() {
			if bearsData(r) {
				n++
				assert.True(t, r.Protect, "%s is protected", r.URN)
				assert.True(t, r.RetainOnDelete, "%s is retained on delete", r.URN)
			}
			if strings.HasPrefix(r.Type, "aws:s3/bucket") || r.Type == awstypes.AccountPublicAccess {
				assert.True(t, r.RetainOnDelete, "%s keeps protecting its data when it leaves the program", r.URN)
			}
		}
		assert.Equal(t, want, n, "%s: every bucket, its versioning and lock, and the trail's key", stack)
	}
}

// generatedSecret reports whether a value holds a credential the mock generated as AWS
// would: access key secrets and initial passwords.
func generatedSecret(v string) bool {
	return strings.Contains(v, "mock-secret-") || strings.Contains(v, "mock-password-")
}

// TestNoSecretInPlainText: no input of any resource carries a credential, and every stack
// output that carries one is a Pulumi secret.
func TestNoSecretInPlainText(t *testing.T) {
	for _, stack := range repoStacks(t) {
		t.Run(stack, func(t *testing.T) {
			rec := runStack(t, stack)
			for _, r := range rec.Registrations() {
				// A credential passed on to another resource must stay a secret there.
				for k, v := range r.Inputs {
					if generatedSecret(fmt.Sprint(v)) {
						assert.True(t, v.ContainsSecrets(), "%s input %s holds a credential in plain text", r.URN, k)
					}
				}
			}
			exports := captureExports(t, stack)
			secrets := 0
			for name, c := range exports {
				v, known, secret := c.Get()
				require.True(t, known, name)
				if generatedSecret(fmt.Sprint(v)) {
					secrets++
					assert.True(t, secret, "stack output %s holds a credential and must be a secret", name)
				}
			}
			if plainCredentials(stackConfig(t, stack)) {
				assert.Positive(t, secrets, "the stack creates credentials without PGP, so the test sees some")
			}
		})
	}
}

// plainCredentials reports whether cfg creates a credential without a PGP key, which the
// outputs then carry as a Pulumi secret.
func plainCredentials(cfg *config.Config) bool {
	for _, u := range append(slices.Clone(cfg.Admins), cfg.Developers...) {
		if cfg.Account.Manage && u.PGPKey == "" {
			return true
		}
	}
	for _, p := range append(slices.Clone(cfg.Apps), cfg.ThirdParties...) {
		if p.AccessKey && p.PGPKey == "" {
			return true
		}
	}
	for _, b := range cfg.Backups {
		if b.AccessKey && b.PGPKey == "" {
			return true
		}
	}
	return false
}

// captureExports runs a stack and captures every stack output.
func captureExports(t *testing.T, stack string) map[string]*record.Value[any] {
	t.Helper()
	rec := record.New("secure-aws", stack)
	captured := map[string]*record.Value[any]{}
	cfg := loadStack(t, stack)
	require.NoError(t, rec.Run(cfg, false, captureRun(cfg, captured)))
	return captured
}

// TestEveryUserInOneGroup: IAM allows ten groups per user; here each user is in exactly
// one, its own or its console group, which is also how rule R6 gives permissions.
func TestEveryUserInOneGroup(t *testing.T) {
	for _, stack := range repoStacks(t) {
		rec := runStack(t, stack)
		// Groups carry managed policies only, so IAM's 5,120-character limit on a group's
		// inline policies can never be reached.
		assert.Empty(t, rec.OfType(awstypes.GroupPolicy))
		memberships := map[string]int{}
		for _, m := range rec.OfType(awstypes.Membership) {
			groups, ok := m.Inputs["groups"]
			require.True(t, ok && groups.IsArray(), m.URN)
			assert.Len(t, groups.ArrayValue(), 1, m.URN)
			memberships[m.Input("user")]++
		}
		for _, u := range rec.OfType(awstypes.User) {
			assert.Equal(t, 1, memberships[u.Input("name")], "user %s", u.Input("name"))
		}
	}
}

// TestEveryUserNamesItsStack: every IAM user of every stack carries the tag naming the
// stack that creates it, which the credential audit reads to tell a user a stack's next up
// deletes from one made by hand under the program's paths.
func TestEveryUserNamesItsStack(t *testing.T) {
	for _, stack := range repoStacks(t) {
		t.Run(stack, func(t *testing.T) {
			for _, u := range runStack(t, stack).OfType(awstypes.User) {
				assert.Equal(t, map[string]any{awsnames.StackTagKey: awsnames.StackTag(config.Project, stack)}, u.Inputs.Mappable()["tags"], u.URN)
			}
		})
	}
}
