// Package pgpkey reads a pgpKey setting: the OpenPGP public key AWS encrypts a generated
// credential (an initial password, an access key secret) to, given as the base64 of the
// key's binary export, or keybase:<user>. It reads the key as the AWS provider does
// (github.com/ProtonMail/go-crypto/openpgp, the first key of the base64-decoded bytes), so
// a key it accepts is one the provider encrypts to, and it says whose key that is, so a
// reviewer can check who receives a credential.
package pgpkey

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
)

// KeybasePrefix starts a key the provider fetches from Keybase at apply time.
const KeybasePrefix = "keybase:"

// Export is the command that gives a key in the form this package reads.
const Export = "gpg --export FINGERPRINT | base64 -w0"

var (
	keybasePattern = regexp.MustCompile(`^keybase:[A-Za-z0-9_]{2,16}$`)
	// A key id or fingerprint as gpg prints it (without spaces or 0x): 8, 16 or 40 hex digits.
	keyIDPattern = regexp.MustCompile(`^([0-9A-Fa-f]{8}|[0-9A-Fa-f]{16}|[0-9A-Fa-f]{40})$`)
)

// shape describes text without quoting it: a value given as a pgpKey may be a secret
// pasted into the wrong setting (a token, a password), so no message echoes it.
func shape(text string) string {
	var classes []string
	for _, c := range []struct {
		name string
		in   func(rune) bool
	}{
		{"letters", unicode.IsLetter},
		{"digits", unicode.IsDigit},
		{"spaces", unicode.IsSpace},
		{"other characters", func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.IsSpace(r) }},
	} {
		if strings.IndexFunc(text, c.in) >= 0 {
			classes = append(classes, c.name)
		}
	}
	if len(classes) == 0 {
		return "0 characters"
	}
	return fmt.Sprintf("%d characters: %s", utf8.RuneCountInString(text), strings.Join(classes, ", "))
}

// minKeyLength is shorter than any usable key in base64: an Ed25519 primary key, a user id
// and an X25519 subkey with their signatures take some 400 characters.
const minKeyLength = 100

// Key is a pgpKey setting that AWS can encrypt to.
type Key struct {
	// Keybase is the user of a keybase:<user> key, whose key only the provider sees (at
	// apply time); every other field is then empty.
	Keybase string
	// Fingerprint is the primary key's fingerprint, upper-case hex as gpg shows it.
	Fingerprint string
	// UserID is the primary user id ("Name (comment) <email>"); empty if the key has none.
	UserID string
	// Algorithm is the primary key's algorithm and size or curve ("EdDSA Curve25519").
	Algorithm string
	// Expires is when the primary key expires; zero: never.
	Expires time.Time
	// Encryption is the key AWS encrypts to: the newest valid encryption subkey, or the
	// primary key if it may encrypt and no subkey does.
	Encryption Subkey
}

// Subkey is the part of a key that encrypts.
type Subkey struct {
	ID        string    // the 16-hex-digit key id
	Algorithm string    // as Key.Algorithm
	Expires   time.Time // zero: never
	Primary   bool      // the primary key encrypts: the key has no encryption subkey
}

// IsKeybase reports whether text names a Keybase user rather than giving a key.
func IsKeybase(text string) bool { return strings.HasPrefix(text, KeybasePrefix) }

