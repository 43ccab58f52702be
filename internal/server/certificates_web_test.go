package server

import (
	"context"
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"atelier/internal/api"
	"atelier/internal/pdf"
	"atelier/internal/provenance"
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

// checkPDF fails unless the answer is a PDF that qpdf finds sound, and
// returns its number of pages. Without qpdf the test is skipped, except in
// CI, where it must run.
func checkPDF(t *testing.T, res *http.Response, body string) int {
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
	out, err := exec.Command(qpdf, "--show-npages", file).Output()
	n, _ := strconv.Atoi(strings.TrimSpace(string(out)))
	if err != nil || n < 1 {
		t.Fatalf("qpdf --show-npages %s: %q, %v", res.Request.URL, out, err)
	}
	return n
}

// The certificate from the piece's page, on both databases: a piece at an
// earlier stage says when it can have one and is refused back to its page; at
// collector-grade the form issues it with the story typed; the page then
// shows the serial and its links, the PDFs are sound, and a second
// certificate is refused naming the first.
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
		wantRefused(t, b, res, body, page, "A certificate is issued for a collector-grade piece")

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
		wantRefused(t, b, res, body, page, "This piece already has its certificate, "+raw)

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
			"Sculpey Premo", "matte polyurethane", "Completed</dt><dd><time datetime=\"", "Cast from the master of the first Rose.", pdf.GroupSerial(serial), key.Name,
			`href="/s/ana/key"`)
		if strings.Contains(body, "Not genuine") || strings.Contains(body, `class="bar"`) {
			t.Fatalf("the genuine page says not genuine, or shows the app's bar:\n%s", body)
		}
		fp, err := provenance.Fingerprint(key.Verifier)
		if err != nil || !strings.Contains(body, `id="fingerprint">`+fp+`<`) {
			t.Fatalf("the page lacks the key's fingerprint %q (%v)", fp, err)
		}
		res, body = anyone.get("/s/ana/key")
		if res.StatusCode != 200 || body != key.Verifier+"\n" {
			t.Fatalf("the key the page links to: %d %q, want %q", res.StatusCode, body, key.Verifier)
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

// The edition's certificates on both databases: the page lists each
// piece's serial and links one PDF of them, in number order; an edition
// without a certified piece answers 409 saying so.
func TestWebEditionCertificates(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		b, _ := setUpStudio(t, s)
		edition, pieces, serial := certifiedEdition(t, s)
		page := "/editions/" + edition
		res, body := b.get(page)
		want(t, res, body, 200, "1 of 12 certified", `href="`+page+`/certificates.pdf"`, "<code>"+pdf.GroupSerial(serial)+"</code>")
		story := ""
		if _, err := s.IssueCertificate(context.Background(), mustSlug(t, s, "ana").ID, pieces[1], &story); err != nil {
			t.Fatal(err)
		}
		for _, q := range []string{"", "?size=a5"} {
			res, body = b.get(page + "/certificates.pdf" + q)
			if n := checkPDF(t, res, body); n != 2 {
				t.Fatalf("the edition's PDF%s has %d pages, want one per certified piece, 2", q, n)
			}
		}

		other, err := s.CreateEdition(context.Background(), mustSlug(t, s, "ana").ID, studio.Edition{Title: "Uncle Bo", Subject: "Uncle Bo",
			Size: 10, ClayBrands: []string{"premo"}, TargetHeightMM: 40})
		if err != nil {
			t.Fatal(err)
		}
		res, body = b.get("/editions/" + other.ID + "/certificates.pdf")
		want(t, res, body, 409, "None of this edition&#39;s pieces is certified yet")
		res, body = b.get("/editions/nope/certificates.pdf")
		want(t, res, body, 404)
	})
}

