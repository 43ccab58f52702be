package server

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"atelier/internal/pdf"
	"atelier/internal/store"
	"atelier/internal/store/storetest"
	"atelier/internal/studio"
)

// newWebPiece starts a piece in studio ana and returns its id.
func newWebPiece(t *testing.T, s *store.Store, subject string) string {
	t.Helper()
	d, err := s.CreatePiece(context.Background(), mustSlug(t, s, "ana").ID, "", studio.NewPieceFields{Subject: subject, TargetHeightMM: 40})
	if err != nil {
		t.Fatal(err)
	}
	return d.ID
}

// certifiedEdition makes an edition of 12 in studio ana with two numbered
// pieces at collector-grade, and certifies the first; it returns the
// edition, both pieces and the serial.
func certifiedEdition(t *testing.T, s *store.Store) (edition string, pieces []string, serial string) {
	t.Helper()
	ctx, ana := context.Background(), mustSlug(t, s, "ana").ID
	e, err := s.CreateEdition(ctx, ana, studio.Edition{Title: "Grandma Rose", Subject: "Grandma Rose", Size: 12, ClayBrands: []string{"premo"}, TargetHeightMM: 40})
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		d, _, err := s.IssueEditionPiece(ctx, ana, "", e.ID, store.EditionPieceFields{})
		if err != nil {
			t.Fatal(err)
		}
		storetest.CollectorGrade(t, s, ana, d.ID)
		pieces = append(pieces, d.ID)
	}
	story := "Cast from the master of the first Rose."
	ic, err := s.IssueCertificate(ctx, ana, pieces[0], &story)
	if err != nil {
		t.Fatal(err)
	}
	return e.ID, pieces, ic.Serial
}

// checkPDF fails unless the answer is a PDF that qpdf finds sound. Without
// qpdf the check is skipped, except in CI, where it must run.
func checkPDF(t *testing.T, res *http.Response, body string) {
	t.Helper()
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(body, "%PDF") {
		t.Fatalf("%s: status %d, %q, starts %q", res.Request.URL, res.StatusCode, res.Header.Get("Content-Type"), body[:min(len(body), 200)])
	}
	if !strings.HasPrefix(res.Header.Get("Content-Disposition"), "inline; filename=") {
		t.Fatalf("%s: Content-Disposition %q", res.Request.URL, res.Header.Get("Content-Disposition"))
	}
	qpdf, err := exec.LookPath("qpdf")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("qpdf is not installed, and CI needs it")
		}
		t.Skip("qpdf is not installed")
	}
	file := filepath.Join(t.TempDir(), "out.pdf")
	if err := os.WriteFile(file, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(qpdf, "--check", file).CombinedOutput(); err != nil {
		t.Fatalf("qpdf --check %s: %v\n%s", res.Request.URL, err, out)
	}
}

