package files

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"os"
	"strconv"

	"atelier/internal/studio"
)

// Spooled is an upload that has fully arrived in a temporary file, with its
// hash, size and the content type its first bytes show.
type Spooled struct {
	store       *Store
	path        string
	SHA256      string
	Size        int64
	ContentType string
}

// Spool streams r into a temporary file while hashing it, refusing more
// than limit bytes. On any error nothing is left on disk.
func (s *Store) Spool(r io.Reader, limit int64) (sp *Spooled, err error) {
	f, err := os.CreateTemp(s.tmpDir, spoolPattern)
	if err != nil {
		return nil, err
	}
	s.track(f.Name(), true)
	defer func() {
		f.Close()
		if err != nil {
			os.Remove(f.Name())
			s.track(f.Name(), false)
		}
	}()
	h := sha256.New()
	sniff := &sniffer{}
	n, err := io.Copy(io.MultiWriter(f, h, sniff), io.LimitReader(r, limit+1))
	if _, ok := errors.AsType[*http.MaxBytesError](err); ok || n > limit {
		return nil, studio.Errorf(studio.TooLarge, "The file is larger than the %s allowed.", humanBytes(limit))
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, os.ErrDeadlineExceeded) {
		return nil, studio.Errorf(studio.Invalid, "The upload did not arrive completely; please send it again.")
	}
	if err != nil {
		return nil, err
	}
	if err := f.Sync(); err != nil {
		return nil, err
	}
	return &Spooled{store: s, path: f.Name(), SHA256: hex.EncodeToString(h.Sum(nil)), Size: n,
		ContentType: http.DetectContentType(sniff.buf)}, nil
}

// Open reads the spooled content from the start.
func (sp *Spooled) Open() (*os.File, error) { return os.Open(sp.path) }

// Remove deletes the temporary file; call it when the request ends.
func (sp *Spooled) Remove() {
	os.Remove(sp.path)
	sp.store.track(sp.path, false)
}

// spoolPattern names the spool files, so that the sweep knows them.
const spoolPattern = "upload-*"

// track adds a spool file to those Close removes, or takes it off.
func (s *Store) track(path string, live bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if live {
		s.spools[path] = struct{}{}
	} else {
		delete(s.spools, path)
	}
}

// sniffer keeps the first 512 bytes, all that content sniffing reads.
type sniffer struct{ buf []byte }

func (s *sniffer) Write(p []byte) (int, error) {
	if room := 512 - len(s.buf); room > 0 {
		s.buf = append(s.buf, p[:min(room, len(p))]...)
	}
	return len(p), nil
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return strconv.FormatInt(n>>20, 10) + " MiB"
	case n >= 1<<10 && n%(1<<10) == 0:
		return strconv.FormatInt(n>>10, 10) + " KiB"
	}
	return strconv.FormatInt(n, 10) + " bytes"
}
