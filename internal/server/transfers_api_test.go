package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"atelier/internal/api"
	"atelier/internal/provenance"
	"atelier/internal/store"
	"atelier/internal/store/storetest"
	"atelier/internal/studio"
)

// certify takes a new piece of ana's to collector-grade and issues its
// certificate through the API: the 201 answer.
func (f *fixture) certify(t *testing.T) map[string]any {
	t.Helper()
	id := storetest.CollectorGradeNew(t, f.store, f.ana.ID)
	return f.mustCall(t, "POST", "/api/v1/pieces/"+id+"/certificate", "assistant", "", 201)
}

// transfer posts a transfer from the address ip, without a token.
func (f *fixture) transfer(t *testing.T, ip, serial, code, name string, show bool) (*http.Response, map[string]any) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"serial": serial, "code": code, "new_owner_name": name, "show_name": show})
	return f.transferRaw(t, ip, string(body))
}

func (f *fixture) transferRaw(t *testing.T, ip, body string) (*http.Response, map[string]any) {
	t.Helper()
	req := httptest.NewRequest("POST", "/api/v1/public/transfers", strings.NewReader(body))
	req.RemoteAddr = ip + ":40000"
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	f.srv.Handler().ServeHTTP(rec, req)
	var out map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
		t.Fatalf("transfer answered %d %q", rec.Code, rec.Body.String())
	}
	return rec.Result(), out
}

// pdfText is a PDF's text, as pdftotext reads it.
func pdfText(t *testing.T, data []byte) string {
	t.Helper()
	file := filepath.Join(t.TempDir(), "c.pdf")
	if err := os.WriteFile(file, data, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(needTool(t, "pdftotext"), "-enc", "UTF-8", file, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

// The code is in the 201 of issuing and nowhere else; a transfer with it
// answers a new code, the log grows by one transfer leaf that does not
// hold the name, and the old code, used again, is forbidden.
func TestTransferThroughTheAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		issued := f.certify(t)
		serial, code := issued["serial"].(string), issued["transfer_code"].(string)
		if _, ok := studio.NormalizeTransferCode(code); !ok || len(code) != 19 {
			t.Fatalf("transfer_code %q", code)
		}
		for _, path := range []string{"/api/v1/certificates/" + serial, "/api/v1/pieces/" + issued["piece_id"].(string) + "/certificate"} {
			if got := f.mustCall(t, "GET", path, "assistant", "", 200); got["transfer_code"] != nil {
				t.Fatalf("%s shows the transfer code", path)
			}
		}
		before := f.mustCall(t, "GET", "/api/v1/verify/"+serial, "", "", 200)
		if p := before["provenance"].([]any); len(p) != 1 || p[0].(map[string]any)["kind"] != "issued" || p[0].(map[string]any)["owner"] != "Ana's Miniatures" {
			t.Fatalf("provenance before a transfer: %v", before["provenance"])
		}
		treeBefore := before["log"].(map[string]any)["tree_size"].(float64)

		res, out := f.transfer(t, "198.51.100.7", strings.ToLower(serial), strings.ReplaceAll(code, "-", ""), "Marta Lindqvist", true)
		next, _ := out["transfer_code"].(string)
		if res.StatusCode != 200 || next == "" || next == code || res.Header.Get("Cache-Control") != "no-store" {
			t.Fatalf("transfer: %d %v", res.StatusCode, out)
		}
		after := f.mustCall(t, "GET", "/api/v1/verify/"+serial, "", "", 200)
		if after["log"].(map[string]any)["tree_size"].(float64) != treeBefore+1 {
			t.Fatalf("the log did not grow by one: %v → %v", treeBefore, after["log"])
		}
		p := after["provenance"].([]any)
		last := p[len(p)-1].(map[string]any)
		if len(p) != 2 || last["kind"] != "transfer" || last["owner"] != "Marta Lindqvist" || last["erased"] != false {
			t.Fatalf("provenance after a transfer: %v", p)
		}
		leaf := logLeaf(t, s, f.ana.ID, int64(last["index"].(float64)))
		l, err := provenance.ParseLeaf(leaf)
		if err != nil || l.Kind != provenance.TransferHeader || l.Transfer.Serial != serial || strings.Contains(string(leaf), "Marta") ||
			l.Transfer.Owner == "Marta Lindqvist" {
			t.Fatalf("transfer leaf %q: %v", leaf, err)
		}
		// The entry bundle anyone reads holds the leaf, and not the name.
		res, bundle := f.do(t, "GET", fmt.Sprintf("/s/ana/log/tile/entries/000.p/%d", int64(treeBefore)+1), "", "")
		if res.StatusCode != 200 || !bytes.Contains(bundle, leaf) || bytes.Contains(bundle, []byte("Marta")) {
			t.Fatalf("entry bundle: %d, holds the leaf: %v", res.StatusCode, bytes.Contains(bundle, leaf))
		}

		res, out = f.transfer(t, "198.51.100.7", serial, code, "Thief", false)
		if res.StatusCode != 403 || !strings.Contains(errMessage(out), "transfer code") {
			t.Fatalf("the old code again: %d %v", res.StatusCode, out)
		}
		res, _ = f.transfer(t, "198.51.100.8", serial, next, "Jonas", false)
		if res.StatusCode != 200 {
			t.Fatalf("the new owner's code: %d", res.StatusCode)
		}
		res, _ = f.transfer(t, "198.51.100.8", serial, next, "Jonas again", false)
		if res.StatusCode != 403 {
			t.Fatalf("a reused code: %d", res.StatusCode)
		}
		// Jonas did not show his name.
		p = f.mustCall(t, "GET", "/api/v1/verify/"+serial, "", "", 200)["provenance"].([]any)
		if len(p) != 3 || p[2].(map[string]any)["owner"] != nil {
			t.Fatalf("a hidden name shows: %v", p)
		}
	})
}

