package server

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"atelier/internal/store"
	"atelier/internal/store/storetest"
	"atelier/internal/studio"
)

// testJPEG is a small real photo-like image.
func testJPEG(t testing.TB, w, h int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), 120, 255})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 85}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func testPNG(t testing.TB, w, h int) []byte {
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewGray(image.Rect(0, 0, w, h))); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// hugePNG is a valid PNG signature and header that claims 20000×20000
// pixels, with almost no data behind it.
func hugePNG() []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], 20000)
	binary.BigEndian.PutUint32(ihdr[4:], 20000)
	ihdr[8], ihdr[9] = 8, 6 // 8-bit RGBA
	chunk := func(typ string, data []byte) {
		binary.Write(&b, binary.BigEndian, uint32(len(data)))
		b.WriteString(typ)
		b.Write(data)
		binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(append([]byte(typ), data...)))
	}
	chunk("IHDR", ihdr)
	chunk("IDAT", []byte{0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01})
	chunk("IEND", nil)
	return b.Bytes()
}

type part struct {
	name, file string
	data       []byte
}

func multipartBody(t testing.TB, fields map[string]string, parts ...part) (string, *bytes.Buffer) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	for _, p := range parts {
		w, err := mw.CreateFormFile(p.name, p.file)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(p.data)
	}
	mw.Close()
	return mw.FormDataContentType(), &buf
}

func inquiryFields() map[string]string {
	return map[string]string{"subject_name": "Grandma Rose", "relationship": "grandmother", "occasion": "90th birthday",
		"pose": "sitting with her cat", "story": "<script>alert('x')</script> She taught us to bake.", "target_height_mm": "40",
		"deadline": "2099-12-01", "budget_cents": "50000", "contact_name": "Lea Berger", "contact_email": "lea@example.com",
		"consent_show_process": "true"}
}

func (f *fixture) send(t *testing.T, method, path, who, contentType string, body io.Reader) (*http.Response, map[string]any) {
	t.Helper()
	req := httptest.NewRequest(method, path, body)
	req.RemoteAddr = "192.0.2.10:4321"
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if who != "" {
		req.Header.Set("Authorization", "Bearer "+f.tokens[who])
	}
	rec := httptest.NewRecorder()
	f.srv.Handler().ServeHTTP(rec, req)
	var out map[string]any
	json.Unmarshal(rec.Body.Bytes(), &out)
	return rec.Result(), out
}

func (f *fixture) inquiry(t *testing.T, slug string, fields map[string]string, parts ...part) (*http.Response, map[string]any) {
	t.Helper()
	ct, body := multipartBody(t, fields, parts...)
	return f.send(t, "POST", "/api/v1/public/studios/"+slug+"/inquiries", "bogus", ct, body)
}

