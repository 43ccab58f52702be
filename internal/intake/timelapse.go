package intake

import (
	"context"
	"io"
	"net/http"
	"strconv"

	"atelier/internal/store"
	"atelier/internal/studio"
)

// The files of a time-lapse, by the kind ServeTimelapseFile takes.
const (
	TimelapseMP4    = "mp4"
	TimelapseGIF    = "gif"
	TimelapsePoster = "poster"
)

// TimelapseStatus is the piece's making-of time-lapse as it stands. When
// the process photos changed since the last one was made whole, or its
// job was lost, it asks for a new one here, at the moment someone looks:
// the previous files are served meanwhile. Another studio's piece is not
// found.
func (d *Desk) TimelapseStatus(ctx context.Context, studioID, pieceID string) (store.Timelapse, error) {
	t, err := d.Store.Timelapse(ctx, studioID, pieceID)
	if err != nil || !(t.Stale() || t.Lost(d.now())) {
		return t, err
	}
	return d.Store.RequestTimelapse(ctx, studioID, pieceID)
}

// ServeTimelapseFile writes a file of the piece's time-lapse, kind "mp4",
// "gif" or "poster", the last one made whole. Before one is ready, and for
// an MP4 on a server without ffmpeg, it is not found. The MP4 is served
// with byte ranges, which phones ask for to play a video inline.
func (d *Desk) ServeTimelapseFile(w http.ResponseWriter, r *http.Request, studioID, pieceID, kind string) error {
	t, err := d.Store.Timelapse(r.Context(), studioID, pieceID)
	if err != nil {
		return err
	}
	var f *studio.File
	switch kind {
	case TimelapseMP4:
		f = t.MP4
	case TimelapseGIF:
		f = t.GIF
	case TimelapsePoster:
		f = t.Poster
	default:
		return studio.Errorf(studio.NotFound, "No such time-lapse file; use mp4, gif or poster.")
	}
	if f == nil {
		if kind == TimelapseMP4 && t.GIF != nil {
			return studio.Errorf(studio.NotFound, "This server has no ffmpeg to make the MP4; the time-lapse is a GIF.")
		}
		return studio.Errorf(studio.NotFound, "The time-lapse is not ready yet.")
	}
	rc, err := d.Files.Open(r.Context(), f.SHA256)
	if err != nil {
		return err
	}
	defer rc.Close()
	h := w.Header()
	h.Set("Content-Type", f.ContentType)
	h.Set("Content-Security-Policy", "sandbox; default-src 'none'")
	// The content behind the address changes when the video is remade: a
	// short private cache, revalidated by its ETag (the content's hash).
	h.Set("Cache-Control", "private, max-age=60")
	h.Set("ETag", strconv.Quote(f.SHA256))
	if rs, ok := rc.(io.ReadSeeker); ok {
		http.ServeContent(w, r, "", f.CreatedAt, rs)
		return nil
	}
	// A blob store whose reader cannot seek: the whole file, no ranges.
	h.Set("Content-Length", strconv.FormatInt(f.Size, 10))
	if _, err := io.Copy(w, rc); err != nil {
		d.Log.WarnContext(r.Context(), "time-lapse download interrupted", "err", err)
	}
	return nil
}
