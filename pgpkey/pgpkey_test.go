package pgpkey_test

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-aws/secure-aws/pgpkey"
	"github.com/secure-aws/secure-aws/pgpkey/pgpkeytest"
)

// TestParse: a table of good and bad keys, each made here with the OpenPGP library; a bad
// key is refused with a message that says what is wrong and what to give instead.
func TestParse(t *testing.T) {
	now := time.Now()
	dayAgo, twoDaysAgo := now.Add(-24*time.Hour), now.Add(-48*time.Hour)
	fresh := func(name string) *openpgp.Entity { return pgpkeytest.NewEntity(t, name, dayAgo, 0) }
	encode := func(write func(*bytes.Buffer) error) string {
		var b bytes.Buffer
		require.NoError(t, write(&b))
		return base64.StdEncoding.EncodeToString(b.Bytes())
	}
	armored := func(blockType string, write func(*bytes.Buffer) error) string {
		var raw, out bytes.Buffer
		require.NoError(t, write(&raw))
		w, err := armor.Encode(&out, blockType, nil)
		require.NoError(t, err)
		_, err = w.Write(raw.Bytes())
		require.NoError(t, err)
		require.NoError(t, w.Close())
		return out.String()
	}

	good := fresh("dana")
	expiring := pgpkeytest.NewEntity(t, "erin", dayAgo, 400*24*time.Hour)
	expired := pgpkeytest.NewEntity(t, "frank", twoDaysAgo, time.Hour)
	signingOnly := fresh("gina")
	signingOnly.Subkeys = nil
	expiredSubkey := fresh("hank")
	expiredSubkey.Subkeys = nil
	require.NoError(t, expiredSubkey.AddEncryptionSubkey(pgpkeytest.Config(twoDaysAgo, time.Hour)))
	revoked := fresh("ivan")
	require.NoError(t, revoked.RevokeKey(packet.KeySuperseded, "replaced", nil))
	revokedSubkey := fresh("judy")
	require.NoError(t, revokedSubkey.RevokeSubkey(&revokedSubkey.Subkeys[0], packet.KeyRetired, "retired", nil))
	future := pgpkeytest.NewEntity(t, "kim", now.Add(48*time.Hour), 0)
	secret := fresh("leo")
	random := make([]byte, 400)
	_, err := rand.Read(random)
	require.NoError(t, err)
	// An RSA key whose primary key may encrypt, and no subkey: AWS encrypts to the primary.
	rsaConfig := &packet.Config{Algorithm: packet.PubKeyAlgoRSA, RSABits: 2048, Time: func() time.Time { return dayAgo }}
	rsaKey, err := openpgp.NewEntity("mia", "", "mia@example.com", rsaConfig)
	require.NoError(t, err)
	rsaKey.Subkeys = nil
	for _, id := range rsaKey.Identities {
		id.SelfSignature.FlagEncryptCommunications = true
		require.NoError(t, id.SelfSignature.SignUserId(id.UserId.Id, rsaKey.PrimaryKey, rsaKey.PrivateKey, rsaConfig))
	}
	// The same with 1024 bits: too weak.
	weakConfig := &packet.Config{Algorithm: packet.PubKeyAlgoRSA, RSABits: 1024, Time: func() time.Time { return dayAgo }}
	weakKey, err := openpgp.NewEntity("ned", "", "ned@example.com", weakConfig)
	require.NoError(t, err)
	twoKeys := encode(func(b *bytes.Buffer) error {
		require.NoError(t, good.Serialize(b))
		return signingOnly.Serialize(b)
	})
	fpr := func(e *openpgp.Entity) string { return fmt.Sprintf("%X", e.PrimaryKey.Fingerprint) }

	for _, tc := range []struct {
		name string
		key  string
		// ok lists what the description shows; else message lists what the error says.
		ok, message []string
	}{
		{"public key", pgpkeytest.Export(t, good), []string{fpr(good), `"dana (test key) <dana@example.com>"`, "EdDSA Curve25519", "no expiry", "encrypts with subkey " + good.Subkeys[0].PublicKey.KeyIdString(), "ECDH Curve25519"}, nil},
		{"key with an expiry", pgpkeytest.Export(t, expiring), []string{"expires " + dayAgo.Add(400*24*time.Hour).UTC().Format("2006-01-02")}, nil},
		{"primary key that encrypts", pgpkeytest.Export(t, rsaKey), []string{fpr(rsaKey), "RSA 2048", "no expiry; encrypts with the primary key"}, nil},
		{"keybase user", "keybase:alice", []string{"keybase:alice", "Keybase at apply time"}, nil},

		{"RSA key of 1024 bits", pgpkeytest.Export(t, weakKey), nil, []string{fpr(weakKey), "RSA 1024 key is too weak", "at least 2048 bits"}},
		{"keybase user with a space", "keybase:bad user", nil, []string{"keybase:<username>"}},
		{"keybase without user", "keybase:", nil, []string{"keybase:<username>"}},
		{"expired key", pgpkeytest.Export(t, expired), nil, []string{fpr(expired), "frank", "expired on " + twoDaysAgo.Add(time.Hour).UTC().Format("2006-01-02"), "gpg --quick-set-expire"}},
		{"key created in the future", pgpkeytest.Export(t, future), nil, []string{"created in the future"}},
		{"signing key only", pgpkeytest.Export(t, signingOnly), nil, []string{fpr(signingOnly), "no key that may encrypt", "only signs", "gpg --quick-add-key " + fpr(signingOnly) + " cv25519 encr"}},
		{"expired encryption subkey", pgpkeytest.Export(t, expiredSubkey), nil, []string{"no key that may encrypt", "subkey " + expiredSubkey.Subkeys[0].PublicKey.KeyIdString() + " expired"}},
		{"revoked key", pgpkeytest.Export(t, revoked), nil, []string{fpr(revoked), "revoked", "current key"}},
		{"revoked encryption subkey", pgpkeytest.Export(t, revokedSubkey), nil, []string{"no key that may encrypt", revokedSubkey.Subkeys[0].PublicKey.KeyIdString() + " revoked"}},
		{"secret key export", encode(func(b *bytes.Buffer) error { return secret.SerializePrivate(b, nil) }), nil, []string{"secret-key export", fpr(secret), "revoke key " + fpr(secret), "gpg --gen-revoke", "gpg --export FINGERPRINT | base64 -w0"}},
		{"armored secret key", armored(openpgp.PrivateKeyType, func(b *bytes.Buffer) error { return secret.SerializePrivate(b, nil) }), nil, []string{"armored secret key", "revoke", "gpg --export FINGERPRINT | base64 -w0"}},
		{"ASCII armor", armored(openpgp.PublicKeyType, func(b *bytes.Buffer) error { return good.Serialize(b) }), nil, []string{"ASCII-armored", "gpg --export FINGERPRINT | base64 -w0"}},
		{"two keys", twoKeys, nil, []string{"more than one key", fpr(good), fpr(signingOnly), "first only"}},
		{"random base64", base64.StdEncoding.EncodeToString(random), nil, []string{"not an OpenPGP key", "gpg --export FINGERPRINT | base64 -w0"}},
		{"a name", "dana", nil, []string{"is too short", "4 characters: letters", "gpg --export FINGERPRINT | base64 -w0"}},
		{"a fingerprint", fpr(good), nil, []string{"key id or fingerprint (40 hex digits)", "gpg --export FINGERPRINT | base64 -w0"}},
		{"a fingerprint with spaces", "452A 6E74 E542 539D 8485  95F5 097D 3068 75BE F9C0", nil, []string{"key id or fingerprint (40 hex digits)"}},
		{"a long key id", "0x097D306875BEF9C0", nil, []string{"key id or fingerprint"}},
		{"not base64", strings.Repeat("%%%not-a-key!!", 10), nil, []string{"not base64"}},
		{"empty", "", nil, []string{"too short"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			k, err := pgpkey.Parse(tc.key, now)
			if tc.message == nil {
				require.NoError(t, err)
				for _, s := range tc.ok {
					assert.Contains(t, k.String(), s)
				}
				return
			}
			require.Error(t, err)
			for _, s := range tc.message {
				assert.Contains(t, err.Error(), s)
			}
		})
	}
}

