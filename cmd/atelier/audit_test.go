package main

import (
	"crypto/rand"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"filippo.io/torchwood"
	"golang.org/x/mod/sumdb/tlog"

	"atelier/internal/provenance"
	"atelier/internal/studio"
)

// fakeLog serves a log of studio ana built by the test, leaf by leaf, at
// the C2SP paths, signed by a key of the test's own.
type fakeLog struct {
	t      *testing.T
	key    provenance.Key
	leaves [][]byte
	hashes []tlog.Hash // the stored hashes, tlog's layout
	// tamper, when set, alters a response body by its path.
	tamper func(path string, body []byte) []byte
	// checkpointKey signs the checkpoint, when not the log's key.
	checkpointKey string
}

func newFakeLog(t *testing.T) *fakeLog {
	k, err := provenance.NewKey(rand.Reader, "ana")
	if err != nil {
		t.Fatal(err)
	}
	return &fakeLog{t: t, key: k}
}

func (f *fakeLog) hashReader() tlog.HashReader {
	return tlog.HashReaderFunc(func(idx []int64) ([]tlog.Hash, error) {
		out := make([]tlog.Hash, len(idx))
		for i, x := range idx {
			if x >= int64(len(f.hashes)) {
				return nil, fmt.Errorf("no hash %d", x)
			}
			out[i] = f.hashes[x]
		}
		return out, nil
	})
}

func (f *fakeLog) append(leaf []byte) {
	hs, err := tlog.StoredHashes(int64(len(f.leaves)), leaf, f.hashReader())
	if err != nil {
		f.t.Fatal(err)
	}
	f.leaves, f.hashes = append(f.leaves, leaf), append(f.hashes, hs...)
}

func (f *fakeLog) edition(id string, size int) {
	f.append(provenance.EditionLeaf{EditionID: id, Studio: "ana", Title: "Grandma Rose", Size: size,
		Created: time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC)}.Encode())
}

// certificate logs a certificate of number n of an edition of the given
// size, signed with skey, and returns its serial.
func (f *fakeLog) certificate(edition string, n, size int, skey string) string {
	serial, err := provenance.NewSerial(rand.Reader)
	if err != nil {
		f.t.Fatal(err)
	}
	signed, err := provenance.Sign(studio.Certificate{Serial: serial, StudioSlug: "ana", StudioName: "Ana's Miniatures", Artist: "Ana Petrova",
		Subject: "Grandma Rose", EditionID: edition, EditionTitle: "Grandma Rose", EditionNumber: n, EditionSize: size,
		IssuedAt: time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)}, skey)
	if err != nil {
		f.t.Fatal(err)
	}
	f.append(signed)
	return serial
}

func (f *fakeLog) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, ok := f.serve(strings.TrimPrefix(r.URL.Path, "/s/ana/"))
	if !ok {
		http.NotFound(w, r)
		return
	}
	if f.tamper != nil {
		body = f.tamper(r.URL.Path, body)
	}
	w.Write(body)
}

