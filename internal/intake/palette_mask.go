package intake

import (
	"context"
	"image"
)

// paletteMask is the figure's mask of a photo, in the upright original's
// pixels, or nil when the artist has not cut the figure out. Masks are
// made by the cut-out (Desk.FigureMask, another branch); until that is
// merged every photo is taken whole, which SuggestPalette allows.
func (d *Desk) paletteMask(ctx context.Context, studioID, photoID string) (*image.Gray, error) {
	return nil, nil
}
