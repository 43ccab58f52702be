package api

import (
	"net/http"
	"time"

	"atelier/internal/plan"
	"atelier/internal/studio"
)

// planJSON is GET /api/v1/plan: every open piece's remaining steps, when
// and by whom, and its finish dates.
type planJSON struct {
	GeneratedAt time.Time       `json:"generated_at"`
	Timezone    string          `json:"timezone"`
	Pieces      []planPieceJSON `json:"pieces"`
	Bakes       []planBakeJSON  `json:"bakes"`
	Notes       []string        `json:"notes"`
}

type planPieceJSON struct {
	PieceID      string `json:"piece_id"`
	Subject      string `json:"subject"`
	Stage        string `json:"stage"`
	CommissionID string `json:"commission_id,omitempty"`
	EditionID    string `json:"edition_id,omitempty"`
	// PromisedDate is the commission's promised date.
	PromisedDate string         `json:"promised_date,omitempty"`
	Steps        []planStepJSON `json:"steps"`
	// Finish is when the plan, at median durations, has it done.
	Finish time.Time `json:"finish"`
	// FinishP50 and FinishP90 are the studio's dates (YYYY-MM-DD) by which
	// it is done with 50 % and 90 % confidence; the _at fields the times.
	FinishP50   string    `json:"finish_p50"`
	FinishP90   string    `json:"finish_p90"`
	FinishP50At time.Time `json:"finish_p50_at"`
	FinishP90At time.Time `json:"finish_p90_at"`
	Late        bool      `json:"late"`
}

type planStepJSON struct {
	Stage string    `json:"stage"`
	Kind  string    `json:"kind"`
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
	// Who does a work step: the person's e-mail and user ID.
	Who    string `json:"who,omitempty"`
	WhoID  string `json:"who_id,omitempty"`
	OvenID string `json:"oven_id,omitempty"`
	// Bake indexes the plan's bakes for a bake step.
	Bake *int `json:"bake,omitempty"`
}

type planBakeJSON struct {
	OvenID   string    `json:"oven_id,omitempty"`
	Start    time.Time `json:"start"`
	End      time.Time `json:"end"`
	TargetC  int       `json:"target_c"`
	PieceIDs []string  `json:"piece_ids"`
}

// planView writes the plan; emails names the people by user ID.
func planView(p plan.Problem, r plan.Result, emails map[string]string) planJSON {
	loc := p.Location
	out := planJSON{GeneratedAt: r.Now.UTC(), Timezone: loc.String(), Pieces: []planPieceJSON{}, Bakes: []planBakeJSON{}, Notes: append([]string{}, r.Notes...)}
	for i, f := range r.Pieces {
		pc := p.Pieces[i]
		pj := planPieceJSON{PieceID: f.PieceID, Subject: pc.Subject, Stage: string(pc.Stage), CommissionID: pc.CommissionID, EditionID: pc.EditionID,
			PromisedDate: pc.Promised, Steps: []planStepJSON{}, Finish: f.Finish.UTC(),
			FinishP50: f.P50.In(loc).Format(time.DateOnly), FinishP90: f.P90.In(loc).Format(time.DateOnly),
			FinishP50At: f.P50.UTC(), FinishP90At: f.P90.UTC(), Late: f.Late}
		for _, s := range f.Steps {
			sj := planStepJSON{Stage: string(s.Stage), Kind: string(s.Kind), Start: s.Start.UTC(), End: s.End.UTC(), WhoID: s.Who, Who: emails[s.Who], OvenID: s.OvenID}
			if s.Bake >= 0 {
				b := s.Bake
				sj.Bake = &b
			}
			pj.Steps = append(pj.Steps, sj)
		}
		out.Pieces = append(out.Pieces, pj)
	}
	for _, b := range r.Bakes {
		out.Bakes = append(out.Bakes, planBakeJSON{OvenID: b.OvenID, Start: b.Start.UTC(), End: b.End.UTC(), TargetC: b.TargetC, PieceIDs: b.PieceIDs})
	}
	return out
}

func (a *API) emails(r *http.Request, studioID string) (map[string]string, error) {
	users, err := a.Store.Users(r.Context(), studioID)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, u := range users {
		out[u.ID] = u.Email
	}
	return out, nil
}

func (a *API) planShow(w http.ResponseWriter, r *http.Request, p studio.Principal) error {
	prob, res, err := a.Store.Plan(r.Context(), p.Studio.ID)
	if err != nil {
		return planError(err)
	}
	emails, err := a.emails(r, p.Studio.ID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, planView(prob, res, emails))
	return nil
}

// whatIfJSON is the answer of POST /api/v1/plan/what-if.
type whatIfJSON struct {
	ShipP50   string      `json:"ship_p50"`
	ShipP90   string      `json:"ship_p90"`
	ShipP50At time.Time   `json:"ship_p50_at"`
	ShipP90At time.Time   `json:"ship_p90_at"`
	Delays    []delayJSON `json:"delays"`
}

type delayJSON struct {
	PieceID      string `json:"piece_id"`
	Subject      string `json:"subject"`
	Days         int    `json:"days"`
	PromisedDate string `json:"promised_date,omitempty"`
	// Late: the piece would miss its promised date.
	Late bool `json:"late"`
}

func (a *API) planWhatIf(w http.ResponseWriter, r *http.Request, p studio.Principal) error {
	var body struct {
		TargetHeightMM float64  `json:"target_height_mm"`
		ClayBrands     []string `json:"clay_brands"`
		Count          *int     `json:"count"`
		MaxThicknessMM *float64 `json:"max_thickness_mm"`
	}
	if err := decode(r, &body); err != nil {
		return err
	}
	pr := studio.Proposal{TargetHeightMM: body.TargetHeightMM, ClayBrands: body.ClayBrands, MaxThicknessMM: body.MaxThicknessMM}
	if body.Count != nil {
		if *body.Count == 0 {
			return studio.FieldError("count", "must be from 1 to 100 pieces")
		}
		pr.Count = *body.Count
	}
	prob, res, err := a.Store.WhatIf(r.Context(), p.Studio.ID, pr)
	if err != nil {
		return planError(err)
	}
	writeJSON(w, http.StatusOK, whatIfView(prob, res))
	return nil
}

func whatIfView(p plan.Problem, res plan.WhatIf) whatIfJSON {
	loc := p.Location
	subject := map[string]string{}
	for _, pc := range p.Pieces {
		subject[pc.ID] = pc.Subject
	}
	out := whatIfJSON{ShipP50: res.ShipP50.In(loc).Format(time.DateOnly), ShipP90: res.ShipP90.In(loc).Format(time.DateOnly),
		ShipP50At: res.ShipP50.UTC(), ShipP90At: res.ShipP90.UTC(), Delays: []delayJSON{}}
	for _, d := range res.Delays {
		out.Delays = append(out.Delays, delayJSON{PieceID: d.PieceID, Subject: subject[d.PieceID], Days: d.Days, PromisedDate: d.Promised, Late: d.Late})
	}
	return out
}

// planError says in words that the open work does not fit the horizon.
func planError(err error) error {
	if plan.IsBeyondHorizon(err) {
		return studio.Errorf(studio.Conflict, "The open work would take more than 20 years at the studio's hours: add working hours or people in the settings.")
	}
	return err
}
