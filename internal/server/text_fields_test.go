package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"atelier/internal/api"
	"atelier/internal/files/filestest"
	"atelier/internal/store"
	"atelier/internal/store/storetest"
	"atelier/internal/studio"
)

// textField is one free-text field of one route: how to send a value in
// it, the field the refusal must name, and the rule it follows.
type textField struct {
	route string // method and path, after the fixture's ids are filled in
	who   string
	// json is the body with "@" where the value goes; form and multipart
	// hold the other fields, field the one under test.
	json      string
	form      url.Values
	multipart map[string]string
	field     string // the field sent (form and multipart)
	names     string // the field the refusal names
	rule      studio.TextRule
	photo     bool // the multipart body needs a photo
}

// badText is what every text field must refuse: a NUL, bytes that are not
// UTF-8, one character too many, and for a one-line field a line break.
func badText(rule studio.TextRule) map[string]string {
	bad := map[string]string{"NUL": "a\x00b", "invalid UTF-8": "a\xffb", "over-long": strings.Repeat("é", rule.Max+1),
		"escape": "a\x1bb", "C1 control": "a\u0085b"}
	if !rule.Lines {
		bad["line break"] = "a\nb"
	}
	return bad
}

// rawJSON writes v as a JSON string keeping its bytes as they are: invalid
// UTF-8 stays invalid, for the reader to refuse.
func rawJSON(v string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c < 0x20:
			fmt.Fprintf(&b, `\u%04x`, c)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// Every free-text field of every route, API and web, refuses a NUL,
// invalid UTF-8, control characters and an over-long value with 422 naming
// the field, on both databases, and never answers 500.
func TestEveryTextFieldIsChecked(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f, out := attackFixture(t, s)
		cid, portal := out["id"].(string), strings.TrimPrefix(out["portal_url"].(string), "http://localhost:8080/p/")
		piece := f.mustCall(t, "POST", "/api/v1/pieces", "assistant", `{"subject":"Bust","target_height_mm":45}`, 201)
		pid := piece["id"].(string)
		ct, body := multipartBody(t, map[string]string{"caption": "first"}, part{"photo", "a.jpg", testJPEG(t, 30, 30)})
		if res, out := f.send(t, "POST", "/api/v1/pieces/"+pid+"/photos", "assistant", ct, body); res.StatusCode != 201 {
			t.Fatalf("process photo %d %v", res.StatusCode, out)
		}
		photo := f.mustCall(t, "GET", "/api/v1/pieces/"+pid, "assistant", "", 200)["photos"].([]any)[0].(map[string]any)["id"].(string)
		fill := strings.NewReplacer("{cid}", cid, "{portal}", portal, "{pid}", pid, "{photo}", photo,
			"{planned}", f.pieceAt(t, "colour_plan"), "{qc}", f.pieceAt(t, "qc")).Replace

		fields := apiTextFields()
		for _, tf := range fields {
			method, path, _ := strings.Cut(tf.route, " ")
			path = fill(path)
			for what, v := range badText(tf.rule) {
				var res *http.Response
				var out map[string]any
				if tf.multipart != nil {
					values := maps.Clone(tf.multipart)
					values[tf.field] = v
					var parts []part
					if tf.photo {
						parts = append(parts, part{"photo", "p.jpg", testJPEG(t, 20, 20)})
						if strings.Contains(path, "inquiries") {
							parts[0].name = "photo_front"
						}
					}
					ct, body := multipartBody(t, values, parts...)
					res, out = f.send(t, method, path, tf.who, ct, body)
				} else {
					res, out = f.send(t, method, path, tf.who, "application/json", strings.NewReader(strings.Replace(tf.json, `"@"`, rawJSON(v), 1)))
				}
				fieldsOut, _ := out["error"].(map[string]any)["fields"].(map[string]any)
				if res.StatusCode != 422 || fieldsOut[tf.names] == nil {
					t.Errorf("%s %s with %s: %d %v, want 422 naming %s", tf.route, tf.names, what, res.StatusCode, out, tf.names)
				}
			}
		}

		// The web forms, as a signed-in browser and a client send them.
		ts := httptest.NewServer(f.srv.Handler())
		t.Cleanup(ts.Close)
		b := newBrowser(t, ts.URL)
		if res, body := b.post("/login", url.Values{"email": {"ana@example.com"}, "password": {"a long password"}}, nil); res.StatusCode != 303 {
			t.Fatalf("sign-in %d %s", res.StatusCode, body)
		}
		web := webTextFields()
		for _, tf := range web {
			method, path, _ := strings.Cut(tf.route, " ")
			path = fill(path)
			for what, v := range badText(tf.rule) {
				var res *http.Response
				var body string
				if tf.multipart != nil {
					values := maps.Clone(tf.multipart)
					values[tf.field] = v
					ct, buf := multipartBody(t, values, part{"photo_front", "p.jpg", testJPEG(t, 20, 20)})
					res, body = b.send(method, path, buf, http.Header{"Content-Type": {ct}})
				} else {
					form := maps.Clone(tf.form)
					form.Set(tf.field, v)
					res, body = b.post(path, form, nil)
				}
				if why := tf.rule.Problem(v); res.StatusCode != 422 || !strings.Contains(body, htmlEscaped(why)) {
					t.Errorf("%s %s with %s: %d, want 422 saying %q: %s", tf.route, tf.field, what, res.StatusCode, why, alertOf(body))
				}
			}
		}
	})
}

