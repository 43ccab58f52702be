package intake

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"image"
	"image/png"
	"io"
	"time"

	"atelier/internal/imaging"
	"atelier/internal/store"
	"atelier/internal/studio"
)

// The long sides photos are reduced to: for the palette, enough pixels
// (about 750 000 for a 4:3 photo) that SuggestPalette's sample of 200 000
// stands for the figure, and a fraction of the full photo's clustering
// cost; for the preview, what the colour plan shows beside the photo.
const (
	paletteSide        = 1000
	PalettePreviewSide = 800
)

// PaletteRequest asks for a palette of Count colours from the photos
// named (none: the commission's reference photos).
type PaletteRequest struct {
	PhotoIDs []string
	Count    int
	UserID   string
}

// SuggestPalette suggests a limited palette for a piece from its photos,
// inside each photo's figure mask where the artist made one, names the
// studio's nearest paints, and keeps the suggestion.
func (d *Desk) SuggestPalette(ctx context.Context, studioID, pieceID string, req PaletteRequest) (store.PaletteSuggestion, error) {
	// Refused before any photo is decoded.
	if err := imaging.CheckPaletteCount(req.Count); err != nil {
		return store.PaletteSuggestion{}, err
	}
	srcs, err := d.Store.PaletteSources(ctx, studioID, pieceID, req.PhotoIDs)
	if err != nil {
		return store.PaletteSuggestion{}, err
	}
	paints, err := d.studioPaints(ctx, studioID)
	if err != nil {
		return store.PaletteSuggestion{}, err
	}
	imgs, masks := make([]image.Image, len(srcs)), make([]*image.Gray, len(srcs))
	ids := make([]string, len(srcs))
	for i, src := range srcs {
		ids[i] = src.Photo.ID
		if imgs[i], masks[i], err = d.paletteImage(ctx, studioID, src, paletteSide); err != nil {
			return store.PaletteSuggestion{}, err
		}
	}
	p, err := imaging.SuggestPalette(ctx, imgs, masks, req.Count, paints, paletteSeed(ids, req.Count))
	if err != nil {
		return store.PaletteSuggestion{}, err
	}
	ps := store.PaletteSuggestion{StudioID: studioID, PieceID: pieceID, UserID: req.UserID, Count: req.Count, PhotoIDs: ids,
		MeanDeltaE: paletteRound2(p.MeanDeltaE), P95DeltaE: paletteRound2(p.P95DeltaE)}
	for _, c := range p.Colours {
		ps.Colours = append(ps.Colours, store.SuggestedColour{Hex: c.Hex, Role: c.Role, Share: paletteRound3(c.Share), Paint: c.Paint, PaintDeltaE: c.PaintDeltaE})
	}
	return d.Store.SavePaletteSuggestion(ctx, ps)
}

func paletteRound2(v float64) float64 { return float64(int64(v*100+0.5)) / 100 }
func paletteRound3(v float64) float64 { return float64(int64(v*1000+0.5)) / 1000 }

// paletteSeed makes the same photos give the same palette each time.
func paletteSeed(ids []string, count int) uint64 {
	h := fnv.New64a()
	for _, id := range ids {
		io.WriteString(h, id+"\x00")
	}
	fmt.Fprint(h, count)
	return h.Sum64()
}

// studioPaints are the paints of the studio's materials that carry a
// colour.
func (d *Desk) studioPaints(ctx context.Context, studioID string) ([]imaging.Paint, error) {
	ms, err := d.Store.Materials(ctx, studioID)
	if err != nil {
		return nil, err
	}
	var out []imaging.Paint
	for _, m := range ms {
		if m.Category == studio.CatPainting && m.Colour != "" {
			out = append(out, imaging.Paint{Name: m.Name, Hex: m.Colour})
		}
	}
	return out, nil
}

// paletteImage decodes a photo upright at most long pixels on its long
// side, within the process's decoding budget, with its figure's mask
// reduced alike (nil when there is none).
func (d *Desk) paletteImage(ctx context.Context, studioID string, src store.PaletteSource, long int) (image.Image, *image.Gray, error) {
	data, err := d.readFile(ctx, src.File)
	if err != nil {
		return nil, nil, err
	}
	release, err := imaging.Decodes.Reserve(ctx, int64(src.Photo.Width)*int64(src.Photo.Height), DecodeWait)
	if errors.Is(err, imaging.ErrBusy) {
		return nil, nil, &studio.Error{Code: studio.Unavailable, Message: "The server is busy with other photos. Please ask again in a moment.",
			Data: map[string]any{studio.RetryAfter: int(DecodeWait / time.Second)}}
	}
	if err != nil {
		return nil, nil, err
	}
	r, err := imaging.DecodeReduced(bytes.NewReader(data), src.PixelLimit, long)
	release()
	if err != nil {
		return nil, nil, fmt.Errorf("intake: photo %s for a palette: %w", src.Photo.ID, err)
	}
	mask, err := d.FigureMask(ctx, studioID, src.Photo.ID)
	if err != nil {
		// The mask only narrows the pixels sampled: a mask that cannot be
		// read costs that narrowing, not the palette.
		d.Log.WarnContext(ctx, "a figure mask left out of a palette", "photo", src.Photo.ID, "err", err)
		return r.Image, nil, nil
	}
	if mask == nil {
		return r.Image, nil, nil
	}
	b := r.Image.Bounds()
	return r.Image, imaging.ReduceMask(mask, b.Dx(), b.Dy()), nil
}

// PalettePreview draws the suggestion's first photo (the front, by
// default) in the suggestion's colours, as a PNG; outside the figure's
// mask, where there is one, it is transparent.
func (d *Desk) PalettePreview(ctx context.Context, studioID, pieceID, id string) ([]byte, error) {
	ps, err := d.Store.PaletteSuggestion(ctx, studioID, pieceID, id)
	if err != nil {
		return nil, err
	}
	srcs, err := d.Store.PaletteSources(ctx, studioID, pieceID, ps.PhotoIDs[:min(1, len(ps.PhotoIDs))])
	if studio.ErrorCode(err) == studio.Invalid || (err == nil && len(srcs) == 0) {
		return nil, studio.Errorf(studio.NotFound, "The photo this palette was suggested from is no longer the piece's.")
	}
	if err != nil {
		return nil, err
	}
	img, mask, err := d.paletteImage(ctx, studioID, srcs[0], PalettePreviewSide)
	if err != nil {
		return nil, err
	}
	var pal imaging.Palette
	for _, c := range ps.Colours {
		if lab, ok := imaging.ParseHex(c.Hex); ok {
			pal.Colours = append(pal.Colours, imaging.PaletteColour{Hex: c.Hex, Lab: lab, Role: c.Role})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, imaging.ReducePreview(img, mask, pal, 0)); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
