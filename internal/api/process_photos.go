package api

import (
	"net/http"

	"atelier/internal/studio"
)

// piecesPhotosAdd takes photos of the work: multipart, one or more "photo"
// fields, with stage (default: the current one), shared and caption.
func (a *API) piecesPhotosAdd(w http.ResponseWriter, r *http.Request, p studio.Principal) error {
	d, err := a.Intake.AddProcessPhotos(r, p)
	return a.pieceAnswer(w, http.StatusCreated, d, err, p)
}

func (a *API) piecePhotoShow(w http.ResponseWriter, r *http.Request, p studio.Principal) error {
	d, err := a.Store.Piece(r.Context(), p.Studio.ID, r.PathValue("id"))
	if err != nil {
		return err
	}
	return a.Intake.ServePhoto(w, r, p.Studio.ID, d.Photos, true)
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