// apiTextFields lists the free-text fields of the API's routes, with
// {cid}, {portal}, {pid} and {photo} for the fixture's ids.
func apiTextFields() []textField {
	palette := `{"colors":[{"name":"skin","hex":"#E8B99A","role":"base"},{"name":"shadow","hex":"#8A5A44","role":"shadow"},{"name":"light","hex":"#FFF1E6","role":"highlight"}],"override_reason":"@"}`
	fields := []textField{
		{route: "PATCH /api/v1/studio", who: "owner", json: `{"name":"@"}`, names: "name", rule: studio.NameText},
		{route: "PATCH /api/v1/studio", who: "owner", json: `{"artist":"@"}`, names: "artist", rule: studio.NameText},
		{route: "POST /api/v1/users", who: "owner", json: `{"email":"new@example.com","role":"assistant","password":"a long password","name":"@"}`, names: "name", rule: studio.NameText},
		{route: "POST /api/v1/tokens", who: "owner", json: `{"name":"@"}`, names: "name", rule: studio.TokenName},
		{route: "POST /api/v1/commissions/{cid}/status", who: "owner", json: `{"status":"declined","reason":"@"}`, names: "reason", rule: studio.ReasonText},
		{route: "POST /api/v1/commissions/{cid}/status", who: "owner", json: `{"status":"declined","reason":"too busy","tracking":"@"}`, names: "tracking", rule: studio.TrackingText},
		{route: "POST /api/v1/commissions/{cid}/messages", who: "owner", json: `{"body":"@"}`, names: "body", rule: studio.MessageText},
		{route: "POST /api/v1/portal/{portal}/messages", json: `{"body":"@"}`, names: "body", rule: studio.MessageText},
		{route: "POST /api/v1/pieces", who: "assistant", json: `{"target_height_mm":40,"subject":"@"}`, names: "subject", rule: studio.TitleText},
		{route: "POST /api/v1/pieces", who: "assistant", json: `{"subject":"x","target_height_mm":40,"edition_id":"@"}`, names: "edition_id", rule: studio.IDText},
		{route: "POST /api/v1/pieces", who: "assistant", json: `{"subject":"x","target_height_mm":40,"commission_id":"@"}`, names: "commission_id", rule: studio.IDText},
		{route: "PATCH /api/v1/pieces/{pid}", who: "assistant", json: `{"subject":"@"}`, names: "subject", rule: studio.TitleText},
		{route: "POST /api/v1/pieces/{pid}/return", who: "assistant", json: `{"to":"concept","reason":"@"}`, names: "reason", rule: studio.ReasonText},
		{route: "PUT /api/v1/pieces/{pid}/palette", who: "assistant", json: strings.Replace(palette, `"skin"`, `"@"`, 1), names: "colors[0].name", rule: studio.ColourName},
		{route: "PUT /api/v1/pieces/{pid}/palette", who: "assistant", json: palette, names: "override_reason", rule: studio.NoteText},
		{route: "POST /api/v1/pieces/{pid}/qc", who: "assistant", json: `{"checks":{"proportions":true,"no_seams":true,"even_paint":true,"eyes":true,"coating":true,"no_cracks":true},"notes":"@"}`, names: "notes", rule: studio.NoteText},
		{route: "PATCH /api/v1/photos/{photo}", who: "assistant", json: `{"caption":"@"}`, names: "caption", rule: studio.CaptionText},
		{route: "PUT /api/v1/clays/cernit", who: "owner", json: `{"name":"@"}`, names: "name", rule: studio.NameText},
		{route: "PUT /api/v1/checklist/photo_reference", who: "owner", json: `{"stage":"concept","required":true,"label":"@"}`, names: "label", rule: studio.LabelText},
		{route: "POST /api/v1/materials", who: "assistant", json: `{"category":"clay","unit":"g","quantity":1,"unit_cost_cents":0,"reorder_level":0,"name":"@"}`, names: "name", rule: studio.NameText},
		{route: "POST /api/v1/materials", who: "assistant", json: `{"name":"X","category":"painting","unit":"ml","quantity":1,"unit_cost_cents":0,"reorder_level":0,"supplier":"@"}`, names: "supplier", rule: studio.ShortText},
		{route: "POST /api/v1/materials", who: "assistant", json: `{"name":"X","category":"painting","unit":"ml","quantity":1,"unit_cost_cents":0,"reorder_level":0,"notes":"@"}`, names: "notes", rule: studio.NoteText},
		{route: "POST /api/v1/materials", who: "assistant", json: `{"name":"X","category":"painting","unit":"ml","quantity":1,"unit_cost_cents":0,"reorder_level":0,"line":"@"}`, names: "line", rule: studio.MaterialLineText},
		{route: "POST /api/v1/pieces/{pid}/photos", who: "assistant", multipart: map[string]string{}, field: "caption", names: "caption", rule: studio.CaptionText, photo: true},
	}
	for _, it := range studio.InquiryText {
		fields = append(fields, textField{route: "POST /api/v1/public/studios/ana/inquiries", who: "bogus", multipart: inquiryFields(), field: it.Name, names: it.Name, rule: it.Rule, photo: true})
	}
	return fields
}

