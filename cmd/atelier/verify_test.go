package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"golang.org/x/mod/sumdb/tlog"

	"atelier/internal/files"
	"atelier/internal/provenance"
	"atelier/internal/server"
	"atelier/internal/store"
	"atelier/internal/store/storetest"
	"atelier/internal/studio"
)

// studioServer is the real server in-process, with studio ana, an
// edition and certified pieces; tamper, when set, alters the body of
// every response by its path.
type studioServer struct {
	t        *testing.T
	st       *store.Store
	studioID string
	editions string
	URL      string
	h        http.Handler
	tamper   atomic.Pointer[func(path string, body []byte) []byte]
}

func newStudioServer(t *testing.T) *studioServer {
	t.Helper()
	ctx := context.Background()
	s := &studioServer{t: t, st: storetest.Open(t, store.SQLite, nil)}
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	s.URL = ts.URL
	dir := t.TempDir()
	u, err := files.DefaultURL(dir)
	if err != nil {
		t.Fatal(err)
	}
	blobs, err := files.Open(ctx, u, filepath.Join(dir, "tmp"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { blobs.Close() })
	s.h = server.New(server.Config{BaseURL: ts.URL, SecretKey: storetest.SecretKey}, s.st, blobs).Handler()
	ana, err := s.st.CreateStudio(ctx, studio.NewStudio("ana", "Ana's Miniatures", "Ana Petrova"))
	if err != nil {
		t.Fatal(err)
	}
	s.studioID = ana.ID
	e, err := s.st.CreateEdition(ctx, ana.ID, studio.Edition{Title: "Grandma Rose", Subject: "Grandma Rose", Size: 12,
		ClayBrands: []string{"premo"}, TargetHeightMM: 40})
	if err != nil {
		t.Fatal(err)
	}
	s.editions = e.ID
	return s
}

func (s *studioServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f := s.tamper.Load()
	if f == nil {
		s.h.ServeHTTP(w, r)
		return
	}
	rec := httptest.NewRecorder()
	s.h.ServeHTTP(rec, r)
	body := (*f)(r.URL.Path, rec.Body.Bytes())
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	w.Header().Del("Content-Length")
	w.WriteHeader(rec.Code)
	w.Write(body)
}

// alter makes every response to a path with the given prefix go through f.
func (s *studioServer) alter(prefix string, f func(body []byte) []byte) {
	fn := func(path string, body []byte) []byte {
		if strings.HasPrefix(path, prefix) {
			return f(bytes.Clone(body))
		}
		return body
	}
	s.tamper.Store(&fn)
}

// certify issues the certificate of a new piece of the edition (or of a
// unique piece) and returns its serial.
func (s *studioServer) certify(ofEdition bool) string {
	s.t.Helper()
	ctx := context.Background()
	id := ""
	if ofEdition {
		p, _, err := s.st.IssueEditionPiece(ctx, s.studioID, "", s.editions, store.EditionPieceFields{})
		if err != nil {
			s.t.Fatal(err)
		}
		storetest.CollectorGrade(s.t, s.st, s.studioID, p.ID)
		id = p.ID
	} else {
		id = storetest.CollectorGradeNew(s.t, s.st, s.studioID)
	}
	ic, err := s.st.IssueCertificate(ctx, s.studioID, id, nil)
	if err != nil {
		s.t.Fatal(err)
	}
	return ic.Serial
}

func (s *studioServer) key() store.StudioKey {
	s.t.Helper()
	k, err := s.st.StudioKey(context.Background(), "ana")
	if err != nil {
		s.t.Fatal(err)
	}
	return k
}

func (s *studioServer) tree() tlog.Tree {
	s.t.Helper()
	ls, err := s.st.Log(context.Background(), "ana")
	if err != nil {
		s.t.Fatal(err)
	}
	return ls.Tree
}

// checker runs verify and audit with a config directory of their own.
func newChecking(t *testing.T) (*cli, string) {
	dir := t.TempDir()
	return &cli{t: t, env: map[string]string{"ATELIER_CONFIG_DIR": dir}}, dir
}

// failsWith runs a command that must fail with a reason holding want.
func (c *cli) failsWith(want string, args ...string) {
	c.t.Helper()
	out, _, err := c.run("", args...)
	if err == nil || !strings.Contains(err.Error(), want) {
		c.t.Fatalf("atelier %v: want a failure naming %q, got %v\n%s", args, want, err, out)
	}
	if strings.Contains(err.Error(), "\n") {
		c.t.Fatalf("atelier %v: the reason is not one line: %q", args, err)
	}
	c.t.Logf("atelier %s: %v", args[0], err)
}

func TestVerifyChecksACertificateByURLOrSerialAndPinsTheKey(t *testing.T) {
	s := newStudioServer(t)
	serial := s.certify(true)
	c, dir := newChecking(t)

	out, errOut, err := c.run("", "verify", s.URL+"/v/"+serial)
	if err != nil {
		t.Fatalf("verify by URL: %v\n%s", err, errOut)
	}
	for _, want := range []string{"genuine: Grandma Rose, edition 1/12", "Ana's Miniatures", serial, "in the log at index 1 of 2", "first checkpoint"} {
		if !strings.Contains(out, want) {
			t.Errorf("verify printed no %q:\n%s", want, out)
		}
	}
	u, _ := url.Parse(s.URL)
	pin := filepath.Join(dir, "keys", fileName(u.Host), "ana")
	data, err := os.ReadFile(pin)
	if err != nil || strings.TrimSpace(string(data)) != s.key().Verifier || !strings.Contains(errOut, "pinned the key") {
		t.Fatalf("the key is not pinned in %s: %q %v (stderr %q)", pin, data, err, errOut)
	}
	if fi, err := os.Stat(pin); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("the pin is not private to the user: %v %v", fi.Mode(), err)
	}
	if _, err := os.Stat(filepath.Join(dir, "checkpoints", fileName(s.key().Name))); err != nil {
		t.Fatalf("the checkpoint seen is not kept: %v", err)
	}

	// The log grows; the next check proves it only grew.
	second := s.certify(false)
	s.certify(true)
	c.env["ATELIER_BASE_URL"] = s.URL
	out, errOut, err = c.run("", "verify", strings.ToLower(second))
	if err != nil || !strings.Contains(out, "a unique piece") || !strings.Contains(out, "consistent with the checkpoint seen before") || errOut != "" {
		t.Fatalf("verify by serial: %v\n%s\n%s", err, out, errOut)
	}
	c.must("", "verify", "--key", s.key().Verifier, serial)
}

