package api

import (
	"bytes"
	"math"
	"net/http"
	"strconv"
	"strings"

	"atelier/internal/intake"
	"atelier/internal/store"
	"atelier/internal/studio"
)

// The cut-out of a photo's figure, its guide lines and the piece's
// silhouette sheet. Coordinates are the upright photo's pixels.

// MaxMaskBodyBytes bounds a cut-out request: 50 strokes of 2,000 points
// with fractions fill about 2 MiB.
const MaxMaskBodyBytes = 4 << 20

type maskOut struct {
	Version int    `json:"version"`
	AreaPx  int    `json:"area_px"`
	MaskURL string `json:"mask_url"`
}

// photosMaskPut cuts the figure out as the rectangle and strokes say and
// keeps the result as the photo's next mask version.
func (a *API) photosMaskPut(w http.ResponseWriter, r *http.Request, p studio.Principal) error {
	var body intake.MaskRequest
	if err := decode(r, &body); err != nil {
		return err
	}
	req, err := body.Cutout()
	if err != nil {
		return err
	}
	id := r.PathValue("id")
	m, err := a.Intake.SaveMask(r.Context(), p, id, req)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, maskOut{Version: m.Version, AreaPx: m.AreaPx,
		MaskURL: strings.TrimRight(a.BaseURL, "/") + "/api/v1/photos/" + id + "/mask.png"})
	return nil
}

func (a *API) photosMaskPNG(w http.ResponseWriter, r *http.Request, p studio.Principal) error {
	return a.Intake.ServeMaskPNG(w, r, p.Studio.ID, r.PathValue("id"))
}

func (a *API) photosCutoutJPEG(w http.ResponseWriter, r *http.Request, p studio.Principal) error {
	return a.Intake.ServeCutoutJPEG(w, r, p.Studio.ID, r.PathValue("id"))
}

// guidesBody is the face's guide lines, rows of the upright photo in
// pixels; all four are needed.
type guidesBody struct {
	Eyes     *float64 `json:"eyes"`
	NoseBase *float64 `json:"nose_base"`
	Mouth    *float64 `json:"mouth"`
	Chin     *float64 `json:"chin"`
}

type guidesOut struct {
	PhotoID  string  `json:"photo_id"`
	Eyes     float64 `json:"eyes"`
	NoseBase float64 `json:"nose_base"`
	Mouth    float64 `json:"mouth"`
	Chin     float64 `json:"chin"`
	// Default says these are the classic proportions, not the artist's.
	Default bool `json:"default"`
}

func guidesOf(g store.FaceGuides) guidesOut {
	return guidesOut{PhotoID: g.PhotoID, Eyes: g.Eyes, NoseBase: g.NoseBase, Mouth: g.Mouth, Chin: g.Chin, Default: g.Default}
}

func (a *API) photosGuides(w http.ResponseWriter, r *http.Request, p studio.Principal) error {
	g, err := a.Intake.Guides(r.Context(), p.Studio.ID, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, guidesOf(g))
	return nil
}

func (a *API) photosGuidesPut(w http.ResponseWriter, r *http.Request, p studio.Principal) error {
	var body guidesBody
	if err := decode(r, &body); err != nil {
		return err
	}
	f := studio.Fields{}
	for _, v := range []struct {
		name string
		at   *float64
	}{{"eyes", body.Eyes}, {"nose_base", body.NoseBase}, {"mouth", body.Mouth}, {"chin", body.Chin}} {
		if v.at == nil {
			f.Add(v.name, "is required: a row of the photo in pixels")
		}
	}
	if err := f.Err(); err != nil {
		return err
	}
	g, err := a.Intake.PutGuides(r.Context(), p, r.PathValue("id"),
		store.FaceGuides{Eyes: *body.Eyes, NoseBase: *body.NoseBase, Mouth: *body.Mouth, Chin: *body.Chin})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, guidesOf(g))
	return nil
}

func (a *API) photosGuidesDelete(w http.ResponseWriter, r *http.Request, p studio.Principal) error {
	if err := a.Intake.DeleteGuides(r.Context(), p.Studio.ID, r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// piecesSilhouette sends the piece's silhouette sheet: height_mm (the
// piece's target height when left out) and paper (a4 or letter).
func (a *API) piecesSilhouette(w http.ResponseWriter, r *http.Request, p studio.Principal) error {
	q := r.URL.Query()
	height := 0.0
	if raw := q.Get("height_mm"); raw != "" {
		v, err := strconv.ParseFloat(raw, 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) || v == 0 {
			return studio.FieldError("height_mm", "must be a height in millimetres, such as 38.1")
		}
		height = v
	}
	id := r.PathValue("id")
	var buf bytes.Buffer
	if err := a.Intake.Silhouette(r.Context(), p.Studio.ID, id, height, q.Get("paper"), &buf); err != nil {
		return err
	}
	writePDF(w, "silhouette-"+id+".pdf", buf.Bytes())
	return nil
}
