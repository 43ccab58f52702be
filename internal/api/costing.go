package api

import (
	"net/http"

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

// piecesCost is a piece's cost roll-up: materials at their average cost
// when used, work time at the studio's rate, baking energy, and the
// suggested price.
func (a *API) piecesCost(w http.ResponseWriter, r *http.Request, p studio.Principal) error {
	b, err := a.Store.PieceCost(r.Context(), p.Studio.ID, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"currency": p.Studio.Currency, "materials_cents": b.MaterialsCents, "labour_cents": b.LabourCents,
		"energy_cents": b.EnergyCents, "total_cents": b.TotalCents, "suggested_price_cents": b.SuggestedPriceCents,
		"bakes_without_oven_power": b.UnknownPowerBakes})
	return nil
}