func logLeaf(t *testing.T, s *store.Store, studioID string, idx int64) []byte {
	t.Helper()
	var leaf []byte
	if err := s.DB().QueryRow(`SELECT data FROM log_entries WHERE studio_id = $1 AND idx = $2`, studioID, idx).Scan(&leaf); err != nil {
		t.Fatal(err)
	}
	return leaf
}

// A wrong, reused or guessed code, and every other bad request.
func TestTransferRefusesBadRequests(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		issued := f.certify(t)
		serial, code := issued["serial"].(string), issued["transfer_code"].(string)
		other := f.certify(t)
		for i, tc := range []struct {
			name   string
			body   string
			status int
			field  string
		}{
			{"guessed code", `{"serial":"` + serial + `","code":"AAAA-BBBB-CCCC-DDDD","new_owner_name":"X"}`, 403, ""},
			{"another certificate's code", `{"serial":"` + serial + `","code":"` + other["transfer_code"].(string) + `","new_owner_name":"X"}`, 403, ""},
			{"not a code at all", `{"serial":"` + serial + `","code":"let me in","new_owner_name":"X"}`, 403, ""},
			{"unknown serial", `{"serial":"AAAAAAAAAAAAAAAA","code":"` + code + `","new_owner_name":"X"}`, 404, ""},
			{"malformed serial", `{"serial":"nope","code":"` + code + `","new_owner_name":"X"}`, 404, ""},
			{"no name", `{"serial":"` + serial + `","code":"` + code + `","new_owner_name":"   "}`, 422, "new_owner_name"},
			{"name of two lines", `{"serial":"` + serial + `","code":"` + code + `","new_owner_name":"A\nB"}`, 422, "new_owner_name"},
			{"name too long", `{"serial":"` + serial + `","code":"` + code + `","new_owner_name":"` + strings.Repeat("n", 101) + `"}`, 422, "new_owner_name"},
			{"show_name not a bool", `{"serial":"` + serial + `","code":"` + code + `","new_owner_name":"X","show_name":"yes"}`, 422, "show_name"},
			{"no code", `{"serial":"` + serial + `","new_owner_name":"X"}`, 422, "code"},
			{"unknown field", `{"serial":"` + serial + `","code":"` + code + `","new_owner_name":"X","price":1}`, 422, ""},
			{"not JSON", `{"serial":`, 400, ""},
		} {
			// Each from its own address, so that no limit is reached.
			res, out := f.transferRaw(t, fmt.Sprintf("203.0.113.%d", i+1), tc.body)
			if res.StatusCode != tc.status {
				t.Errorf("%s: %d %v; want %d", tc.name, res.StatusCode, out, tc.status)
				continue
			}
			if tc.field != "" {
				fields, _ := out["error"].(map[string]any)["fields"].(map[string]any)
				if fields[tc.field] == nil {
					t.Errorf("%s: fields %v lack %s", tc.name, fields, tc.field)
				}
			}
		}
		if res, out := f.transfer(t, "203.0.113.99", serial, code, "Marta", false); res.StatusCode != 200 {
			t.Fatalf("the right code after refusals: %d %v", res.StatusCode, out)
		}
	})
}

