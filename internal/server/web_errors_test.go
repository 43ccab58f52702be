package server

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"atelier/internal/httpx"
	"atelier/internal/store"
	"atelier/internal/store/storetest"
)

// A page handler that panics answers the HTML error page, not the API's
// JSON, and the panic is logged once, with its details, which the page
// never shows.
func TestPagePanicIsAnErrorPage(t *testing.T) {
	var logs bytes.Buffer
	srv := New(Config{Log: testLogger(&logs)}, storetest.Open(t, store.SQLite, nil), testBlobs(t))
	for _, rt := range srv.Routes() {
		_, path, _ := strings.Cut(rt.Pattern, " ")
		// A studio's published key (and, later, its log) is data for
		// tools, answered as the API answers, not a page.
		data := strings.HasPrefix(path, "/api/") || path == "/healthz" || path == "/readyz" || path == "/metrics" || strings.HasSuffix(path, "/key") || strings.Contains(path, "/log/") ||
			strings.HasPrefix(path, "/witness/")
		if page := !data; page != rt.Page {
			t.Errorf("%s: Page is %v", rt.Pattern, rt.Page)
		}
	}
	srv.mux.Handle("GET /boom", srv.route(httpx.Route{Pattern: "GET /boom", Page: true, Handler: http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		panic("secret internal detail")
	})}))
	rec := httptest.NewRecorder()
	srv.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/boom", nil))
	body := rec.Body.String()
	if rec.Code != 500 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") ||
		!strings.Contains(body, "Something went wrong") || strings.Contains(body, "secret internal detail") {
		t.Fatalf("%d %s\n%s", rec.Code, rec.Header().Get("Content-Type"), body)
	}
	if n := strings.Count(logs.String(), "secret internal detail"); n != 1 {
		t.Fatalf("the panic was logged %d times:\n%s", n, logs.String())
	}
	if n := strings.Count(logs.String(), `"level":"ERROR"`); n != 1 {
		t.Fatalf("%d error lines for one panic:\n%s", n, logs.String())
	}
}

// A conflict on the team page (an e-mail already in use) is a form to
// correct: 422 (the API answers 409), with the form filled again.
func TestWebTeamConflictIsAFormToCorrect(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		b, _ := setUpStudio(t, s)
		res, body := b.post("/team/users", url.Values{"name": {"Bo"}, "email": {"ana@example.com"}, "password": {"bo's first password"}, "role": {"assistant"}}, nil)
		want(t, res, body, 422, `id="email-error"`, `value="Bo"`)
	})
}
