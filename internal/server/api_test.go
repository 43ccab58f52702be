package server

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"atelier/internal/files"
	"atelier/internal/files/filestest"
	"atelier/internal/store"
	"atelier/internal/store/storetest"
	"atelier/internal/studio"
)

// fixture is two studios: "ana" with an owner and an assistant, "ben" with
// an owner; a token for each user and a revoked one.
type fixture struct {
	store   *store.Store
	blobs   *files.Store
	dataDir string
	srv     *Server
	logs    *lockedBuffer
	tokens  map[string]string // who → secret
	ids     map[string]string // who → token id
	ana     studio.Studio
}

func newFixture(t *testing.T, s *store.Store) *fixture {
	t.Helper()
	blobs, dir := filestest.Open(t)
	return newFixtureOn(t, s, blobs, dir)
}

// newFixtureOn is newFixture on a blob store of the test's choosing (S3,
// say), whose uploads in flight are spooled under dir/tmp.
func newFixtureOn(t *testing.T, s *store.Store, blobs *files.Store, dir string) *fixture {
	t.Helper()
	ctx := context.Background()
	f := &fixture{store: s, logs: &lockedBuffer{}, tokens: map[string]string{}, ids: map[string]string{}, blobs: blobs, dataDir: dir}
	f.srv = New(Config{Log: testLogger(f.logs)}, s, f.blobs)
	var err error
	if f.ana, err = s.CreateStudio(ctx, studio.NewStudio("ana", "Ana's Miniatures", "Ana Petrova")); err != nil {
		t.Fatal(err)
	}
	if _, err = s.CreateStudio(ctx, studio.NewStudio("ben", "Ben's Busts", "Ben Okafor")); err != nil {
		t.Fatal(err)
	}
	users := []struct{ who, slug, email string }{
		{"owner", "ana", "ana@example.com"}, {"assistant", "ana", "asst@example.com"}, {"ben", "ben", "ben@example.com"},
	}
	for _, u := range users {
		role := studio.Owner
		if u.who == "assistant" {
			role = studio.Assistant
		}
		if _, err := s.CreateUser(ctx, studio.NewUser{StudioSlug: u.slug, Email: u.email, Name: u.who, Role: role, Password: "a long password"}); err != nil {
			t.Fatal(err)
		}
		secret, tok, err := s.CreateToken(ctx, store.NewToken{Email: u.email, Name: u.who})
		if err != nil {
			t.Fatal(err)
		}
		f.tokens[u.who], f.ids[u.who] = secret, tok.ID
	}
	secret, _, _ := s.CreateToken(ctx, store.NewToken{Email: "ana@example.com"})
	if _, err := s.RevokeToken(ctx, secret); err != nil {
		t.Fatal(err)
	}
	f.tokens["revoked"] = secret
	f.tokens["bogus"] = "atl_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	return f
}

// allowInquiries gives the fixture a server that takes n inquiries an
// hour from one address: every inquiry counts, refused ones too, and a
// table of bad inquiries sends many.
func (f *fixture) allowInquiries(s *store.Store, n int) {
	f.srv = New(Config{Log: testLogger(f.logs), InquiriesPerHour: n}, s, f.blobs)
}

// do sends a request as who ("" for no token) and returns status and body.
func (f *fixture) do(t *testing.T, method, path, who, body string) (*http.Response, []byte) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, path, rd)
	if who != "" {
		req.Header.Set("Authorization", "Bearer "+f.tokens[who])
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	rec := httptest.NewRecorder()
	f.srv.Handler().ServeHTTP(rec, req)
	return rec.Result(), rec.Body.Bytes()
}

type scenario struct {
	name         string
	method, path string
	who          string // key of fixture.tokens; "" sends none
	body         string
	status       int
	want         map[string]any // dotted JSON path → value; "*" means present and not null
	contains     string         // for non-JSON answers
	before       func(t *testing.T, f *fixture)
	check        func(t *testing.T, f *fixture, body map[string]any)
}