// The whole flow through the API alone: inquiry → missing angles → the
// missing angle through the portal → quote → accept.
func TestCommissionFlowThroughTheAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		res, out := f.inquiry(t, "ana", inquiryFields(), part{"photo_front", "front.jpg", testJPEG(t, 64, 80)}, part{"photo_back", "back.png", testPNG(t, 50, 40)})
		if res.StatusCode != 201 {
			t.Fatalf("inquiry: %d %v", res.StatusCode, out)
		}
		id, portalURL := out["id"].(string), out["portal_url"].(string)
		if id == "" || !strings.HasPrefix(portalURL, "http://localhost:8080/p/") {
			t.Fatalf("answer %v", out)
		}
		token := strings.TrimPrefix(portalURL, "http://localhost:8080/p/")

		_, c := f.send(t, "GET", "/api/v1/commissions/"+id, "assistant", "", nil)
		if c["status"] != "inquiry" || join(c["missing_angles"]) != "profile three_quarter" || len(c["photos"].([]any)) != 2 || c["target_height_mm"] != 40.0 {
			t.Fatalf("commission %v", c)
		}
		if res, _ := f.send(t, "GET", "/api/v1/commissions/"+id, "ben", "", nil); res.StatusCode != 404 {
			t.Fatalf("another studio saw the commission: %d", res.StatusCode)
		}
		_, portal := f.send(t, "GET", "/api/v1/portal/"+token, "", "", nil)
		if portal["status"] != "inquiry" || join(portal["missing_angles"]) != "profile three_quarter" || portal["price_cents"] != nil {
			t.Fatalf("portal %v", portal)
		}
		if res, _ := f.send(t, "GET", "/api/v1/portal/"+token+"x", "", "", nil); res.StatusCode != 404 {
			t.Fatalf("unknown portal token: %d", res.StatusCode)
		}

		ct, body := multipartBody(t, nil, part{"photo_right_profile", "side.jpg", testJPEG(t, 40, 60)}, part{"photo_three_quarter", "tq.jpg", testJPEG(t, 60, 60)})
		res, portal = f.send(t, "POST", "/api/v1/portal/"+token+"/photos", "", ct, body)
		if res.StatusCode != 201 || join(portal["missing_angles"]) != "" {
			t.Fatalf("portal upload: %d %v", res.StatusCode, portal)
		}

		quote := `{"status":"quoted","price_cents":45000,"deposit_cents":15000,"promised_date":"2099-01-15"}`
		if res, out := f.send(t, "POST", "/api/v1/commissions/"+id+"/status", "assistant", "application/json", strings.NewReader(quote)); res.StatusCode != 403 {
			t.Fatalf("an assistant quoted: %d %v", res.StatusCode, out)
		}
		res, c = f.send(t, "POST", "/api/v1/commissions/"+id+"/status", "owner", "application/json", strings.NewReader(quote))
		if res.StatusCode != 200 || c["status"] != "quoted" || c["price_cents"] != 45000.0 || c["currency"] != "EUR" {
			t.Fatalf("quote: %d %v", res.StatusCode, c)
		}
		_, portal = f.send(t, "GET", "/api/v1/portal/"+token, "", "", nil)
		if portal["price_cents"] != 45000.0 || portal["promised_date"] != "2099-01-15" {
			t.Fatalf("the portal does not show the quote: %v", portal)
		}
		res, c = f.send(t, "POST", "/api/v1/commissions/"+id+"/status", "assistant", "application/json", strings.NewReader(`{"status":"shipped"}`))
		msg, _ := c["error"].(map[string]any)["message"].(string)
		if res.StatusCode != 409 || !strings.Contains(msg, "quoted, accepted, declined, cancelled") {
			t.Fatalf("illegal move: %d %v", res.StatusCode, c)
		}
		res, c = f.send(t, "POST", "/api/v1/commissions/"+id+"/status", "assistant", "application/json", strings.NewReader(`{"status":"accepted"}`))
		if res.StatusCode != 200 || c["status"] != "accepted" || len(c["history"].([]any)) != 3 {
			t.Fatalf("accept: %d %v", res.StatusCode, c)
		}
		// Accepting started the piece: subject and height from the questionnaire.
		pieceID, _ := c["piece_id"].(string)
		if res, piece := f.send(t, "GET", "/api/v1/pieces/"+pieceID, "assistant", "", nil); res.StatusCode != 200 ||
			piece["subject"] != "Grandma Rose" || piece["target_height_mm"] != 40.0 || piece["stage"] != "concept" {
			t.Fatalf("the commission's piece: %d %v", res.StatusCode, piece)
		}

		// Messages both ways.
		if res, out := f.send(t, "POST", "/api/v1/portal/"+token+"/messages", "", "application/json", strings.NewReader(`{"body":"Can she hold a rolling pin?"}`)); res.StatusCode != 201 {
			t.Fatalf("client message: %d %v", res.StatusCode, out)
		}
		if res, out := f.send(t, "POST", "/api/v1/commissions/"+id+"/messages", "owner", "application/json", strings.NewReader(`{"body":"Of course."}`)); res.StatusCode != 201 {
			t.Fatalf("studio message: %d %v", res.StatusCode, out)
		}
		if res, _ := f.send(t, "POST", "/api/v1/commissions/"+id+"/messages", "owner", "application/json", strings.NewReader(`{"body":"  "}`)); res.StatusCode != 422 {
			t.Fatalf("empty message: %d", res.StatusCode)
		}
		_, portal = f.send(t, "GET", "/api/v1/portal/"+token, "", "", nil)
		if msgs := portal["messages"].([]any); len(msgs) != 2 || msgs[1].(map[string]any)["author"] != "studio" {
			t.Fatalf("portal messages %v", portal["messages"])
		}

		// The list and its filters.
		_, list := f.send(t, "GET", "/api/v1/commissions?status=accepted", "owner", "", nil)
		if n := len(list["commissions"].([]any)); n != 1 {
			t.Fatalf("%d accepted commissions", n)
		}
		_, list = f.send(t, "GET", "/api/v1/commissions?missing_references=true", "owner", "", nil)
		if n := len(list["commissions"].([]any)); n != 0 {
			t.Fatalf("%d with missing references", n)
		}
		if res, _ := f.send(t, "GET", "/api/v1/commissions?status=paid", "owner", "", nil); res.StatusCode != 422 {
			t.Fatalf("unknown status filter: %d", res.StatusCode)
		}
	})
}

