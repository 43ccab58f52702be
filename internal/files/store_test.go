package files_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"atelier/internal/files"
	"atelier/internal/files/filestest"
)

// A blob is stored under its hash, read back byte for byte, listed, stored
// once however often it is put, and deleted; a missing one is
// os.ErrNotExist. On a folder and, with ATELIER_TEST_S3=1, on S3.
func TestBlobsRoundTrip(t *testing.T) {
	filestest.Each(t, func(t *testing.T, s *files.Store, dir string) {
		ctx := t.Context()
		content := strings.Repeat("a reference photo ", 1000)
		sha, size, err := s.Put(ctx, strings.NewReader(content), 1<<20)
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256([]byte(content))
		if sha != hex.EncodeToString(sum[:]) || size != int64(len(content)) {
			t.Fatalf("put: %s %d", sha, size)
		}
		if again, _, err := s.Put(ctx, strings.NewReader(content), 1<<20); err != nil || again != sha {
			t.Fatalf("the same bytes again: %s %v", again, err)
		}
		if got := readBlob(t, s, sha); got != content {
			t.Fatalf("read back %d bytes, not the %d put", len(got), len(content))
		}
		if ok, err := s.Exists(ctx, sha); !ok || err != nil {
			t.Fatalf("exists: %v %v", ok, err)
		}
		if got := filestest.Stored(t, s, dir); !slices.Equal(got, []string{files.Key(sha)}) {
			t.Fatalf("stored: %v", got)
		}
		if err := s.Delete(ctx, sha); err != nil {
			t.Fatal(err)
		}
		if err := s.Delete(ctx, sha); err != nil {
			t.Fatalf("deleting a missing blob: %v", err)
		}
		if _, err := s.Open(ctx, sha); !errors.Is(err, os.ErrNotExist) {
			t.Fatalf("a deleted blob opens: %v", err)
		}
		if got := filestest.Stored(t, s, dir); len(got) != 0 {
			t.Fatalf("left after delete: %v", got)
		}
	})
}

// When the rows that refer to an upload cannot be written, the blobs it
// added are removed again and one that was there before stays.
func TestSaveAllUndoesOnFailure(t *testing.T) {
	filestest.Each(t, func(t *testing.T, s *files.Store, dir string) {
		ctx := t.Context()
		before, _, err := s.Put(ctx, strings.NewReader("already stored"), 1<<20)
		if err != nil {
			t.Fatal(err)
		}
		var sps []*files.Spooled
		for _, c := range []string{"already stored", "new one", "new two"} {
			sp, err := s.Spool(strings.NewReader(c), 1<<20)
			if err != nil {
				t.Fatal(err)
			}
			defer sp.Remove()
			sps = append(sps, sp)
		}
		refused := errors.New("the rows could not be written")
		if err := s.SaveAll(ctx, sps, func() error { return refused }); !errors.Is(err, refused) {
			t.Fatalf("SaveAll: %v", err)
		}
		for _, sp := range sps {
			sp.Remove()
		}
		if got := filestest.Stored(t, s, dir); !slices.Equal(got, []string{files.Key(before)}) {
			t.Fatalf("after a failed save: %v", got)
		}
	})
}

// An S3 endpoint where nothing answers is a clear error at start, not a
// hang.
func TestOpenUnreachableS3(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	endpoint := "http://" + l.Addr().String()
	l.Close()
	t.Setenv("AWS_ACCESS_KEY_ID", "x")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "y")
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	s, err := files.Open(ctx, filestest.S3URL(endpoint, "nowhere"), t.TempDir())
	if err == nil {
		s.Close()
		t.Fatal("a bucket nobody serves opened")
	}
	if !strings.Contains(err.Error(), "not accessible") || ctx.Err() != nil {
		t.Fatalf("the error does not say what is wrong, or came only at the deadline: %v", err)
	}
}

func readBlob(t *testing.T, s *files.Store, sha string) string {
	t.Helper()
	r, err := s.Open(t.Context(), sha)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