func TestAPIScenarios(t *testing.T) {
	big := `{"name":"` + strings.Repeat("x", DefaultMaxBodyBytes) + `"}`
	scenarios := []scenario{
		{name: "health", method: "GET", path: "/healthz", status: 200, want: map[string]any{"status": "ok"}},
		{name: "health ignores a bad token", method: "GET", path: "/healthz", who: "bogus", status: 200, want: map[string]any{"status": "ok"}},
		{name: "openapi is public", method: "GET", path: "/api/openapi.json", who: "revoked", status: 200, want: map[string]any{"openapi": "3.1.0"}},
		{name: "metrics", method: "GET", path: "/metrics", status: 200, contains: "atelier_http_requests_total",
			before: func(t *testing.T, f *fixture) { f.do(t, "GET", "/healthz", "", "") }},

		{name: "me as owner", method: "GET", path: "/api/v1/me", who: "owner", status: 200, want: map[string]any{
			"email": "ana@example.com", "name": "owner", "role": "owner",
			"studio.slug": "ana", "studio.name": "Ana's Miniatures", "studio.currency": "EUR", "studio.timezone": "UTC"}},
		{name: "me as assistant", method: "GET", path: "/api/v1/me", who: "assistant", status: 200, want: map[string]any{"role": "assistant", "studio.slug": "ana"}},
		{name: "me as the other studio", method: "GET", path: "/api/v1/me", who: "ben", status: 200, want: map[string]any{"studio.slug": "ben"}},
		{name: "me without token", method: "GET", path: "/api/v1/me", status: 401, want: map[string]any{"error.code": "unauthorized", "error.message": "*"}},
		{name: "me with unknown token", method: "GET", path: "/api/v1/me", who: "bogus", status: 401, want: map[string]any{"error.code": "unauthorized"}},
		{name: "me with revoked token", method: "GET", path: "/api/v1/me", who: "revoked", status: 401, want: map[string]any{"error.code": "unauthorized"}},

		{name: "studio as assistant", method: "GET", path: "/api/v1/studio", who: "assistant", status: 200, want: map[string]any{"slug": "ana", "artist": "Ana Petrova", "units": "metric", "id": "*", "created_at": "*"}},
		{name: "patch studio", method: "PATCH", path: "/api/v1/studio", who: "owner", body: `{"name":"Ana Miniatures","currency":"USD","timezone":"Europe/Vienna","units":"imperial"}`,
			status: 200, want: map[string]any{"name": "Ana Miniatures", "currency": "USD", "timezone": "Europe/Vienna", "units": "imperial", "artist": "Ana Petrova"}},
		{name: "patch studio as assistant", method: "PATCH", path: "/api/v1/studio", who: "assistant", body: `{"name":"Mine now"}`,
			status: 403, want: map[string]any{"error.code": "forbidden"}, check: studioNameIs("Ana's Miniatures")},
		{name: "patch studio malformed", method: "PATCH", path: "/api/v1/studio", who: "owner", body: `{"name":`, status: 400, want: map[string]any{"error.code": "invalid"}},
		{name: "patch studio array", method: "PATCH", path: "/api/v1/studio", who: "owner", body: `["name"]`, status: 400, want: map[string]any{"error.code": "invalid"}},
		{name: "patch studio two objects", method: "PATCH", path: "/api/v1/studio", who: "owner", body: `{"name":"A"} {"name":"B"}`, status: 400, want: map[string]any{"error.code": "invalid"}, check: studioNameIs("Ana's Miniatures")},
		{name: "patch studio empty body", method: "PATCH", path: "/api/v1/studio", who: "owner", status: 400, want: map[string]any{"error.code": "invalid"}},
		{name: "patch studio wrong type", method: "PATCH", path: "/api/v1/studio", who: "owner", body: `{"name":5}`, status: 422, want: map[string]any{"error.code": "invalid", "error.fields.name": "must be a string"}},
		{name: "patch studio unknown field", method: "PATCH", path: "/api/v1/studio", who: "owner", body: `{"colour":"red"}`, status: 422, want: map[string]any{"error.fields.colour": "*"}},
		{name: "patch studio bad currency", method: "PATCH", path: "/api/v1/studio", who: "owner", body: `{"currency":"eur","name":"Changed"}`, status: 422, want: map[string]any{"error.fields.currency": "*"}, check: studioNameIs("Ana's Miniatures")},
		{name: "patch studio bad time zone", method: "PATCH", path: "/api/v1/studio", who: "owner", body: `{"timezone":"Mars/Olympus"}`, status: 422, want: map[string]any{"error.fields.timezone": "*"}},
		{name: "patch studio bad units", method: "PATCH", path: "/api/v1/studio", who: "owner", body: `{"units":"cubits"}`, status: 422, want: map[string]any{"error.fields.units": "*"}},
		{name: "patch studio empty name", method: "PATCH", path: "/api/v1/studio", who: "owner", body: `{"name":"  "}`, status: 422, want: map[string]any{"error.fields.name": "is required"}},
		{name: "patch studio body too large", method: "PATCH", path: "/api/v1/studio", who: "owner", body: big, status: 413, want: map[string]any{"error.code": "too_large"}, check: studioNameIs("Ana's Miniatures")},

		{name: "users as owner", method: "GET", path: "/api/v1/users", who: "owner", status: 200, want: map[string]any{"users.0.email": "ana@example.com", "users.1.role": "assistant"}},
		{name: "users as assistant", method: "GET", path: "/api/v1/users", who: "assistant", status: 403, want: map[string]any{"error.code": "forbidden"}},
		{name: "add user", method: "POST", path: "/api/v1/users", who: "owner", body: `{"email":"Cleo@Example.com","name":"Cleo","role":"assistant","password":"cleo's long password"}`,
			status: 201, want: map[string]any{"id": "*", "email": "cleo@example.com", "role": "assistant"}},
		{name: "add user with another studio's e-mail", method: "POST", path: "/api/v1/users", who: "owner", body: `{"email":"ben@example.com","name":"B","role":"assistant","password":"a long password"}`,
			status: 409, want: map[string]any{"error.code": "conflict", "error.fields.email": "*"}, check: userCount(2)},
		{name: "add user invalid", method: "POST", path: "/api/v1/users", who: "owner", body: `{"email":"nobody","name":"","role":"admin","password":"short"}`,
			status: 422, want: map[string]any{"error.fields.email": "*", "error.fields.name": "*", "error.fields.role": "*", "error.fields.password": "*"}, check: userCount(2)},
		{name: "add user as assistant", method: "POST", path: "/api/v1/users", who: "assistant", body: `{"email":"d@example.com","name":"D","role":"owner","password":"a long password"}`,
			status: 403, want: map[string]any{"error.code": "forbidden"}, check: userCount(2)},

		{name: "tokens as owner", method: "GET", path: "/api/v1/tokens", who: "owner", status: 200, want: map[string]any{"tokens.0.id": "*", "tokens.0.user_email": "*"},
			check: func(t *testing.T, f *fixture, body map[string]any) {
				raw, _ := json.Marshal(body)
				for who, secret := range f.tokens {
					if strings.Contains(string(raw), secret) {
						t.Errorf("the list shows the secret of %s's token", who)
					}
				}
				if n := len(body["tokens"].([]any)); n != 3 {
					t.Errorf("want ana's 3 tokens, got %d", n)
				}
			}},
		{name: "tokens as assistant", method: "GET", path: "/api/v1/tokens", who: "assistant", status: 403, want: map[string]any{"error.code": "forbidden"}},
		{name: "create token", method: "POST", path: "/api/v1/tokens", who: "owner", body: `{"name":"shop"}`, status: 201, want: map[string]any{"id": "*", "name": "shop", "user_email": "ana@example.com", "revoked_at": nil},
			check: func(t *testing.T, f *fixture, body map[string]any) {
				secret, _ := body["token"].(string)
				if !strings.HasPrefix(secret, "atl_") {
					t.Fatalf("no secret in the answer: %v", body)
				}
				f.tokens["shop"] = secret
				if res, _ := f.do(t, "GET", "/api/v1/me", "shop", ""); res.StatusCode != 200 {
					t.Fatalf("the new token does not work: %d", res.StatusCode)
				}
			}},
		{name: "create token for the other studio's user", method: "POST", path: "/api/v1/tokens", who: "owner", body: `{"email":"ben@example.com"}`, status: 404, want: map[string]any{"error.code": "not_found"}},
		{name: "create token as assistant", method: "POST", path: "/api/v1/tokens", who: "assistant", body: `{}`, status: 403, want: map[string]any{"error.code": "forbidden"}},
		{name: "revoke the other studio's token", method: "DELETE", path: "/api/v1/tokens/{ben}", who: "owner", status: 404, want: map[string]any{"error.code": "not_found"},
			check: func(t *testing.T, f *fixture, _ map[string]any) {
				if res, _ := f.do(t, "GET", "/api/v1/me", "ben", ""); res.StatusCode != 200 {
					t.Fatalf("ben's token was revoked by another studio")
				}
			}},
		{name: "revoke as assistant", method: "DELETE", path: "/api/v1/tokens/{owner}", who: "assistant", status: 403, want: map[string]any{"error.code": "forbidden"}},
		{name: "revoke unknown", method: "DELETE", path: "/api/v1/tokens/nosuchtoken", who: "owner", status: 404, want: map[string]any{"error.code": "not_found"}},
		{name: "revoke the assistant's token", method: "DELETE", path: "/api/v1/tokens/{assistant}", who: "owner", status: 200, want: map[string]any{"revoked_at": "*", "user_email": "asst@example.com"},
			check: func(t *testing.T, f *fixture, _ map[string]any) {
				if res, _ := f.do(t, "GET", "/api/v1/me", "assistant", ""); res.StatusCode != 401 {
					t.Fatalf("a revoked token still works: %d", res.StatusCode)
				}
			}},

		{name: "unknown route", method: "GET", path: "/api/v1/nothing-here", who: "owner", status: 404, want: map[string]any{"error.code": "not_found"}},
		{name: "wrong method", method: "POST", path: "/api/v1/me", who: "owner", body: `{}`, status: 405, want: map[string]any{"error.code": "invalid"}},
		{name: "home page leads to sign-in", method: "GET", path: "/", status: 303, contains: "/login"},
		{name: "unknown page", method: "GET", path: "/nowhere", status: 404, contains: "nothing at this address"},
	}
	// Each scenario gets a fixture of its own, so that it passes alone
	// and in any order.
	storetest.EachDialect(t, func(t *testing.T, d store.Dialect) {
		for _, sc := range scenarios {
			t.Run(sc.name, func(t *testing.T) {
				t.Parallel()
				newFixture(t, storetest.Open(t, d, nil)).run(t, sc)
			})
		}
	})
}