func join(v any) string {
	var parts []string
	for _, x := range v.([]any) {
		parts = append(parts, x.(string))
	}
	return strings.Join(parts, " ")
}

// Every refused inquiry names the field, writes no row and leaves no file.
func TestInquiryBadInput(t *testing.T) {
	jpg := testJPEG(t, 64, 64)
	without := func(k string) map[string]string { m := inquiryFields(); delete(m, k); return m }
	with := func(k, v string) map[string]string { m := inquiryFields(); m[k] = v; return m }
	many := make([]part, 21)
	for i := range many {
		many[i] = part{"photo_other", "p.jpg", jpg}
	}
	tests := []struct {
		name   string
		slug   string
		fields map[string]string
		parts  []part
		status int
		field  string
	}{
		{"missing subject", "ana", without("subject_name"), nil, 422, "subject_name"},
		{"missing contact e-mail", "ana", without("contact_email"), nil, 422, "contact_email"},
		{"text renamed .jpg", "ana", inquiryFields(), []part{{"photo_front", "me.jpg", []byte("just some text, not a photo at all")}}, 422, "photo_front"},
		{"truncated JPEG", "ana", inquiryFields(), []part{{"photo_front", "cut.jpg", jpg[:len(jpg)/2]}}, 422, "photo_front"},
		{"PNG claiming 20000×20000", "ana", inquiryFields(), []part{{"photo_three_quarter", "big.png", hugePNG()}}, 422, "photo_three_quarter"},
		{"photo over 10 MB", "ana", inquiryFields(), []part{{"photo_front", "huge.jpg", append(jpg, make([]byte, 10<<20)...)}}, 413, "photo_front"},
		{"21 photos", "ana", inquiryFields(), many, 422, "photo_other"},
		{"invalid e-mail", "ana", with("contact_email", "lea@"), nil, 422, "contact_email"},
		{"deadline in the past", "ana", with("deadline", "2001-01-01"), nil, 422, "deadline"},
		{"negative budget", "ana", with("budget_cents", "-100"), nil, 422, "budget_cents"},
		{"3-metre miniature", "ana", with("target_height_mm", "3000"), nil, 422, "target_height_mm"},
		{"unknown field", "ana", with("price", "1"), nil, 422, "price"},
		{"bad consent", "ana", with("consent_show_process", "maybe"), nil, 422, "consent_show_process"},
		{"unknown studio, bad body", "nobody", without("subject_name"), nil, 404, ""},
	}
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		f.allowInquiries(s, len(tests))
		before := storedFiles(t, f.dataDir)
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				res, out := f.inquiry(t, tt.slug, tt.fields, tt.parts...)
				if res.StatusCode != tt.status {
					t.Fatalf("status %d, want %d: %v", res.StatusCode, tt.status, out)
				}
				e, _ := out["error"].(map[string]any)
				if fields, _ := e["fields"].(map[string]any); tt.field != "" && fields[tt.field] == nil {
					t.Fatalf("no message for %s: %v", tt.field, out)
				}
				if list, _ := f.store.Commissions(context.Background(), f.ana.ID, store.CommissionFilter{}); len(list) != 0 {
					t.Fatal("a refused inquiry was stored")
				}
				if after := storedFiles(t, f.dataDir); strings.Join(after, ",") != strings.Join(before, ",") {
					t.Fatalf("a refused inquiry left files: %v", after)
				}
			})
		}
	})
}

