package files_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"atelier/internal/files"
	"atelier/internal/files/filestest"
)

// touch writes a file age ago.
func touch(t *testing.T, path string, age time.Duration) string {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte("partial"), 0o640); err != nil {
		t.Fatal(err)
	}
	then := time.Now().Add(-age)
	if err := os.Chtimes(path, then, then); err != nil {
		t.Fatal(err)
	}
	return path
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// Spool files and the bucket's temporary files older than the cutoff go;
// younger ones, stored blobs and files of other kinds stay.
func TestRemoveLeftovers(t *testing.T) {
	blobs, dir := filestest.Open(t)
	stored, _, err := blobs.Put(t.Context(), strings.NewReader("a stored blob"), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	blobPath := filepath.Join(dir, "files", filepath.FromSlash(files.Key(stored)))
	then := time.Now().Add(-2 * time.Hour)
	os.Chtimes(blobPath, then, then)
	tmp := filepath.Join(dir, "tmp")
	gone := []string{
		touch(t, filepath.Join(tmp, "upload-1234"), 2*time.Hour),
		touch(t, blobPath+".18a2b3c4d5e6f708.tmp", 2*time.Hour),
	}
	kept := []string{
		blobPath,
		touch(t, filepath.Join(tmp, "upload-5678"), time.Minute),
		touch(t, blobPath+".18a2b3c4d5e6f709.tmp", time.Minute),
		touch(t, filepath.Join(tmp, "backup-1.jsonl"), 2*time.Hour),
		touch(t, filepath.Join(dir, "files", "sha256", "ab", "notes.tmp"), 2*time.Hour),
	}

	left, err := blobs.RemoveLeftovers(t.Context(), time.Now().Add(-time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range gone {
		if exists(p) {
			t.Errorf("%s was left", p)
		}
	}
	for _, p := range kept {
		if !exists(p) {
			t.Errorf("%s was removed", p)
		}
	}
	var names []string
	for _, l := range left {
		names = append(names, filepath.Base(l.Name))
	}
	slices.Sort(names)
	if want := []string{filepath.Base(gone[1]), "upload-1234"}; !slices.Equal(names, want) {
		t.Errorf("reported %v, want %v", names, want)
	}
}

// Closing the store removes the spool files of requests still running,
// which a shutdown abandoned.
func TestCloseRemovesSpoolsInUse(t *testing.T) {
	blobs, dir := filestest.Open(t)
	done, err := blobs.Spool(strings.NewReader("handled"), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	done.Remove()
	if _, err := blobs.Spool(strings.NewReader("abandoned"), 1<<20); err != nil {
		t.Fatal(err)
	}
	if n, _ := filepath.Glob(filepath.Join(dir, "tmp", "*")); len(n) != 1 {
		t.Fatalf("spool files before closing: %v", n)
	}
	blobs.Close()
	if n, _ := filepath.Glob(filepath.Join(dir, "tmp", "*")); len(n) != 0 {
		t.Fatalf("spool files left after closing: %v", n)
	}
}