// TestValueIsNeverEchoed: a value given as a pgpKey may be a secret pasted into the wrong
// setting; no message quotes it, whatever its shape.
func TestValueIsNeverEchoed(t *testing.T) {
	for _, v := range []string{
		"ghp_16C7e42F292c6912E7710c838347Ae178B4a", // a token
		"0123456789abcdef0123456789abcdef01234567", // 40 hex digits, read as a fingerprint
		"keybase:ghp_16C7e42F292c6912E7710c838347Ae178B4a",
		"s3cr3t-Passw0rd!",
	} {
		_, err := pgpkey.Parse(v, time.Now())
		require.Error(t, err, v)
		secret := strings.TrimPrefix(v, pgpkey.KeybasePrefix)
		assert.NotContains(t, err.Error(), secret[:12], "the message echoes the value")
	}
}

// TestExampleKey: the key the example stack files carry is a key AWS can encrypt to, and
// the plan names it.
func TestExampleKey(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "testdata", "examples", "Pulumi.*.yaml"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, f := range files {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		keys := regexp.MustCompile(`pgpKey: (\S+)`).FindAllStringSubmatch(string(b), -1)
		require.NotEmpty(t, keys, f)
		for _, m := range keys {
			k, err := pgpkey.Parse(m[1], time.Now())
			require.NoError(t, err, f)
			assert.Equal(t, `key 452A6E74E542539D848595F5097D306875BEF9C0 "Alice Example (secure-aws example key, private part discarded) <alice@acme.example>", EdDSA Curve25519, no expiry; encrypts with subkey ED2FE12CEE2A2FBA, ECDH Curve25519, no expiry`, k.String(), f)
		}
	}
}

