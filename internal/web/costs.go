package web

import (
	"fmt"
	"math"
	"net/http"
	"strings"

	"atelier/internal/costing"
	"atelier/internal/studio"
)

// costCard is the piece's cost in the studio's currency, and its clay.
type costCard struct {
	Materials, Work, Energy, Total, Suggested string
	// UnknownPower counts bakes whose energy is left out.
	UnknownPower int
	// Clay is the clay the model expects ("about 15 g"), ClayUsed what was
	// logged, ClayBasis where the estimate comes from.
	Clay, ClayUsed, ClayBasis string
	// ClayUnknown counts uses of clay of unknown weight.
	ClayUnknown int
}

// costCardOf is the piece's cost card. A cost that cannot be worked out is
// logged and the card left out rather than keep the page from opening.
func (w *Web) costCardOf(r *http.Request, p studio.Principal, pieceID string) *costCard {
	b, err := w.store.PieceCost(r.Context(), p.Studio.ID, pieceID)
	if err != nil {
		w.log.ErrorContext(r.Context(), "working out a piece's cost", "piece", pieceID, "err", err)
		return nil
	}
	clay, err := w.store.PieceClay(r.Context(), p.Studio.ID, pieceID)
	if err != nil {
		w.log.ErrorContext(r.Context(), "estimating a piece's clay", "piece", pieceID, "err", err)
		return nil
	}
	c := p.Studio.Currency
	card := &costCard{Materials: studio.FormatMoney(b.MaterialsCents, c), Work: studio.FormatMoney(b.LabourCents, c),
		Energy: studio.FormatMoney(b.EnergyCents, c), Total: studio.FormatMoney(b.TotalCents, c),
		Suggested: studio.FormatMoney(b.SuggestedPriceCents, c), UnknownPower: b.UnknownPowerBakes,
		Clay: "about " + gramsText(clay.EstimateGrams), ClayBasis: clayBasis(clay.Model, clay.FitPieces), ClayUnknown: clay.UsedUnknown}
	if clay.UsedGrams > 0 {
		card.ClayUsed = gramsText(clay.UsedGrams)
	}
	return card
}

// gramsText writes a weight for people: whole grams, or one decimal below
// ten grams.
func gramsText(g float64) string {
	if g < 10 {
		return strings.TrimSuffix(fmt.Sprintf("%.1f", g), ".0") + " g"
	}
	return fmt.Sprintf("%.0f g", math.Round(g))
}

// clayBasis says where a clay estimate comes from.
func clayBasis(m costing.Model, n int) string {
	if m.Fitted {
		return fmt.Sprintf("fitted from the clay logged on your %d finished piece%s", n, plural(n))
	}
	if n == 0 {
		return "the default model: log the clay you use on pieces, and after " + fmt.Sprint(costing.MinSamples) + " finished ones it learns your hand"
	}
	return fmt.Sprintf("the default model: %d finished piece%s with clay logged so far, %d needed to fit yours", n, plural(n), costing.MinSamples)
}

// forecastCard is a quote's suggestion: what a piece of the commission's
// height should cost, and the price that cost suggests.
type forecastCard struct {
	Suggested, Materials, Work, Energy, Total string
	// Price is the suggested price as the price field takes it.
	Price     string
	Clay      string
	ClayBasis string
	// Basis says where the work, other materials and energy come from.
	Basis string
}

// forecastOf is the commission's forecast for its quote; nil (logged) when
// it cannot be worked out.
func (w *Web) forecastOf(r *http.Request, p studio.Principal, commissionID string) *forecastCard {
	f, err := w.store.CommissionForecast(r.Context(), p.Studio.ID, commissionID)
	if err != nil {
		w.log.ErrorContext(r.Context(), "forecasting a commission's cost", "commission", commissionID, "err", err)
		return nil
	}
	c := p.Studio.Currency
	card := &forecastCard{Suggested: studio.FormatMoney(f.SuggestedPriceCents, c), Materials: studio.FormatMoney(f.MaterialsCents, c),
		Work:   fmt.Sprintf("%s (%s of work)", studio.FormatMoney(f.LabourCents, c), hoursText(f.WorkMinutes)),
		Energy: studio.FormatMoney(f.EnergyCents, c), Total: studio.FormatMoney(f.TotalCents, c),
		Price: strings.TrimSuffix(studio.FormatMoney(f.SuggestedPriceCents, c), " "+c),
		Clay:  "about " + gramsText(f.ClayGrams), ClayBasis: clayBasis(f.Clay, f.FitPieces)}
	if f.PastPieces == 0 {
		card.Basis = "No finished piece yet: the work is the planner's starting estimate, and materials are the clay alone."
	} else {
		card.Basis = fmt.Sprintf("Work, other materials and energy are the medians of your last %d finished piece%s.", f.PastPieces, plural(f.PastPieces))
	}
	return card
}

// hoursText writes minutes of work as hours and minutes: "13 h", "2 h 30 min".
func hoursText(minutes int) string {
	h, m := minutes/60, minutes%60
	switch {
	case h == 0:
		return fmt.Sprintf("%d min", m)
	case m == 0:
		return fmt.Sprintf("%d h", h)
	}
	return fmt.Sprintf("%d h %d min", h, m)
}
