package intake

import (
	"context"
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
	if shared {
		if err := d.checkConsent(r.Context(), p.Studio.ID, r.PathValue("id")); err != nil {
			return store.PieceDetail{}, err
		}
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

// NoShareReason says why a piece's process photos may not be shown to a
// client, or "" when they may: only a commissioned piece's, and only when
// the client agreed in the questionnaire. c is the piece's commission, nil
// when it has none. The web page and the upload ask the same rule.
func NoShareReason(c *studio.Commission) string {
	switch {
	case c == nil:
		return "This piece has no client to share with: it is not part of a commission."
	case !c.Inquiry.ConsentShowProcess:
		return "The client did not agree to see process photos, so they stay in the studio."
	}
	return ""
}

// checkConsent refuses sharing the photos of a piece whose client did not
// agree to it, whatever the form or the API call asked.
func (d *Desk) checkConsent(ctx context.Context, studioID, pieceID string) error {
	pd, err := d.Store.Piece(ctx, studioID, pieceID)
	if err != nil {
		return err
	}
	var c *studio.Commission
	if pd.CommissionID != "" {
		cd, err := d.Store.Commission(ctx, studioID, pd.CommissionID)
		if err != nil {
			return err
		}
		c = &cd.Commission
	}
	if why := NoShareReason(c); why != "" {
		return studio.FieldError("shared", why)
	}
	return nil
}
