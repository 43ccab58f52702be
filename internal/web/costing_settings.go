package web

import (
	"math"
	"math/big"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"atelier/internal/costing"
	"atelier/internal/studio"
)

// settingsData is the settings page's forms below the studio's own.
type settingsData struct {
	Labels  labelSettingsForm
	Costing costingForm
	Export  exportSize
}

// costingForm is the studio's costing rates as typed: amounts in major
// units of its currency.
type costingForm struct {
	Hourly, KWh, Markup, Rounding string
	Currency                      string
	Roundings                     []choice
	Message                       string
}

var roundingLabels = map[costing.Rounding]string{
	costing.RoundCent: "To the cent: no rounding", costing.RoundUnit: "Up to a whole unit: 23.40 → 24.00",
	costing.RoundFive: "Up to a multiple of 5: 23.40 → 25.00", costing.RoundTen: "Up to a multiple of 10: 23.40 → 30.00",
	costing.RoundCharm99: "Up to .99: 23.40 → 23.99", costing.RoundCharm95: "Up to .95: 23.40 → 23.95",
}

func newCostingForm(r costing.Rates) costingForm {
	digits := studio.MinorUnits(r.Currency)
	f := costingForm{Hourly: amount(r.HourlyRateCents, digits), KWh: amount(r.KWhPriceMilliCents, digits+3),
		Markup: strconv.FormatFloat(r.Markup, 'f', -1, 64), Rounding: string(r.Rounding), Currency: r.Currency}
	return f.withRoundings()
}

func (f costingForm) withRoundings() costingForm {
	f.Roundings = nil
	for _, m := range costing.Roundings {
		f.Roundings = append(f.Roundings, choice{Value: string(m), Label: roundingLabels[m]})
	}
	return f
}

// amount writes n with digits decimal places, without trailing zeros:
// 31720 at 5 places is "0.3172", 3000 at 2 is "30".
func amount(n int64, digits int) string {
	s := new(big.Rat).SetFrac(big.NewInt(n), new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(digits)), nil)).FloatString(digits)
	if strings.Contains(s, ".") {
		s = strings.TrimSuffix(strings.TrimRight(s, "0"), ".")
	}
	return s
}

func parseCostingForm(f url.Values, currency string) costingForm {
	trim := strings.TrimSpace
	return costingForm{Hourly: trim(f.Get("hourly_rate")), KWh: trim(f.Get("kwh_price")), Markup: trim(f.Get("markup")),
		Rounding: f.Get("rounding"), Currency: currency}.withRoundings()
}

// toRates checks what was typed: the hourly rate in the currency's
// precision, the kWh price with three more decimals, the markup with
// three. The field names are the API's, as the store's errors name them.
func (f costingForm) toRates() (costing.Rates, error) {
	errs := studio.Fields{}
	digits := studio.MinorUnits(f.Currency)
	r := costing.Rates{Currency: f.Currency, Rounding: costing.Rounding(f.Rounding)}
	r.HourlyRateCents = scaled(errs, "hourly_rate_cents", f.Hourly, digits, "must be an amount in "+f.Currency+" such as 30 or 30.00")
	r.KWhPriceMilliCents = scaled(errs, "kwh_price_milli_cents", f.KWh, digits+3, "must be a price in "+f.Currency+" such as 0.3172")
	if m := scaled(errs, "markup", f.Markup, 3, "must be a number such as 2 or 2.5"); m > 0 {
		r.Markup = float64(m) / 1000
	}
	if err := errs.Err(); err != nil {
		return r, err
	}
	return r, r.Validate()
}

// scaled reads a non-negative decimal with at most digits decimals into
// an integer of that many places; empty is 0.
func scaled(errs studio.Fields, field, typed string, digits int, why string) int64 {
	typed = strings.ReplaceAll(typed, ",", "")
	if typed == "" {
		return 0
	}
	v, ok := new(big.Rat).SetString(typed)
	if !ok || v.Sign() < 0 || strings.ContainsAny(typed, "eE/") {
		errs.Add(field, why)
		return 0
	}
	v.Mul(v, new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(digits)), nil)))
	if !v.IsInt() {
		errs.Add(field, why+", with at most "+strconv.Itoa(digits)+" decimals")
		return 0
	}
	if !v.Num().IsInt64() || v.Num().Int64() > math.MaxInt64/1000 {
		errs.Add(field, "is too large")
		return 0
	}
	return v.Num().Int64()
}

// settingsPage renders the settings page with the forms as given.
func (w *Web) settingsPage(rw http.ResponseWriter, r *http.Request, p studio.Principal, status int, pd pageData, labels *labelSettingsForm, cf *costingForm) error {
	if labels == nil {
		ls, err := w.store.LabelSettings(r.Context(), p.Studio.ID)
		if err != nil {
			return err
		}
		l := newLabelSettingsForm(ls)
		labels = &l
	}
	if cf == nil {
		rates, err := w.store.CostingRates(r.Context(), p.Studio.ID)
		if err != nil {
			return err
		}
		c := newCostingForm(rates)
		cf = &c
	}
	pd.Title, pd.Principal, pd.Nav = "Studio settings", &p, "settings"
	if pd.Form == nil {
		pd.Form = studioSettingsForm(p.Studio)
	}
	size, err := w.exportSize(r.Context(), p)
	if err != nil {
		return err
	}
	pd.Data = settingsData{Labels: *labels, Costing: *cf, Export: size}
	w.render(rw, r, status, "settings", pd)
	return nil
}

// settingsCosting saves the studio's costing rates.
func (w *Web) settingsCosting(rw http.ResponseWriter, r *http.Request, p studio.Principal) error {
	f, err := postForm(r)
	if err != nil {
		return err
	}
	form := parseCostingForm(f, p.Studio.Currency)
	rates, err := form.toRates()
	if err == nil {
		_, err = w.store.SetCostingRates(r.Context(), p.Studio.ID, rates)
	}
	if e, status, ok := formError(rw, err); ok {
		form.Message = friendly(e)
		return w.settingsPage(rw, r, p, status, pageData{Errors: e.Fields}, nil, &form)
	}
	if err != nil {
		return err
	}
	w.sessions.Put(r.Context(), "flash", "Costing rates saved: suggested prices use them now.")
	http.Redirect(rw, r, "/settings#costing", http.StatusSeeOther)
	return nil
}
