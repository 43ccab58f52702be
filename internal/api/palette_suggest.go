package api

import (
	"net/http"
	"strconv"
	"time"

	"atelier/internal/intake"
	"atelier/internal/store"
	"atelier/internal/studio"
)

type paletteSuggestBody struct {
	PhotoIDs []string `json:"photo_ids"`
	Count    int      `json:"count"`
}

type suggestedColourJSON struct {
	Hex         string   `json:"hex"`
	Role        string   `json:"role"`
	Share       float64  `json:"share"`
	Paint       string   `json:"paint,omitempty"`
	PaintDeltaE *float64 `json:"paint_delta_e,omitempty"`
}

type deltaEJSON struct {
	Mean float64 `json:"mean"`
	P95  float64 `json:"p95"`
}

type paletteSuggestionJSON struct {
	ID         string                `json:"id"`
	PieceID    string                `json:"piece_id"`
	Count      int                   `json:"count"`
	PhotoIDs   []string              `json:"photo_ids"`
	Colors     []suggestedColourJSON `json:"colors"`
	DeltaE00   deltaEJSON            `json:"delta_e00"`
	PreviewURL string                `json:"preview_url"`
	AdoptURL   string                `json:"adopt_url"`
	CreatedAt  time.Time             `json:"created_at"`
}

func suggestionView(ps store.PaletteSuggestion) paletteSuggestionJSON {
	base := "/api/v1/pieces/" + ps.PieceID + "/palette/suggestions/" + ps.ID
	out := paletteSuggestionJSON{ID: ps.ID, PieceID: ps.PieceID, Count: ps.Count, PhotoIDs: ps.PhotoIDs, Colors: []suggestedColourJSON{},
		DeltaE00: deltaEJSON{Mean: ps.MeanDeltaE, P95: ps.P95DeltaE}, PreviewURL: base + "/preview.png", AdoptURL: base + "/adopt", CreatedAt: ps.CreatedAt}
	for _, c := range ps.Colours {
		cj := suggestedColourJSON{Hex: c.Hex, Role: c.Role, Share: c.Share, Paint: c.Paint}
		if c.Paint != "" { // a paint at ΔE 0 is still named with its 0
			de := c.PaintDeltaE
			cj.PaintDeltaE = &de
		}
		out.Colors = append(out.Colors, cj)
	}
	return out
}

// paletteSuggest suggests a limited palette from the piece's photos and
// keeps it, so that it can be previewed and adopted.
func (a *API) paletteSuggest(w http.ResponseWriter, r *http.Request, p studio.Principal) error {
	var body paletteSuggestBody
	if err := decode(r, &body); err != nil {
		return err
	}
	ps, err := a.Intake.SuggestPalette(r.Context(), p.Studio.ID, r.PathValue("id"), intake.PaletteRequest{PhotoIDs: body.PhotoIDs, Count: body.Count, UserID: p.User.ID})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, suggestionView(ps))
	return nil
}

// paletteAdopt makes a suggestion the piece's palette, under the colour
// plan's rules, and answers with the palette.
func (a *API) paletteAdopt(w http.ResponseWriter, r *http.Request, p studio.Principal) error {
	d, err := a.Store.AdoptPaletteSuggestion(r.Context(), p.Studio.ID, r.PathValue("id"), r.PathValue("s"))
	if err != nil {
		return err
	}
	out := paletteJSON{Colors: []colourJSON{}, OverrideReason: d.PaletteReason}
	for _, c := range d.Palette {
		out.Colors = append(out.Colors, colourJSON(c))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// palettePreview sends the suggestion's photo reduced to its colours.
func (a *API) palettePreview(w http.ResponseWriter, r *http.Request, p studio.Principal) error {
	img, err := a.Intake.PalettePreview(r.Context(), p.Studio.ID, r.PathValue("id"), r.PathValue("s"))
	if err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", "image/png")
	h.Set("Content-Length", strconv.Itoa(len(img)))
	// A suggestion never changes, but its photo's mask may be redrawn.
	h.Set("Cache-Control", "private, max-age=300")
	h.Set("Content-Security-Policy", "sandbox; default-src 'none'")
	w.Write(img)
	return nil
}