// webTextFields lists the free-text fields of the web forms.
func webTextFields() []textField {
	settings := url.Values{"name": {"Ana's Miniatures"}, "artist": {"Ana Petrova"}, "currency": {"EUR"}, "timezone": {"UTC"}, "units": {"metric"}, "temperature": {"C"}, "megapixels": {"40"}}
	paletteForm := url.Values{"name_0": {"skin"}, "hex_0": {"#E8B99A"}, "role_0": {"base"}, "name_1": {"shadow"}, "hex_1": {"#8A5A44"}, "role_1": {"shadow"},
		"name_2": {"light"}, "hex_2": {"#FFF1E6"}, "role_2": {"highlight"}}
	qc := url.Values{"checks": {"proportions", "no_seams", "even_paint", "eyes", "coating", "no_cracks"}}
	web := []textField{
		{route: "POST /settings", form: settings, field: "name", rule: studio.NameText},
		{route: "POST /settings", form: settings, field: "artist", rule: studio.NameText},
		{route: "POST /team/users", form: url.Values{"email": {"web@example.com"}, "role": {"assistant"}, "password": {"a long password"}}, field: "name", rule: studio.NameText},
		{route: "POST /team/tokens", form: url.Values{"email": {"ana@example.com"}}, field: "name", rule: studio.TokenName},
		{route: "POST /commissions/{cid}/status", form: url.Values{"status": {"declined"}}, field: "reason", rule: studio.ReasonText},
		{route: "POST /commissions/{cid}/status", form: url.Values{"status": {"declined"}, "reason": {"too busy"}}, field: "tracking", rule: studio.TrackingText},
		{route: "POST /commissions/{cid}/messages", form: url.Values{}, field: "body", rule: studio.MessageText},
		{route: "POST /pieces", form: url.Values{"target_height": {"40"}}, field: "subject", rule: studio.TitleText},
		{route: "POST /pieces/{pid}", form: url.Values{}, field: "subject", rule: studio.TitleText},
		{route: "POST /pieces/{qc}/return", form: url.Values{"to": {"concept"}}, field: "reason", rule: studio.ReasonText},
		{route: "POST /pieces/{planned}/palette", form: paletteForm, field: "name_0", rule: studio.ColourName},
		{route: "POST /pieces/{planned}/palette", form: paletteForm, field: "override_reason", rule: studio.NoteText},
		{route: "POST /pieces/{qc}/qc", form: qc, field: "notes", rule: studio.NoteText},
		{route: "POST /p/{portal}/messages", form: url.Values{}, field: "body", rule: studio.MessageText},
		{route: "POST /ovens", form: url.Values{"kind": {"toaster"}}, field: "name", rule: studio.NameText},
	}
	for _, it := range studio.InquiryText {
		web = append(web, textField{route: "POST /s/ana/commission", multipart: inquiryFields(), field: it.Name, rule: it.Rule, photo: true})
	}
	return web
}

