package intake

import (
	"context"
	"net/http"

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
	// The content behind the address changes when the video is remade: a
	// short private cache, revalidated by its ETag.
	return d.ServeBlob(w, r, *f, "private, max-age=60", "")
}
