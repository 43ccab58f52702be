// Package files keeps originals and derived images in a blob store: a local
// folder by default, an S3-compatible store for installs that scale out.
// Blobs are stored under the SHA-256 of their content, so the same bytes
// are stored once however often they are uploaded.
package files

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"gocloud.dev/blob"
	_ "gocloud.dev/blob/fileblob" // file:// buckets
	_ "gocloud.dev/blob/s3blob"   // s3:// buckets
	"gocloud.dev/gcerrors"

	"atelier/internal/studio"
)

// Store is the blob store.
type Store struct {
	bucket *blob.Bucket
	// tmpDir holds uploads while they arrive, before their hash is known.
	tmpDir string
	// local: the bucket is a folder (file://), whose writes leave
	// temporary files behind when the process dies half-way.
	local bool

	mu sync.Mutex
	// spools are the spool files not removed yet, which Close removes: the
	// uploads of requests a shutdown abandoned.
	spools map[string]struct{}
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

// openCheckTimeout bounds the check that a bucket answers at start.
const openCheckTimeout = 15 * time.Second

// Open opens the bucket a gocloud URL names and checks that it answers.
// tmpDir ("" for the system's) holds uploads in flight.
func Open(ctx context.Context, bucketURL, tmpDir string) (*Store, error) {
	local := false
	if u, err := url.Parse(bucketURL); err == nil && u.Scheme == "file" {
		local = true
		if err := os.MkdirAll(u.Path, 0o750); err != nil {
			return nil, fmt.Errorf("files: creating %s: %w", u.Path, err)
		}
	}
	if tmpDir != "" {
		if err := os.MkdirAll(tmpDir, 0o750); err != nil {
			return nil, fmt.Errorf("files: creating %s: %w", tmpDir, err)
		}
	}
	b, err := blob.OpenBucket(ctx, bucketURL)
	if err != nil {
		return nil, fmt.Errorf("files: opening ATELIER_FILES_URL: %w", err)
	}
	// A bucket behind an address that swallows packets would otherwise keep
	// the start waiting on the SDK's retries; say so within a bounded time.
	check, cancel := context.WithTimeout(ctx, openCheckTimeout)
	defer cancel()
	if ok, err := b.IsAccessible(check); err != nil || !ok {
		b.Close()
		return nil, fmt.Errorf("files: the bucket of ATELIER_FILES_URL is not accessible: %v", err)
	}
	return &Store{bucket: b, tmpDir: tmpDir, local: local, spools: map[string]struct{}{}}, nil
}

// Close removes the spool files still in use, whose requests were
// abandoned, and releases the bucket.
func (s *Store) Close() error {
	s.mu.Lock()
	for path := range s.spools {
		os.Remove(path)
	}
	clear(s.spools)
	s.mu.Unlock()
	return s.bucket.Close()
}

const keyPrefix = "sha256/"

// Key is where the blob with the given SHA-256 (hex) lives in the bucket.
func Key(sha string) string { return keyPrefix + sha[:2] + "/" + sha }

// shaOf is the inverse of Key, "" for keys that are not content blobs.
func shaOf(key string) string {
	rest, ok := strings.CutPrefix(key, keyPrefix)
	if !ok || len(rest) != 2+1+64 {
		return ""
	}
	return rest[3:]
}

// Save stores the spooled upload under its hash and then calls record,
// which writes the rows that refer to it. When record fails the blob is
// removed again, unless it was already there before (another row uses it):
// a failed request leaves no file behind.
func (s *Store) Save(ctx context.Context, sp *Spooled, record func() error) error {
	return s.SaveAll(ctx, []*Spooled{sp}, record)
}

// SaveAll is Save for several uploads that one record refers to: all are
// stored, or none stays.
func (s *Store) SaveAll(ctx context.Context, sps []*Spooled, record func() error) (err error) {
	var added []string
	defer func() {
		if err != nil {
			for _, key := range added {
				if derr := s.bucket.Delete(context.WithoutCancel(ctx), key); derr != nil && gcerrors.Code(derr) != gcerrors.NotFound {
					err = errors.Join(err, derr)
				}
			}
		}
	}()
	for _, sp := range sps {
		key := Key(sp.SHA256)
		existed, err := s.bucket.Exists(ctx, key)
		if err != nil {
			return down(ctx, err)
		}
		if existed || slices.Contains(added, key) {
			continue
		}
		if err := s.upload(ctx, key, sp); err != nil {
			return down(ctx, err)
		}
		added = append(added, key)
	}
	return record()
}

func (s *Store) upload(ctx context.Context, key string, sp *Spooled) error {
	f, err := os.Open(sp.path)
	if err != nil {
		return err
	}
	defer f.Close()
	// Uploaded under a context that a vanished client cannot cancel half-way;
	// a failed write is aborted by the library and leaves no blob.
	return s.bucket.Upload(ctx, key, f, &blob.WriterOptions{ContentType: sp.ContentType})
}

// Put stores r under its SHA-256 directly, for restores and derived files.
// It returns the hash and size.
func (s *Store) Put(ctx context.Context, r io.Reader, limit int64) (sha string, size int64, err error) {
	sp, err := s.Spool(r, limit)
	if err != nil {
		return "", 0, err
	}
	defer sp.Remove()
	return sp.SHA256, sp.Size, s.Save(ctx, sp, func() error { return nil })
}

// Open reads the blob with the given SHA-256.
func (s *Store) Open(ctx context.Context, sha string) (io.ReadCloser, error) {
	r, err := s.bucket.NewReader(ctx, Key(sha), nil)
	if gcerrors.Code(err) == gcerrors.NotFound {
		return nil, fmt.Errorf("files: blob %s: %w", sha, os.ErrNotExist)
	}
	if err != nil {
		return nil, down(ctx, err)
	}
	return r, nil
}

// storeDownFor is how long a client is asked to wait when the bucket does
// not answer: an S3 server restarting, a network blip.
const storeDownFor = 30 * time.Second

// down marks a failure of the bucket as the file store being unavailable,
// which a client may try again after a while (503 with Retry-After),
// keeping the cause for the log. A request the client gave up on stays
// what it is.
func down(ctx context.Context, err error) error {
	if ctx.Err() != nil || errors.Is(err, context.Canceled) {
		return err
	}
	return fmt.Errorf("%w (%w)", &studio.Error{Code: studio.Unavailable,
		Message: "The file store does not answer just now. Please try again in a minute.",
		Data:    map[string]any{studio.RetryAfter: int(storeDownFor / time.Second)}}, err)
}

// Ping checks that the bucket answers, for the readiness check.
func (s *Store) Ping(ctx context.Context) error {
	ok, err := s.bucket.IsAccessible(ctx)
	if err == nil && !ok {
		err = errors.New("files: the bucket is not accessible")
	}
	return err
}

// Exists reports whether the blob with the given SHA-256 is stored.
func (s *Store) Exists(ctx context.Context, sha string) (bool, error) {
	return s.bucket.Exists(ctx, Key(sha))
}

// Blob describes a stored blob for the sweep.
type Blob struct {
	SHA256  string
	Size    int64
	ModTime time.Time
}

// List calls fn for every content blob in the bucket.
func (s *Store) List(ctx context.Context, fn func(Blob) error) error {
	it := s.bucket.List(&blob.ListOptions{Prefix: keyPrefix})
	for {
		obj, err := it.Next(ctx)
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if sha := shaOf(obj.Key); sha != "" && !obj.IsDir {
			if err := fn(Blob{SHA256: sha, Size: obj.Size, ModTime: obj.ModTime}); err != nil {
				return err
			}
		}
	}
}

// Delete removes the blob with the given SHA-256; a missing one is no error.
func (s *Store) Delete(ctx context.Context, sha string) error {
	err := s.bucket.Delete(ctx, Key(sha))
	if gcerrors.Code(err) == gcerrors.NotFound {
		return nil
	}
	return err
}
