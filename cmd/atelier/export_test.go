package main

import (
	"archive/zip"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"atelier/internal/store"
	"atelier/internal/store/storetest"
)

// TestExportCommand writes a studio's export through the CLI, then fails
// half-way through one (a photo missing from the file store) and on an
// unknown studio: the last good zip stays, and no .tmp is left.
func TestExportCommand(t *testing.T) {
	storetest.EachDialect(t, func(t *testing.T, d store.Dialect) {
		c := newCLI(t, d)
		seedForBackup(t, c)
		dir := t.TempDir()
		out := filepath.Join(dir, "ana.zip")
		said := c.must("", "export", "--studio", "ana", "--out", out)
		if !strings.Contains(said, "exported studio ana to "+out) {
			t.Errorf("said %q", said)
		}
		zr, err := zip.OpenReader(out)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, f := range zr.File {
			names = append(names, f.Name)
		}
		zr.Close()
		if names[0] != "README.txt" || !strings.Contains(strings.Join(names, " "), "csv/commissions.csv") {
			t.Errorf("entries %v", names)
		}
		whole, _ := os.ReadFile(out)
		// Unknown studio: refused, nothing written.
		if _, _, err := c.run("", "export", "--studio", "nobody", "--out", filepath.Join(dir, "nobody.zip")); err == nil {
			t.Error("an unknown studio was exported")
		}
		// A photo gone from the file store fails the export after part of
		// the zip is written: the good zip stays as it was.
		st, _ := c.openInstall()
		var sha string
		if err := st.DB().QueryRow(`SELECT f.sha256 FROM photos p JOIN files f ON f.id = p.file_id LIMIT 1`).Scan(&sha); err != nil {
			t.Fatal(err)
		}
		removeBlob(t, c.env["ATELIER_DATA"], sha)
		if _, _, err := c.run("", "export", "--studio", "ana", "--out", out); err == nil || !strings.Contains(err.Error(), sha) {
			t.Errorf("want the missing photo named, got %v", err)
		}
		if again, _ := os.ReadFile(out); string(again) != string(whole) {
			t.Error("the failed export changed the last good zip")
		}
		entries, _ := os.ReadDir(dir)
		if len(entries) != 1 {
			t.Errorf("left in the folder: %v", entries)
		}
		// A .tmp already there (another export into the same file, or one
		// killed) is named and left alone.
		busy := filepath.Join(dir, "busy.zip")
		os.WriteFile(busy+".tmp", []byte("another export's"), 0o600)
		if _, _, err := c.run("", "export", "--studio", "ana", "--out", busy); err == nil || !strings.Contains(err.Error(), busy+".tmp exists") {
			t.Errorf("want the .tmp named, got %v", err)
		}
		if kept, _ := os.ReadFile(busy + ".tmp"); string(kept) != "another export's" {
			t.Error("the other export's .tmp was touched")
		}
		if _, _, err := c.run("", "export", "--studio", "ana"); !errors.Is(err, errUsage) {
			t.Errorf("no --out: %v", err)
		}
	})
}

// removeBlob deletes a blob from the folder file store, whatever layout
// it names blobs by.
func removeBlob(t *testing.T, data, sha string) {
	t.Helper()
	found := false
	filepath.WalkDir(filepath.Join(data, "files"), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.Contains(filepath.ToSlash(p), sha[2:]) {
			found = true
			return os.Remove(p)
		}
		return nil
	})
	if !found {
		t.Fatalf("blob %s not found under %s", sha, data)
	}
}
