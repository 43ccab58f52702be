// Package files keeps originals and derived images in a blob store: a local
// folder by default, an S3-compatible store for installs that scale out.
package files

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"

	"gocloud.dev/blob"
	_ "gocloud.dev/blob/fileblob" // file:// buckets
	_ "gocloud.dev/blob/s3blob"   // s3:// buckets
)

// Store is the blob store.
type Store struct {
	bucket *blob.Bucket
}

// DefaultURL is the bucket under the data directory used when
// ATELIER_FILES_URL is not set.
func DefaultURL(dataDir string) (string, error) {
	abs, err := filepath.Abs(filepath.Join(dataDir, "files"))
	if err != nil {
		return "", err
	}
	// Temporary files go next to their destination, so that a rename
	// never crosses file systems; no sidecar metadata files are written.
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(abs), RawQuery: "create_dir=1&no_tmp_dir=1&metadata=skip"}
	return u.String(), nil
}

// Open opens the bucket a gocloud URL names and checks that it answers.
func Open(ctx context.Context, bucketURL string) (*Store, error) {
	if u, err := url.Parse(bucketURL); err == nil && u.Scheme == "file" {
		if err := os.MkdirAll(u.Path, 0o750); err != nil {
			return nil, fmt.Errorf("files: creating %s: %w", u.Path, err)
		}
	}
	b, err := blob.OpenBucket(ctx, bucketURL)
	if err != nil {
		return nil, fmt.Errorf("files: opening ATELIER_FILES_URL: %w", err)
	}
	if ok, err := b.IsAccessible(ctx); err != nil || !ok {
		b.Close()
		return nil, fmt.Errorf("files: the bucket is not accessible: %v", err)
	}
	return &Store{bucket: b}, nil
}

// Close releases the bucket.
func (s *Store) Close() error { return s.bucket.Close() }
