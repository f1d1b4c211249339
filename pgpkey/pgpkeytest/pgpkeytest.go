// Package pgpkeytest makes real OpenPGP keys for tests, so a test of a pgpKey setting
// holds a key the AWS provider could encrypt to, not a string that only looks like one.
package pgpkeytest

import (
	"bytes"
	"encoding/base64"
	"io"
	"testing"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
)

// NewEntity makes a key pair for name <name@example.com>, created at created and valid
// for lifetime (0: no expiry): an EdDSA primary key (fast to make) with an ECDH
// encryption subkey, as gpg makes by default.
func NewEntity(t testing.TB, name string, created time.Time, lifetime time.Duration) *openpgp.Entity {
	t.Helper()
	e, err := openpgp.NewEntity(name, "test key", name+"@example.com", Config(created, lifetime))
	if err != nil {
		t.Fatalf("making a test key: %v", err)
	}
	return e
}

// Config is the key generation settings of NewEntity, for signatures made later.
func Config(created time.Time, lifetime time.Duration) *packet.Config {
	return &packet.Config{
		Algorithm:       packet.PubKeyAlgoEdDSA,
		Time:            func() time.Time { return created },
		KeyLifetimeSecs: uint32(lifetime / time.Second),
	}
}

// Export is what `gpg --export KEY | base64 -w0` gives for e: its public part.
func Export(t testing.TB, e *openpgp.Entity) string {
	t.Helper()
	var b bytes.Buffer
	if err := e.Serialize(&b); err != nil {
		t.Fatalf("exporting a test key: %v", err)
	}
	return base64.StdEncoding.EncodeToString(b.Bytes())
}

// Public is a valid pgpKey setting: a fresh public key of name, without expiry.
func Public(t testing.TB, name string) string {
	t.Helper()
	return Export(t, NewEntity(t, name, time.Now().Add(-time.Hour), 0))
}

// Decrypt reads encrypted, the base64 of a binary OpenPGP message as the AWS provider
// gives an encrypted credential, with e's private key, and returns the plain text.
func Decrypt(t testing.TB, e *openpgp.Entity, encrypted string) string {
	t.Helper()
	data, err := base64.StdEncoding.DecodeString(encrypted)
	if err != nil {
		t.Fatalf("an encrypted credential is not base64: %v", err)
	}
	md, err := openpgp.ReadMessage(bytes.NewReader(data), openpgp.EntityList{e}, nil, nil)
	if err != nil {
		t.Fatalf("reading an encrypted credential: %v", err)
	}
	plain, err := io.ReadAll(md.UnverifiedBody)
	if err != nil {
		t.Fatalf("decrypting a credential: %v", err)
	}
	return string(plain)
}
