package provenance

import (
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"filippo.io/torchwood"
	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"atelier/internal/studio"
)

// A studio's log is an append-only Merkle tree (RFC 6962, as
// golang.org/x/mod/sumdb/tlog hashes it) of typed leaves: each starts with
// a line naming its type and version, so that one kind of leaf can never
// be read as another.
const (
	EditionHeader  = "atelier-edition/v1"
	TransferHeader = "atelier-transfer/v1"
	// MaxLeafBytes is what an entry bundle can carry (a big-endian uint16
	// length per entry, C2SP tlog-tiles).
	MaxLeafBytes = 0xFFFF
)

// EditionLeaf records an edition's creation with its size: the number no
// certificate of the edition may exceed.
type EditionLeaf struct {
	EditionID string
	Studio    string
	Title     string
	Size      int
	ReissueOf string
	Created   time.Time
}

// Encode writes the leaf's canonical bytes.
func (e EditionLeaf) Encode() []byte {
	return []byte(EditionHeader + "\n" +
		"edition-id: " + quote(e.EditionID) + "\n" +
		"studio: " + quote(e.Studio) + "\n" +
		"title: " + quote(e.Title) + "\n" +
		"size: " + strconv.Itoa(e.Size) + "\n" +
		"reissue-of: " + quote(e.ReissueOf) + "\n" +
		"created: " + e.Created.UTC().Format(time.RFC3339) + "\n")
}

// TransferLeaf records that a certificate's piece changed hands. The new
// owner is named only by a salted hash, so that erasing the name and salt
// from the studio's records leaves nothing in the log that points back.
type TransferLeaf struct {
	Serial string
	// Owner is OwnerHash of the new owner's name.
	Owner string
	At    time.Time
}

// Encode writes the leaf's canonical bytes.
func (t TransferLeaf) Encode() []byte {
	return []byte(TransferHeader + "\n" +
		"serial: " + t.Serial + "\n" +
		"owner: " + t.Owner + "\n" +
		"at: " + t.At.UTC().Format(time.RFC3339) + "\n")
}

// OwnerHash is the salted hash of an owner's name a transfer leaf carries.
func OwnerHash(salt []byte, name string) string {
	h := sha256.New()
	h.Write([]byte("atelier-owner/v1\n"))
	h.Write(salt)
	h.Write([]byte(name))
	return base64.StdEncoding.EncodeToString(h.Sum(nil))
}

// Leaf is a log entry read back: its kind (the header line), its bytes,
// and what it says. A certificate leaf's fields are as the record claims
// them: Verify checks its signature.
type Leaf struct {
	Kind        string
	Data        []byte
	Edition     EditionLeaf
	Certificate studio.Certificate
	Transfer    TransferLeaf
}

// ParseLeaf reads a leaf of any kind. A certificate leaf's signature is not
// checked here: Verify does that with the studio's key.
func ParseLeaf(data []byte) (Leaf, error) {
	kind, _, _ := strings.Cut(string(data), "\n")
	l := Leaf{Kind: kind, Data: data}
	switch kind {
	case CertificateHeader:
		text, _, ok := strings.Cut(string(data), "\n\n")
		c, err := Decode([]byte(text + "\n"))
		if !ok || err != nil {
			return l, errors.New("provenance: a certificate leaf that does not decode")
		}
		l.Certificate = c
	case EditionHeader:
		e, err := decodeEdition(string(data))
		if err != nil {
			return l, err
		}
		l.Edition = e
	case TransferHeader:
		t, err := decodeTransfer(string(data))
		if err != nil {
			return l, err
		}
		l.Transfer = t
	default:
		return l, fmt.Errorf("provenance: a leaf of unknown kind %q", kind)
	}
	return l, nil
}

// lines splits a leaf into its "key: value" lines after the header,
// checking the keys' order.
func lines(text string, keys ...string) ([]string, error) {
	ls := strings.Split(text, "\n")
	if len(ls) != len(keys)+2 || ls[len(ls)-1] != "" {
		return nil, errors.New("provenance: a malformed leaf")
	}
	out := make([]string, len(keys))
	for i, k := range keys {
		v, ok := strings.CutPrefix(ls[i+1], k+": ")
		if !ok {
			return nil, fmt.Errorf("provenance: a leaf whose line %d is not %q", i+2, k)
		}
		out[i] = v
	}
	return out, nil
}

func unquote(v string, err *error) string {
	var s string
	if e := jsonUnmarshal(v, &s); e != nil && *err == nil {
		*err = errors.New("provenance: a malformed text in a leaf")
	}
	return s
}

func decodeEdition(text string) (e EditionLeaf, err error) {
	v, err := lines(text, "edition-id", "studio", "title", "size", "reissue-of", "created")
	if err != nil {
		return e, err
	}
	e.EditionID, e.Studio, e.Title, e.ReissueOf = unquote(v[0], &err), unquote(v[1], &err), unquote(v[2], &err), unquote(v[4], &err)
	if e.Size, err = strconv.Atoi(v[3]); err != nil || e.Size < 1 {
		return e, errors.New("provenance: an edition leaf with a malformed size")
	}
	if e.Created, err = time.Parse(time.RFC3339, v[5]); err != nil {
		return e, errors.New("provenance: an edition leaf with a malformed date")
	}
	if string(e.Encode()) != text {
		return e, errors.New("provenance: an edition leaf not in its canonical form")
	}
	return e, err
}

func decodeTransfer(text string) (t TransferLeaf, err error) {
	v, err := lines(text, "serial", "owner", "at")
	if err != nil {
		return t, err
	}
	t.Serial, t.Owner = v[0], v[1]
	if t.At, err = time.Parse(time.RFC3339, v[2]); err != nil || !ValidSerial(t.Serial) {
		return t, errors.New("provenance: a malformed transfer leaf")
	}
	if string(t.Encode()) != text {
		return t, errors.New("provenance: a transfer leaf not in its canonical form")
	}
	return t, nil
}

// CheckpointText is a C2SP checkpoint: the origin, the tree size and the
// root hash in base64, a line each.
func CheckpointText(origin string, tree tlog.Tree) string {
	return torchwood.Checkpoint{Origin: origin, Tree: tree}.String()
}

// SignCheckpoint signs the studio log's checkpoint with the studio key,
// whose name is the log's origin.
func SignCheckpoint(tree tlog.Tree, skey string) ([]byte, error) {
	signer, err := note.NewSigner(skey)
	if err != nil {
		return nil, fmt.Errorf("provenance: the signing key is unusable: %w", err)
	}
	return note.Sign(&note.Note{Text: CheckpointText(signer.Name(), tree)}, signer)
}

// OpenCheckpoint verifies a signed checkpoint with the studio's key and
// reads its tree; the origin must be the key's name.
func OpenCheckpoint(signed []byte, vkey string) (tlog.Tree, error) {
	v, err := note.NewVerifier(vkey)
	if err != nil {
		return tlog.Tree{}, err
	}
	c, _, err := torchwood.VerifyCheckpoint(signed, logPolicy(v))
	if err != nil {
		return tlog.Tree{}, fmt.Errorf("provenance: the checkpoint does not verify: %w", err)
	}
	return c.Tree, nil
}

// logPolicy accepts a checkpoint of the log whose key v is: its origin is
// the key's name, and the key signed it.
func logPolicy(v note.Verifier) torchwood.Policy {
	return torchwood.ThresholdPolicy(2, torchwood.OriginPolicy(v.Name()), torchwood.SingleVerifierPolicy(v))
}
