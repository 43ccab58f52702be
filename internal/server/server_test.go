package server

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"atelier/internal/api"
	"atelier/internal/files"
	"atelier/internal/files/filestest"
	"atelier/internal/httpx"
	"atelier/internal/requestid"
	"atelier/internal/store"
	"atelier/internal/store/storetest"
)

func testBlobs(t testing.TB) *files.Store {
	b, _ := filestest.Open(t)
	return b
}

// lockedBuffer collects log lines that the server writes while the test reads.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func testLogger(w io.Writer) *slog.Logger {
	return slog.New(requestid.Handler{Handler: slog.NewJSONHandler(w, nil)})
}

// Every route of the table is described in the OpenAPI document, and the
// document describes no route that does not exist.
func TestOpenAPIDescribesEveryRoute(t *testing.T) {
	var doc struct {
		OpenAPI string                                `json:"openapi"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(api.OpenAPI(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.OpenAPI != "3.1.0" {
		t.Fatalf("openapi %q", doc.OpenAPI)
	}
	srv := New(Config{}, storetest.Open(t, store.SQLite, nil), testBlobs(t))
	routed := map[string]bool{}
	for _, rt := range srv.Routes() {
		method, path, ok := strings.Cut(rt.Pattern, " ")
		path = strings.TrimSuffix(path, "{$}") // "/{$}" is the exact path "/"
		// A wildcard of the rest of the path, {name...}, is {name} in OpenAPI.
		path = strings.ReplaceAll(path, "...}", "}")
		if !ok {
			t.Errorf("route %q has no method", rt.Pattern)
			continue
		}
		routed[strings.ToLower(method)+" "+path] = true
		if _, ok := doc.Paths[path][strings.ToLower(method)]; !ok {
			t.Errorf("%s is not described in openapi.json", rt.Pattern)
		}
	}
	for path, ops := range doc.Paths {
		for method := range ops {
			if method != "parameters" && !routed[method+" "+path] {
				t.Errorf("openapi.json describes %s %s, which no route serves", method, path)
			}
		}
	}
}

// Secrets never reach the log: not the bearer token, nor a token in a path.
func TestLogsCarryNoSecrets(t *testing.T) {
	s := storetest.Open(t, store.SQLite, nil)
	f := newFixture(t, s)
	// The client portal carries its secret in the path.
	portalSecret := "portalsecretvalue1234567890"
	f.do(t, "GET", "/api/v1/me", "owner", "")
	f.do(t, "GET", "/p/"+portalSecret, "", "")
	f.do(t, "GET", "/api/v1/me?token="+portalSecret, "owner", "")
	logs := f.logs.String()
	for _, secret := range []string{f.tokens["owner"], portalSecret} {
		if strings.Contains(logs, secret) {
			t.Fatalf("a secret reached the log:\n%s", logs)
		}
	}
	if !strings.Contains(logs, `"path":"/p/REDACTED"`) || !strings.Contains(logs, `"route":"GET /api/v1/me"`) {
		t.Fatalf("log lines lack the redacted path or route:\n%s", logs)
	}
	// Log lines carry the request's id.
	var line struct {
		Msg       string `json:"msg"`
		RequestID string `json:"request_id"`
	}
	for l := range strings.SplitSeq(logs, "\n") {
		if strings.Contains(l, "/p/REDACTED") {
			json.Unmarshal([]byte(l), &line)
		}
	}
	if line.RequestID == "" {
		t.Fatalf("log line without request id:\n%s", logs)
	}
}

// A handler that panics answers a clean 500 and logs the details, which the
// client never sees.
func TestPanicIsACleanInternalError(t *testing.T) {
	var logs bytes.Buffer
	srv := New(Config{Log: testLogger(&logs)}, storetest.Open(t, store.SQLite, nil), testBlobs(t))
	srv.mux.Handle("GET /boom", srv.route(httpx.Route{Pattern: "GET /boom", Handler: http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		panic("secret internal detail")
	})}))
	rec := httptest.NewRecorder()
	srv.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/boom", nil))
	if rec.Code != 500 || strings.Contains(rec.Body.String(), "secret internal detail") || !strings.Contains(rec.Body.String(), `"code":"internal"`) {
		t.Fatalf("%d %s", rec.Code, rec.Body)
	}
	if !strings.Contains(logs.String(), "secret internal detail") {
		t.Fatal("the panic was not logged")
	}
}

// An incoming request id that looks like one is kept; anything else is replaced.
func TestRequestIDFromLoadBalancer(t *testing.T) {
	srv := New(Config{}, storetest.Open(t, store.SQLite, nil), testBlobs(t))
	for in, keep := range map[string]bool{"lb-0123456789abcdef": true, "short": false, "bad id with spaces!": false} {
		req := httptest.NewRequest("GET", "/healthz", nil)
		req.Header.Set("X-Request-Id", in)
		rec := httptest.NewRecorder()
		srv.Handler().ServeHTTP(rec, req)
		if got := rec.Header().Get("X-Request-Id"); (got == in) != keep || got == "" {
			t.Errorf("incoming %q → %q", in, got)
		}
	}
}

// healthz reports a database that does not answer.
func TestHealthzWhenDatabaseIsGone(t *testing.T) {
	s := storetest.Open(t, store.SQLite, nil)
	srv := New(Config{}, s, testBlobs(t))
	s.Close()
	rec := httptest.NewRecorder()
	srv.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/healthz", nil))
	if rec.Code != http.StatusServiceUnavailable || !strings.Contains(rec.Body.String(), "unavailable") {
		t.Fatalf("%d %s", rec.Code, rec.Body)
	}
}
