package api

import (
	"net/http"
	"time"

	"atelier/internal/store"
	"atelier/internal/studio"
)

type pieceJSON struct {
	ID             string         `json:"id"`
	Subject        string         `json:"subject"`
	CommissionID   *string        `json:"commission_id"`
	EditionID      *string        `json:"edition_id"`
	EditionNumber  *int           `json:"edition_number"`
	ClayBrands     []string       `json:"clay_brands"`
	TargetHeightMM float64        `json:"target_height_mm"`
	MaxThicknessMM *float64       `json:"max_thickness_mm"`
	HeightMM       *float64       `json:"height_mm"`
	WidthMM        *float64       `json:"width_mm"`
	DepthMM        *float64       `json:"depth_mm"`
	FoilSharePct   *float64       `json:"foil_share_pct"`
	Stage          string         `json:"stage"`
	NextStage      string         `json:"next_stage,omitempty"`
	History        []historyJSON  `json:"history"`
	Checklist      []checkJSON    `json:"checklists"`
	Sanding        []sandingJSON  `json:"sanding"`
	DueGrit        *int           `json:"due_grit,omitempty"`
	Coats          []coatJSON     `json:"coats"`
	Palette        paletteJSON    `json:"palette"`
	Timers         []timerJSON    `json:"timers"`
	QC             []qcJSON       `json:"qc"`
	WorkMinutes    map[string]int `json:"work_minutes"`
	WorkRunning    *time.Time     `json:"work_running_since"`
	Photos         []photoJSON    `json:"photos"`
	Bakes          []bakeJSON     `json:"bakes"`
	CreatedAt      time.Time      `json:"created_at"`
	UpdatedAt      time.Time      `json:"updated_at"`
}

type historyJSON struct {
	Kind   string    `json:"kind"`
	From   string    `json:"from,omitempty"`
	To     string    `json:"to"`
	Reason string    `json:"reason,omitempty"`
	UserID string    `json:"user_id,omitempty"`
	At     time.Time `json:"at"`
}

type checkJSON struct {
	Stage    string `json:"stage"`
	Key      string `json:"key"`
	Label    string `json:"label"`
	Required bool   `json:"required"`
	Done     bool   `json:"done"`
}

type sandingJSON struct {
	Grit int       `json:"grit"`
	Pass int       `json:"pass"`
	At   time.Time `json:"at"`
}

type coatJSON struct {
	Kind             string    `json:"kind"`
	Sanded2000Before bool      `json:"sanded_2000_before"`
	AppliedAt        time.Time `json:"applied_at"`
	DryAt            time.Time `json:"dry_at"`
	Pass             int       `json:"pass"`
}

type colourJSON struct {
	Name string `json:"name"`
	Hex  string `json:"hex"`
	Role string `json:"role"`
}

type paletteJSON struct {
	Colors         []colourJSON `json:"colors"`
	OverrideReason string       `json:"override_reason,omitempty"`
}

type timerJSON struct {
	ID    string    `json:"id"`
	Kind  string    `json:"kind"`
	Label string    `json:"label"`
	DueAt time.Time `json:"due_at"`
}

type qcJSON struct {
	Checks   map[string]bool `json:"checks"`
	Passed   bool            `json:"passed"`
	ReturnTo string          `json:"return_to,omitempty"`
	Notes    string          `json:"notes,omitempty"`
	At       time.Time       `json:"at"`
}

