package server

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"slices"
	"sync/atomic"
	"testing"

	"atelier/internal/files/filestest"
	"atelier/internal/store"
	"atelier/internal/store/storetest"
)

// switchable is a proxy in front of the S3 gateway that a test can cut
// off: while down, every connection is dropped without an answer, as when
// the S3 server restarts.
type switchable struct {
	down  atomic.Bool
	proxy *httputil.ReverseProxy
}

func (p *switchable) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if p.down.Load() {
		if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
			conn.Close()
		}
		return
	}
	p.proxy.ServeHTTP(w, r)
}

// While S3 is down an upload answers 503 with Retry-After and keeps
// nothing, neither a blob nor a row nor a spool file; when it is back, the
// same upload is stored.
func TestUploadWhileS3IsDown(t *testing.T) {
	if !filestest.S3Enabled() {
		t.Skip("ATELIER_TEST_S3 is not set: this test needs the S3 server (.ci/run sets it)")
	}
	endpoint := filestest.S3Endpoint(t)
	target, _ := url.Parse(endpoint)
	sw := &switchable{proxy: httputil.NewSingleHostReverseProxy(target)}
	front := httptest.NewServer(sw)
	t.Cleanup(front.Close)
	blobs, dir := filestest.OpenS3At(t, front.URL, filestest.NewBucket(t, endpoint))
	s := storetest.Open(t, store.SQLite, nil)
	f := newFixtureOn(t, s, blobs, dir)
	before := filestest.Stored(t, blobs, dir)

	sw.down.Store(true)
	photo := append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{9}, 3000)...)
	res, out := f.upload(t, "owner", photo, "")
	if res.StatusCode != http.StatusServiceUnavailable || res.Header.Get("Retry-After") == "" {
		t.Fatalf("an upload while S3 is down: %d Retry-After %q %v", res.StatusCode, res.Header.Get("Retry-After"), out)
	}
	var rows int
	s.DB().QueryRow(`SELECT count(*) FROM files`).Scan(&rows)
	if rows != 0 {
		t.Fatalf("the refused upload left %d rows", rows)
	}
	sw.down.Store(false)
	if after := filestest.Stored(t, blobs, dir); !slices.Equal(after, before) {
		t.Fatalf("the refused upload left files: %v → %v", before, after)
	}
	if res, out := f.upload(t, "owner", photo, ""); res.StatusCode != http.StatusCreated {
		t.Fatalf("the same upload once S3 is back: %d %v", res.StatusCode, out)
	}
	if after := filestest.Stored(t, blobs, dir); len(after) != len(before)+1 {
		t.Fatalf("the upload once S3 is back stored %v", after)
	}
}
