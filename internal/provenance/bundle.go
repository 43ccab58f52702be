package provenance

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"filippo.io/torchwood"
	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"atelier/internal/studio"
)

// BundleFormat names a certificate bundle: what a collector keeps to check
// a certificate without the studio's server, decades later.
const BundleFormat = "atelier-certificate-bundle/v1"

// Bundle is a certificate with everything that proves it offline: the
// signed certificate, its inclusion proof in the studio's log as C2SP
// tlog-proof text (which holds the signed checkpoint with its witnesses'
// cosignatures), and the studio's public key.
type Bundle struct {
	Format string `json:"format"`
	// Signed is the signed certificate, exactly the log's leaf.
	Signed string `json:"signed"`
	// Proof is c2sp.org/tlog-proof@v1 text.
	Proof string `json:"proof"`
	// Key is the studio's verifier key, for reference: a verifier trusts
	// the key it pinned or was given, never this one blindly.
	Key string `json:"key"`
}

// NewBundle makes the bundle of a logged certificate.
func NewBundle(signed []byte, index int64, proof tlog.RecordProof, checkpoint []byte, vkey string) ([]byte, error) {
	b := Bundle{Format: BundleFormat, Signed: string(signed), Proof: string(torchwood.FormatProof(index, proof, checkpoint)), Key: vkey}
	return json.MarshalIndent(b, "", "  ")
}

// ParseBundle reads a bundle.
func ParseBundle(data []byte) (Bundle, error) {
	var b Bundle
	if err := json.Unmarshal(data, &b); err != nil || b.Format != BundleFormat {
		return b, errors.New("provenance: not an " + BundleFormat + " file")
	}
	return b, nil
}

// Checkpoint is the signed checkpoint the bundle's proof is in.
func (b Bundle) Checkpoint() []byte {
	_, checkpoint, _ := strings.Cut(b.Proof, "\n\n")
	return []byte(checkpoint)
}

// Verify checks a bundle offline against the studio key vkey: the
// certificate's signature, and its inclusion, byte for byte, in the tree
// of a checkpoint signed by that key. It returns the certificate and the
// tree.
func (b Bundle) Verify(vkey string) (studio.Certificate, tlog.Tree, error) {
	c, err := Verify([]byte(b.Signed), vkey)
	if err != nil {
		return c, tlog.Tree{}, err
	}
	v, err := note.NewVerifier(vkey)
	if err != nil {
		return c, tlog.Tree{}, err
	}
	if err := torchwood.VerifyProof(logPolicy(v), tlog.RecordHash([]byte(b.Signed)), []byte(b.Proof)); err != nil {
		return c, tlog.Tree{}, fmt.Errorf("the certificate's proof of inclusion in the studio's log does not verify: %w", err)
	}
	tree, err := OpenCheckpoint(b.Checkpoint(), vkey)
	return c, tree, err
}
