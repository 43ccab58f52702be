package api

import (
	"net/http"

	"atelier/internal/store"
	"atelier/internal/studio"
)

// TimelapseJSON is a piece's time-lapse as the API shows it. The URLs
// are those of the last files made whole, null before there are any; a
// time-lapse being remade keeps them.
type TimelapseJSON struct {
	Status    string  `json:"status"`
	Progress  float64 `json:"progress"`
	MP4URL    *string `json:"mp4_url"`
	GIFURL    *string `json:"gif_url"`
	PosterURL *string `json:"poster_url"`
	// Error says why the last attempt failed.
	Error string `json:"error,omitempty"`
	// Photos is the number of process photos the next one is made from.
	Photos int `json:"photos"`
}

// TimelapseView is t as the API shows it, its files under base (the
// piece's address, "/api/v1/pieces/ID" or the web page's).
func TimelapseView(t store.Timelapse, base string) TimelapseJSON {
	v := TimelapseJSON{Status: t.Status, Progress: t.Progress, Error: t.Error, Photos: t.Photos}
	link := func(f *studio.File, path string) *string {
		if f == nil {
			return nil
		}
		u := base + path
		return &u
	}
	v.MP4URL = link(t.MP4, "/timelapse.mp4")
	v.GIFURL = link(t.GIF, "/timelapse.gif")
	v.PosterURL = link(t.Poster, "/timelapse/poster.jpg")
	return v
}

// piecesTimelapseMake asks for the piece's time-lapse to be made (again).
func (a *API) piecesTimelapseMake(w http.ResponseWriter, r *http.Request, p studio.Principal) error {
	t, err := a.Store.RequestTimelapse(r.Context(), p.Studio.ID, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusAccepted, TimelapseView(t, "/api/v1/pieces/"+t.PieceID))
	return nil
}

// piecesTimelapseShow tells where the piece's time-lapse stands.
func (a *API) piecesTimelapseShow(w http.ResponseWriter, r *http.Request, p studio.Principal) error {
	t, err := a.Intake.TimelapseStatus(r.Context(), p.Studio.ID, r.PathValue("id"))
	if err != nil {
		return err
	}
	if t.Status == "" {
		return studio.Errorf(studio.NotFound, "No time-lapse has been made of this piece yet: POST to this address to make one.")
	}
	writeJSON(w, http.StatusOK, TimelapseView(t, "/api/v1/pieces/"+t.PieceID))
	return nil
}

// piecesTimelapseFile serves a file of the piece's time-lapse.
func (a *API) piecesTimelapseFile(kind string) func(http.ResponseWriter, *http.Request, studio.Principal) error {
	return func(w http.ResponseWriter, r *http.Request, p studio.Principal) error {
		return a.Intake.ServeTimelapseFile(w, r, p.Studio.ID, r.PathValue("id"), kind)
	}
}