// FuzzParse: no text makes Parse panic, and what it accepts it can describe.
func FuzzParse(f *testing.F) {
	f.Add(pgpkeytest.Public(f, "dana"))
	f.Add("keybase:alice")
	f.Add("452A6E74E542539D848595F5097D306875BEF9C0")
	f.Add("mQENBFx0Z3UBCABwdWJsaWMta2V5LW1hdGVyaWFs")
	f.Fuzz(func(t *testing.T, text string) {
		k, err := pgpkey.Parse(text, time.Now())
		if err == nil {
			assert.NotEmpty(t, k.String())
		}
	})
}

// TestEncrypt: what Encrypt gives is a message only the key's owner reads, with the key's
// fingerprint as the provider reports it; a Keybase key and a non-key are refused.
func TestEncrypt(t *testing.T) {
	e := pgpkeytest.NewEntity(t, "alice", time.Now().Add(-time.Hour), 0)
	fingerprint, encrypted, err := pgpkey.Encrypt(pgpkeytest.Export(t, e), []byte("s3cr3t-value"))
	require.NoError(t, err)
	assert.Equal(t, fmt.Sprintf("%x", e.PrimaryKey.Fingerprint), fingerprint)
	assert.NotContains(t, encrypted, "s3cr3t-value")
	assert.Equal(t, "s3cr3t-value", pgpkeytest.Decrypt(t, e, encrypted))

	other := pgpkeytest.NewEntity(t, "mallory", time.Now().Add(-time.Hour), 0)
	data, err := base64.StdEncoding.DecodeString(encrypted)
	require.NoError(t, err)
	_, err = openpgp.ReadMessage(bytes.NewReader(data), openpgp.EntityList{other}, nil, nil)
	assert.Error(t, err, "another key cannot read it")

	_, _, err = pgpkey.Encrypt("keybase:alice", []byte("x"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "Keybase")
	_, _, err = pgpkey.Encrypt("bm90IGEga2V5", []byte("x"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "not an OpenPGP key")
}
