package main

import (
	"context"
	"crypto/rand"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"atelier/internal/provenance"
	"atelier/internal/store"
	"atelier/internal/studio"
)

// gone answers every request as a server that is no more would.
var gone = func(string, []byte) []byte { return []byte("gone") }

// fetch GETs a path of the studio's server, as its owner when signed.
func (s *studioServer) fetch(path string, signed bool) []byte {
	s.t.Helper()
	req, _ := http.NewRequest("GET", s.URL+path, nil)
	if signed {
		ctx := context.Background()
		if _, err := s.st.CreateUser(ctx, studio.NewUser{StudioSlug: "ana", Email: "ana@example.com", Name: "Ana", Role: studio.Owner,
			Password: "a long password"}); err != nil && studio.ErrorCode(err) != studio.Conflict {
			s.t.Fatal(err)
		}
		token, _, err := s.st.CreateToken(ctx, store.NewToken{Email: "ana@example.com"})
		if err != nil {
			s.t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 {
		s.t.Fatalf("GET %s: %d %s", path, res.StatusCode, body)
	}
	return body
}

// A certificate PDF, or the bundle from the verification page, proves the
// certificate with no server at all: against a key given or pinned, and
// the witnesses asked for; a tampered bundle, a wrong key or a PDF
// without its bundle fail.
func TestVerifyChecksACertificateOffline(t *testing.T) {
	s := newStudioServer(t)
	serial := s.certify(true)
	seed := make([]byte, 32)
	rand.Read(seed)
	witness := s.cosign("w1.example/witness", seed)
	dir := t.TempDir()
	pdfFile := filepath.Join(dir, "certificate.pdf")
	os.WriteFile(pdfFile, s.fetch("/api/v1/certificates/"+serial+".pdf", true), 0o600)
	bundleFile := filepath.Join(dir, "bundle.json")
	os.WriteFile(bundleFile, s.fetch("/v/"+serial+"/bundle", false), 0o600)

	c, _ := newChecking(t)
	c.failsWith("no key of atelier/ana/", "verify", pdfFile)
	key := s.key().Verifier
	for _, f := range []string{pdfFile, bundleFile} {
		out := c.must("", "verify", "--key", key, "--witness", witness, f)
		if !strings.Contains(out, "genuine: Grandma Rose, edition 1/12") || !strings.Contains(out, "checked offline") {
			t.Fatalf("offline verify of %s printed:\n%s", f, out)
		}
	}
	other, _ := provenance.NewKey(rand.Reader, "ana")
	c.failsWith("not genuine", "verify", "--key", other.Verifier, pdfFile)
	otherWitness, _ := provenance.WitnessKey("w2.example/witness", seed[:32])
	c.failsWith("cosigned by 0", "verify", "--key", key, "--witness", otherWitness, bundleFile)

	// Once verified online, the pinned key serves offline checks.
	c.must("", "verify", s.URL+"/v/"+serial)
	c.must("", "verify", pdfFile)

	// The server may go away: the files still prove the certificate.
	s.tamper.Store(&gone)
	c.must("", "verify", bundleFile)
	c.must("", "verify", pdfFile)
	s.tamper.Store(nil)

	data, _ := os.ReadFile(bundleFile)
	for name, altered := range map[string]string{
		"a field":       strings.Replace(string(data), "edition: 1/12", "edition: 2/12", 1),
		"the proof":     strings.Replace(string(data), `index 1`, `index 0`, 1),
		"the format":    strings.Replace(string(data), "bundle/v1", "bundle/v9", 1),
		"not even JSON": "%%%",
	} {
		bad := filepath.Join(dir, "bad.json")
		os.WriteFile(bad, []byte(altered), 0o600)
		out, _, err := c.run("", "verify", "--key", key, bad)
		if err == nil {
			t.Errorf("a bundle with %s altered verifies:\n%s", name, out)
		}
	}
	notCert := filepath.Join(dir, "other.pdf")
	os.WriteFile(notCert, []byte("%PDF-1.4\n%%EOF\n"), 0o600)
	c.failsWith("carries no certificate bundle", "verify", "--key", key, notCert)
}
