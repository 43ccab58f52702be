package api

import (
	"encoding/json"
	"net/http"
	"time"

	"atelier/internal/store"
	"atelier/internal/studio"
)

type storedJSON struct {
	ID       string `json:"id,omitempty"`
	Name     string `json:"name"`
	Location string `json:"location"`
}

type editionPieceJSON struct {
	PieceID string `json:"piece_id"`
	Number  int    `json:"number"`
	Subject string `json:"subject"`
	Stage   string `json:"stage"`
}

type editionJSON struct {
	ID             string             `json:"id"`
	Title          string             `json:"title"`
	Subject        string             `json:"subject"`
	Size           int                `json:"size"`
	SizeReason     string             `json:"size_reason,omitempty"`
	ClayBrands     []string           `json:"clay_brands"`
	TargetHeightMM float64            `json:"target_height_mm"`
	MasterArmature *storedJSON        `json:"master_armature"`
	Moulds         []storedJSON       `json:"moulds"`
	ReissueOf      *string            `json:"reissue_of"`
	Issued         int                `json:"issued"`
	Pieces         []editionPieceJSON `json:"pieces"`
	CreatedAt      time.Time          `json:"created_at"`
}

func editionView(d store.EditionDetail) editionJSON {
	out := editionJSON{ID: d.ID, Title: d.Title, Subject: d.Subject, Size: d.Size, SizeReason: d.SizeReason, ClayBrands: orEmpty(d.ClayBrands),
		TargetHeightMM: d.TargetHeightMM, Moulds: []storedJSON{}, ReissueOf: optString(d.ReissueOf), Issued: d.Issued, Pieces: []editionPieceJSON{},
		CreatedAt: d.CreatedAt}
	if m := d.Master; m != nil {
		out.MasterArmature = &storedJSON{ID: m.ID, Name: m.Name, Location: m.Location}
	}
	for _, m := range d.Moulds {
		out.Moulds = append(out.Moulds, storedJSON{ID: m.ID, Name: m.Name, Location: m.Location})
	}
	for _, p := range d.Pieces {
		out.Pieces = append(out.Pieces, editionPieceJSON{PieceID: p.PieceID, Number: p.Number, Subject: p.Subject, Stage: string(p.Stage)})
	}
	return out
}

// masterBody is the master armature as sent: its name alone, or
// {"name","location"}.
type masterBody struct{ studio.Stored }

func (m *masterBody) UnmarshalJSON(b []byte) error {
	var name string
	if err := json.Unmarshal(b, &name); err == nil {
		m.Name = name
		return nil
	}
	var s struct {
		Name     string `json:"name"`
		Location string `json:"location"`
	}
	err := json.Unmarshal(b, &s)
	m.Name, m.Location = s.Name, s.Location
	return err
}

func (a *API) editionsCreate(w http.ResponseWriter, r *http.Request, p studio.Principal) error {
	var body struct {
		Title          string       `json:"title"`
		Subject        string       `json:"subject"`
		Size           int          `json:"size"`
		SizeReason     string       `json:"size_reason"`
		ClayBrands     []string     `json:"clay_brands"`
		TargetHeightMM float64      `json:"target_height_mm"`
		MasterArmature *masterBody  `json:"master_armature"`
		Moulds         []storedJSON `json:"moulds"`
	}
	if err := decode(r, &body); err != nil {
		return err
	}
	e := studio.Edition{Title: body.Title, Subject: body.Subject, Size: body.Size, SizeReason: body.SizeReason, ClayBrands: body.ClayBrands,
		TargetHeightMM: body.TargetHeightMM}
	if body.MasterArmature != nil {
		e.Master = &body.MasterArmature.Stored
	}
	for _, m := range body.Moulds {
		e.Moulds = append(e.Moulds, studio.Stored{Name: m.Name, Location: m.Location})
	}
	d, err := a.Store.CreateEdition(r.Context(), p.Studio.ID, e)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, editionView(d))
	return nil
}

func (a *API) editionsList(w http.ResponseWriter, r *http.Request, p studio.Principal) error {
	list, err := a.Store.Editions(r.Context(), p.Studio.ID)
	if err != nil {
		return err
	}
	out := []editionJSON{}
	for _, d := range list {
		out = append(out, editionView(d))
	}
	writeJSON(w, http.StatusOK, map[string]any{"editions": out})
	return nil
}

func (a *API) editionsShow(w http.ResponseWriter, r *http.Request, p studio.Principal) error {
	d, err := a.Store.Edition(r.Context(), p.Studio.ID, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, editionView(d))
	return nil
}

// editionsPiece starts the next numbered piece of an edition.
func (a *API) editionsPiece(w http.ResponseWriter, r *http.Request, p studio.Principal) error {
	var body struct {
		Subject        *string   `json:"subject"`
		ClayBrands     *[]string `json:"clay_brands"`
		TargetHeightMM *float64  `json:"target_height_mm"`
		MaxThicknessMM *float64  `json:"max_thickness_mm"`
	}
	if err := decode(r, &body); err != nil {
		return err
	}
	d, e, err := a.Store.IssueEditionPiece(r.Context(), p.Studio.ID, p.User.ID, r.PathValue("id"), store.EditionPieceFields(body))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]any{"piece_id": d.ID, "number": d.EditionNumber, "size": e.Size})
	return nil
}

func (a *API) editionsReissue(w http.ResponseWriter, r *http.Request, p studio.Principal) error {
	var body struct {
		Size       int    `json:"size"`
		SizeReason string `json:"size_reason"`
	}
	if err := decode(r, &body); err != nil {
		return err
	}
	d, err := a.Store.ReissueEdition(r.Context(), p.Studio.ID, r.PathValue("id"), body.Size, body.SizeReason)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, editionView(d))
	return nil
}
