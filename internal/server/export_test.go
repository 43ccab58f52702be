package server

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/rand"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"atelier/internal/store"
	"atelier/internal/store/storetest"
	"atelier/internal/studio"
)

// seedExport gives ana a commission with a reference photo of size bytes.
func seedExport(t *testing.T, f *fixture, size int) {
	t.Helper()
	ctx := context.Background()
	big := make([]byte, size)
	rand.Read(big)
	sha, n, err := f.blobs.Put(ctx, bytes.NewReader(big), int64(len(big)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.store.CreateFile(ctx, studio.File{StudioID: f.ana.ID, SHA256: sha, Size: n, ContentType: "image/jpeg", Name: "rose.jpg"}); err != nil {
		t.Fatal(err)
	}
	small, smallSize, err := f.blobs.Put(ctx, strings.NewReader("a small copy"), 12)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.store.CreateFile(ctx, studio.File{StudioID: f.ana.ID, SHA256: small, Size: smallSize, ContentType: "image/jpeg"}); err != nil {
		t.Fatal(err)
	}
	storetest.SeedCommission(t, f.store, f.ana.ID, sha, small)
}

func TestExportDownload(t *testing.T) {
	storetest.EachDialect(t, func(t *testing.T, d store.Dialect) {
		f := newFixture(t, storetest.Open(t, d, nil))
		seedExport(t, f, 1<<20)
		ts := httptest.NewServer(f.srv.Handler())
		defer ts.Close()
		get := func(who string) *http.Response {
			req, _ := http.NewRequest(http.MethodGet, ts.URL+"/api/v1/export.zip", nil)
			if who != "" {
				req.Header.Set("Authorization", "Bearer "+f.tokens[who])
			}
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			return res
		}
		for who, status := range map[string]int{"assistant": 403, "": 401, "revoked": 401} {
			res := get(who)
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != status || strings.Contains(res.Header.Get("Content-Type"), "zip") {
				t.Errorf("%q: %d %s, want %d", who, res.StatusCode, body, status)
			}
		}
		res := get("owner")
		data, err := io.ReadAll(res.Body)
		res.Body.Close()
		if err != nil || res.StatusCode != 200 || res.Header.Get("Content-Type") != "application/zip" {
			t.Fatalf("owner: %d %v %v", res.StatusCode, res.Header, err)
		}
		if cd := res.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment; filename=atelier-export-ana-") || !strings.HasSuffix(cd, ".zip") {
			t.Errorf("Content-Disposition %q", cd)
		}
		zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			t.Fatal(err)
		}
		var hashes []string
		rows, err := f.store.DB().Query(`SELECT token_hash FROM api_tokens UNION ALL SELECT password_hash FROM users UNION ALL SELECT portal_token_hash FROM commissions`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var h string
			rows.Scan(&h)
			hashes = append(hashes, h)
		}
		rows.Close()
		photo := false
		for _, zf := range zr.File {
			rc, _ := zf.Open()
			content, err := io.ReadAll(rc)
			rc.Close()
			if err != nil {
				t.Fatalf("%s: %v", zf.Name, err)
			}
			photo = photo || strings.HasSuffix(zf.Name, "-Grandma-Rose/front.jpg") && len(content) == 1<<20
			for _, secret := range append(hashes, f.tokens["owner"], f.tokens["assistant"]) {
				if secret != "" && bytes.Contains(content, []byte(secret)) {
					t.Errorf("%s holds a secret", zf.Name)
				}
			}
			if bytes.Contains(content, []byte("Ben's Busts")) {
				t.Errorf("%s holds ben's studio", zf.Name)
			}
		}
		if !photo {
			t.Error("the reference photo is not in the zip")
		}
	})
}

// TestExportClientGone: a client that reads a little and hangs up ends the
// export; nothing is left in the temporary folders, and the database is
// free again (its read transaction ended).
func TestExportClientGone(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	f := newFixture(t, storetest.Open(t, store.SQLite, nil))
	// 32 MB, more than the sockets on both ends hold: the export is still
	// writing when the client hangs up.
	seedExport(t, f, 32<<20)
	before := listFiles(t, f.dataDir)
	var aborted atomic.Bool
	h := f.srv.Handler()
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if p := recover(); p != nil {
				aborted.Store(p == http.ErrAbortHandler)
				panic(p)
			}
		}()
		h.ServeHTTP(w, r)
	}))
	req, _ := http.NewRequest(http.MethodGet, ts.URL+"/api/v1/export.zip", nil)
	req.Header.Set("Authorization", "Bearer "+f.tokens["owner"])
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadFull(res.Body, make([]byte, 64<<10)); err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	http.DefaultClient.CloseIdleConnections()
	ts.Close() // waits for the handler to return
	if !aborted.Load() {
		t.Error("the export was not cut off")
	}
	if left, _ := os.ReadDir(tmp); len(left) != 0 {
		t.Errorf("left in TMPDIR: %v", left)
	}
	if after := listFiles(t, f.dataDir); after != before {
		t.Errorf("the file store changed:\n%s\nthen\n%s", before, after)
	}
	if _, err := f.store.CreateStudio(context.Background(), studio.NewStudio("cy", "Cy", "Cy")); err != nil {
		t.Fatalf("the store is not free after an interrupted export: %v", err)
	}
}

func listFiles(t *testing.T, dir string) string {
	t.Helper()
	var names []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			names = append(names, p)
		}
		return nil
	})
	return strings.Join(names, "\n")
}

// TestExportFromSettings: the settings page offers the download with its
// counts, and the link downloads the zip for the signed-in owner.
func TestExportFromSettings(t *testing.T) {
	f := newFixture(t, storetest.Open(t, store.SQLite, nil))
	seedExport(t, f, 1000)
	ts := httptest.NewServer(f.srv.Handler())
	defer ts.Close()
	ana := newBrowser(t, ts.URL)
	res, body := ana.post("/login", url.Values{"email": {"ana@example.com"}, "password": {"a long password"}}, nil)
	want(t, res, body, 303, "/dashboard")
	res, body = ana.get("/settings")
	want(t, res, body, 200, `id="export"`, `href="/settings/export.zip"`, "and 1 photo:")
	res, body = ana.get("/settings/export.zip")
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "application/zip" {
		t.Fatalf("%d %v", res.StatusCode, res.Header)
	}
	if _, err := zip.NewReader(strings.NewReader(body), int64(len(body))); err != nil {
		t.Fatal(err)
	}
}