// alertOf is the page's alert, or its start when it has none.
func alertOf(page string) string {
	if i := strings.Index(page, `role="alert"`); i >= 0 {
		page = page[i:]
	} else if i := strings.Index(page, "<main"); i >= 0 {
		page = page[i:]
	}
	return page[:min(len(page), 300)]
}

func htmlEscaped(s string) string {
	var buf bytes.Buffer
	for _, c := range s {
		switch c {
		case '\'':
			buf.WriteString("&#39;")
		case '"':
			buf.WriteString("&#34;")
		case '&':
			buf.WriteString("&amp;")
		case '<':
			buf.WriteString("&lt;")
		case '>':
			buf.WriteString("&gt;")
		default:
			buf.WriteRune(c)
		}
	}
	return buf.String()
}

// The OpenAPI document states each free-text field's limit as maxLength,
// the very number of the domain's rule, for the API and the web forms.
func TestOpenAPIStatesTextLimits(t *testing.T) {
	var doc map[string]any
	if err := json.Unmarshal(api.OpenAPI(), &doc); err != nil {
		t.Fatal(err)
	}
	for _, tf := range append(apiTextFields(), webTextFields()...) {
		method, path, _ := strings.Cut(tf.route, " ")
		path = strings.NewReplacer("{cid}", "{id}", "{pid}", "{id}", "{photo}", "{id}", "{portal}", "{token}", "/ana/", "/{slug}/",
			"{planned}", "{id}", "{qc}", "{id}", "/clays/cernit", "/clays/{key}", "/checklist/photo_reference", "/checklist/{key}").Replace(path)
		name := tf.names
		if name == "" {
			name = tf.field
		}
		name = regexp.MustCompile(`_\d+$`).ReplaceAllString(name, "_N")
		prop := docProperty(doc, path, strings.ToLower(method), name)
		if got, _ := prop["maxLength"].(float64); int(got) != tf.rule.Max {
			t.Errorf("%s %s %s: maxLength %v, want %d", method, path, name, prop["maxLength"], tf.rule.Max)
		}
	}
}

// docProperty finds the schema of a request body's property, following
// $ref and array items ("colors[0].name" is colors → items → name).
func docProperty(doc map[string]any, path, method, name string) map[string]any {
	op, _ := dig(doc, "paths", path, method).(map[string]any)
	content, _ := dig(op, "requestBody", "content").(map[string]any)
	var schema map[string]any
	for _, c := range content {
		schema, _ = dig(c, "schema").(map[string]any)
	}
	for _, part := range strings.Split(name, ".") {
		schema = resolve(doc, schema)
		part, indexed := strings.CutSuffix(regexp.MustCompile(`\[\d+\]$`).ReplaceAllString(part, "[]"), "[]")
		schema, _ = dig(schema, "properties", part).(map[string]any)
		if indexed {
			schema, _ = dig(resolve(doc, schema), "items").(map[string]any)
		}
	}
	return resolve(doc, schema)
}

func resolve(doc, schema map[string]any) map[string]any {
	if ref, ok := schema["$ref"].(string); ok {
		parts := strings.Split(strings.TrimPrefix(ref, "#/"), "/")
		out, _ := dig(doc, parts...).(map[string]any)
		return out
	}
	return schema
}

func dig(v any, keys ...string) any {
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

// The set-up form's free-text fields follow their rules too, before the
// install has a studio.
func TestSetupTextFieldsAreChecked(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		blobs, _ := filestest.Open(t)
		ts := httptest.NewServer(New(Config{}, s, blobs).Handler())
		t.Cleanup(ts.Close)
		code, err := s.IssueSetupCode(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		b := newBrowser(t, ts.URL)
		for _, field := range []string{"name", "artist", "owner_name"} {
			for what, v := range badText(studio.NameText) {
				form := setupForm(code)
				form.Set(field, v)
				res, body := b.post("/setup", form, nil)
				if why := studio.NameText.Problem(v); res.StatusCode != 422 || !strings.Contains(body, htmlEscaped(why)) {
					t.Errorf("set-up %s with %s: %d, want 422 saying %q: %s", field, what, res.StatusCode, why, alertOf(body))
				}
			}
		}
		if n, err := s.CountStudios(context.Background()); err != nil || n != 0 {
			t.Fatalf("refused set-ups made %d studios (%v)", n, err)
		}
	})
}