func TestVerifyRefusesAnotherKey(t *testing.T) {
	s := newStudioServer(t)
	serial := s.certify(true)
	c, dir := newChecking(t)
	other, _ := provenance.NewKey(rand.Reader, "ana")
	c.failsWith("does not verify with the key "+other.Name, "verify", "--key", other.Verifier, s.URL+"/v/"+serial)
	ben, _ := provenance.NewKey(rand.Reader, "ben")
	c.failsWith("the key "+ben.Name+" is not studio ana's", "verify", "--key", ben.Verifier, s.URL+"/v/"+serial)

	// A pinned key that is not the one the server now publishes.
	c.must("", "verify", s.URL+"/v/"+serial)
	u, _ := url.Parse(s.URL)
	if err := os.WriteFile(filepath.Join(dir, "keys", fileName(u.Host), "ana"), []byte(other.Verifier+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c.failsWith("the studio's key changed since", "verify", s.URL+"/v/"+serial)
	c.failsWith("the studio's key changed since", "audit", s.URL+"/s/ana")
}

func TestVerifyRefusesALogThatShrankOrForked(t *testing.T) {
	s := newStudioServer(t)
	serial := s.certify(true)
	s.certify(false)
	tree := s.tree()
	var other tlog.Hash
	other[0] = 1
	for _, tc := range []struct {
		name, want string
		seen       tlog.Tree
	}{
		{"same size, another root", "the log forked", tlog.Tree{N: tree.N, Hash: other}},
		{"more entries than now", "the log shrank", tlog.Tree{N: tree.N + 5, Hash: tree.Hash}},
		{"fewer entries, another history", "not an extension", tlog.Tree{N: tree.N - 1, Hash: other}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, dir := newChecking(t)
			path := filepath.Join(dir, "checkpoints", fileName(s.key().Name))
			if err := writeAtomic(path, []byte(provenance.CheckpointText(s.key().Name, tc.seen))); err != nil {
				t.Fatal(err)
			}
			c.failsWith(tc.want, "verify", s.URL+"/v/"+serial)
			c.failsWith(tc.want, "audit", s.URL+"/s/ana")
		})
	}
}

// jsonField rewrites one field of a verify answer, at its path.
func jsonField(path string, f func(v any) any) func([]byte) []byte {
	return func(body []byte) []byte {
		var doc map[string]any
		if err := json.Unmarshal(body, &doc); err != nil {
			return body
		}
		m, keys := doc, strings.Split(path, ".")
		for _, k := range keys[:len(keys)-1] {
			m = m[k].(map[string]any)
		}
		last := keys[len(keys)-1]
		m[last] = f(m[last])
		out, _ := json.Marshal(doc)
		return out
	}
}

// flip changes one byte in the middle.
func flip(b []byte) []byte {
	if len(b) > 0 {
		b[len(b)/2] ^= 0x20
	}
	return b
}

func TestVerifyRefusesATamperedAnswer(t *testing.T) {
	s := newStudioServer(t)
	serial := s.certify(true)
	n := s.tree().N
	for _, tc := range []struct {
		name, path, want string
		alter            func([]byte) []byte
	}{
		{"the log's leaf", "/api/", "the log's leaf is not the signed certificate", jsonField("log.leaf", func(v any) any {
			return strings.Replace(v.(string), "A", "B", 1)
		})},
		{"the certificate's record", "/api/", "does not verify with the key", jsonField("signed", func(v any) any {
			return strings.Replace(v.(string), "Grandma Rose", "Grandma Rosa", 1)
		})},
		{"the checkpoint's size", "/api/", "checkpoint is not signed by the studio's key", jsonField("log.checkpoint", func(v any) any {
			return strings.Replace(v.(string), "\n"+strconv.FormatInt(n, 10)+"\n", "\n"+strconv.FormatInt(n+1, 10)+"\n", 1)
		})},
		{"the inclusion proof", "/api/", "the inclusion proof does not hold", jsonField("log.inclusion_proof", func(v any) any {
			hs := v.([]any)
			hs[0] = strings.Replace(hs[0].(string), hs[0].(string)[:4], "AAAA", 1)
			return hs
		})},
		{"the leaf's index", "/api/", "the inclusion proof does not hold", jsonField("log.index", func(v any) any { return 0 })},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, _ := newChecking(t)
			s.alter(tc.path, tc.alter)
			defer s.tamper.Store(nil)
			c.failsWith(tc.want, "verify", s.URL+"/v/"+serial)
		})
	}

	// A tile that does not match the checkpoint fails the consistency
	// proof from the last checkpoint seen.
	c, _ := newChecking(t)
	c.must("", "verify", s.URL+"/v/"+serial)
	s.certify(true)
	s.alter("/s/ana/log/tile/0/", flip)
	defer s.tamper.Store(nil)
	c.failsWith("the log's tiles do not match its checkpoint", "verify", s.URL+"/v/"+serial)
}

func TestVerifyRefusesBadArguments(t *testing.T) {
	c, _ := newChecking(t)
	for _, args := range [][]string{
		{"verify"},
		{"verify", "a", "b"},
	} {
		if _, _, err := c.run("", args...); err != errUsage {
			t.Errorf("atelier %v: want a usage error, got %v", args, err)
		}
	}
	c.failsWith("not an http(s) address", "verify", "file:///etc/v/AAAAAAAAAAAAAAAA")
	c.failsWith("needs --base-url", "verify", "AAAAAAAAAAAAAAAA")
	c.failsWith("not a certificate's address", "verify", "https://example.com/pieces/1")
	c.failsWith("not a studio's address", "audit", "https://example.com/studio")
	c.failsWith("not an http(s) address", "audit", "ftp://example.com/s/ana")
}
