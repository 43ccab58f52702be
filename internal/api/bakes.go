package api

import (
	"math"
	"net/http"
	"slices"
	"strconv"
	"time"

	"atelier/internal/cure"
	"atelier/internal/store"
	"atelier/internal/studio"
)

// cureShow answers the cure of one clay at a thickness: the temperature as
// the manufacturer prints it in both units, and the time.
func (a *API) cureShow(w http.ResponseWriter, r *http.Request, p studio.Principal) error {
	q := r.URL.Query()
	f := studio.Fields{}
	mm, err := strconv.ParseFloat(q.Get("thickness_mm"), 64)
	if err != nil {
		f.Add("thickness_mm", "is required: the piece's maximum thickness in millimetres")
	} else if why := cure.ThicknessProblem(mm); why != "" {
		f.Add("thickness_mm", why)
	}
	clays, err := a.Store.Clays(r.Context(), p.Studio.ID)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(clays, func(c store.Clay) bool { return c.Key == q.Get("clay") })
	switch {
	case i < 0:
		f.Add("clay", "is not one of the studio's clays")
	case !clays[i].Known():
		f.Add("clay", "has no baking temperature yet: enter it in the studio's clays")
	}
	if err := f.Err(); err != nil {
		return err
	}
	b := clays[i].Baking
	writeJSON(w, http.StatusOK, map[string]any{"clay": clays[i].Key, "temperature_c": b.TemperatureC, "temperature_f": b.TemperatureF,
		"min_c": b.MinC, "max_c": b.MaxC, "minutes": cure.Minutes(b, mm), "cool_down_minutes": cure.CoolDownMinutes})
	return nil
}

type calibrationJSON struct {
	Slope      float64 `json:"slope"`
	InterceptC float64 `json:"intercept_c"`
	Readings   int     `json:"readings"`
}

type ovenReadingJSON struct {
	DialC        float64   `json:"dial_c"`
	ThermometerC float64   `json:"thermometer_c"`
	At           time.Time `json:"at"`
}

type ovenJSON struct {
	ID             string            `json:"id"`
	Name           string            `json:"name"`
	Kind           string            `json:"kind"`
	PowerW         *int              `json:"power_w"`
	CapacityPieces int               `json:"capacity_pieces"`
	Calibration    *calibrationJSON  `json:"calibration"`
	Readings       []ovenReadingJSON `json:"readings"`
	DialC          *int              `json:"dial_c,omitempty"`
	TargetC        *float64          `json:"target_c,omitempty"`
	CreatedAt      time.Time         `json:"created_at"`
}

func ovenView(d store.OvenDetail) ovenJSON {
	out := ovenJSON{ID: d.ID, Name: d.Name, Kind: string(d.Kind), PowerW: d.PowerW, CapacityPieces: d.CapacityPieces,
		Readings: []ovenReadingJSON{}, CreatedAt: d.CreatedAt}
	if c := d.Calibration; c != nil {
		out.Calibration = &calibrationJSON{Slope: round3(c.Slope), InterceptC: round3(c.InterceptC), Readings: c.Readings}
	}
	for _, r := range d.Readings {
		out.Readings = append(out.Readings, ovenReadingJSON{DialC: r.DialC, ThermometerC: r.ThermometerC, At: r.At})
	}
	return out
}

func round3(v float64) float64 { return math.Round(v*1000) / 1000 }

func (a *API) ovensList(w http.ResponseWriter, r *http.Request, p studio.Principal) error {
	ovens, err := a.Store.Ovens(r.Context(), p.Studio.ID)
	if err != nil {
		return err
	}
	out := []ovenJSON{}
	for _, o := range ovens {
		out = append(out, ovenView(o))
	}
	writeJSON(w, http.StatusOK, map[string]any{"ovens": out})
	return nil
}