// Labels from the piece's page on both databases: the form offers every
// preset by its published size with the studio's stock chosen; a stock
// that holds the text gives a sound PDF, one too small for it the piece's
// page again with 422 and the reason beside the stock, and bad positions
// 422 beside their fields.
func TestWebPieceLabels(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		b, _ := setUpStudio(t, s)
		_, pieces, _ := certifiedEdition(t, s)
		page := "/pieces/" + pieces[0]
		res, body := b.get(page)
		want(t, res, body, 200, `id="labels"`, `<option value="avery-l7160" selected>Avery L7160 (63.5 × 38.1 mm, 21 a sheet)</option>`,
			`<option value="brother-dk-11204">Brother DK-11204 (17 × 54 mm)</option>`, `name="kind" value="box" checked`, `id="start"`, `id="copies"`)
		if strings.Contains(body, `value="custom"`) {
			t.Fatal("the label form offers a custom stock the studio has not described")
		}
		for _, q := range []string{"", "?kind=plaque&stock=avery-l7651&start=5&copies=3", "?stock=brother-dk-22205", "?kind=box&stock=avery-l7165&start=8&copies=2"} {
			res, body = b.get(page + "/label.pdf" + q)
			checkPDF(t, res, body)
		}
		// A long story on a tiny label.
		long := strings.Repeat("A long and winding story of the piece. ", 12)
		if _, err := s.IssueCertificate(context.Background(), mustSlug(t, s, "ana").ID, pieces[1], &long); err != nil {
			t.Fatal(err)
		}
		for _, stock := range []string{"brother-dk-11204", "avery-l7658"} {
			res, body = b.get("/pieces/" + pieces[1] + "/label.pdf?kind=box&stock=" + stock)
			want(t, res, body, 422, "is too small for the text", `id="stock-error"`, `role="alert"`, `<option value="`+stock+`" selected>`)
			if res.Header.Get("Content-Type") == "application/pdf" {
				t.Fatal("a refused label answered a PDF")
			}
		}
		for _, c := range []struct{ q, field string }{
			{"?stock=avery-l7160&start=22", "start"}, {"?start=first", "start"}, {"?copies=1001", "copies"}, {"?copies=two", "copies"},
			{"?stock=avery-l9999", "stock"}, {"?kind=sticker", "kind"},
		} {
			res, body = b.get(page + "/label.pdf" + c.q)
			want(t, res, body, 422, `role="alert"`)
			if c.field != "kind" && !strings.Contains(body, `id="`+c.field+`-error"`) {
				t.Fatalf("label.pdf%s: no message beside %s\n%s", c.q, c.field, alertOf(body))
			}
		}
		res, body = b.get("/pieces/nope/label.pdf")
		want(t, res, body, 404)
	})
}

// The label settings on both databases, owner only: a preset chosen is
// saved and becomes the label form's default; a custom stock is described
// field by field, its errors beside its fields; offsets beyond ±10 mm are
// refused.
func TestWebLabelSettings(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		b, _ := setUpStudio(t, s)
		ana := mustSlug(t, s, "ana").ID
		res, body := b.get("/settings")
		want(t, res, body, 200, `action="/settings/labels"`, `<option value="avery-l7160" selected>`, `<option value="dymo-99012">Dymo 99012 (36 × 89 mm)</option>`,
			`<option value="custom">`, `name="custom.page_width_mm"`, `name="custom.pitch_y_mm"`, `name="offset_x_mm"`)

		res, body = b.post("/settings/labels", url.Values{"stock": {"dymo-99012"}, "offset_x_mm": {"0.5"}, "offset_y_mm": {"-1"}}, nil)
		want(t, res, body, 303, "/settings")
		res, body = b.get("/settings")
		want(t, res, body, 200, "Label settings saved: labels print on Dymo 99012 (36 × 89 mm).", `<option value="dymo-99012" selected>`, `value="0.5"`, `value="-1"`)
		if ls, err := s.LabelSettings(context.Background(), ana); err != nil || ls.Stock != "dymo-99012" || ls.OffsetXMM != 0.5 || ls.OffsetYMM != -1 || ls.Custom != nil {
			t.Fatalf("saved %+v, %v", ls, err)
		}
		piece := newWebPiece(t, s, "Cousin Kit")
		res, body = b.get("/pieces/" + piece)
		want(t, res, body, 200, `<option value="dymo-99012" selected>`)

		custom := url.Values{"stock": {"custom"}, "custom.page_width_mm": {"210"}, "custom.page_height_mm": {"297"}, "custom.label_width_mm": {"70"},
			"custom.label_height_mm": {"37"}, "custom.columns": {"3"}, "custom.rows": {"8"}, "custom.margin_top_mm": {"0"}, "custom.margin_left_mm": {"0"},
			"custom.pitch_x_mm": {"70"}, "custom.pitch_y_mm": {"37"}, "offset_x_mm": {"0"}, "offset_y_mm": {"0"}}
		for _, c := range []struct {
			name string
			form url.Values
			says []string
		}{
			{"labels wider than the page", with(custom, "custom.columns", "4"), []string{`id="custom-label_width_mm-error"`, "labels reach 280.0 mm across a page 210.0 mm wide"}},
			{"no page width", with(custom, "custom.page_width_mm", ""), []string{`id="custom-page_width_mm-error"`, "must be more than 0 mm"}},
			{"words for numbers", with(custom, "custom.rows", "eight", "custom.pitch_x_mm", "seventy"), []string{`id="custom-rows-error"`, `id="custom-pitch_x_mm-error"`, `value="eight"`}},
			{"a pitch smaller than the label", with(custom, "custom.pitch_y_mm", "30"), []string{`id="custom-pitch_y_mm-error"`, "must be at least the label height"}},
			{"an offset beyond 10 mm", with(custom, "offset_x_mm", "10.5"), []string{`id="offset_x_mm-error"`, "must be from -10 to 10 mm"}},
			{"an offset beyond -10 mm", with(url.Values{"stock": {"avery-l7160"}}, "offset_y_mm", "-11"), []string{`id="offset_y_mm-error"`}},
			{"an unknown stock", url.Values{"stock": {"avery-l1234"}}, []string{`id="stock-error"`, "not a label stock Atelier knows"}},
		} {
			res, body := b.post("/settings/labels", c.form, nil)
			want(t, res, body, 422, append([]string{`id="labels-alert"`}, c.says...)...)
		}
		if ls, err := s.LabelSettings(context.Background(), ana); err != nil || ls.Stock != "dymo-99012" {
			t.Fatalf("a refused form changed the settings: %+v, %v", ls, err)
		}

		res, body = b.post("/settings/labels", custom, nil)
		want(t, res, body, 303, "/settings")
		res, body = b.get("/settings")
		want(t, res, body, 200, "labels print on Custom (70 × 37 mm, 24 a sheet).", `<option value="custom" selected>`, `id="custom-stock" open`, `value="70"`)
		res, body = b.get("/pieces/" + piece)
		want(t, res, body, 200, `<option value="custom" selected>Custom (70 × 37 mm, 24 a sheet)</option>`)
		res, body = b.get("/pieces/" + piece + "/label.pdf?stock=custom&start=24")
		checkPDF(t, res, body)

		// A preset chosen keeps the custom stock, to choose again.
		res, body = b.post("/settings/labels", with(custom, "stock", "avery-l7163"), nil)
		want(t, res, body, 303)
		if ls, err := s.LabelSettings(context.Background(), ana); err != nil || ls.Stock != "avery-l7163" || ls.Custom == nil || ls.Custom.Columns != 3 {
			t.Fatalf("saved %+v, %v", ls, err)
		}
	})
}

