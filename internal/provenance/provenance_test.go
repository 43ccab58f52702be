package provenance_test

import (
	"bytes"
	"crypto/rand"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/note"

	"atelier/internal/provenance"
	"atelier/internal/studio"
)

func sample() studio.Certificate {
	return studio.Certificate{
		Serial: "K7Q2M4XZB3WJ5R6T", StudioSlug: "ana", StudioName: "Ana's \"Miniatures\"", Artist: "Ana Petrova",
		Subject: "Grandma Rose «Kipferl»", EditionID: "ed1", EditionTitle: "Roses", EditionNumber: 7, EditionSize: 20,
		HeightMM: 42.5, WidthMM: 30, DepthMM: 21.25, Clay: "FIMO Professional, Premo!", Finish: "matte polyurethane, 2 coats",
		Completed: "2026-11-30", Story: "She baked every Sunday.\nLine two\twith a tab <b>.", IssuedAt: time.Date(2026, 12, 1, 3, 4, 5, 0, time.UTC),
	}
}

func newKey(t *testing.T, slug string) provenance.Key {
	t.Helper()
	k, err := provenance.NewKey(rand.Reader, slug)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestKeyNameIsTheStudiosLogOrigin(t *testing.T) {
	k := newKey(t, "ana")
	if !strings.HasPrefix(k.Name, "atelier/ana/") || len(k.Name) != len("atelier/ana/")+8 {
		t.Fatalf("name %q", k.Name)
	}
	if !strings.HasPrefix(k.Verifier, k.Name+"+") || !strings.HasPrefix(k.Signer, "PRIVATE+KEY+"+k.Name+"+") {
		t.Fatalf("keys %q / %q do not carry the name", k.Verifier, k.Signer)
	}
	if _, err := note.NewVerifier(k.Verifier); err != nil {
		t.Fatalf("the verifier key does not parse as a signed-note key: %v", err)
	}
	if other := newKey(t, "ana"); other.Name == k.Name {
		t.Fatal("two keys of one slug share an origin")
	}
	fp, err := provenance.Fingerprint(k.Verifier)
	if err != nil || len(fp) != 39 {
		t.Fatalf("fingerprint %q, %v", fp, err)
	}
}

func TestEncodingStartsWithItsTypeAndRoundTrips(t *testing.T) {
	for _, c := range []studio.Certificate{sample(), {Serial: "AAAAAAAAAAAAAAAA", IssuedAt: time.Unix(0, 0).UTC()}} {
		text := provenance.Encode(c)
		if !bytes.HasPrefix(text, []byte("atelier-certificate/v1\n")) {
			t.Fatalf("encoding starts %q", text[:30])
		}
		if strings.Count(string(text), "\n") != 17 {
			t.Fatalf("a field spans lines:\n%s", text)
		}
		back, err := provenance.Decode(text)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(back, c) {
			t.Fatalf("round trip changed the certificate:\n%+v\n%+v", back, c)
		}
	}
}

func TestDecodeRefusesAnythingButTheCanonicalForm(t *testing.T) {
	text := string(provenance.Encode(sample()))
	for name, bad := range map[string]string{
		"other header":      strings.Replace(text, "atelier-certificate/v1", "atelier-certificate/v2", 1),
		"swapped lines":     strings.Replace(strings.Replace(text, "artist:", "XX:", 1), "subject:", "artist:", 1),
		"padded number":     strings.Replace(text, "height-mm: 42.5", "height-mm: 42.50", 1),
		"edition above N":   strings.Replace(text, "edition: 7/20", "edition: 21/20", 1),
		"missing line":      strings.Replace(text, "clay: \"FIMO Professional, Premo!\"\n", "", 1),
		"extra line":        text + "extra: 1\n",
		"no final newline":  strings.TrimSuffix(text, "\n"),
		"lower-case serial": strings.Replace(text, "K7Q2M4XZB3WJ5R6T", "k7q2m4xzb3wj5r6t", 1),
	} {
		if _, err := provenance.Decode([]byte(bad)); err == nil {
			t.Errorf("%s: decoded", name)
		}
	}
}

func TestSignatureBreaksWhenAnyFieldChanges(t *testing.T) {
	k := newKey(t, "ana")
	c := sample()
	signed, err := provenance.Sign(c, k.Signer)
	if err != nil {
		t.Fatal(err)
	}
	got, err := provenance.Verify(signed, k.Verifier)
	if err != nil || !reflect.DeepEqual(got, c) {
		t.Fatalf("genuine certificate: %v, %+v", err, got)
	}
	// Change each field's line in the signed bytes in turn.
	text := string(provenance.Encode(c))
	lines := strings.Split(text, "\n")
	for i := 1; i < len(lines)-1; i++ {
		key, value, _ := strings.Cut(lines[i], ": ")
		altered := strings.Replace(string(signed), lines[i], key+": "+alter(value), 1)
		if altered == string(signed) {
			t.Fatalf("line %q was not altered", lines[i])
		}
		if _, err := provenance.Verify([]byte(altered), k.Verifier); err == nil {
			t.Errorf("altered %s verifies", key)
		}
	}
}

// alter changes a value into another of the same kind.
func alter(v string) string {
	switch {
	case strings.HasPrefix(v, `"`):
		return `"x` + v[1:]
	case v == "unique":
		return "1/10"
	case strings.Contains(v, "/"):
		return "8/20"
	case strings.Contains(v, "T"):
		return "2027" + v[4:]
	case strings.Count(v, "-") == 2:
		return "2027" + v[4:]
	case len(v) == 16:
		return "B" + v[1:]
	}
	return v + "1"
}

func TestVerifyRefusesAnotherKeyAndCutSignatures(t *testing.T) {
	k, other := newKey(t, "ana"), newKey(t, "ana")
	signed, err := provenance.Sign(sample(), k.Signer)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := provenance.Verify(signed, other.Verifier); !errors.Is(err, provenance.ErrUnsigned) {
		t.Fatalf("another key: %v", err)
	}
	byOther, _ := provenance.Sign(sample(), other.Signer)
	if _, err := provenance.Verify(byOther, k.Verifier); !errors.Is(err, provenance.ErrUnsigned) {
		t.Fatalf("signed by another key: %v", err)
	}
	s := string(signed)
	for name, bad := range map[string]string{
		"truncated signature": s[:len(s)-10] + "\n",
		"no signature":        s[:strings.Index(s, "\n\n")+2],
		"truncated record":    s[40:],
		"empty":               "",
	} {
		if _, err := provenance.Verify([]byte(bad), k.Verifier); err == nil {
			t.Errorf("%s: verifies", name)
		}
	}
	// A key's signature over a record that is not a certificate is not one.
	signer, _ := note.NewSigner(k.Signer)
	notCert, _ := note.Sign(&note.Note{Text: "hello\n"}, signer)
	if _, err := provenance.Verify(notCert, k.Verifier); !errors.Is(err, provenance.ErrMalformed) {
		t.Fatalf("signed non-certificate: %v", err)
	}
}

func TestSerialsAreLongUpperCaseBase32(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		s, err := provenance.NewSerial(rand.Reader)
		if err != nil || len(s) != 16 || strings.ToUpper(s) != s || !provenance.ValidSerial(s) || seen[s] {
			t.Fatalf("serial %q, %v", s, err)
		}
		seen[s] = true
	}
	for _, bad := range []string{"", "ABC", "K7Q2M4XZB3WJ5R6t", "K7Q2 M4XZ B3WJ 5R6T", "K7Q2M4XZB3WJ5R61", "../../etc/passwd"} {
		if provenance.ValidSerial(bad) {
			t.Errorf("%q is valid", bad)
		}
	}
}
