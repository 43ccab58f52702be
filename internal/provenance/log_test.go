package provenance_test

import (
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"atelier/internal/provenance"
)

func TestLeavesNameTheirKindAndRoundTrip(t *testing.T) {
	at := time.Date(2026, 12, 1, 3, 0, 0, 0, time.UTC)
	e := provenance.EditionLeaf{EditionID: "ed1", Studio: "ana", Title: "Roses «blue»\nII", Size: 20, Created: at}
	l, err := provenance.ParseLeaf(e.Encode())
	if err != nil || l.Kind != provenance.EditionHeader || l.Edition != e {
		t.Fatalf("edition leaf %+v %v", l, err)
	}
	tr := provenance.TransferLeaf{Serial: "K7Q2M4XZB3WJ5R6T", Owner: provenance.OwnerHash([]byte("salt"), "Zoë"), At: at}
	if l, err := provenance.ParseLeaf(tr.Encode()); err != nil || l.Transfer != tr {
		t.Fatalf("transfer leaf %+v %v", l, err)
	}
	if provenance.OwnerHash([]byte("salt"), "Zoë") == provenance.OwnerHash([]byte("pepper"), "Zoë") {
		t.Fatal("the salt does not change the owner's hash")
	}
	k := newKey(t, "ana")
	signed, _ := provenance.Sign(sample(), k.Signer)
	if l, err := provenance.ParseLeaf(signed); err != nil || l.Certificate.EditionLabel() != "7/20" {
		t.Fatalf("certificate leaf %+v %v", l, err)
	}
	for name, bad := range map[string]string{
		"unknown kind":        "atelier-gift/v1\n",
		"size as text":        strings.Replace(string(e.Encode()), "size: 20", "size: twenty", 1),
		"size zero":           strings.Replace(string(e.Encode()), "size: 20", "size: 0", 1),
		"padded size":         strings.Replace(string(e.Encode()), "size: 20", "size: 020", 1),
		"bad serial":          strings.Replace(string(tr.Encode()), "K7Q2", "k7q2", 1),
		"certificate cut off": string(signed[:40]),
	} {
		if _, err := provenance.ParseLeaf([]byte(bad)); err == nil {
			t.Errorf("%s: parsed", name)
		}
	}
}

func TestCheckpointIsSignedByTheKeyOfItsOrigin(t *testing.T) {
	k, other := newKey(t, "ana"), newKey(t, "ana")
	tree := tlog.Tree{N: 7, Hash: tlog.RecordHash([]byte("x"))}
	signed, err := provenance.SignCheckpoint(tree, k.Signer)
	if err != nil || !strings.HasPrefix(string(signed), k.Name+"\n7\n") {
		t.Fatalf("checkpoint %q %v", signed, err)
	}
	if got, err := provenance.OpenCheckpoint(signed, k.Verifier); err != nil || got != tree {
		t.Fatalf("open %v %v", got, err)
	}
	if _, err := provenance.OpenCheckpoint(signed, other.Verifier); err == nil {
		t.Fatal("another key opens the checkpoint")
	}
	forged := strings.Replace(string(signed), "\n7\n", "\n8\n", 1)
	if _, err := provenance.OpenCheckpoint([]byte(forged), k.Verifier); err == nil {
		t.Fatal("an altered size verifies")
	}
	// Signed by the right key, but for another origin.
	signer, _ := note.NewSigner(k.Signer)
	wrong, _ := note.Sign(&note.Note{Text: "atelier/ben/00000000\n7\n" + strings.Split(string(signed), "\n")[2] + "\n"}, signer)
	if _, err := provenance.OpenCheckpoint(wrong, k.Verifier); err == nil {
		t.Fatal("a checkpoint of another origin verifies")
	}
}