// Guessing is limited per certificate, whatever the address, and per
// address, whatever the certificate: 403 until the limit, then 429 with
// Retry-After, even for the right code.
func TestGuessedTransferCodesAreRateLimited(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		issued := f.certify(t)
		serial, code := issued["serial"].(string), issued["transfer_code"].(string)
		for i := range api.WrongTransferCodesPerSerial {
			res, _ := f.transfer(t, fmt.Sprintf("192.0.2.%d", i+1), serial, "AAAA-AAAA-AAAA-AAA"+string(rune('A'+i)), "X", false)
			if res.StatusCode != 403 {
				t.Fatalf("guess %d: %d", i+1, res.StatusCode)
			}
		}
		res, out := f.transfer(t, "192.0.2.200", serial, code, "Marta", false)
		if res.StatusCode != 429 || res.Header.Get("Retry-After") == "" || out["error"].(map[string]any)["code"] != "rate_limited" {
			t.Fatalf("after %d wrong codes for one serial: %d %v", api.WrongTransferCodesPerSerial, res.StatusCode, out)
		}

		// One address, a few guesses at each of many certificates.
		var serials []string
		for range api.WrongTransferCodesPerAddress/(api.WrongTransferCodesPerSerial-1) + 1 {
			serials = append(serials, f.certify(t)["serial"].(string))
		}
		guesses := 0
		for _, sr := range serials {
			for range api.WrongTransferCodesPerSerial - 1 {
				if guesses == api.WrongTransferCodesPerAddress {
					break
				}
				if res, _ := f.transfer(t, "192.0.2.250", sr, "BBBB-BBBB-BBBB-BBBB", "X", false); res.StatusCode != 403 {
					t.Fatalf("guess %d from one address: %d", guesses+1, res.StatusCode)
				}
				guesses++
			}
		}
		last := serials[len(serials)-1]
		if res, _ := f.transfer(t, "192.0.2.250", last, "CCCC-CCCC-CCCC-CCCC", "X", false); res.StatusCode != 429 {
			t.Fatalf("after %d wrong codes from one address: %d", guesses, res.StatusCode)
		}
		// Another address still may: the limit is the address's.
		if res, _ := f.transfer(t, "192.0.2.251", last, "CCCC-CCCC-CCCC-CCCC", "X", false); res.StatusCode != 403 {
			t.Fatalf("another address: %d", res.StatusCode)
		}
	})
}

// Two transfers with the same code at once: one is answered 200, the
// others 403, and the log holds one transfer.
func TestConcurrentTransfersThroughTheAPIOneWins(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		issued := f.certify(t)
		serial, code := issued["serial"].(string), issued["transfer_code"].(string)
		const n = 4
		statuses := make([]int, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				res, _ := f.transfer(t, fmt.Sprintf("198.18.0.%d", i+1), serial, code, fmt.Sprintf("Owner %d", i), true)
				statuses[i] = res.StatusCode
			})
		}
		wg.Wait()
		ok := 0
		for _, st := range statuses {
			switch st {
			case 200:
				ok++
			case 403:
			default:
				t.Errorf("status %d", st)
			}
		}
		p := f.mustCall(t, "GET", "/api/v1/verify/"+serial, "", "", 200)["provenance"].([]any)
		if ok != 1 || len(p) != 2 {
			t.Fatalf("statuses %v, provenance %v; want one transfer", statuses, p)
		}
	})
}

