package api

import (
	"net/http"
	"strings"

	"atelier/internal/store"
	"atelier/internal/studio"
)

// processFields is what a process-photo upload sends beside its photos.
var processFields = []string{"stage", "shared", "caption"}

// piecesPhotosAdd takes photos of the work: multipart, one or more "photo"
// fields, with stage (default: the current one), shared and caption.
func (a *API) piecesPhotosAdd(w http.ResponseWriter, r *http.Request, p studio.Principal) error {
	d, err := a.AddProcessPhotos(r, p)
	return a.pieceAnswer(w, http.StatusCreated, d, err, p)
}

// AddProcessPhotos reads and stores process photos for the piece in the
// request's path; the web page posts through it too.
func (a *API) AddProcessPhotos(r *http.Request, p studio.Principal) (store.PieceDetail, error) {
	in, err := a.readIntake(r, processFields, map[string]studio.Angle{"photo": ""}, p.Studio.PixelLimit)
	if err != nil {
		return store.PieceDetail{}, err
	}
	defer in.remove()
	if len(in.photos) == 0 {
		return store.PieceDetail{}, studio.FieldError("photo", "send at least one photo")
	}
	shared := false
	switch strings.TrimSpace(in.fields["shared"]) {
	case "", "false":
	case "true", "on":
		shared = true
	default:
		return store.PieceDetail{}, studio.FieldError("shared", `must be "true" or "false"`)
	}
	var d store.PieceDetail
	err = a.Files.SaveAll(r.Context(), in.spools(), func() error {
		var err error
		d, err = a.Store.AddProcessPhotos(r.Context(), p.Studio.ID, r.PathValue("id"), studio.Stage(in.fields["stage"]), shared, in.fields["caption"], in.newPhotos())
		return err
	})
	return d, err
}

func (a *API) piecePhotoShow(w http.ResponseWriter, r *http.Request, p studio.Principal) error {
	d, err := a.Store.Piece(r.Context(), p.Studio.ID, r.PathValue("id"))
	if err != nil {
		return err
	}
	for _, ph := range d.Photos {
		if ph.ID == r.PathValue("photo") {
			return a.ServePhoto(w, r, p.Studio.ID, ph, r.PathValue("size"), true)
		}
	}
	return studio.Errorf(studio.NotFound, "No such photo.")
}

type photoPatch struct {
	Shared  *bool   `json:"shared"`
	Caption *string `json:"caption"`
}

func (a *API) photosUpdate(w http.ResponseWriter, r *http.Request, p studio.Principal) error {
	var body photoPatch
	if err := decode(r, &body); err != nil {
		return err
	}
	ph, err := a.Store.UpdatePhoto(r.Context(), p.Studio.ID, r.PathValue("id"), body.Shared, body.Caption)
	if err != nil {
		return err
	}
	base := "/api/v1/pieces/" + ph.PieceID
	if ph.PieceID == "" {
		base = "/api/v1/commissions/" + ph.CommissionID
	}
	writeJSON(w, http.StatusOK, photoView(ph, photoURLs(base, ph, true)))
	return nil
}
