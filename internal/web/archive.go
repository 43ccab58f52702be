package web

import (
	"net/http"
	"strconv"

	"atelier/internal/store"
	"atelier/internal/studio"
)

// archivePage is how many delivered pieces one page of the archive shows.
const archivePage = 24

// archiveData is a page of delivered pieces, newest first, and where the
// older ones continue.
type archiveData struct {
	Pieces []archiveCard
	// Older is the address of the next page, "" on the last; Newer that
	// of the page before, "" on the first.
	Older, Newer string
	Thumb        int
}

type archiveCard struct {
	store.ArchivedPiece
	Delivered string
}

func (w *Web) archiveShow(rw http.ResponseWriter, r *http.Request, p studio.Principal) error {
	from, err := strconv.Atoi(r.URL.Query().Get("from"))
	if err != nil || from < 0 {
		// No or a nonsense offset: the newest page, not an error page for
		// a link someone typed.
		from = 0
	}
	list, more, err := w.store.Archive(r.Context(), p.Studio.ID, from, archivePage)
	if err != nil {
		return err
	}
	d := archiveData{Thumb: store.ArchiveThumb}
	for _, a := range list {
		d.Pieces = append(d.Pieces, archiveCard{ArchivedPiece: a, Delivered: a.UpdatedAt.In(studioLocation(p.Studio)).Format("2 Jan 2006")})
	}
	if more {
		d.Older = "/archive?from=" + strconv.Itoa(from+archivePage)
	}
	if from > 0 {
		d.Newer = "/archive?from=" + strconv.Itoa(max(0, from-archivePage))
	}
	w.render(rw, r, http.StatusOK, "archive", pageData{Title: "Archive", Principal: &p, Nav: "archive", Data: d})
	return nil
}

// archivePhoto serves a delivered piece's photo in the sizes made for it:
// its own process photos and its commission's references.
func (w *Web) archivePhoto(rw http.ResponseWriter, r *http.Request, p studio.Principal) error {
	ph, err := w.store.PiecePhoto(r.Context(), p.Studio.ID, r.PathValue("id"), r.PathValue("photo"))
	if err != nil {
		return err
	}
	return w.intake.ServePhoto(rw, r, p.Studio.ID, []studio.Photo{ph}, false)
}