func pieceView(d store.PieceDetail, st studio.Studio) pieceJSON {
	out := pieceJSON{ID: d.ID, Subject: d.Subject, CommissionID: optString(d.CommissionID), EditionID: optString(d.EditionID),
		ClayBrands: orEmpty(d.ClayBrands), TargetHeightMM: d.TargetHeightMM, MaxThicknessMM: d.MaxThicknessMM, HeightMM: d.HeightMM,
		WidthMM: d.WidthMM, DepthMM: d.DepthMM, FoilSharePct: d.FoilSharePct, Stage: string(d.Stage), NextStage: string(d.Stage.Next()),
		History: []historyJSON{}, Checklist: []checkJSON{}, Sanding: []sandingJSON{}, Coats: []coatJSON{}, Timers: []timerJSON{}, QC: []qcJSON{},
		Palette: paletteJSON{Colors: []colourJSON{}, OverrideReason: d.PaletteReason}, WorkMinutes: map[string]int{}, WorkRunning: d.Running,
		CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt}
	if d.EditionNumber > 0 {
		n := d.EditionNumber
		out.EditionNumber = &n
	}
	for _, e := range d.History {
		out.History = append(out.History, historyJSON{Kind: string(e.Kind), From: string(e.From), To: string(e.To), Reason: e.Reason, UserID: e.UserID, At: e.At})
	}
	for _, c := range d.Checklist {
		out.Checklist = append(out.Checklist, checkJSON{Stage: string(c.Stage), Key: c.Key, Label: c.Label, Required: c.Required, Done: c.Done})
	}
	for _, g := range d.Sanding {
		out.Sanding = append(out.Sanding, sandingJSON{Grit: g.Grit, Pass: g.Pass, At: g.At})
	}
	if d.Stage == studio.Sanding {
		if due, done := studio.NextGrit(st.GritProgression, d.PassGrits()); !done {
			out.DueGrit = &due
		}
	}
	for _, c := range d.Coats {
		out.Coats = append(out.Coats, coatJSON{Kind: string(c.Kind), Sanded2000Before: c.Sanded2000Before, AppliedAt: c.AppliedAt, DryAt: c.DryAt, Pass: c.Pass})
	}
	for _, c := range d.Palette {
		out.Palette.Colors = append(out.Palette.Colors, colourJSON(c))
	}
	for _, t := range d.Timers {
		out.Timers = append(out.Timers, timerJSON{ID: t.ID, Kind: t.Kind, Label: t.Label, DueAt: t.DueAt})
	}
	for _, q := range d.QC {
		out.QC = append(out.QC, qcJSON{Checks: q.Checks, Passed: q.Passed, ReturnTo: string(q.ReturnTo), Notes: q.Notes, At: q.At})
	}
	out.Photos = []photoJSON{}
	for _, ph := range d.Photos {
		out.Photos = append(out.Photos, photoView(ph, photoURLs("/api/v1/pieces/"+d.ID, ph, true)))
	}
	out.Bakes = []bakeJSON{}
	for _, b := range d.Bakes {
		out.Bakes = append(out.Bakes, bakeView(b))
	}
	for stage, m := range d.WorkMinutes {
		out.WorkMinutes[string(stage)] = m
	}
	return out
}

// pieceAnswer writes a piece after a change.
func (a *API) pieceAnswer(w http.ResponseWriter, status int, d store.PieceDetail, err error, p studio.Principal) error {
	if err != nil {
		return err
	}
	writeJSON(w, status, pieceView(d, p.Studio))
	return nil
}

type pieceCreate struct {
	Subject        string   `json:"subject"`
	CommissionID   string   `json:"commission_id"`
	EditionID      string   `json:"edition_id"`
	ClayBrands     []string `json:"clay_brands"`
	TargetHeightMM float64  `json:"target_height_mm"`
	MaxThicknessMM *float64 `json:"max_thickness_mm"`
}

func (a *API) piecesCreate(w http.ResponseWriter, r *http.Request, p studio.Principal) error {
	var body pieceCreate
	if err := decode(r, &body); err != nil {
		return err
	}
	d, err := a.Store.CreatePiece(r.Context(), p.Studio.ID, p.User.ID, studio.NewPieceFields{Subject: body.Subject, CommissionID: body.CommissionID,
		EditionID: body.EditionID, ClayBrands: body.ClayBrands, TargetHeightMM: body.TargetHeightMM, MaxThicknessMM: body.MaxThicknessMM})
	return a.pieceAnswer(w, http.StatusCreated, d, err, p)
}

func (a *API) piecesShow(w http.ResponseWriter, r *http.Request, p studio.Principal) error {
	d, err := a.Store.Piece(r.Context(), p.Studio.ID, r.PathValue("id"))
	return a.pieceAnswer(w, http.StatusOK, d, err, p)
}

type piecePatch struct {
	Subject        *string   `json:"subject"`
	ClayBrands     *[]string `json:"clay_brands"`
	TargetHeightMM *float64  `json:"target_height_mm"`
	MaxThicknessMM *float64  `json:"max_thickness_mm"`
	HeightMM       *float64  `json:"height_mm"`
	WidthMM        *float64  `json:"width_mm"`
	DepthMM        *float64  `json:"depth_mm"`
	FoilSharePct   *float64  `json:"foil_share_pct"`
}