// The certificate from the piece's page, on both databases: a piece at an
// earlier stage says when it can have one and refuses with 409; at
// collector-grade the form issues it with the story typed; the page then
// shows the serial and its links, the PDFs are sound, and a second
// certificate is refused with 409 naming the first.
func TestWebPieceCertificate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		b, _ := setUpStudio(t, s)
		id := newWebPiece(t, s, "Grandpa Joe")
		page := "/pieces/" + id
		res, body := b.get(page)
		want(t, res, body, 200, `id="certificate-later"`, "once the piece is collector-grade", `action="/pieces/`+id+`/label.pdf"`)
		if strings.Contains(body, `id="issue-certificate"`) {
			t.Fatal("a piece at its first stage offers a certificate")
		}
		res, body = b.post(page+"/certificate", url.Values{"story": {"Too soon."}}, nil)
		want(t, res, body, 409, "A certificate is issued for a collector-grade piece", `role="alert"`)

		storetest.CollectorGrade(t, s, mustSlug(t, s, "ana").ID, id)
		res, body = b.get(page)
		want(t, res, body, 200, `id="issue-certificate"`, `name="story"`, `action="/pieces/`+id+`/certificate"`)

		// The story is checked as a story: the form comes back with it.
		res, body = b.post(page+"/certificate", url.Values{"story": {"bad\x00story"}}, nil)
		want(t, res, body, 422, `id="story-error"`, `role="alert"`)

		res, body = b.post(page+"/certificate", url.Values{"story": {"Made for his <80th> birthday."}}, nil)
		want(t, res, body, 303, page+"#certificate")
		res, body = b.get(page)
		serial := regexp.MustCompile(`id="certificate-serial">([A-Z0-9 ]+)<`).FindStringSubmatch(body)
		if serial == nil {
			t.Fatalf("no serial on the page:\n%s", body)
		}
		raw := strings.ReplaceAll(serial[1], " ", "")
		if pdf.GroupSerial(raw) != serial[1] {
			t.Fatalf("serial %q is not grouped as pdf.GroupSerial groups it", serial[1])
		}
		want(t, res, body, 200, "Certificate "+serial[1]+" is issued", `href="/pieces/`+id+`/certificate.pdf"`,
			`href="/pieces/`+id+`/certificate.pdf?size=a5"`, `href="/v/`+raw+`"`, "Public verification page")
		if strings.Contains(body, `id="issue-certificate"`) {
			t.Fatal("a certified piece offers another certificate")
		}

		for _, q := range []string{"", "?size=a5"} {
			res, body = b.get(page + "/certificate.pdf" + q)
			checkPDF(t, res, body)
			if cd := res.Header.Get("Content-Disposition"); !strings.Contains(cd, "certificate-"+raw+".pdf") {
				t.Fatalf("Content-Disposition %q", cd)
			}
		}
		res, body = b.get(page + "/certificate.pdf?size=a3")
		want(t, res, body, 422, "a6 or a5")

		res, body = b.post(page+"/certificate", url.Values{"story": {"Again."}}, nil)
		want(t, res, body, 409, "This piece already has its certificate, "+raw)

		res, body = b.get(page)
		want(t, res, body, 200)
		res, body = b.get("/v/" + raw)
		want(t, res, body, 200, "Genuine", "Grandpa Joe", "Unique piece", html.EscapeString("Made for his <80th> birthday."))

		// Another piece without a certificate has no PDF; an unknown piece
		// is not found.
		other := newWebPiece(t, s, "Aunt May")
		res, body = b.get("/pieces/" + other + "/certificate.pdf")
		want(t, res, body, 404, "has no certificate yet")
		res, body = b.get("/pieces/nope/certificate.pdf")
		want(t, res, body, 404)
	})
}

// The public verification page on both databases, for anyone: the
// verdict, the edition's place and how many of it are certified, the
// fields, the grouped serial and the key; after the stored record is
// altered, "Not genuine" with the reason; unknown or malformed serials
// are the 404 page.
func TestWebVerifyPage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		_, ts := setUpStudio(t, s)
		_, _, serial := certifiedEdition(t, s)
		anyone := newBrowser(t, ts.URL) // signed in nowhere
		res, body := anyone.get("/v/" + serial)
		key, err := s.StudioKey(context.Background(), "ana")
		if err != nil {
			t.Fatal(err)
		}
		want(t, res, body, 200, `class="verdict genuine"`, "Genuine", "Signed by Ana&#39;s Miniatures", "<h1 id=\"subject\">Grandma Rose</h1>",
			"by Ana Petrova", "Grandma Rose, no. 1 of 12", "1 of 12 certified so far", "41 × 22 × 19 mm (1.61 × 0.87 × 0.75 in)",
			"Sculpey Premo", "matte polyurethane", "Cast from the master of the first Rose.", pdf.GroupSerial(serial), key.Name,
			`href="/s/ana/key"`)
		if strings.Contains(body, "Not genuine") || strings.Contains(body, `class="bar"`) {
			t.Fatalf("the genuine page says not genuine, or shows the app's bar:\n%s", body)
		}

		if _, err := s.DB().Exec(`UPDATE certificates SET signed = replace(signed, 'subject: "', 'subject: "X')`); err != nil {
			t.Fatal(err)
		}
		res, body = anyone.get("/v/" + serial)
		want(t, res, body, 200, "Not genuine", `id="reason"`, "The signature does not match the record", "XGrandma Rose")
		if strings.Contains(body, `class="verdict genuine"`) {
			t.Fatal("an altered record is shown as genuine")
		}

		for _, bad := range []string{"AAAAAAAAAAAAAAAA", "not-a-serial", strings.ToLower(serial) + "x"} {
			res, body = anyone.get("/v/" + bad)
			want(t, res, body, 404, "There is nothing at this address")
		}
	})
}
