package api

import (
	"fmt"
	"math"
	"net/http"
	"strconv"

	"atelier/internal/costing"
	"atelier/internal/studio"
)

// costingJSON is the studio's costing rates.
type costingJSON struct {
	Currency           string  `json:"currency"`
	HourlyRateCents    int64   `json:"hourly_rate_cents"`
	KWhPriceMilliCents int64   `json:"kwh_price_milli_cents"`
	Markup             float64 `json:"markup"`
	Rounding           string  `json:"rounding"`
}

func costingView(r costing.Rates) costingJSON {
	return costingJSON{Currency: r.Currency, HourlyRateCents: r.HourlyRateCents, KWhPriceMilliCents: r.KWhPriceMilliCents, Markup: r.Markup,
		Rounding: string(r.Rounding)}
}

func (a *API) costingShow(w http.ResponseWriter, r *http.Request, p studio.Principal) error {
	rates, err := a.Store.CostingRates(r.Context(), p.Studio.ID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, costingView(rates))
	return nil
}

func (a *API) costingUpdate(w http.ResponseWriter, r *http.Request, p studio.Principal) error {
	var body struct {
		HourlyRateCents    int64   `json:"hourly_rate_cents"`
		KWhPriceMilliCents int64   `json:"kwh_price_milli_cents"`
		Markup             float64 `json:"markup"`
		Rounding           string  `json:"rounding"`
	}
	if err := decode(r, &body); err != nil {
		return err
	}
	rates, err := a.Store.SetCostingRates(r.Context(), p.Studio.ID, costing.Rates{HourlyRateCents: body.HourlyRateCents,
		KWhPriceMilliCents: body.KWhPriceMilliCents, Markup: body.Markup, Rounding: costing.Rounding(body.Rounding)})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, costingView(rates))
	return nil
}

// breakdownJSON is a cost roll-up in minor units of the studio's currency.
type breakdownJSON struct {
	MaterialsCents        int64 `json:"materials_cents"`
	LabourCents           int64 `json:"labour_cents"`
	EnergyCents           int64 `json:"energy_cents"`
	TotalCents            int64 `json:"total_cents"`
	SuggestedPriceCents   int64 `json:"suggested_price_cents"`
	BakesWithoutOvenPower int   `json:"bakes_without_oven_power"`
}

func breakdownView(b costing.Breakdown) breakdownJSON {
	return breakdownJSON{MaterialsCents: b.MaterialsCents, LabourCents: b.LabourCents, EnergyCents: b.EnergyCents, TotalCents: b.TotalCents,
		SuggestedPriceCents: b.SuggestedPriceCents, BakesWithoutOvenPower: b.UnknownPowerBakes}
}

// clayModelJSON says where a clay estimate comes from: the default model,
// or the studio's fit and how many finished pieces it is based on.
type clayModelJSON struct {
	Model       string  `json:"model"`
	GramsPerMM3 float64 `json:"grams_per_mm3"`
	FitPieces   int     `json:"fit_pieces"`
}

func clayModelView(m costing.Model, n int) clayModelJSON {
	v := clayModelJSON{Model: "default", GramsPerMM3: m.GramsPerMM3, FitPieces: n}
	if m.Fitted {
		v.Model = "fitted"
	}
	return v
}

// grams rounds a weight to a tenth of a gram for the JSON.
func grams(g float64) float64 { return math.Round(g*10) / 10 }

// piecesCost is a piece's cost roll-up: materials at their average cost
// when used, work time at the studio's rate, baking energy, and the
// suggested price; with the clay the studio's model expects and the clay
// logged.
func (a *API) piecesCost(w http.ResponseWriter, r *http.Request, p studio.Principal) error {
	id := r.PathValue("id")
	b, err := a.Store.PieceCost(r.Context(), p.Studio.ID, id)
	if err != nil {
		return err
	}
	c, err := a.Store.PieceClay(r.Context(), p.Studio.ID, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, struct {
		Currency string `json:"currency"`
		breakdownJSON
		Clay any `json:"clay"`
	}{p.Studio.Currency, breakdownView(b), struct {
		EstimateG   float64 `json:"estimate_g"`
		UsedG       float64 `json:"used_g"`
		UsedUnknown int     `json:"uses_of_unknown_weight"`
		clayModelJSON
	}{grams(c.EstimateGrams), grams(c.UsedGrams), c.UsedUnknown, clayModelView(c.Model, c.FitPieces)}})
	return nil
}

