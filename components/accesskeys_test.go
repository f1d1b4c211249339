package components

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-aws/secure-aws/awstypes"
	"github.com/secure-aws/secure-aws/internal/record"
	"github.com/secure-aws/secure-aws/spec"
)

// keysOf runs an application with the given generations and returns its access keys by
// logical name, and the ids and secret it exports.
func keysOf(t *testing.T, gens []spec.KeyGeneration) (map[string]record.Registration, interface{ Get() (string, bool, bool) }, interface{ Get() (string, bool, bool) }) {
	t.Helper()
	args := appArgs()
	args.AccessKey, args.PGPKey, args.AccessKeys = true, "keybase:alice", gens
	rec, id, secret := runApp(t, args)
	keys := map[string]record.Registration{}
	for _, k := range rec.OfType(awstypes.AccessKey) {
		keys[k.Name] = k
	}
	return keys, id, secret
}

// TestKeyRotation walks a rotation: one key; a second generation beside it; the first
// deactivated; the first removed. Generation 1 keeps the logical name keys always had, so
// adding a generation never touches the key in use.
func TestKeyRotation(t *testing.T) {
	one, id1, _ := keysOf(t, nil)
	require.Len(t, one, 1)
	first := one["my-application-key"]
	assert.Equal(t, map[string]any{"user": "my-application-staging", "pgpKey": "keybase:alice"}, inputs(first), "no status: AWS's default, Active")
	assert.Equal(t, []string{"pgpKey"}, first.IgnoreChanges, "a new pgpKey never replaces a key in use; it applies to the next generation")

	two, id2, secret := keysOf(t, []spec.KeyGeneration{{Generation: 1}, {Generation: 2, PGPKey: "keybase:bob"}})
	require.Len(t, two, 2)
	assert.Equal(t, inputs(first), inputs(two["my-application-key"]), "generation 1 is unchanged")
	assert.Equal(t, "keybase:bob", two["my-application-key-2"].Input("pgpKey"), "a generation may name its own key holder")
	got1, _, _ := id1.Get()
	got2, _, _ := id2.Get()
	assert.NotEqual(t, got1, got2, "the exported key is the new generation's")
	_, _, isSecret := secret.Get()
	assert.True(t, isSecret)

	deactivated, id3, _ := keysOf(t, []spec.KeyGeneration{{Generation: 1, Status: spec.KeyInactive}, {Generation: 2}})
	assert.Equal(t, spec.KeyInactive, deactivated["my-application-key"].Input("status"))
	assert.Empty(t, deactivated["my-application-key-2"].Input("status"))
	got3, _, _ := id3.Get()
	assert.Equal(t, got2, got3, "the current key is the newest active one")

	last, _, _ := keysOf(t, []spec.KeyGeneration{{Generation: 2}})
	require.Len(t, last, 1)
	assert.Equal(t, inputs(two["my-application-key-2"])["user"], inputs(last["my-application-key-2"])["user"])
	assert.NotContains(t, last, "my-application-key")
}

func TestCurrentGeneration(t *testing.T) {
	assert.Equal(t, 2, current([]spec.KeyGeneration{{Generation: 1}, {Generation: 2}}).Generation)
	assert.Equal(t, 1, current([]spec.KeyGeneration{{Generation: 1}, {Generation: 2, Status: spec.KeyInactive}}).Generation, "a new key not yet activated")
	assert.Equal(t, 3, current([]spec.KeyGeneration{{Generation: 3, Status: spec.KeyInactive}, {Generation: 2, Status: spec.KeyInactive}}).Generation, "none active: the newest")
}

func TestKeyGenerationProblems(t *testing.T) {
	for name, c := range map[string]struct {
		gens  []spec.KeyGeneration
		field string
		msg   string
	}{
		"three":       {[]spec.KeyGeneration{{Generation: 1}, {Generation: 2}, {Generation: 3}}, "accessKeys", "IAM allows 2 access keys per user"},
		"twice":       {[]spec.KeyGeneration{{Generation: 2}, {Generation: 2}}, "accessKeys[1].generation", "listed twice"},
		"no number":   {[]spec.KeyGeneration{{}}, "accessKeys[0].generation", "is required"},
		"status case": {[]spec.KeyGeneration{{Generation: 1, Status: "inactive"}}, "accessKeys[0].status", `"inactive" is not Active or Inactive`},
		"pgp armour":  {[]spec.KeyGeneration{{Generation: 1, PGPKey: "-----BEGIN PGP PUBLIC KEY BLOCK-----"}}, "accessKeys[0].pgpKey", ""},
	} {
		t.Run(name, func(t *testing.T) {
			problems := spec.KeyGenerationProblems(c.gens)
			require.Len(t, problems, 1)
			assert.Equal(t, c.field, problems[0].Field)
			assert.Contains(t, problems[0].Message, c.msg)
		})
	}
	assert.Empty(t, spec.KeyGenerationProblems([]spec.KeyGeneration{{Generation: 4, Status: spec.KeyInactive}, {Generation: 5, Status: spec.KeyActive}}))
	requireRejected(t, "accessKeys", newTestApp(&AppUserArgs{Account: testAccount, Stack: testStack, Environment: "staging", Principal: spec.Principal{Name: "a", AccessKey: true,
		Grants: appArgs().Grants, AccessKeys: []spec.KeyGeneration{{Generation: 1}, {Generation: 2}, {Generation: 3}}}}))
}
