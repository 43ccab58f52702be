package server

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/mod/sumdb/note"

	"atelier/internal/provenance"
	"atelier/internal/store"
	"atelier/internal/store/storetest"
)

// passQC records a passing quality control of a piece at the QC stage.
func (f *fixture) passQC(t *testing.T, id string) map[string]any {
	t.Helper()
	return f.mustCall(t, "POST", "/api/v1/pieces/"+id+"/qc", "assistant",
		`{"checks":{"proportions":true,"no_seams":true,"even_paint":true,"eyes":true,"coating":true,"no_cracks":true},"notes":"ready"}`, 200)
}

// needTool finds a command-line tool a test drives: in CI (where .ci/run
// installs it) a missing tool fails the test, elsewhere it skips it.
func needTool(t *testing.T, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is not installed", name)
		}
		t.Skipf("%s is not installed", name)
	}
	return path
}

// scanPDF renders a PDF's first page and reads its QR code with zbarimg.
func scanPDF(t *testing.T, data []byte) string {
	t.Helper()
	dir := t.TempDir()
	file := filepath.Join(dir, "c.pdf")
	if err := os.WriteFile(file, data, 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(needTool(t, "qpdf"), "--check", file).CombinedOutput(); err != nil {
		t.Fatalf("qpdf --check: %v\n%s", err, out)
	}
	if out, err := exec.Command(needTool(t, "pdftoppm"), "-r", "200", "-png", "-singlefile", file, filepath.Join(dir, "page")).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v\n%s", err, out)
	}
	out, err := exec.Command(needTool(t, "zbarimg"), "--raw", "-q", filepath.Join(dir, "page.png")).Output()
	if err != nil {
		t.Fatalf("zbarimg found no code: %v", err)
	}
	return strings.TrimSpace(string(out))
}