// forecastJSON is what a piece not yet made is expected to cost.
type forecastJSON struct {
	Currency string `json:"currency"`
	breakdownJSON
	ClayG       float64       `json:"clay_g"`
	Clay        clayModelJSON `json:"clay"`
	WorkMinutes int           `json:"work_minutes"`
	// PastPieces is how many finished pieces the work, the other
	// materials and the energy are medians of; 0 means defaults.
	PastPieces int `json:"past_pieces"`
}

func forecastView(f costing.Forecast, currency string) forecastJSON {
	return forecastJSON{Currency: currency, breakdownJSON: breakdownView(f.Breakdown), ClayG: grams(f.ClayGrams),
		Clay: clayModelView(f.Clay, f.FitPieces), WorkMinutes: f.WorkMinutes, PastPieces: f.PastPieces}
}

// studioForecast forecasts the cost of a piece of the height (and foil
// core) asked in the query, for a shop's quote.
func (a *API) studioForecast(w http.ResponseWriter, r *http.Request, p studio.Principal) error {
	q := r.URL.Query()
	f := studio.Fields{}
	height, err := strconv.ParseFloat(q.Get("height_mm"), 64)
	if err != nil || !(height > 0 && height <= studio.MaxHeightMM) {
		f.Add("height_mm", fmt.Sprintf("must be a height in millimetres, more than 0 and at most %d", studio.MaxHeightMM))
	}
	foil := 0.0
	if v := q.Get("foil_share_pct"); v != "" {
		foil, err = strconv.ParseFloat(v, 64)
		if err != nil || !(foil >= 0 && foil <= costing.MaxFoilSharePct) {
			f.Add("foil_share_pct", "must be from 0 to 90 per cent")
		}
	}
	if err := f.Err(); err != nil {
		return err
	}
	fc, err := a.Store.Forecast(r.Context(), p.Studio.ID, height, foil)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, forecastView(fc, p.Studio.Currency))
	return nil
}

// commissionsCost is a commission's forecast for its quote and, once its
// piece is under way, that piece's cost so far.
func (a *API) commissionsCost(w http.ResponseWriter, r *http.Request, p studio.Principal) error {
	id := r.PathValue("id")
	d, err := a.Store.Commission(r.Context(), p.Studio.ID, id)
	if err != nil {
		return err
	}
	fc, err := a.Store.CommissionForecast(r.Context(), p.Studio.ID, id)
	if err != nil {
		return err
	}
	out := map[string]any{"forecast": forecastView(fc, p.Studio.Currency), "piece": nil}
	if d.PieceID != "" {
		b, err := a.Store.PieceCost(r.Context(), p.Studio.ID, d.PieceID)
		if err != nil {
			return err
		}
		out["piece"] = struct {
			PieceID string `json:"piece_id"`
			breakdownJSON
		}{d.PieceID, breakdownView(b)}
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// editionsCost is the cost of each of an edition's pieces and their total.
func (a *API) editionsCost(w http.ResponseWriter, r *http.Request, p studio.Principal) error {
	pieces, total, err := a.Store.EditionCost(r.Context(), p.Studio.ID, r.PathValue("id"))
	if err != nil {
		return err
	}
	type pieceJSON struct {
		PieceID string `json:"piece_id"`
		Number  int    `json:"number"`
		Stage   string `json:"stage"`
		breakdownJSON
	}
	out := []pieceJSON{}
	for _, c := range pieces {
		out = append(out, pieceJSON{c.PieceID, c.Number, string(c.Stage), breakdownView(c.Breakdown)})
	}
	writeJSON(w, http.StatusOK, map[string]any{"currency": p.Studio.Currency, "pieces": out, "total": breakdownView(total)})
	return nil
}
