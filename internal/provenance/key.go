// Package provenance signs certificates of authenticity with a studio's
// Ed25519 key and verifies them, in the signed-note format of Go's checksum
// database (C2SP signed-note), so that any tool for that format can check a
// certificate. It is pure: keys and randomness are handed in.
package provenance

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"strings"

	"golang.org/x/mod/sumdb/note"
)

// Key is a studio's signing key. Its name is the studio's log origin,
// "atelier/{slug}/{8 hex digits}", fixed when the key is made.
type Key struct {
	Name string
	// Verifier is the public half in the signed-note verifier format,
	// "name+hash+base64 key", published for anyone to check signatures.
	Verifier string
	// Signer is the private half, "PRIVATE+KEY+name+hash+base64 key". It
	// is stored only sealed with the install secret.
	Signer string
}

// NewKey makes a signing key for the studio with the given slug, drawing
// the origin's random digits and the key from random.
func NewKey(random io.Reader, slug string) (Key, error) {
	var tag [4]byte
	if _, err := io.ReadFull(random, tag[:]); err != nil {
		return Key{}, err
	}
	name := "atelier/" + slug + "/" + hex.EncodeToString(tag[:])
	skey, vkey, err := note.GenerateKey(random, name)
	if err != nil {
		return Key{}, fmt.Errorf("provenance: making the key %q: %w", name, err)
	}
	return Key{Name: name, Verifier: vkey, Signer: skey}, nil
}

// PublicKey is the raw Ed25519 public key of a verifier key.
func PublicKey(vkey string) (ed25519.PublicKey, error) {
	parts := strings.SplitN(vkey, "+", 3) // the name holds no "+"; base64 may
	if len(parts) != 3 {
		return nil, fmt.Errorf("provenance: %q is not a verifier key", vkey)
	}
	raw, err := base64.StdEncoding.DecodeString(parts[2])
	if err != nil || len(raw) != 1+ed25519.PublicKeySize || raw[0] != 1 {
		return nil, fmt.Errorf("provenance: %q is not an Ed25519 verifier key", vkey)
	}
	return ed25519.PublicKey(raw[1:]), nil
}

// Fingerprint is how a key is named on paper: the first 16 bytes of the
// SHA-256 of its raw public key, in hex groups of four, so that a reader
// can compare the printed key with the one the studio publishes.
func Fingerprint(vkey string) (string, error) {
	pub, err := PublicKey(vkey)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(pub)
	h := hex.EncodeToString(sum[:16])
	var b strings.Builder
	for i := 0; i < len(h); i += 4 {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(h[i : i+4])
	}
	return b.String(), nil
}

// CheckPair reports whether skey and vkey are the two halves of one key,
// named name.
func CheckPair(name, skey, vkey string) error {
	signer, err := note.NewSigner(skey)
	if err != nil {
		return err
	}
	verifier, err := note.NewVerifier(vkey)
	if err != nil {
		return err
	}
	if signer.Name() != name || verifier.Name() != name || signer.KeyHash() != verifier.KeyHash() {
		return fmt.Errorf("provenance: the keys are not named %q alike", name)
	}
	msg := []byte("atelier key check\n")
	sig, err := signer.Sign(msg)
	if err != nil {
		return err
	}
	if !verifier.Verify(msg, sig) {
		return fmt.Errorf("provenance: the private key is not the public key's")
	}
	return nil
}