// Inquiries are counted per address in the database, and only listed
// website origins may read answers across origins.
func TestInquiryLimitsAndCORS(t *testing.T) {
	s := storetest.Open(t, store.SQLite, nil)
	f := newFixture(t, s)
	f.srv = New(Config{InquiriesPerHour: 3}, s, f.blobs)
	// A refused inquiry counts too: it cost the server its reading.
	bad := inquiryFields()
	delete(bad, "subject_name")
	for i, c := range []struct {
		fields map[string]string
		want   int
	}{{inquiryFields(), 201}, {bad, 422}, {inquiryFields(), 201}, {inquiryFields(), 429}} {
		res, out := f.inquiry(t, "ana", c.fields)
		if res.StatusCode != c.want {
			t.Fatalf("inquiry %d: %d %v", i, res.StatusCode, out)
		}
		if retry := res.Header.Get("Retry-After"); (c.want == 429) != (retry != "") {
			t.Fatalf("inquiry %d: Retry-After %q", i, retry)
		}
	}
	// Of many at once from one address, exactly the limit's number are taken.
	ben := New(Config{InquiriesPerHour: 4}, s, f.blobs)
	var taken, limited atomic.Int32
	var wg sync.WaitGroup
	for range 12 {
		ctype, body := multipartBody(t, inquiryFields())
		wg.Go(func() {
			req := httptest.NewRequest("POST", "/api/v1/public/studios/ben/inquiries", body)
			req.Header.Set("Content-Type", ctype)
			req.RemoteAddr = "203.0.113.9:4000"
			rec := httptest.NewRecorder()
			ben.Handler().ServeHTTP(rec, req)
			switch rec.Code {
			case 201:
				taken.Add(1)
			case 429:
				limited.Add(1)
			default:
				t.Errorf("parallel inquiry: %d %s", rec.Code, rec.Body)
			}
		})
	}
	wg.Wait()
	if taken.Load() != 4 || limited.Load() != 8 {
		t.Fatalf("%d taken and %d refused of 12 at once, want 4 and 8", taken.Load(), limited.Load())
	}
	origins := []string{"https://shop.example.com"}
	if _, err := s.UpdateStudio(context.Background(), f.ana.ID, studio.StudioUpdate{WebsiteOrigins: &origins}); err != nil {
		t.Fatal(err)
	}
	for origin, allowed := range map[string]bool{"https://shop.example.com": true, "https://evil.example": false} {
		req := httptest.NewRequest("OPTIONS", "/api/v1/public/studios/ana/inquiries", nil)
		req.Header.Set("Origin", origin)
		req.Header.Set("Access-Control-Request-Method", "POST")
		rec := httptest.NewRecorder()
		f.srv.Handler().ServeHTTP(rec, req)
		if got := rec.Header().Get("Access-Control-Allow-Origin"); (got == origin) != allowed || rec.Code != 204 {
			t.Errorf("origin %s: %d, allow-origin %q", origin, rec.Code, got)
		}
	}
}
