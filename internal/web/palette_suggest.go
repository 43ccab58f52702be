package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"atelier/internal/intake"
	"atelier/internal/store"
	"atelier/internal/studio"
)

// paletteSuggestCard is the colour plan's suggestion: the form that asks
// for one and, once made, its swatches beside the photo and the preview.
type paletteSuggestCard struct {
	PieceID string
	// Count is the number of colours the form offers first.
	Count string
	// Suggestion is the latest, nil before the first.
	Suggestion *store.PaletteSuggestion
	Swatches   []suggestSwatch
	Mean, P95  string
	// Photo is the address of the photo it was made from, "" when it has
	// no variant yet; Preview the photo in the palette.
	Photo, Preview string
	// Adopted says the piece's palette is this suggestion's already.
	Adopted bool
}

type suggestSwatch struct {
	Hex, Role, Share, Paint, PaintDeltaE string
}

// paletteSuggestCardOf loads the card at the colour plan and paint
// stages, where the palette may change; nil elsewhere, or when it cannot
// be read (the page still shows).
func (w *Web) paletteSuggestCardOf(r *http.Request, p studio.Principal, d store.PieceDetail, a pieceAnswer) *paletteSuggestCard {
	if d.Stage != studio.ColourPlan && d.Stage != studio.Paint {
		return nil
	}
	card := &paletteSuggestCard{PieceID: d.ID, Count: "4"}
	if a.form == "palette-suggest" && a.values.Get("count") != "" {
		card.Count = a.values.Get("count")
	}
	ps, err := w.store.LatestPaletteSuggestion(r.Context(), p.Studio.ID, d.ID)
	if err != nil {
		w.log.ErrorContext(r.Context(), "reading a piece's palette suggestion", "piece", d.ID, "err", err)
		return card
	}
	if ps == nil {
		return card
	}
	card.Suggestion, card.Count = ps, strconv.Itoa(ps.Count)
	card.Mean, card.P95 = fmt.Sprintf("%.1f", ps.MeanDeltaE), fmt.Sprintf("%.1f", ps.P95DeltaE)
	// A photo deleted since has no preview to draw.
	if ph, err := w.store.PiecePhoto(r.Context(), p.Studio.ID, d.ID, firstPhoto(ps.PhotoIDs)); err == nil {
		card.Preview = "/pieces/" + d.ID + "/palette/suggestions/" + ps.ID + "/preview.png"
		if ph.Variants[studio.VariantSizes[1]] != "" {
			card.Photo = "/pieces/" + d.ID + "/photos/" + ph.ID + "/" + strconv.Itoa(studio.VariantSizes[1])
		}
	}
	for _, c := range ps.Colours {
		s := suggestSwatch{Hex: c.Hex, Role: c.Role, Share: fmt.Sprintf("%.0f %%", c.Share*100), Paint: c.Paint}
		if c.Paint != "" {
			s.PaintDeltaE = fmt.Sprintf("%.1f", c.PaintDeltaE)
		}
		card.Swatches = append(card.Swatches, s)
	}
	card.Adopted = samePalette(d.Palette, ps.PaletteColours())
	return card
}

// firstPhoto is the photo a suggestion's preview is drawn from.
func firstPhoto(ids []string) string {
	if len(ids) == 0 {
		return ""
	}
	return ids[0]
}

func samePalette(a, b []studio.Colour) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !strings.EqualFold(a[i].Hex, b[i].Hex) || a[i].Role != b[i].Role {
			return false
		}
	}
	return true
}

func (w *Web) paletteSuggest(rw http.ResponseWriter, r *http.Request, p studio.Principal) error {
	id := r.PathValue("id")
	return w.pieceChange(rw, r, p, "palette-suggest", "#palette-suggest", func(f url.Values) (change, error) {
		c := change{d: store.PieceDetail{Piece: studio.Piece{ID: id}}}
		// Not a number is 0, which the palette's own rule refuses by name.
		count, _ := strconv.Atoi(strings.TrimSpace(f.Get("count")))
		ps, err := w.intake.SuggestPalette(r.Context(), p.Studio.ID, id, intake.PaletteRequest{PhotoIDs: f["photo_ids"], Count: count, UserID: p.User.ID})
		if err != nil {
			return c, err
		}
		c.flash = fmt.Sprintf("Palette suggested: %d colours, %.1f ΔE00 from the photo on average.", ps.Count, ps.MeanDeltaE)
		return c, nil
	})
}

func (w *Web) paletteAdopt(rw http.ResponseWriter, r *http.Request, p studio.Principal) error {
	return w.pieceChange(rw, r, p, "palette", "#palette-suggest", func(url.Values) (change, error) {
		d, err := w.store.AdoptPaletteSuggestion(r.Context(), p.Studio.ID, r.PathValue("id"), r.PathValue("s"))
		return change{d: d, flash: fmt.Sprintf("The suggested palette is the piece's palette now: %d colours.", len(d.Palette))}, err
	})
}

func (w *Web) palettePreview(rw http.ResponseWriter, r *http.Request, p studio.Principal) error {
	img, err := w.intake.PalettePreview(r.Context(), p.Studio.ID, r.PathValue("id"), r.PathValue("s"))
	if err != nil {
		return err
	}
	h := rw.Header()
	h.Set("Content-Type", "image/png")
	h.Set("Content-Length", strconv.Itoa(len(img)))
	h.Set("Cache-Control", "private, max-age=300")
	rw.Write(img)
	return nil
}