func (f *fakeLog) serve(path string) ([]byte, bool) {
	n := int64(len(f.leaves))
	tree := tlog.Tree{N: n}
	tree.Hash, _ = tlog.TreeHash(n, f.hashReader())
	switch {
	case path == "key":
		return []byte(f.key.Verifier + "\n"), true
	case path == "log/checkpoint":
		signed, err := provenance.SignCheckpoint(tree, cmpOr(f.checkpointKey, f.key.Signer))
		return signed, err == nil
	}
	t, err := torchwood.ParseTilePath(strings.TrimPrefix(path, "log/"))
	level := max(t.L, 0)
	if err != nil || t.N*torchwood.TileWidth+int64(t.W) > n>>(uint(level)*torchwood.TileHeight) {
		return nil, false
	}
	if t.L >= 0 {
		data, err := tlog.ReadTileData(t, f.hashReader())
		return data, err == nil
	}
	var bundle []byte
	for _, leaf := range f.leaves[t.N*torchwood.TileWidth : t.N*torchwood.TileWidth+int64(t.W)] {
		bundle, _ = torchwood.AppendTileEntry(bundle, leaf)
	}
	return bundle, true
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func (f *fakeLog) start() string {
	ts := httptest.NewServer(f)
	f.t.Cleanup(ts.Close)
	return ts.URL + "/s/ana"
}

func TestAuditPassesAGoodLog(t *testing.T) {
	s := newStudioServer(t)
	s.certify(true)
	s.certify(false)
	s.certify(true)
	c, _ := newChecking(t)
	out := c.must("", "audit", s.URL+"/s/ana")
	if !strings.Contains(out, "4 entries: 1 editions, 3 certificates, 0 transfers") || !strings.Contains(out, "every rule holds") {
		t.Fatalf("audit of a good log:\n%s", out)
	}
	s.certify(true)
	out = c.must("", "audit", "--key", s.key().Verifier, s.URL+"/s/ana/log/")
	if !strings.Contains(out, "5 entries: 1 editions, 4 certificates") {
		t.Fatalf("audit of the grown log:\n%s", out)
	}
}

func TestAuditCatchesAPlantedDuplicateNumber(t *testing.T) {
	f := newFakeLog(t)
	f.edition("ed1", 3)
	f.certificate("ed1", 1, 3, f.key.Signer)
	first := f.certificate("ed1", 2, 3, f.key.Signer)
	second := f.certificate("ed1", 2, 3, f.key.Signer)
	c, _ := newChecking(t)
	out, _, err := c.run("", "audit", f.start())
	want := fmt.Sprintf("leaf 3: certificate %s certifies number 2 of edition ed1 a second time (first at leaf 2)", second)
	if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(out, "FAIL "+want) {
		t.Fatalf("audit let a duplicate number through (%s, then %s): %v\n%s", first, second, err, out)
	}
}

func TestAuditCatchesBrokenRules(t *testing.T) {
	other, _ := provenance.NewKey(rand.Reader, "ana")
	for _, tc := range []struct {
		name, want string
		log        func(f *fakeLog)
	}{
		{"a number above the edition's size", "is number 4 of edition ed1, whose size is 3", func(f *fakeLog) {
			f.edition("ed1", 3)
			f.certificate("ed1", 4, 4, f.key.Signer)
		}},
		{"a certificate signed by another key", "leaf 1: a certificate that does not verify with the studio's key", func(f *fakeLog) {
			f.edition("ed1", 3)
			f.certificate("ed1", 1, 3, other.Signer)
		}},
		{"a certificate before its edition", "which the log does not hold before it", func(f *fakeLog) {
			f.certificate("ed1", 1, 3, f.key.Signer)
			f.edition("ed1", 3)
		}},
		{"a leaf of an unknown kind", `leaf 1: a leaf of unknown kind "atelier-gift/v1"`, func(f *fakeLog) {
			f.edition("ed1", 3)
			f.append([]byte("atelier-gift/v1\n"))
		}},
		{"a transfer of a certificate never logged", "a transfer of certificate", func(f *fakeLog) {
			f.append(provenance.TransferLeaf{Serial: "K7Q2M4XZB3WJ5R6T", Owner: "x", At: time.Now()}.Encode())
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeLog(t)
			tc.log(f)
			c, _ := newChecking(t)
			c.failsWith(tc.want, "audit", f.start())
		})
	}
}

func TestAuditFollowsALogFromEmpty(t *testing.T) {
	f := newFakeLog(t)
	u := f.start()
	c, _ := newChecking(t)
	if out := c.must("", "audit", u); !strings.Contains(out, "0 entries") {
		t.Fatalf("audit of an empty log:\n%s", out)
	}
	f.edition("ed1", 3)
	f.certificate("ed1", 1, 3, f.key.Signer)
	if out := c.must("", "audit", u); !strings.Contains(out, "2 entries: 1 editions, 1 certificates") {
		t.Fatalf("audit of the grown log:\n%s", out)
	}
}

func TestAuditRefusesATamperedLog(t *testing.T) {
	other, _ := provenance.NewKey(rand.Reader, "ana")
	for _, tc := range []struct {
		name, want string
		spoil      func(f *fakeLog)
	}{
		{"a checkpoint signed by another key", "checkpoint is not signed by the studio's key", func(f *fakeLog) {
			f.checkpointKey = other.Signer
		}},
		{"a forged checkpoint", "checkpoint is not signed by the studio's key", func(f *fakeLog) {
			f.tamper = func(path string, body []byte) []byte {
				if strings.HasSuffix(path, "/checkpoint") {
					return []byte(strings.Replace(string(body), "\n3\n", "\n2\n", 1))
				}
				return body
			}
		}},
		{"a tampered entry bundle", "the log's tiles do not match its checkpoint", func(f *fakeLog) {
			f.tamper = func(path string, body []byte) []byte {
				if strings.Contains(path, "/tile/entries/") {
					return flip(body)
				}
				return body
			}
		}},
		{"an endless answer", "longer than 4096 bytes", func(f *fakeLog) {
			f.tamper = func(path string, body []byte) []byte {
				if strings.HasSuffix(path, "/key") {
					return append(body, make([]byte, 1<<20)...)
				}
				return body
			}
		}},
		{"a changed key", "the studio's key changed since", func(f *fakeLog) {
			f.key, _ = provenance.NewKey(rand.Reader, "ana")
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeLog(t)
			f.edition("ed1", 3)
			f.certificate("ed1", 1, 3, f.key.Signer)
			f.certificate("ed1", 2, 3, f.key.Signer)
			u := f.start()
			c, _ := newChecking(t)
			c.must("", "audit", u) // pins the key and keeps the checkpoint
			tc.spoil(f)
			c.failsWith(tc.want, "audit", u)
		})
	}
}