// The first print carries the code on its stub; the second does not.
func TestFirstPrintOnlyHasTheTransferStub(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		issued := f.certify(t)
		serial, code := issued["serial"].(string), issued["transfer_code"].(string)
		if res, _ := f.do(t, "HEAD", "/api/v1/certificates/"+serial+".pdf", "assistant", ""); res.StatusCode != 200 {
			t.Fatalf("HEAD: %d", res.StatusCode)
		}
		res, first := f.do(t, "GET", "/api/v1/certificates/"+serial+".pdf", "assistant", "")
		if res.StatusCode != 200 {
			t.Fatalf("first print: %d", res.StatusCode)
		}
		if got := pdfText(t, first); !strings.Contains(got, code) || !strings.Contains(got, "hand this to the next owner") {
			t.Fatalf("the first print lacks the code %s:\n%s", code, got)
		}
		if got := scanPDF(t, first); !strings.HasSuffix(got, "/v/"+serial) {
			t.Fatalf("the first print's QR code reads %q", got)
		}
		_, second := f.do(t, "GET", "/api/v1/certificates/"+serial+".pdf?size=a5", "assistant", "")
		if got := pdfText(t, second); strings.Contains(got, code) || strings.Contains(got, "Transfer") {
			t.Fatalf("a reprint shows the stub:\n%s", got)
		}
	})
}

// The studio's owner erases a name: it is gone from the database, and the
// provenance shows the transfer as made to an owner whose name was erased.
func TestEraseAnOwnersName(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		issued := f.certify(t)
		serial, code := issued["serial"].(string), issued["transfer_code"].(string)
		if res, _ := f.transfer(t, "198.51.100.1", serial, code, "Marta Lindqvist", true); res.StatusCode != 200 {
			t.Fatal(res.StatusCode)
		}
		owners := f.mustCall(t, "GET", "/api/v1/certificates/"+serial+"/owners", "assistant", "", 200)["owners"].([]any)
		o := owners[0].(map[string]any)
		if len(owners) != 1 || o["name"] != "Marta Lindqvist" || o["show_name"] != true {
			t.Fatalf("owners %v", owners)
		}
		path := fmt.Sprintf("/api/v1/certificates/%s/owners/%d", serial, int64(o["index"].(float64)))
		f.mustCall(t, "DELETE", path, "assistant", "", 403)
		f.mustCall(t, "DELETE", path, "ben", "", 404)
		f.mustCall(t, "DELETE", "/api/v1/certificates/"+serial+"/owners/0", "owner", "", 404)
		f.mustCall(t, "DELETE", "/api/v1/certificates/"+serial+"/owners/x", "owner", "", 404)
		if res, _ := f.do(t, "DELETE", path, "owner", ""); res.StatusCode != 204 {
			t.Fatalf("erase: %d", res.StatusCode)
		}
		var n int
		if err := s.DB().QueryRow(`SELECT count(*) FROM certificate_owners WHERE name IS NOT NULL OR salt IS NOT NULL`).Scan(&n); err != nil || n != 0 {
			t.Fatalf("%d owners keep a name or salt: %v", n, err)
		}
		p := f.mustCall(t, "GET", "/api/v1/verify/"+serial, "", "", 200)["provenance"].([]any)
		e := p[1].(map[string]any)
		if e["owner"] != nil || e["erased"] != true || e["index"] == nil {
			t.Fatalf("erased owner in the provenance: %v", e)
		}
		owners = f.mustCall(t, "GET", "/api/v1/certificates/"+serial+"/owners", "assistant", "", 200)["owners"].([]any)
		if o := owners[0].(map[string]any); o["name"] != nil || o["erased"] != true {
			t.Fatalf("erased owner in the studio's list: %v", o)
		}
	})
}