// pieceAt makes a piece of ana's and walks it to stage.
func (f *fixture) pieceAt(t *testing.T, stage string) string {
	t.Helper()
	p := f.mustCall(t, "POST", "/api/v1/pieces", "assistant", `{"subject":"Bust","target_height_mm":40,"clay_brands":["premo"],"max_thickness_mm":9}`, 201)
	return f.walk(t, p["id"].(string), stage)
}

// walk takes a piece of ana's through the pipeline to stage, through the
// API, doing what each stage asks on the way; it returns the piece's id.
func (f *fixture) walk(t *testing.T, id, stage string) string {
	t.Helper()
	p := f.mustCall(t, "GET", "/api/v1/pieces/"+id, "assistant", "", 200)
	ago := func(d time.Duration) string { return time.Now().Add(-d).UTC().Format(time.RFC3339) }
	for p["stage"] != stage {
		switch p["stage"] {
		case "sanding":
			for _, g := range studio.DefaultGrits {
				f.mustCall(t, "POST", "/api/v1/pieces/"+id+"/sanding", "assistant", fmt.Sprintf(`{"grit":%d}`, g), 201)
			}
		case "colour_plan":
			f.mustCall(t, "PUT", "/api/v1/pieces/"+id+"/palette", "assistant", `{"colors":[{"name":"skin","hex":"#E8B99A","role":"base"},{"name":"shadow","hex":"#8A5A44","role":"shadow"},{"name":"light","hex":"#FFF1E6","role":"highlight"}]}`, 200)
		case "finish":
			f.mustCall(t, "POST", "/api/v1/pieces/"+id+"/coats", "assistant", `{"applied_at":"`+ago(3*time.Hour)+`"}`, 201)
			f.mustCall(t, "POST", "/api/v1/pieces/"+id+"/coats", "assistant", `{"sanded_2000_before":true,"applied_at":"`+ago(2*time.Hour)+`"}`, 201)
		case "first_bake":
			f.logBake(t, id)
		case "mount":
			f.mustCall(t, "PATCH", "/api/v1/pieces/"+id, "assistant", `{"height_mm":41,"width_mm":20,"depth_mm":18}`, 200)
		}
		p = f.tickStage(t, id, f.mustCall(t, "GET", "/api/v1/pieces/"+id, "assistant", "", 200))
		p = f.mustCall(t, "POST", "/api/v1/pieces/"+id+"/advance", "assistant", "", 200)
	}
	return id
}

// attackFixture is a fixture with room for the hundreds of inquiries an
// attack table sends from one address, and an inquiry to aim at (its
// answer: id and portal_url).
func attackFixture(t *testing.T, s *store.Store) (*fixture, map[string]any) {
	t.Helper()
	f := newFixture(t, s)
	f.allowInquiries(s, 10000)
	res, out := f.inquiry(t, "ana", inquiryFields(), part{"photo_front", "f.jpg", testJPEG(t, 40, 40)})
	if res.StatusCode != 201 {
		t.Fatalf("inquiry %d %v", res.StatusCode, out)
	}
	return f, out
}

