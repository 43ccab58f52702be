package server

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"atelier/internal/api"
	"atelier/internal/files"
	"atelier/internal/files/filestest"
	"atelier/internal/store"
	"atelier/internal/store/storetest"
)

// storedFiles lists what lies in the blob folder and the upload folder.
func storedFiles(t *testing.T, dir string) []string {
	t.Helper()
	var found []string
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && !strings.HasSuffix(p, ".db") && !strings.Contains(p, ".db-") {
			found = append(found, strings.TrimPrefix(p, dir))
		}
		return nil
	})
	return found
}

func (f *fixture) upload(t *testing.T, who string, body []byte, query string) (*http.Response, map[string]any) {
	t.Helper()
	req := httptest.NewRequest("POST", "/api/v1/files"+query, bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+f.tokens[who])
	rec := httptest.NewRecorder()
	f.srv.Handler().ServeHTTP(rec, req)
	var out map[string]any
	json.Unmarshal(rec.Body.Bytes(), &out)
	return rec.Result(), out
}

func TestFileUploads(t *testing.T) {
	storetest.EachDialect(t, func(t *testing.T, d store.Dialect) {
		filestest.Each(t, func(t *testing.T, blobs *files.Store, dir string) {
			testFileUploads(t, newFixtureOn(t, storetest.Open(t, d, nil), blobs, dir))
		})
	})
}

func testFileUploads(t *testing.T, f *fixture) {
	png := append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{7}, 5000)...)
	res, out := f.upload(t, "assistant", png, "?name=../../etc/ref.png")
	if res.StatusCode != 201 || out["content_type"] != "image/png" || out["size"] != float64(len(png)) || out["name"] != "ref.png" {
		t.Fatalf("upload: %d %v", res.StatusCode, out)
	}
	sum := sha256.Sum256(png)
	if out["sha256"] != hex.EncodeToString(sum[:]) {
		t.Fatalf("sha256 %v", out["sha256"])
	}
	id := out["id"].(string)
	// The same content again is the same record.
	if res, again := f.upload(t, "owner", png, ""); res.StatusCode != 201 || again["id"] != id {
		t.Fatalf("dedupe: %d %v", res.StatusCode, again)
	}
	resp, body := f.do(t, "GET", "/api/v1/files/"+id, "owner", "")
	if resp.StatusCode != 200 || !bytes.Equal(body, png) || !strings.Contains(resp.Header.Get("Content-Security-Policy"), "sandbox") {
		t.Fatalf("download: %d, %d bytes", resp.StatusCode, len(body))
	}
	// A part of it, by byte range; and a client holding it already (the
	// ETag is the content's hash) gets 304, in a folder as in a bucket.
	get := func(header, value string) *httptest.ResponseRecorder {
		req := httptest.NewRequest("GET", "/api/v1/files/"+id, nil)
		req.Header.Set("Authorization", "Bearer "+f.tokens["owner"])
		req.Header.Set(header, value)
		rec := httptest.NewRecorder()
		f.srv.Handler().ServeHTTP(rec, req)
		return rec
	}
	if rec := get("Range", "bytes=100-199"); rec.Code != 206 || !bytes.Equal(rec.Body.Bytes(), png[100:200]) {
		t.Fatalf("range: %d, %d bytes", rec.Code, rec.Body.Len())
	}
	if etag := resp.Header.Get("ETag"); etag != `"`+out["sha256"].(string)+`"` {
		t.Fatalf("ETag %q", etag)
	} else if rec := get("If-None-Match", etag); rec.Code != 304 || rec.Body.Len() != 0 {
		t.Fatalf("revalidation: %d, %d bytes", rec.Code, rec.Body.Len())
	}
	// Another studio cannot read it.
	if resp, _ := f.do(t, "GET", "/api/v1/files/"+id, "ben", ""); resp.StatusCode != 404 {
		t.Fatalf("another studio read the file: %d", resp.StatusCode)
	}
	before := filestest.Stored(t, f.blobs, f.dataDir)

	// Over the limit: 413, nothing stored.
	big := bytes.Repeat([]byte("x"), api.MaxUploadBytes+1)
	if res, out := f.upload(t, "owner", big, ""); res.StatusCode != 413 || out["error"].(map[string]any)["code"] != "too_large" {
		t.Fatalf("over the limit: %d %v", res.StatusCode, out)
	}
	// Streamed without a length, the limit still holds.
	req := httptest.NewRequest("POST", "/api/v1/files", io.MultiReader(bytes.NewReader(big)))
	req.ContentLength = -1
	req.Header.Set("Authorization", "Bearer "+f.tokens["owner"])
	rec := httptest.NewRecorder()
	f.srv.Handler().ServeHTTP(rec, req)
	if rec.Code != 413 {
		t.Fatalf("streamed over the limit: %d", rec.Code)
	}
	if res, _ := f.upload(t, "owner", nil, ""); res.StatusCode != 422 {
		t.Fatalf("empty upload: %d", res.StatusCode)
	}
	if res, _ := f.upload(t, "bogus", png, ""); res.StatusCode != 401 {
		t.Fatalf("upload without a valid token: %d", res.StatusCode)
	}
	if after := filestest.Stored(t, f.blobs, f.dataDir); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Fatalf("refused uploads left files: %v → %v", before, after)
	}
}

