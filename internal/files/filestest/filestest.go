// Package filestest opens a blob store in a temporary folder for tests.
package filestest

import (
	"context"
	"path/filepath"
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