func (a *API) piecesUpdate(w http.ResponseWriter, r *http.Request, p studio.Principal) error {
	var body piecePatch
	if err := decode(r, &body); err != nil {
		return err
	}
	d, err := a.Store.UpdatePiece(r.Context(), p.Studio.ID, r.PathValue("id"), studio.PieceUpdate(body))
	return a.pieceAnswer(w, http.StatusOK, d, err, p)
}

func (a *API) piecesAdvance(w http.ResponseWriter, r *http.Request, p studio.Principal) error {
	d, err := a.Store.AdvancePiece(r.Context(), p.Studio.ID, r.PathValue("id"), p.User.ID)
	return a.pieceAnswer(w, http.StatusOK, d, err, p)
}

type returnBody struct {
	To     string `json:"to"`
	Reason string `json:"reason"`
}

func (a *API) piecesReturn(w http.ResponseWriter, r *http.Request, p studio.Principal) error {
	var body returnBody
	if err := decode(r, &body); err != nil {
		return err
	}
	d, err := a.Store.ReturnPiece(r.Context(), p.Studio.ID, r.PathValue("id"), p.User.ID, studio.Stage(body.To), body.Reason)
	return a.pieceAnswer(w, http.StatusOK, d, err, p)
}

func (a *API) piecesChecklist(w http.ResponseWriter, r *http.Request, p studio.Principal) error {
	d, err := a.Store.Piece(r.Context(), p.Studio.ID, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"stage": d.Stage, "items": pieceView(d, p.Studio).Checklist})
	return nil
}

type checkBody struct {
	Done *bool `json:"done"`
}

func (a *API) piecesCheck(w http.ResponseWriter, r *http.Request, p studio.Principal) error {
	var body checkBody
	if err := decode(r, &body); err != nil {
		return err
	}
	if body.Done == nil {
		return studio.FieldError("done", "is required: true or false")
	}
	d, err := a.Store.SetCheck(r.Context(), p.Studio.ID, r.PathValue("id"), r.PathValue("key"), p.User.ID, *body.Done)
	return a.pieceAnswer(w, http.StatusOK, d, err, p)
}

type gritBody struct {
	Grit int        `json:"grit"`
	At   *time.Time `json:"at"`
}

func (a *API) piecesSanding(w http.ResponseWriter, r *http.Request, p studio.Principal) error {
	var body gritBody
	if err := decode(r, &body); err != nil {
		return err
	}
	if body.Grit <= 0 {
		return studio.FieldError("grit", "is required: the grit of the paper, such as 400")
	}
	d, err := a.Store.LogGrit(r.Context(), p.Studio.ID, r.PathValue("id"), p.User.ID, body.Grit, body.At)
	return a.pieceAnswer(w, http.StatusCreated, d, err, p)
}

type paletteBody struct {
	Colors         []colourJSON `json:"colors"`
	OverrideReason string       `json:"override_reason"`
}

func (a *API) piecesPalette(w http.ResponseWriter, r *http.Request, p studio.Principal) error {
	var body paletteBody
	if err := decode(r, &body); err != nil {
		return err
	}
	colours := make([]studio.Colour, len(body.Colors))
	for i, c := range body.Colors {
		colours[i] = studio.Colour(c)
	}
	d, err := a.Store.SetPalette(r.Context(), p.Studio.ID, r.PathValue("id"), colours, body.OverrideReason)
	return a.pieceAnswer(w, http.StatusOK, d, err, p)
}

type coatBody struct {
	Kind             string     `json:"kind"`
	Sanded2000Before bool       `json:"sanded_2000_before"`
	AppliedAt        *time.Time `json:"applied_at"`
}

func (a *API) piecesCoats(w http.ResponseWriter, r *http.Request, p studio.Principal) error {
	var body coatBody
	if err := decode(r, &body); err != nil {
		return err
	}
	kind := studio.CoatKind(body.Kind)
	if kind == "" {
		kind = studio.MattePolyurethane
	}
	d, err := a.Store.LogCoat(r.Context(), p.Studio.ID, r.PathValue("id"), p.User.ID, kind, body.Sanded2000Before, body.AppliedAt)
	return a.pieceAnswer(w, http.StatusCreated, d, err, p)
}

type qcBody struct {
	Checks map[string]*bool `json:"checks"`
	Notes  string           `json:"notes"`
}

