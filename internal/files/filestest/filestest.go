// Package filestest opens a blob store in a temporary folder for tests.
package filestest

import (
	"context"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"atelier/internal/files"
)

// Open returns a file:// blob store that lives as long as the test, and
// the folder it keeps its blobs and uploads in flight under.
func Open(tb testing.TB) (*files.Store, string) {
	tb.Helper()
	dir := tb.TempDir()
	u, err := files.DefaultURL(dir)
	if err != nil {
		tb.Fatal(err)
	}
	s, err := files.Open(context.Background(), u, filepath.Join(dir, "tmp"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	return s, dir
}

// Each runs fn as a subtest on a local folder and, when ATELIER_TEST_S3=1,
// again on a bucket of the test SeaweedFS. dir is the folder that holds
// the uploads in flight under dir/tmp (and, for the local store, the
// blobs under dir/files); Stored lists what either keeps.
func Each(t *testing.T, fn func(t *testing.T, s *files.Store, dir string)) {
	t.Helper()
	t.Run("local", func(t *testing.T) { s, dir := Open(t); fn(t, s, dir) })
	if S3Enabled() {
		t.Run("s3", func(t *testing.T) { s, dir := OpenS3(t); fn(t, s, dir) })
	}
}

// Stored lists every blob and every file left in dir (spools, temporary
// files), sorted: what a test compares before and after a failure to show
// that nothing was left half-written.
func Stored(tb testing.TB, s *files.Store, dir string) []string {
	tb.Helper()
	var out []string
	seen := map[string]bool{}
	if err := s.List(context.Background(), func(b files.Blob) error {
		key := files.Key(b.SHA256)
		seen[filepath.FromSlash(key)] = true
		out = append(out, key)
		return nil
	}); err != nil {
		tb.Fatal(err)
	}
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(p, ".db") || strings.Contains(p, ".db-") {
			return nil
		}
		rel, _ := filepath.Rel(filepath.Join(dir, "files"), p)
		if !seen[rel] {
			out = append(out, strings.TrimPrefix(p, dir))
		}
		return nil
	})
	slices.Sort(out)
	return out
}
