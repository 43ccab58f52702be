package server

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

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

// probe answers path on h as a load balancer's health check would ask.
func probe(h http.Handler, path string) (int, string) {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
	return rec.Code, rec.Body.String()
}

// With the database gone the process is alive (healthz) but not ready
// (readyz names the database); with it there, both say ok.
func TestReadyzNamesADatabaseThatIsGone(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		srv := New(Config{}, s, testBlobs(t))
		if code, body := probe(srv.Handler(), "/readyz"); code != 200 || !strings.Contains(body, `"ok"`) {
			t.Fatalf("readyz with everything up: %d %s", code, body)
		}
		s.Close()
		if code, body := probe(srv.Handler(), "/healthz"); code != 200 {
			t.Errorf("healthz with the database gone: %d %s, want 200 (the process lives)", code, body)
		}
		if code, body := probe(srv.Handler(), "/readyz"); code != http.StatusServiceUnavailable || !strings.Contains(body, "the database does not answer") {
			t.Errorf("readyz with the database gone: %d %s", code, body)
		}
	})
}

// An instance started on a database that `atelier migrate` has not
// brought up to date is not ready, and says so.
func TestReadyzWaitsForMigrations(t *testing.T) {
	storetest.EachDialect(t, func(t *testing.T, d store.Dialect) {
		s, err := store.Open(context.Background(), storetest.Config(t, d))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		srv := New(Config{}, s, testBlobs(t))
		if code, body := probe(srv.Handler(), "/readyz"); code != http.StatusServiceUnavailable || !strings.Contains(body, "run atelier migrate") {
			t.Fatalf("readyz before migrating: %d %s", code, body)
		}
		if _, err := s.Migrate(context.Background()); err != nil {
			t.Fatal(err)
		}
		if code, body := probe(srv.Handler(), "/readyz"); code != 200 {
			t.Errorf("readyz after migrating: %d %s", code, body)
		}
	})
}

// A file store that does not answer makes the instance not ready.
func TestReadyzNamesAFileStoreThatIsGone(t *testing.T) {
	blobs := testBlobs(t)
	srv := New(Config{}, storetest.Open(t, store.SQLite, nil), blobs)
	blobs.Close()
	if code, body := probe(srv.Handler(), "/readyz"); code != http.StatusServiceUnavailable || !strings.Contains(body, "the file store does not answer") {
		t.Errorf("readyz with the file store closed: %d %s", code, body)
	}
}

// Told to stop, an instance keeps serving for the drain delay while
// readyz says it is shutting down, so the load balancer moves away first.
func TestShutdownReportsNotReadyWhileDraining(t *testing.T) {
	srv := New(Config{DrainDelay: 5 * time.Second}, storetest.Open(t, store.SQLite, nil), testBlobs(t))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	base := "http://" + ln.Addr().String()
	get := func(path string) int {
		res, err := http.Get(base + path)
		if err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	if code := get("/readyz"); code != 200 {
		t.Fatalf("readyz before the stop: %d", code)
	}
	stop()
	deadline := time.Now().Add(4 * time.Second)
	for get("/readyz") != http.StatusServiceUnavailable {
		if time.Now().After(deadline) {
			t.Fatal("readyz still says ready after the stop")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if code := get("/healthz"); code != 200 {
		t.Errorf("healthz while draining: %d, want 200", code)
	}
	if err := <-done; err != nil {
		t.Fatalf("Serve: %v", err)
	}
}
