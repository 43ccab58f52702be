package provenance

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"filippo.io/torchwood"
	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// A witness (C2SP tlog-witness) cosigns a log's checkpoint only when it is
// consistent with the last one it cosigned for that log, so that a log
// cannot show two histories: every witness would have to be in on it.

// MaxWitnessProof is the most consistency proof lines a request may hold.
const MaxWitnessProof = 63

// AddCheckpoint is the body of a tlog-witness add-checkpoint request: the
// size the client believes the witness knows, a consistency proof from it,
// and the signed checkpoint.
type AddCheckpoint struct {
	OldSize    int64
	Proof      tlog.TreeProof
	Checkpoint []byte
}

// Encode writes the request body.
func (a AddCheckpoint) Encode() []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "old %d\n", a.OldSize)
	for _, h := range a.Proof {
		b.WriteString(base64.StdEncoding.EncodeToString(h[:]) + "\n")
	}
	b.WriteString("\n")
	b.Write(a.Checkpoint)
	return b.Bytes()
}

// ErrMalformedRequest answers a request that is not an add-checkpoint body.
var ErrMalformedRequest = errors.New("provenance: not a tlog-witness add-checkpoint request")

// ParseAddCheckpoint reads an add-checkpoint request body.
func ParseAddCheckpoint(body []byte) (AddCheckpoint, error) {
	var a AddCheckpoint
	head, checkpoint, ok := bytes.Cut(body, []byte("\n\n"))
	if !ok {
		return a, ErrMalformedRequest
	}
	lines := strings.Split(string(head), "\n")
	size, ok := strings.CutPrefix(lines[0], "old ")
	n, err := strconv.ParseInt(size, 10, 64)
	if !ok || err != nil || n < 0 || strconv.FormatInt(n, 10) != size || len(lines)-1 > MaxWitnessProof {
		return a, ErrMalformedRequest
	}
	a.OldSize, a.Checkpoint = n, checkpoint
	for _, l := range lines[1:] {
		h, err := base64.StdEncoding.DecodeString(l)
		if err != nil || len(h) != tlog.HashSize {
			return a, ErrMalformedRequest
		}
		a.Proof = append(a.Proof, tlog.Hash(h))
	}
	return a, nil
}

// WitnessedLog is what a witness keeps of a log: its key, and the latest
// tree it cosigned (size 0 before the first).
type WitnessedLog struct {
	Origin   string
	Verifier string
	Tree     tlog.Tree
}

// Why a witness refuses, as tlog-witness answers each.
var (
	// ErrNotTrusted: no signature by the log's key (403).
	ErrNotTrusted = errors.New("the checkpoint carries no valid signature by the log's key")
	// ErrOldSizeAboveSize: the old size is above the checkpoint's (400).
	ErrOldSizeAboveSize = errors.New("the old size is larger than the checkpoint's size")
	// ErrInconsistent: the consistency proof does not verify (422).
	ErrInconsistent = errors.New("the consistency proof does not verify: the log is not an extension of the tree the witness cosigned")
)

// SizeConflict says the witness knows another size than the client
// thought, or the same size with another root (409, with the size).
type SizeConflict struct {
	Size int64
	// Fork marks the same size with another root: a log showing two trees.
	Fork bool
}

func (e *SizeConflict) Error() string {
	if e.Fork {
		return fmt.Sprintf("the witness cosigned another tree of size %d: the log has forked", e.Size)
	}
	return fmt.Sprintf("the witness last cosigned size %d", e.Size)
}

// Witness decides an add-checkpoint request against what the witness
// keeps of the log, and returns the tree to keep and cosign. It never
// accepts a tree smaller than, or inconsistent with, the one it has.
func Witness(log WitnessedLog, req AddCheckpoint) (tlog.Tree, error) {
	v, err := note.NewVerifier(log.Verifier)
	if err != nil {
		return tlog.Tree{}, err
	}
	// A witnessed log's origin is its key's name (store.AddWitnessedLog).
	c, _, err := torchwood.VerifyCheckpoint(req.Checkpoint, logPolicy(v))
	if err != nil {
		return tlog.Tree{}, ErrNotTrusted
	}
	switch {
	case req.OldSize > c.N:
		return tlog.Tree{}, ErrOldSizeAboveSize
	case req.OldSize != log.Tree.N:
		return tlog.Tree{}, &SizeConflict{Size: log.Tree.N}
	case req.OldSize == c.N && c.Hash != log.Tree.Hash && c.N > 0:
		return tlog.Tree{}, &SizeConflict{Size: log.Tree.N, Fork: true}
	case req.OldSize == 0 && len(req.Proof) > 0:
		return tlog.Tree{}, ErrInconsistent
	case req.OldSize > 0 && req.OldSize < c.N:
		if tlog.CheckTree(req.Proof, c.N, c.Hash, log.Tree.N, log.Tree.Hash) != nil {
			return tlog.Tree{}, ErrInconsistent
		}
	}
	return c.Tree, nil
}

// Cosign is the witness's cosignature (C2SP tlog-cosignature, timestamped)
// of a checkpoint's text: the note signature line to append to it.
func Cosign(name string, seed []byte, checkpointText string) ([]byte, error) {
	if len(seed) != ed25519.SeedSize {
		return nil, errors.New("provenance: a witness key is a 32-byte Ed25519 seed")
	}
	signer, err := torchwood.NewCosignatureSigner(name, ed25519.NewKeyFromSeed(seed))
	if err != nil {
		return nil, err
	}
	signed, err := note.Sign(&note.Note{Text: checkpointText}, signer)
	if err != nil {
		return nil, err
	}
	return signed[len(checkpointText)+1:], nil
}

// WitnessKey is the cosigning key's public half, in the verifier format of
// tlog-cosignature (algorithm 4), for the witness with the given name.
func WitnessKey(name string, seed []byte) (string, error) {
	signer, err := torchwood.NewCosignatureSigner(name, ed25519.NewKeyFromSeed(seed))
	if err != nil {
		return "", err
	}
	return signer.Verifier().String(), nil
}

// CheckCosignatures keeps, of the signature lines a witness answered, the
// valid cosignatures of checkpointText by the witness key vkey; none is an
// error.
func CheckCosignatures(checkpointText string, lines []byte, vkey string) ([]byte, error) {
	v, err := torchwood.NewCosignatureVerifier(vkey)
	if err != nil {
		return nil, err
	}
	n, err := note.Open(append([]byte(checkpointText+"\n"), lines...), note.VerifierList(v))
	if err != nil {
		return nil, fmt.Errorf("provenance: the witness's answer holds no valid cosignature: %w", err)
	}
	var out []byte
	for _, s := range n.Sigs {
		out = append(out, "— "+s.Name+" "+s.Base64+"\n"...)
	}
	return out, nil
}

// Cosigners counts the witnesses, of those whose cosigning keys are
// given, that cosigned a signed checkpoint. A key that does not parse is
// an error.
func Cosigners(signed []byte, witnessKeys []string) (int, error) {
	var vs []note.Verifier
	for _, k := range witnessKeys {
		v, err := torchwood.NewCosignatureVerifier(k)
		if err != nil {
			return 0, fmt.Errorf("provenance: %q is not a witness's cosignature key", k)
		}
		vs = append(vs, v)
	}
	n, err := note.Open(signed, note.VerifierList(vs...))
	var unverified *note.UnverifiedNoteError
	if errors.As(err, &unverified) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	seen := map[string]bool{}
	for _, s := range n.Sigs {
		seen[fmt.Sprintf("%s+%08x", s.Name, s.Hash)] = true
	}
	return len(seen), nil
}
