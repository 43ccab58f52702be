package pdf

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A certificate's bundle travels in its PDF as a file attachment that
// qpdf lists and EmbeddedFiles reads back byte for byte; a page without
// one embeds nothing.
func TestCertificateEmbedsItsBundle(t *testing.T) {
	page := sample()
	page.Bundle = []byte(`{"format":"atelier-certificate-bundle/v1","signed":"` + strings.Repeat("x", 3000) + `"}`)
	var buf bytes.Buffer
	if err := Certificates(&buf, A6, []CertificatePage{page}); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "c.pdf")
	os.WriteFile(file, buf.Bytes(), 0o600)
	run(t, "qpdf", "--check", file)
	if out := run(t, "qpdf", "--list-attachments", "--verbose", file); !strings.Contains(out, BundleName(page.Certificate.Serial)) {
		t.Fatalf("qpdf lists no bundle:\n%s", out)
	}
	if out := run(t, "qpdf", "--show-attachment=Attachement1", file); out != string(page.Bundle) {
		t.Fatalf("qpdf reads the attachment as %.80q", out)
	}
	got := EmbeddedFiles(buf.Bytes())
	if len(got) != 1 || !bytes.Equal(got[0], page.Bundle) {
		t.Fatalf("read back %d files: %.60q", len(got), got)
	}
	// qpdf rewriting the file keeps the attachment readable.
	rewritten := filepath.Join(t.TempDir(), "r.pdf")
	run(t, "qpdf", "--object-streams=generate", file, rewritten)
	data, _ := os.ReadFile(rewritten)
	if got := EmbeddedFiles(data); len(got) != 1 || !bytes.Equal(got[0], page.Bundle) {
		t.Fatalf("after qpdf rewrote it: %d files", len(got))
	}
	buf.Reset()
	if err := Certificates(&buf, A6, []CertificatePage{sample()}); err != nil {
		t.Fatal(err)
	}
	if got := EmbeddedFiles(buf.Bytes()); len(got) != 0 {
		t.Fatalf("a page without a bundle embeds %d files", len(got))
	}
}

func TestEmbeddedFilesFindsNothingInGarbage(t *testing.T) {
	for _, data := range []string{"", "%PDF-1.4 /EmbeddedFile", "/EmbeddedFile /FlateDecode stream\nnot zlib\nendstream", "/EmbeddedFile stream"} {
		if got := EmbeddedFiles([]byte(data)); len(got) > 1 {
			t.Errorf("%q: %d files", data, len(got))
		}
	}
}
