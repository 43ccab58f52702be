package export

import (
	"bufio"
	"context"
	"errors"
	"log/slog"
	"mime"
	"net/http"
	"time"

	"atelier/internal/files"
	"atelier/internal/store"
)

// Serve streams the studio's export as a download, for the API and the
// settings page alike. Its size is not known before it is written, so it
// goes out chunked: the browser shows how much has come, and the page
// says beforehand how many records and photos to expect.
//
// An error before the first byte is returned for the caller to answer
// as it answers errors. After it the status is sent: the connection is
// cut (http.ErrAbortHandler), so that the client sees a failed download
// rather than a zip that ends early; a client that went away ends the
// export the same way, with nothing left on disk.
func Serve(w http.ResponseWriter, r *http.Request, db *store.Store, blobs *files.Store, slug string, log *slog.Logger) error {
	dw := &download{w: w}
	bw := bufio.NewWriterSize(dw, 64<<10)
	_, err := write(r.Context(), bw, db, blobs, slug, time.Time{}, func(at time.Time) { dw.name = FileName(slug, at) })
	if err == nil {
		err = bw.Flush()
	}
	if err == nil {
		return nil
	}
	if !dw.started {
		return err
	}
	if !errors.Is(err, context.Canceled) && r.Context().Err() == nil {
		log.ErrorContext(r.Context(), "export failed half-way", "studio", slug, "err", err)
	}
	panic(http.ErrAbortHandler)
}

// download sets the headers of the download on its first write.
type download struct {
	w       http.ResponseWriter
	name    string
	started bool
}

func (d *download) Write(p []byte) (int, error) {
	if !d.started {
		d.started = true
		h := d.w.Header()
		h.Set("Content-Type", "application/zip")
		h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": d.name}))
		// The export holds the studio's clients' names and messages.
		h.Set("Cache-Control", "no-store")
		d.w.WriteHeader(http.StatusOK)
	}
	return d.w.Write(p)
}
