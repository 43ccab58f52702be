package api

import (
	"net/http"

	"atelier/internal/export"
	"atelier/internal/studio"
)

// exportZip streams everything the studio holds as a zip for people
// (package export). The route is the owner's: an export holds every
// client's name, address and messages.
func (a *API) exportZip(w http.ResponseWriter, r *http.Request, p studio.Principal) error {
	return export.Serve(w, r, a.Store, a.Files, p.Studio.Slug, a.Log)
}
