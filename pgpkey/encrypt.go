package pgpkey

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
)

// Encrypt encrypts plain to the pgpKey setting text as the AWS provider encrypts a
// generated credential (hashicorp/terraform-provider-aws internal/service/iam
// encryptValue, through internal/vault/helper/pgpkeys EncryptShares): a binary OpenPGP
// message to the first key of the base64-decoded bytes, returned in base64, with that
// key's fingerprint in lower-case hex. A keybase:<user> key is fetched from Keybase by the
// provider; Encrypt refuses it, having no network to fetch it with.
func Encrypt(text string, plain []byte) (fingerprint, encrypted string, err error) {
	if IsKeybase(text) {
		return "", "", fmt.Errorf("%s: fetching a key from Keybase needs the network; give the key itself: %s", text, Export)
	}
	data, err := base64.StdEncoding.DecodeString(text)
	if err != nil {
		return "", "", fmt.Errorf("the pgpKey is not base64: %w", err)
	}
	e, err := openpgp.ReadEntity(packet.NewReader(bytes.NewReader(data)))
	if err != nil {
		return "", "", fmt.Errorf("the pgpKey is not an OpenPGP key: %w", err)
	}
	var out bytes.Buffer
	w, err := openpgp.Encrypt(&out, []*openpgp.Entity{e}, nil, nil, nil)
	if err != nil {
		return "", "", fmt.Errorf("encrypting to the pgpKey: %w", err)
	}
	_, err = w.Write(plain)
	if err = errors.Join(err, w.Close()); err != nil {
		return "", "", fmt.Errorf("encrypting to the pgpKey: %w", err)
	}
	return fmt.Sprintf("%x", e.PrimaryKey.Fingerprint), base64.StdEncoding.EncodeToString(out.Bytes()), nil
}