func (f *fixture) run(t *testing.T, sc scenario) {
	if sc.before != nil {
		sc.before(t, f)
	}
	path := sc.path
	for who, id := range f.ids {
		path = strings.ReplaceAll(path, "{"+who+"}", id)
	}
	res, raw := f.do(t, sc.method, path, sc.who, sc.body)
	if res.StatusCode != sc.status {
		t.Fatalf("status %d, want %d; body %s", res.StatusCode, sc.status, raw)
	}
	if got := res.Header.Get("Referrer-Policy"); got != "no-referrer" {
		t.Errorf("Referrer-Policy %q", got)
	}
	if res.Header.Get("X-Request-Id") == "" {
		t.Error("no X-Request-Id")
	}
	if sc.contains != "" {
		if !strings.Contains(string(raw), sc.contains) {
			t.Fatalf("body does not contain %q", sc.contains)
		}
		return
	}
	var body map[string]any
	if err := json.Unmarshal(raw, &body); err != nil {
		t.Fatalf("not a JSON object: %v: %s", err, raw)
	}
	if sc.status >= 400 {
		if e, ok := body["error"].(map[string]any); !ok || e["code"] == nil || e["message"] == "" {
			t.Fatalf("error answer not in the error format: %s", raw)
		}
	}
	for p, want := range sc.want {
		got, ok := lookup(body, p)
		switch {
		case want == "*":
			if !ok || got == nil {
				t.Errorf("%s missing in %s", p, raw)
			}
		case !ok || got != want:
			t.Errorf("%s = %v, want %v (body %s)", p, got, want, raw)
		}
	}
	if sc.check != nil {
		sc.check(t, f, body)
	}
}

// lookup follows a dotted path through maps and arrays.
func lookup(v any, path string) (any, bool) {
	for part := range strings.SplitSeq(path, ".") {
		switch x := v.(type) {
		case map[string]any:
			var ok bool
			if v, ok = x[part]; !ok {
				return nil, false
			}
		case []any:
			i, err := strconv.Atoi(part)
			if err != nil || i < 0 || i >= len(x) {
				return nil, false
			}
			v = x[i]
		default:
			return nil, false
		}
	}
	return v, true
}

func studioNameIs(name string) func(*testing.T, *fixture, map[string]any) {
	return func(t *testing.T, f *fixture, _ map[string]any) {
		st, err := f.store.Studio(context.Background(), f.ana.ID)
		if err != nil || st.Name != name {
			t.Fatalf("studio name %q (%v), want %q: a refused request wrote", st.Name, err, name)
		}
	}
}

func userCount(n int) func(*testing.T, *fixture, map[string]any) {
	return func(t *testing.T, f *fixture, _ map[string]any) {
		users, err := f.store.Users(context.Background(), f.ana.ID)
		if err != nil || len(users) != n {
			t.Fatalf("%d users (%v), want %d: a refused request wrote", len(users), err, n)
		}
	}
}