func (a *API) ovensCreate(w http.ResponseWriter, r *http.Request, p studio.Principal) error {
	var body struct {
		Name           string `json:"name"`
		Kind           string `json:"kind"`
		PowerW         *int   `json:"power_w"`
		CapacityPieces *int   `json:"capacity_pieces"`
	}
	if err := decode(r, &body); err != nil {
		return err
	}
	o := studio.Oven{Name: body.Name, Kind: studio.OvenKind(body.Kind), PowerW: body.PowerW}
	if body.CapacityPieces != nil {
		if *body.CapacityPieces == 0 {
			return studio.FieldError("capacity_pieces", "must be from 1 to 200 pieces")
		}
		o.CapacityPieces = *body.CapacityPieces
	}
	d, err := a.Store.CreateOven(r.Context(), p.Studio.ID, o)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, ovenView(d))
	return nil
}

// ovensUpdate changes an oven's name, kind, power or capacity.
func (a *API) ovensUpdate(w http.ResponseWriter, r *http.Request, p studio.Principal) error {
	var body struct {
		Name           *string `json:"name"`
		Kind           *string `json:"kind"`
		PowerW         *int    `json:"power_w"`
		CapacityPieces *int    `json:"capacity_pieces"`
	}
	if err := decode(r, &body); err != nil {
		return err
	}
	u := store.OvenUpdate{Name: body.Name, PowerW: body.PowerW, CapacityPieces: body.CapacityPieces}
	if body.Kind != nil {
		k := studio.OvenKind(*body.Kind)
		u.Kind = &k
	}
	d, err := a.Store.UpdateOven(r.Context(), p.Studio.ID, r.PathValue("id"), u)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, ovenView(d))
	return nil
}