// Parse reads a pgpKey setting and checks, at time now, that AWS can encrypt to it: a
// keybase:<user>, or exactly one public key, neither expired nor revoked, with a key that
// may encrypt. The error says what is wrong and what to give instead.
func Parse(text string, now time.Time) (Key, error) {
	switch {
	case IsKeybase(text):
		if !keybasePattern.MatchString(text) {
			return Key{}, fmt.Errorf("is not keybase:<username> (2 to 16 letters, digits or _): %s", shape(text))
		}
		return Key{Keybase: strings.TrimPrefix(text, KeybasePrefix)}, nil
	case strings.Contains(text, "PRIVATE KEY BLOCK"):
		return Key{}, fmt.Errorf("is an armored secret key: %s", secretAdvice("that key"))
	case strings.Contains(text, "-----BEGIN PGP"):
		return Key{}, fmt.Errorf("is ASCII-armored; the AWS provider reads the base64 of the binary export, so give that instead: %s", Export)
	}
	if id := strings.TrimPrefix(strings.ReplaceAll(text, " ", ""), "0x"); keyIDPattern.MatchString(id) {
		return Key{}, fmt.Errorf("is a key id or fingerprint (%d hex digits), not the key; give the key itself: %s", len(id), Export)
	}
	if len(text) < minKeyLength {
		return Key{}, fmt.Errorf("is too short to be a public key (%s; a key's export has at least %d); give the owner's key: %s", shape(text), minKeyLength, Export)
	}
	data, err := base64.StdEncoding.DecodeString(text)
	if err != nil {
		return Key{}, fmt.Errorf("is not base64 (%v); give the key's binary export in base64 on one line: %s", err, Export)
	}
	packets := packet.NewReader(bytes.NewReader(data))
	e, err := openpgp.ReadEntity(packets)
	if err != nil {
		return Key{}, fmt.Errorf("is base64 but not an OpenPGP key (%v); give %s", err, Export)
	}
	k := Key{Fingerprint: fmt.Sprintf("%X", e.PrimaryKey.Fingerprint), Algorithm: algorithm(e.PrimaryKey)}
	if id := e.PrimaryIdentity(); id != nil {
		k.UserID = id.Name
	}
	if e.PrivateKey != nil {
		return Key{}, fmt.Errorf("is a secret-key export of %s: %s", k.name(), secretAdvice("key "+k.Fingerprint))
	}
	if next, err := packets.Next(); !errors.Is(err, io.EOF) {
		if pk, ok := next.(*packet.PublicKey); ok {
			return Key{}, fmt.Errorf("holds more than one key (%s, then %X); AWS encrypts to the first only, so export exactly one key: %s", k.name(), pk.Fingerprint, Export)
		}
		return Key{}, fmt.Errorf("has data after the key %s; give exactly one key: %s", k.name(), Export)
	}
	self, identity := e.PrimarySelfSignature()
	if self != nil {
		k.Expires = expiry(e.PrimaryKey, self)
	}
	switch {
	case e.Revoked(now):
		return Key{}, fmt.Errorf("is %s, which its owner revoked; give the owner's current key", k.name())
	case identity != nil && identity.Revoked(now):
		return Key{}, fmt.Errorf("is %s, whose user id its owner revoked; give the owner's current key", k.name())
	case self == nil:
		return Key{}, fmt.Errorf("is %s, which has no valid self-signature; give %s", k.name(), Export)
	case e.PrimaryKey.CreationTime.After(now):
		return Key{}, fmt.Errorf("is %s, created in the future (%s); check the clock of the machine that made it", k.name(), day(e.PrimaryKey.CreationTime))
	case e.PrimaryKey.KeyExpired(self, now):
		return Key{}, fmt.Errorf("is %s, which expired on %s; its owner extends it (gpg --quick-set-expire) and exports it again: %s", k.name(), day(k.Expires), Export)
	case self.SigExpired(now):
		return Key{}, fmt.Errorf("is %s, whose self-signature has expired; its owner renews it (gpg --quick-set-expire) and exports it again: %s", k.name(), Export)
	}
	enc, ok := e.EncryptionKey(now)
	if !ok {
		return Key{}, fmt.Errorf("is %s, which has no key that may encrypt now (%s); its owner adds an encryption subkey (gpg --quick-add-key %s cv25519 encr) and exports it again", k.name(), subkeys(e, now), k.Fingerprint)
	}
	for _, pk := range []*packet.PublicKey{e.PrimaryKey, enc.PublicKey} {
		if weak(pk) {
			return Key{}, fmt.Errorf("is %s, whose %s key is too weak to guard a credential (at least %d bits for RSA, DSA and ElGamal); its owner makes a new key (gpg --quick-gen-key NAME default default never: Curve25519) and exports it: %s", k.name(), algorithm(pk), minimumBits, Export)
		}
	}
	k.Encryption = Subkey{ID: enc.PublicKey.KeyIdString(), Algorithm: algorithm(enc.PublicKey), Expires: expiry(enc.PublicKey, enc.SelfSignature), Primary: enc.PublicKey == e.PrimaryKey}
	if !k.Expires.IsZero() && (k.Encryption.Expires.IsZero() || k.Expires.Before(k.Encryption.Expires)) {
		k.Encryption.Expires = k.Expires // a subkey is no longer valid than its primary key
	}
	return k, nil
}

// String describes the key for a reviewer: whose it is, and what AWS encrypts to.
func (k Key) String() string {
	if k.Keybase != "" {
		return KeybasePrefix + k.Keybase + " (fetched from Keybase at apply time; not shown)"
	}
	primary := fmt.Sprintf("%s, %s, %s", k.name(), k.Algorithm, expires(k.Expires))
	if k.Encryption.Primary {
		return primary + "; encrypts with the primary key"
	}
	return fmt.Sprintf("%s; encrypts with subkey %s, %s, %s", primary, k.Encryption.ID, k.Encryption.Algorithm, expires(k.Encryption.Expires))
}

