package intake

import (
	"net/http"
	"strings"

	"atelier/internal/store"
	"atelier/internal/studio"
)

// processFields is what a process-photo upload sends beside its photos.
var processFields = []string{"stage", "shared", "caption"}

// AddProcessPhotos reads and stores process photos (multipart, one or more
// "photo" fields, with stage, shared and caption) for the piece in the
// request's path.
func (d *Desk) AddProcessPhotos(r *http.Request, p studio.Principal) (store.PieceDetail, error) {
	in, err := d.read(r, processFields, map[string]studio.Angle{"photo": ""}, p.Studio.PixelLimit)
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
	if err := studio.CheckCaption(strings.TrimSpace(in.fields["caption"])); err != nil {
		return store.PieceDetail{}, err
	}
	if err := d.decode(r.Context(), in); err != nil {
		return store.PieceDetail{}, err
	}
	var pd store.PieceDetail
	err = d.Files.SaveAll(r.Context(), in.spools(), func() error {
		var err error
		pd, err = d.Store.AddProcessPhotos(r.Context(), p.Studio.ID, r.PathValue("id"), studio.Stage(in.fields["stage"]), shared, in.fields["caption"], in.newPhotos())
		return err
	})
	return pd, err
}