// An edition, a numbered piece taken to collector-grade, its certificate
// and its verification, through the API alone; with the refusals on the
// way and the ways a record can fail to be genuine.
func TestCertificateThroughTheAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		e := f.mustCall(t, "POST", "/api/v1/editions", "assistant", `{"title":"Roses","subject":"Grandma Rose","size":12,"clay_brands":["premo"],
			"target_height_mm":40,"master_armature":{"name":"Rose master","location":"shelf 2"},"moulds":[{"name":"Head","location":"drawer A"}]}`, 201)
		eid := e["id"].(string)
		first := f.mustCall(t, "POST", "/api/v1/editions/"+eid+"/pieces", "assistant", `{"max_thickness_mm":9}`, 201)
		id := first["piece_id"].(string)

		// Not collector-grade yet: no certificate, no verification.
		out := f.mustCall(t, "POST", "/api/v1/pieces/"+id+"/certificate", "assistant", ``, 409)
		if !strings.Contains(errMessage(out), "collector-grade") {
			t.Fatalf("certificate of a piece at concept: %v", out)
		}
		f.mustCall(t, "GET", "/api/v1/pieces/"+id+"/certificate", "assistant", "", 404)
		f.walk(t, id, "qc")
		f.mustCall(t, "POST", "/api/v1/pieces/"+id+"/certificate", "assistant", `{}`, 409)
		if p := f.passQC(t, id); p["stage"] != "collector_grade" {
			t.Fatalf("after QC: %v", p["stage"])
		}
		f.mustCall(t, "POST", "/api/v1/pieces/"+id+"/certificate", "assistant", `{"story":"`+strings.Repeat("a", 10001)+`"}`, 422)
		f.mustCall(t, "POST", "/api/v1/pieces/"+id+"/certificate", "ben", `{}`, 404)

		c := f.mustCall(t, "POST", "/api/v1/pieces/"+id+"/certificate", "assistant", `{"story":"Cast from the first master.\nSecond line."}`, 201)
		serial := c["serial"].(string)
		if !provenance.ValidSerial(serial) || c["edition"] != "1/12" || c["subject"] != "Grandma Rose" || c["artist"] != "Ana Petrova" ||
			c["height_mm"] != 41.0 || c["height_in"] != 1.61 || c["clay"] != "Sculpey Premo!" || !strings.Contains(c["finish"].(string), "matte polyurethane, 2 coats") ||
			c["verify_url"] != "http://localhost:8080/v/"+serial || !strings.HasPrefix(c["signed"].(string), "atelier-certificate/v1\n") {
			t.Fatalf("certificate %v", c)
		}
		again := f.mustCall(t, "POST", "/api/v1/pieces/"+id+"/certificate", "assistant", `{}`, 409)
		if again["serial"] != serial || !strings.Contains(errMessage(again), serial) {
			t.Fatalf("a second certificate does not point at the first: %v", again)
		}
		if got := f.mustCall(t, "GET", "/api/v1/pieces/"+id+"/certificate", "assistant", "", 200); got["serial"] != serial {
			t.Fatalf("the piece's certificate %v", got)
		}

		// The studio's published key verifies the signed record with the
		// signed-note package alone.
		res, body := f.do(t, "GET", "/s/ana/key", "", "")
		key := strings.TrimSpace(string(body))
		if res.StatusCode != 200 || key != c["key"].(map[string]any)["verifier"] || !strings.HasPrefix(key, "atelier/ana/") {
			t.Fatalf("key %d %q", res.StatusCode, body)
		}
		v, err := note.NewVerifier(key)
		if err != nil {
			t.Fatal(err)
		}
		if n, err := note.Open([]byte(c["signed"].(string)), note.VerifierList(v)); err != nil || !strings.Contains(n.Text, "serial: "+serial) {
			t.Fatalf("the record does not open with the published key: %v", err)
		}
		f.mustCall(t, "GET", "/s/nobody/key", "", "", 404)

		// Anyone can verify it, by serial or by the record they hold.
		verdict := f.mustCall(t, "GET", "/api/v1/verify/"+serial, "", "", 200)
		ed := verdict["edition"].(map[string]any)
		if verdict["genuine"] != true || ed["number"] != 1.0 || ed["size"] != 12.0 || ed["certified"] != 1.0 ||
			verdict["certificate"].(map[string]any)["story"] != "Cast from the first master.\nSecond line." {
			t.Fatalf("verdict %v", verdict)
		}
		signed := c["signed"].(string)
		if v := f.verifySigned(t, signed); v["genuine"] != true {
			t.Fatalf("the held record: %v", v)
		}
		asJSON, _ := json.Marshal(map[string]string{"signed": signed})
		if v := f.mustCall(t, "POST", "/api/v1/verify", "", string(asJSON), 200); v["genuine"] != true {
			t.Fatalf("the held record as JSON: %v", v)
		}
		f.mustCall(t, "POST", "/api/v1/verify", "", `{"signed":1}`, 422)
		other, _ := provenance.NewKey(rand.Reader, "ana")
		decoded, _ := provenance.Decode([]byte(signed[:strings.Index(signed, "\n\n")+1]))
		forged, _ := provenance.Sign(decoded, other.Signer)
		for name, bad := range map[string]string{
			"an altered field":      strings.Replace(signed, "edition: 1/12", "edition: 2/12", 1),
			"a truncated signature": signed[:len(signed)-12] + "\n",
			"another key":           string(forged),
			"no signature":          signed[:strings.Index(signed, "\n\n")+2],
			"not a certificate":     "hello\n",
		} {
			if v := f.verifySigned(t, bad); v["genuine"] != false || v["reason"] == "" {
				t.Errorf("%s: %v", name, v)
			}
		}
		f.mustCall(t, "GET", "/api/v1/verify/AAAAAAAAAAAAAAAA", "", "", 404)
		f.mustCall(t, "GET", "/api/v1/verify/not-a-serial", "", "", 404)
		f.mustCall(t, "GET", "/api/v1/verify/"+strings.ToLower(serial), "", "", 404)

		// The printed certificate and the edition's.
		for _, size := range []string{"", "?size=a5"} {
			res, pdf := f.do(t, "GET", "/api/v1/certificates/"+serial+".pdf"+size, "assistant", "")
			if res.StatusCode != 200 || res.Header.Get("Content-Type") != "application/pdf" || len(pdf) > 60_000 {
				t.Fatalf("certificate PDF%s: %d %s, %d bytes", size, res.StatusCode, res.Header.Get("Content-Type"), len(pdf))
			}
			if got := scanPDF(t, pdf); got != "http://localhost:8080/v/"+serial {
				t.Fatalf("the QR code reads %q", got)
			}
		}
		f.mustCall(t, "GET", "/api/v1/certificates/"+serial+".pdf?size=letter", "assistant", "", 422)
		f.mustCall(t, "GET", "/api/v1/certificates/"+serial+".pdf", "ben", "", 404)
		f.mustCall(t, "GET", "/api/v1/certificates/AAAAAAAAAAAAAAAA.pdf", "assistant", "", 404)
		if got := f.mustCall(t, "GET", "/api/v1/certificates/"+serial, "assistant", "", 200); got["piece_id"] != id {
			t.Fatalf("certificate JSON %v", got)
		}
		if res, pdf := f.do(t, "GET", "/api/v1/editions/"+eid+"/certificates.pdf", "assistant", ""); res.StatusCode != 200 || !strings.HasPrefix(string(pdf), "%PDF") {
			t.Fatalf("edition PDF %d", res.StatusCode)
		}
		empty := f.mustCall(t, "POST", "/api/v1/editions/"+eid+"/reissue", "assistant", `{}`, 201)
		f.mustCall(t, "GET", "/api/v1/editions/"+empty["id"].(string)+"/certificates.pdf", "assistant", "", 409)

		// A record altered in the database no longer verifies.
		_, err = s.DB().ExecContext(context.Background(), `UPDATE certificates SET signed = replace(signed, 'subject: "Grandma', 'subject: "Grandpa') WHERE serial = $1`, serial)
		if err != nil {
			t.Fatal(err)
		}
		verdict = f.mustCall(t, "GET", "/api/v1/verify/"+serial, "", "", 200)
		if verdict["genuine"] != false || !strings.Contains(verdict["reason"].(string), "altered") ||
			verdict["certificate"].(map[string]any)["subject"] != "Grandpa Rose" {
			t.Fatalf("a tampered record: %v", verdict)
		}
	})
}