// name is the key's fingerprint and primary user id.
func (k Key) name() string {
	if k.UserID == "" {
		return "key " + k.Fingerprint + " (no user id)"
	}
	return fmt.Sprintf("key %s %q", k.Fingerprint, k.UserID)
}

// secretAdvice says what to do once a private key has been written into a stack file.
func secretAdvice(which string) string {
	return fmt.Sprintf("its private part is now in the stack file and the repository's history, so treat it as compromised: revoke %s (gpg --gen-revoke), and give a new key's public export: %s (gpg --export, never --export-secret-keys)", which, Export)
}

// subkeys says why no part of e may encrypt at now: each subkey's state.
func subkeys(e *openpgp.Entity, now time.Time) string {
	if len(e.Subkeys) == 0 {
		return "no subkeys, and the primary key " + algorithm(e.PrimaryKey) + " only signs"
	}
	var out []string
	for _, s := range e.Subkeys {
		state := "valid"
		switch {
		case !s.Sig.FlagsValid || !s.Sig.FlagEncryptCommunications || !s.PublicKey.PubKeyAlgo.CanEncrypt():
			state = "not for encryption"
		case s.Revoked(now):
			state = "revoked"
		case s.PublicKey.KeyExpired(s.Sig, now) || s.Sig.SigExpired(now):
			state = "expired " + day(expiry(s.PublicKey, s.Sig))
		}
		out = append(out, fmt.Sprintf("subkey %s %s", s.PublicKey.KeyIdString(), state))
	}
	return strings.Join(out, ", ")
}

// expiry is when a key expires by its self-signature; zero: never.
func expiry(pk *packet.PublicKey, sig *packet.Signature) time.Time {
	if sig == nil || sig.KeyLifetimeSecs == nil || *sig.KeyLifetimeSecs == 0 {
		return time.Time{}
	}
	return pk.CreationTime.Add(time.Duration(*sig.KeyLifetimeSecs) * time.Second)
}

func expires(t time.Time) string {
	if t.IsZero() {
		return "no expiry"
	}
	return "expires " + day(t)
}

func day(t time.Time) string { return t.UTC().Format("2006-01-02") }

// minimumBits is the smallest RSA, DSA or ElGamal key accepted: NIST SP 800-57 retired
// 1024-bit keys after 2013; 2048 bits is what gpg made by default before Curve25519.
const minimumBits = 2048

// weak reports whether pk is an RSA, DSA or ElGamal key below minimumBits.
func weak(pk *packet.PublicKey) bool {
	switch pk.PubKeyAlgo {
	case packet.PubKeyAlgoRSA, packet.PubKeyAlgoRSAEncryptOnly, packet.PubKeyAlgoRSASignOnly, packet.PubKeyAlgoElGamal, packet.PubKeyAlgoDSA:
		bits, err := pk.BitLength()
		return err != nil || bits < minimumBits
	}
	return false
}

// algorithm names a key's algorithm with its curve or size, as a reviewer compares it.
func algorithm(pk *packet.PublicKey) string {
	name, ok := map[packet.PublicKeyAlgorithm]string{
		packet.PubKeyAlgoRSA:            "RSA",
		packet.PubKeyAlgoRSAEncryptOnly: "RSA",
		packet.PubKeyAlgoRSASignOnly:    "RSA",
		packet.PubKeyAlgoElGamal:        "ElGamal",
		packet.PubKeyAlgoDSA:            "DSA",
		packet.PubKeyAlgoECDH:           "ECDH",
		packet.PubKeyAlgoECDSA:          "ECDSA",
		packet.PubKeyAlgoEdDSA:          "EdDSA",
		packet.PubKeyAlgoX25519:         "X25519",
		packet.PubKeyAlgoX448:           "X448",
		packet.PubKeyAlgoEd25519:        "Ed25519",
		packet.PubKeyAlgoEd448:          "Ed448",
	}[pk.PubKeyAlgo]
	if !ok {
		name = fmt.Sprintf("algorithm %d", pk.PubKeyAlgo)
	}
	switch pk.PubKeyAlgo {
	case packet.PubKeyAlgoECDH, packet.PubKeyAlgoECDSA, packet.PubKeyAlgoEdDSA:
		if curve, err := pk.Curve(); err == nil {
			return name + " " + string(curve)
		}
	case packet.PubKeyAlgoRSA, packet.PubKeyAlgoRSAEncryptOnly, packet.PubKeyAlgoRSASignOnly, packet.PubKeyAlgoElGamal, packet.PubKeyAlgoDSA:
		if bits, err := pk.BitLength(); err == nil {
			return fmt.Sprintf("%s %d", name, bits)
		}
	}
	return name
}