// ovensShow answers an oven with its calibration and, for a target_c, the
// dial setting that reaches it.
func (a *API) ovensShow(w http.ResponseWriter, r *http.Request, p studio.Principal) error {
	d, err := a.Store.Oven(r.Context(), p.Studio.ID, r.PathValue("id"))
	if err != nil {
		return err
	}
	out := ovenView(d)
	if raw := r.URL.Query().Get("target_c"); raw != "" {
		target, err := strconv.ParseFloat(raw, 64)
		if err != nil || target < 20 || target > 300 || target != target {
			return studio.FieldError("target_c", "must be a temperature from 20 to 300 °C")
		}
		dial := d.Calibration.Dial(target)
		out.DialC, out.TargetC = &dial, &target
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (a *API) ovensReading(w http.ResponseWriter, r *http.Request, p studio.Principal) error {
	var body struct {
		DialC        *float64 `json:"dial_c"`
		ThermometerC *float64 `json:"thermometer_c"`
	}
	if err := decode(r, &body); err != nil {
		return err
	}
	f := studio.Fields{}
	if body.DialC == nil {
		f.Add("dial_c", "is required: the temperature the dial was set to")
	}
	if body.ThermometerC == nil {
		f.Add("thermometer_c", "is required: what the oven thermometer showed")
	}
	if err := f.Err(); err != nil {
		return err
	}
	d, err := a.Store.AddOvenReading(r.Context(), p.Studio.ID, r.PathValue("id"), cure.Reading{DialC: *body.DialC, ThermometerC: *body.ThermometerC})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, ovenView(d))
	return nil
}

type bakePieceJSON struct {
	PieceID     string   `json:"piece_id"`
	Subject     string   `json:"subject"`
	Clays       []string `json:"clays"`
	ThicknessMM float64  `json:"thickness_mm"`
	Minutes     int      `json:"minutes"`
}

type bakeReadingJSON struct {
	ThermometerC float64   `json:"thermometer_c"`
	Flags        []string  `json:"flags"`
	At           time.Time `json:"at"`
}

type bakeJSON struct {
	ID              string            `json:"id"`
	OvenID          string            `json:"oven_id"`
	Status          string            `json:"status"`
	TargetC         int               `json:"target_c"`
	TargetF         int               `json:"target_f"`
	MinC            int               `json:"min_c"`
	DialC           int               `json:"dial_c"`
	Minutes         int               `json:"minutes"`
	CoolDownMinutes int               `json:"cool_down_minutes"`
	Ventilation     string            `json:"ventilation"`
	StartedAt       *time.Time        `json:"started_at"`
	DoneAt          *time.Time        `json:"done_at"`
	FinishedAt      *time.Time        `json:"finished_at"`
	CooledAt        *time.Time        `json:"cooled_at"`
	Pieces          []bakePieceJSON   `json:"pieces"`
	Readings        []bakeReadingJSON `json:"readings"`
	CreatedAt       time.Time         `json:"created_at"`
}

func bakeView(b studio.Bake) bakeJSON {
	out := bakeJSON{ID: b.ID, OvenID: b.OvenID, Status: string(b.Status), TargetC: b.TargetC, TargetF: b.TargetF, MinC: b.MinC,
		DialC: b.DialC, Minutes: b.Minutes, CoolDownMinutes: cure.CoolDownMinutes, Ventilation: studio.Ventilation,
		StartedAt: b.StartedAt, DoneAt: b.DoneAt(), FinishedAt: b.FinishedAt, CooledAt: b.CooledAt(),
		Pieces: []bakePieceJSON{}, Readings: []bakeReadingJSON{}, CreatedAt: b.CreatedAt}
	for _, bp := range b.Pieces {
		out.Pieces = append(out.Pieces, bakePieceJSON{PieceID: bp.PieceID, Subject: bp.Subject, Clays: bp.Clays, ThicknessMM: bp.ThicknessMM, Minutes: bp.Minutes})
	}
	for _, rd := range b.Readings {
		out.Readings = append(out.Readings, bakeReadingJSON(rd))
	}
	return out
}

func (a *API) bakesList(w http.ResponseWriter, r *http.Request, p studio.Principal) error {
	bakes, err := a.Store.Bakes(r.Context(), p.Studio.ID, 100)
	if err != nil {
		return err
	}
	out := []bakeJSON{}
	for _, b := range bakes {
		out = append(out, bakeView(b))
	}
	writeJSON(w, http.StatusOK, map[string]any{"bakes": out})
	return nil
}

func (a *API) bakesCreate(w http.ResponseWriter, r *http.Request, p studio.Principal) error {
	var body struct {
		OvenID     string     `json:"oven_id"`
		PieceIDs   []string   `json:"piece_ids"`
		StartedAt  *time.Time `json:"started_at"`
		FinishedAt *time.Time `json:"finished_at"`
	}
	if err := decode(r, &body); err != nil {
		return err
	}
	b, err := a.Store.PlanBake(r.Context(), p.Studio.ID, p.User.ID, store.NewBake{OvenID: body.OvenID, PieceIDs: body.PieceIDs,
		StartedAt: body.StartedAt, FinishedAt: body.FinishedAt})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, bakeView(b))
	return nil
}

func (a *API) bakesShow(w http.ResponseWriter, r *http.Request, p studio.Principal) error {
	b, err := a.Store.Bake(r.Context(), p.Studio.ID, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, bakeView(b))
	return nil
}

func (a *API) bakesStart(w http.ResponseWriter, r *http.Request, p studio.Principal) error {
	b, err := a.Store.StartBake(r.Context(), p.Studio.ID, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, bakeView(b))
	return nil
}

func (a *API) bakesReading(w http.ResponseWriter, r *http.Request, p studio.Principal) error {
	var body struct {
		ThermometerC *float64 `json:"thermometer_c"`
	}
	if err := decode(r, &body); err != nil {
		return err
	}
	if body.ThermometerC == nil {
		return studio.FieldError("thermometer_c", "is required: what the oven thermometer shows")
	}
	rd, err := a.Store.AddBakeReading(r.Context(), p.Studio.ID, r.PathValue("id"), *body.ThermometerC)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, bakeReadingJSON(rd))
	return nil
}

func (a *API) bakesFinish(w http.ResponseWriter, r *http.Request, p studio.Principal) error {
	b, err := a.Store.FinishBake(r.Context(), p.Studio.ID, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, bakeView(b))
	return nil
}