// What is not free text (an enumeration, an e-mail address, an id in the
// path, a map key) is refused too when it holds a NUL, bytes that are not
// UTF-8 or a megabyte: never a 500, on either database.
func TestNoInputIsAnInternalError(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f, out := attackFixture(t, s)
		cid := out["id"].(string)
		pid := f.mustCall(t, "POST", "/api/v1/pieces", "assistant", `{"subject":"Bust","target_height_mm":45}`, 201)["id"].(string)
		portal := strings.TrimPrefix(out["portal_url"].(string), "http://localhost:8080/p/")
		fill := strings.NewReplacer("{cid}", cid, "{pid}", pid, "{portal}", portal).Replace
		bodies := []struct{ route, who, json string }{
			{"PATCH /api/v1/studio", "owner", `{"currency":"@"}`},
			{"PATCH /api/v1/studio", "owner", `{"timezone":"@"}`},
			{"PATCH /api/v1/studio", "owner", `{"units":"@"}`},
			{"PATCH /api/v1/studio", "owner", `{"temperature_unit":"@"}`},
			{"PATCH /api/v1/studio", "owner", `{"website_origins":["@"]}`},
			{"PATCH /api/v1/studio", "owner", `{"coat_dry_minutes":{"@":5}}`},
			{"POST /api/v1/users", "owner", `{"email":"@","role":"assistant","password":"a long password","name":"x"}`},
			{"POST /api/v1/users", "owner", `{"email":"x@example.com","role":"@","password":"a long password","name":"x"}`},
			{"POST /api/v1/users", "owner", `{"email":"y@example.com","role":"assistant","password":"@","name":"x"}`},
			{"POST /api/v1/tokens", "owner", `{"email":"@"}`},
			{"POST /api/v1/commissions/{cid}/status", "owner", `{"status":"@"}`},
			{"POST /api/v1/commissions/{cid}/status", "owner", `{"status":"quoted","price_cents":100,"deposit_cents":0,"promised_date":"@"}`},
			{"POST /api/v1/pieces", "assistant", `{"subject":"x","target_height_mm":40,"commission_id":"@"}`},
			{"POST /api/v1/pieces", "assistant", `{"subject":"x","target_height_mm":40,"edition_id":"@"}`},
			{"POST /api/v1/pieces", "assistant", `{"subject":"x","target_height_mm":40,"clay_brands":["@"]}`},
			{"POST /api/v1/pieces/{pid}/return", "assistant", `{"to":"@","reason":"x"}`},
			{"PUT /api/v1/pieces/{pid}/palette", "assistant", `{"colors":[{"name":"a","hex":"@","role":"base"}]}`},
			{"PUT /api/v1/pieces/{pid}/palette", "assistant", `{"colors":[{"name":"a","hex":"#000000","role":"@"}]}`},
			{"POST /api/v1/pieces/{pid}/coats", "assistant", `{"kind":"@"}`},
			{"POST /api/v1/pieces/{pid}/qc", "assistant", `{"checks":{"@":true}}`},
			{"POST /api/v1/pieces/{pid}/work", "assistant", `{"action":"@"}`},
			{"POST /api/v1/pieces/{pid}/work", "assistant", `{"minutes":5,"stage":"@"}`},
			{"PUT /api/v1/checklist/x", "owner", `{"stage":"@","label":"x","required":true}`},
			{"PUT /api/v1/photos/x/mask", "owner", `{"rect":{"x":0,"y":0,"w":1,"h":1},"strokes":[{"kind":"@","points":[[0,0]],"width":1}]}`},
		}
		for _, b := range bodies {
			method, path, _ := strings.Cut(b.route, " ")
			for what, v := range badText(studio.NameText) {
				res, out := f.send(t, method, fill(path), b.who, "application/json", strings.NewReader(strings.Replace(b.json, `"@"`, rawJSON(v), 1)))
				// A long password is a good one; everything else is refused.
				if res.StatusCode >= 500 || res.StatusCode < 400 && !strings.Contains(b.json, `"password":"@"`) {
					t.Errorf("%s %s with %s: %d %v", b.route, b.json, what, res.StatusCode, out)
				}
			}
		}
		paths := []string{"GET /api/v1/pieces/@", "GET /api/v1/commissions/@", "GET /api/v1/portal/@", "GET /api/v1/files/@",
			"DELETE /api/v1/tokens/@", "PATCH /api/v1/photos/@", "PUT /api/v1/clays/@", "PUT /api/v1/checklist/@", "DELETE /api/v1/checklist/@",
			"PUT /api/v1/pieces/{pid}/checklist/@", "GET /api/v1/pieces/{pid}/photos/@/160", "GET /api/v1/commissions/{cid}/photos/@/400",
			"POST /api/v1/public/studios/@/inquiries", "GET /p/@", "GET /s/@/commission", "GET /commissions/@", "GET /pieces/@",
			"GET /api/v1/commissions?status=@", "GET /commissions?status=@", "GET /login?next=@", "POST /api/v1/files?name=@", "GET /p/{portal}?new=@",
			"PUT /api/v1/photos/@/mask", "GET /api/v1/photos/@/mask.png", "PUT /api/v1/photos/@/guides", "GET /api/v1/pieces/@/silhouette.pdf",
			"GET /api/v1/pieces/{pid}/silhouette.pdf?paper=@", "GET /api/v1/pieces/{pid}/silhouette.pdf?height_mm=@"}
		for _, route := range paths {
			method, path, _ := strings.Cut(route, " ")
			for _, v := range []string{"a%00b", "a%FFb", "a%C0%80b", strings.Repeat("x", 8000)} {
				body := `{"name":"x","label":"x","stage":"concept","required":true,"done":true,"caption":"x"}`
				res, raw := f.do(t, method, fill(strings.Replace(path, "@", v, 1)), "owner", body)
				if res.StatusCode >= 500 {
					t.Errorf("%s with %.20s: %d %.300s", route, v, res.StatusCode, raw)
				}
			}
		}
	})
}