// A client that vanishes half-way through an upload leaves nothing behind,
// in a folder as in a bucket.
func TestUploadKilledHalfWay(t *testing.T) {
	filestest.Each(t, func(t *testing.T, blobs *files.Store, dir string) {
		testUploadKilledHalfWay(t, storetest.Open(t, store.SQLite, nil), blobs, dir)
	})
}

func testUploadKilledHalfWay(t *testing.T, s *store.Store, blobs *files.Store, dir string) {
	f := newFixtureOn(t, s, blobs, dir)
	ts := httptest.NewServer(f.srv.Handler())
	defer ts.Close()

	conn, err := net.Dial("tcp", strings.TrimPrefix(ts.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	const size = 4 << 20
	fmt.Fprintf(conn, "POST /api/v1/files HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Length: %d\r\n\r\n", f.tokens["owner"], size)
	conn.Write(bytes.Repeat([]byte("y"), size/2))
	// Wait until the half has reached the upload folder, then hang up.
	deadline := time.Now().Add(10 * time.Second)
	for len(storedFiles(t, filepath.Join(f.dataDir, "tmp"))) == 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if len(storedFiles(t, filepath.Join(f.dataDir, "tmp"))) == 0 {
		t.Fatal("the upload never started spooling")
	}
	conn.Close()
	// The handler cleans up, returns, and then the request is logged.
	for time.Now().Before(deadline) {
		if len(filestest.Stored(t, f.blobs, f.dataDir)) == 0 && strings.Contains(f.logs.String(), `"route":"POST /api/v1/files"`) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if left := filestest.Stored(t, f.blobs, f.dataDir); len(left) != 0 {
		t.Fatalf("a killed upload left files: %v", left)
	}
	var rows int
	s.DB().QueryRow(`SELECT count(*) FROM files`).Scan(&rows)
	if rows != 0 {
		t.Fatalf("a killed upload left %d rows", rows)
	}
	if !strings.Contains(f.logs.String(), `"route":"POST /api/v1/files"`) {
		t.Fatalf("the killed request was not logged:\n%s", f.logs.String())
	}
}

// An upload that stops arriving is cut off at its deadline, its handler
// ends and nothing stays behind, without the client hanging up.
func TestStalledUploadIsCutOff(t *testing.T) {
	filestest.Each(t, func(t *testing.T, blobs *files.Store, dir string) {
		testStalledUploadIsCutOff(t, storetest.Open(t, store.SQLite, nil), blobs, dir)
	})
}

func testStalledUploadIsCutOff(t *testing.T, s *store.Store, blobs *files.Store, dir string) {
	f := newFixtureOn(t, s, blobs, dir)
	f.srv = New(Config{Log: testLogger(f.logs), UploadTimeout: 300 * time.Millisecond}, s, f.blobs)
	ts := httptest.NewServer(f.srv.Handler())
	defer ts.Close()

	conn, err := net.Dial("tcp", strings.TrimPrefix(ts.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	const size = 4 << 20
	fmt.Fprintf(conn, "POST /api/v1/files HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Length: %d\r\n\r\n", f.tokens["owner"], size)
	conn.Write(bytes.Repeat([]byte("y"), size/4))
	// The rest never comes; the answer does.
	conn.SetReadDeadline(time.Now().Add(30 * time.Second))
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no answer to a stalled upload: %v", err)
	}
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(string(body), "did not arrive completely") {
		t.Fatalf("stalled upload: %d %s", res.StatusCode, body)
	}
	if left := filestest.Stored(t, f.blobs, f.dataDir); len(left) != 0 {
		t.Fatalf("a stalled upload left files: %v", left)
	}
}