func (f *fixture) verifySigned(t *testing.T, signed string) map[string]any {
	t.Helper()
	res, out := f.send(t, "POST", "/api/v1/verify", "", "text/plain", strings.NewReader(signed))
	if res.StatusCode != http.StatusOK {
		t.Fatalf("POST /api/v1/verify: %d %v", res.StatusCode, out)
	}
	return out
}

// Labels print on the studio's stock, at the position asked, and refuse a
// stock too small for the text; the settings refuse a stock that cannot be.
func TestLabelsThroughTheAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		id := f.pieceAt(t, "mount")
		got := f.mustCall(t, "GET", "/api/v1/studio/labels", "assistant", "", 200)
		if got["settings"].(map[string]any)["stock"] != "avery-l7160" || len(got["stocks"].([]any)) != 12 {
			t.Fatalf("label settings %v", got)
		}
		for _, q := range []string{"", "?kind=plaque&stock=avery-l7651", "?start=21", "?stock=dymo-99012&copies=3", "?stock=brother-dk-22205"} {
			res, body := f.do(t, "GET", "/api/v1/pieces/"+id+"/label.pdf"+q, "assistant", "")
			if res.StatusCode != 200 || !strings.HasPrefix(string(body), "%PDF") {
				t.Fatalf("label%s: %d %s", q, res.StatusCode, body)
			}
		}
		for q, field := range map[string]string{"?start=22": "start", "?start=x": "start", "?copies=0.5": "copies", "?kind=poster": "kind", "?stock=avery-9999": "stock",
			"?stock=custom": "custom"} {
			out := f.mustCall(t, "GET", "/api/v1/pieces/"+id+"/label.pdf"+q, "assistant", "", 422)
			if _, ok := out["error"].(map[string]any)["fields"].(map[string]any)[field]; !ok {
				t.Errorf("label%s: %v", q, out)
			}
		}
		f.mustCall(t, "GET", "/api/v1/pieces/"+id+"/label.pdf", "ben", "", 404)

		// A long story does not fit a 17 × 54 mm label: 422 saying so.
		f.mustCall(t, "PATCH", "/api/v1/pieces/"+id, "assistant", `{"subject":"`+strings.Repeat("Grandmother ", 15)+`"}`, 200)
		out := f.mustCall(t, "GET", "/api/v1/pieces/"+id+"/label.pdf?stock=brother-dk-11204", "assistant", "", 422)
		if !strings.Contains(errMessage(out), "too small") {
			t.Fatalf("a label too small: %v", out)
		}

		custom := `{"stock":"custom","custom":{"page_width_mm":210,"page_height_mm":297,"label_width_mm":70,"label_height_mm":37,"columns":3,"rows":8,
			"pitch_x_mm":70,"pitch_y_mm":37},"offset_x_mm":1.5,"offset_y_mm":-0.5}`
		f.mustCall(t, "PUT", "/api/v1/studio/labels", "assistant", custom, 403)
		if got := f.mustCall(t, "PUT", "/api/v1/studio/labels", "owner", custom, 200); got["settings"].(map[string]any)["offset_x_mm"] != 1.5 {
			t.Fatalf("saved %v", got)
		}
		f.mustCall(t, "PATCH", "/api/v1/pieces/"+id, "assistant", `{"subject":"Grandma Rose"}`, 200)
		if res, _ := f.do(t, "GET", "/api/v1/pieces/"+id+"/label.pdf?start=24", "assistant", ""); res.StatusCode != 200 {
			t.Fatalf("label on the custom stock: %d", res.StatusCode)
		}
		for body, field := range map[string]string{
			`{"stock":"custom"}`: "custom",
			`{"stock":"custom","custom":{"page_width_mm":210,"page_height_mm":297,"label_width_mm":300,"label_height_mm":37,"columns":1,"rows":1}}`: "custom.label_width_mm",
			`{"stock":"avery-l7160","offset_x_mm":11}`: "offset_x_mm",
			`{"stock":"nope"}`:                         "stock",
		} {
			out := f.mustCall(t, "PUT", "/api/v1/studio/labels", "owner", body, 422)
			if _, ok := out["error"].(map[string]any)["fields"].(map[string]any)[field]; !ok {
				t.Errorf("%s: %v", body, out)
			}
		}
		saved := f.mustCall(t, "GET", "/api/v1/studio/labels", "owner", "", 200)["settings"].(map[string]any)
		if b, _ := json.Marshal(saved); saved["stock"] != "custom" || saved["offset_y_mm"] != -0.5 {
			t.Fatalf("refused settings changed the saved ones: %s", b)
		}
	})
}
