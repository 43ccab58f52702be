package web

import (
	"encoding/json"
	"math"
	"net/http"
	"net/url"

	"atelier/internal/store"
	"atelier/internal/studio"
)

// timelapseCard is the making-of time-lapse as the piece's page shows it.
type timelapseCard struct {
	PieceID string
	// Status is queued, running, ready or failed; "" when none was asked for.
	Status string
	// Percent is the running job's progress, 0 to 100.
	Percent int
	// Busy: a job is at it, and the page keeps looking.
	Busy bool
	// MP4, GIF and Poster are the addresses of the last files made whole,
	// "" when there are none.
	MP4, GIF, Poster string
	Error            string
	Photos           int
	// NoFFmpeg: made, but as a GIF only, as the server has no ffmpeg.
	NoFFmpeg bool
}

// timelapseCardOf loads the piece's time-lapse for its page; a failure to
// load it is logged and the section left out, not the whole page.
func (w *Web) timelapseCardOf(r *http.Request, p studio.Principal, pieceID string) *timelapseCard {
	t, err := w.intake.TimelapseStatus(r.Context(), p.Studio.ID, pieceID)
	if err != nil {
		w.log.ErrorContext(r.Context(), "loading a piece's time-lapse", "piece", pieceID, "err", err)
		return nil
	}
	base := "/pieces/" + pieceID
	c := &timelapseCard{PieceID: pieceID, Status: t.Status, Percent: int(math.Round(100 * t.Progress)), Busy: t.Busy(),
		Error: t.Error, Photos: t.Photos, NoFFmpeg: t.MP4 == nil && t.GIF != nil}
	if t.MP4 != nil {
		c.MP4 = base + "/timelapse.mp4"
	}
	if t.GIF != nil {
		c.GIF = base + "/timelapse.gif"
	}
	if t.Poster != nil {
		c.Poster = base + "/timelapse/poster.jpg"
	}
	return c
}

// pieceTimelapseMake asks for the time-lapse to be made (again), back to
// the section, which follows the job.
func (w *Web) pieceTimelapseMake(rw http.ResponseWriter, r *http.Request, p studio.Principal) error {
	return w.pieceChange(rw, r, p, "timelapse", "#timelapse", func(url.Values) (change, error) {
		t, err := w.store.RequestTimelapse(r.Context(), p.Studio.ID, r.PathValue("id"))
		if err != nil {
			return change{}, err
		}
		return change{d: store.PieceDetail{Piece: studio.Piece{ID: t.PieceID}},
			flash: "The time-lapse is being made; it takes a minute or so and the page follows it."}, nil
	})
}

// pieceTimelapseStatus answers the page's script that follows the job:
// the status and progress as JSON.
func (w *Web) pieceTimelapseStatus(rw http.ResponseWriter, r *http.Request, p studio.Principal) error {
	t, err := w.intake.TimelapseStatus(r.Context(), p.Studio.ID, r.PathValue("id"))
	if err != nil {
		return err
	}
	rw.Header().Set("Content-Type", "application/json")
	rw.Header().Set("Cache-Control", "no-store")
	return json.NewEncoder(rw).Encode(map[string]any{"status": t.Status, "progress": t.Progress})
}

// pieceTimelapseFile serves a file of the time-lapse to the studio's page.
func (w *Web) pieceTimelapseFile(kind string) pageFunc {
	return func(rw http.ResponseWriter, r *http.Request, p studio.Principal) error {
		return w.intake.ServeTimelapseFile(rw, r, p.Studio.ID, r.PathValue("id"), kind)
	}
}
