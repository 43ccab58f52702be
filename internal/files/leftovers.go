package files

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"gocloud.dev/blob"
	"gocloud.dev/gcerrors"
)

// Leftover is a file an interrupted write left behind, removed by
// RemoveLeftovers.
type Leftover struct {
	// Name is the spool file's path, or the bucket key of a temporary blob.
	Name    string
	Size    int64
	ModTime time.Time
}

// RemoveLeftovers deletes what writes cut short by a crash left behind
// and last touched before cutoff: the spool files of uploads in the upload
// folder, and the temporary files (<key>.<hex>.tmp) that a file:// bucket
// writes next to a blob before renaming it. Files younger than cutoff may
// belong to a write still under way and stay. It returns what it removed.
func (s *Store) RemoveLeftovers(ctx context.Context, cutoff time.Time) ([]Leftover, error) {
	spools, err := s.RemoveOldSpools(cutoff)
	if err != nil {
		return spools, err
	}
	temps, err := s.removeOldTemps(ctx, cutoff)
	return append(spools, temps...), err
}

// RemoveOldSpools removes the upload folder's spool files older than
// cutoff, which is quick enough to do before a server takes requests; the
// system's temporary folder is not ours to sweep.
func (s *Store) RemoveOldSpools(cutoff time.Time) ([]Leftover, error) {
	if s.tmpDir == "" {
		return nil, nil
	}
	paths, err := filepath.Glob(filepath.Join(s.tmpDir, spoolPattern))
	if err != nil {
		return nil, err
	}
	var removed []Leftover
	for _, p := range paths {
		fi, err := os.Lstat(p)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return removed, err
		}
		if !fi.Mode().IsRegular() || !fi.ModTime().Before(cutoff) {
			continue
		}
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return removed, err
		}
		removed = append(removed, Leftover{Name: p, Size: fi.Size(), ModTime: fi.ModTime()})
	}
	return removed, nil
}

// removeOldTemps removes the temporary files of a file:// bucket older
// than cutoff. Other buckets write whole objects or nothing.
func (s *Store) removeOldTemps(ctx context.Context, cutoff time.Time) ([]Leftover, error) {
	if !s.local {
		return nil, nil
	}
	var removed []Leftover
	it := s.bucket.List(&blob.ListOptions{Prefix: keyPrefix})
	for {
		obj, err := it.Next(ctx)
		if err == io.EOF {
			return removed, nil
		}
		if err != nil {
			return removed, err
		}
		if obj.IsDir || !isTempKey(obj.Key) || !obj.ModTime.Before(cutoff) {
			continue
		}
		if err := s.bucket.Delete(ctx, obj.Key); err != nil && gcerrors.Code(err) != gcerrors.NotFound {
			return removed, err
		}
		removed = append(removed, Leftover{Name: obj.Key, Size: obj.Size, ModTime: obj.ModTime})
	}
}

// isTempKey reports whether key is a temporary name fileblob gives a blob
// while it is written: the blob's key, a dot, hex digits and ".tmp".
func isTempKey(key string) bool {
	rest, ok := strings.CutSuffix(key, ".tmp")
	if !ok {
		return false
	}
	i := strings.LastIndexByte(rest, '.')
	return i > 0 && i < len(rest)-1 && shaOf(rest[:i]) != ""
}