// Every free-text field of the certificate and label forms refuses a NUL,
// invalid UTF-8, control characters and an over-long value with 422 and
// the rule's words beside the field, and openapi.json states its limit.
func TestWebCertificateStory(t *testing.T) {
	var doc map[string]any
	if err := json.Unmarshal(api.OpenAPI(), &doc); err != nil {
		t.Fatal(err)
	}
	if got, _ := docProperty(doc, "/pieces/{id}/certificate", "post", "story")["maxLength"].(float64); int(got) != studio.StoryText.Max {
		t.Errorf("story: maxLength %v in openapi.json, want %d", got, studio.StoryText.Max)
	}
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		b, _ := setUpStudio(t, s)
		id := newWebPiece(t, s, "Nana")
		storetest.CollectorGrade(t, s, mustSlug(t, s, "ana").ID, id)
		for what, v := range badText(studio.StoryText) {
			res, body := b.post("/pieces/"+id+"/certificate", url.Values{"story": {v}}, nil)
			if why := studio.StoryText.Problem(v); res.StatusCode != 422 || !strings.Contains(body, htmlEscaped(why)) || !strings.Contains(body, `id="story-error"`) {
				t.Errorf("story with %s: %d, want 422 saying %q beside the field: %s", what, res.StatusCode, why, alertOf(body))
			}
		}
		if _, ok, err := s.PieceCertificate(context.Background(), mustSlug(t, s, "ana").ID, id); ok || err != nil {
			t.Fatalf("a refused story issued a certificate (%v)", err)
		}
	})
}

// A commissioned piece's certificate form starts from the commission's
// story, on both databases; the certificate keeps the story as sent, and
// an emptied story prints none.
func TestWebCertificateStoryFromCommission(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		b, ts := setUpStudio(t, s)
		ana := mustSlug(t, s, "ana")
		c, _, err := s.CreateInquiry(ctx, ana.ID, studio.InquiryFields{SubjectName: "Grandpa Joe", ContactName: "Lea", ContactEmail: "lea@example.com",
			Story: "He fixed every clock in the village & never charged."}, nil)
		if err != nil {
			t.Fatal(err)
		}
		price := int64(45000)
		if _, err := s.MoveCommission(ctx, ana.ID, c.ID, "", studio.Move{To: studio.Quoted, PriceCents: &price, DepositCents: &price, PromisedDate: "2099-01-01"}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.MoveCommission(ctx, ana.ID, c.ID, "", studio.Move{To: studio.Accepted}); err != nil {
			t.Fatal(err)
		}
		piece, err := s.PieceOfCommission(ctx, ana.ID, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		storetest.CollectorGrade(t, s, ana.ID, piece.ID)
		page := "/pieces/" + piece.ID
		res, body := b.get(page)
		want(t, res, body, 200, `name="story" rows="5">He fixed every clock in the village &amp; never charged.</textarea>`)

		res, body = b.post(page+"/certificate", url.Values{"story": {""}}, nil)
		want(t, res, body, 303)
		ic, ok, err := s.PieceCertificate(ctx, ana.ID, piece.ID)
		if err != nil || !ok || ic.Story != "" {
			t.Fatalf("certificate %+v, %v, %v: want one without a story", ic.Certificate, ok, err)
		}
		res, body = newBrowser(t, ts.URL).get("/v/" + ic.Serial)
		want(t, res, body, 200, "Genuine")
		if strings.Contains(body, "The story") {
			t.Fatal("a certificate without a story shows a story")
		}
	})
}
