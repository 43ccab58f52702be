package web

import (
	"context"
	"net/http"

	"atelier/internal/store"
	"atelier/internal/studio"
)

// makingOfVideo is the piece's time-lapse for the public page: nil until
// one has been made whole, and nil while a process photo is kept from
// sharing, since the time-lapse shows them all. A time-lapse being remade
// keeps its previous files, which are whole, so they show meanwhile.
func (w *Web) makingOfVideo(ctx context.Context, pg store.MakingOfPage, base string) *makingOfVideo {
	if !studio.MakingOfVideoPublic(pg.Unshared) {
		return nil
	}
	t, err := w.intake.TimelapseStatus(ctx, pg.Studio.ID, pg.Piece.ID)
	if err != nil {
		// The page stands without its video; the failure is the studio's
		// to see in the log, not the visitor's.
		w.log.WarnContext(ctx, "time-lapse of a making-of page", "piece", pg.Piece.ID, "err", err)
		return nil
	}
	if t.MP4 == nil && t.GIF == nil {
		return nil
	}
	v := &makingOfVideo{}
	if t.MP4 != nil {
		v.MP4, v.MP4URL = base+"/video.mp4", w.cfg.BaseURL+base+"/video.mp4"
	}
	if t.GIF != nil {
		v.GIF = base + "/video.gif"
	}
	if t.Poster != nil {
		v.Poster, v.PosterURL = base+"/poster.jpg", w.cfg.BaseURL+base+"/poster.jpg"
	}
	return v
}

// makingOfFile serves a file of the public page's time-lapse: the MP4,
// the GIF or the poster, under the same conditions as the page shows it.
func (w *Web) makingOfFile(kind string) func(rw http.ResponseWriter, r *http.Request) error {
	return func(rw http.ResponseWriter, r *http.Request) error {
		pg, err := w.store.PublicMakingOf(r.Context(), r.PathValue("slug"), r.PathValue("piece"))
		if err != nil {
			return err
		}
		if !studio.MakingOfVideoPublic(pg.Unshared) {
			return studio.Errorf(studio.NotFound, "This making-of page has no time-lapse.")
		}
		return w.intake.ServeTimelapseFile(rw, r, pg.Studio.ID, pg.Piece.ID, kind)
	}
}