func (a *API) piecesQC(w http.ResponseWriter, r *http.Request, p studio.Principal) error {
	var body qcBody
	if err := decode(r, &body); err != nil {
		return err
	}
	d, err := a.Store.RecordQC(r.Context(), p.Studio.ID, r.PathValue("id"), p.User.ID, body.Checks, body.Notes)
	return a.pieceAnswer(w, http.StatusOK, d, err, p)
}

type workBody struct {
	Action  string `json:"action"`
	Minutes int    `json:"minutes"`
	Stage   string `json:"stage"`
}

// piecesWork starts or stops the work timer ({"action":"start"|"stop"}) or
// books minutes entered by hand ({"minutes":45,"stage"?}).
func (a *API) piecesWork(w http.ResponseWriter, r *http.Request, p studio.Principal) error {
	var body workBody
	if err := decode(r, &body); err != nil {
		return err
	}
	id := r.PathValue("id")
	var d store.PieceDetail
	var err error
	switch {
	case body.Action == "start":
		d, err = a.Store.StartWork(r.Context(), p.Studio.ID, id, p.User.ID)
	case body.Action == "stop":
		d, err = a.Store.StopWork(r.Context(), p.Studio.ID, id)
	case body.Action == "" && body.Minutes != 0:
		d, err = a.Store.AddWork(r.Context(), p.Studio.ID, id, p.User.ID, studio.Stage(body.Stage), body.Minutes)
	default:
		err = studio.FieldError("action", `must be "start" or "stop", or leave it out and send "minutes"`)
	}
	return a.pieceAnswer(w, http.StatusOK, d, err, p)
}

type boardCardJSON struct {
	ID               string      `json:"id"`
	Subject          string      `json:"subject"`
	Stage            string      `json:"stage"`
	CommissionID     *string     `json:"commission_id"`
	ClientName       string      `json:"client_name,omitempty"`
	PromisedDate     *string     `json:"promised_date"`
	WaitsOn          string      `json:"waits_on,omitempty"`
	Timers           []timerJSON `json:"timers"`
	Late             bool        `json:"late"`
	CommissionStatus string      `json:"commission_status,omitempty"`
	// AtRisk: the plan has the piece done (90 % date) after its promise.
	AtRisk bool `json:"at_risk"`
	// FinishP90 is the studio's date (YYYY-MM-DD) by which the plan has
	// the piece done with 90 % confidence; null when it is not planned.
	FinishP90 *string `json:"finish_p90"`
}

func (a *API) board(w http.ResponseWriter, r *http.Request, p studio.Principal) error {
	cols, err := a.Store.Board(r.Context(), p.Studio.ID)
	if err != nil {
		return err
	}
	// The plan only adds the risk: without it the cards say not at risk.
	forecasts := map[string]string{}
	atRisk := map[string]bool{}
	if prob, res, err := a.Store.Plan(r.Context(), p.Studio.ID); err == nil {
		loc := prob.Location
		if loc == nil {
			loc = time.UTC
		}
		for _, f := range res.Pieces {
			forecasts[f.PieceID] = f.P90.In(loc).Format(time.DateOnly)
			atRisk[f.PieceID] = f.Late
		}
	}
	type column struct {
		Stage string          `json:"stage"`
		Label string          `json:"label"`
		Cards []boardCardJSON `json:"cards"`
	}
	out := make([]column, len(cols))
	for i, c := range cols {
		out[i] = column{Stage: string(c.Stage), Label: c.Stage.Label(), Cards: []boardCardJSON{}}
		for _, card := range c.Cards {
			bc := boardCardJSON{ID: card.ID, Subject: card.Subject, Stage: string(card.Stage), CommissionID: optString(card.CommissionID),
				ClientName: card.ClientName, PromisedDate: optString(card.PromisedDate), WaitsOn: card.WaitsOn, Timers: []timerJSON{},
				Late: card.Late, CommissionStatus: string(card.CommissionStatus), AtRisk: atRisk[card.ID]}
			if day, ok := forecasts[card.ID]; ok {
				bc.FinishP90 = &day
			}
			for _, t := range card.Timers {
				bc.Timers = append(bc.Timers, timerJSON{ID: t.ID, Kind: t.Kind, Label: t.Label, DueAt: t.DueAt})
			}
			out[i].Cards = append(out[i].Cards, bc)
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"columns": out})
	return nil
}
