package web

import (
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strings"

	"atelier/internal/cure"
	"atelier/internal/store"
	"atelier/internal/studio"
)

// The oven pages: the studio's ovens, and each one's calibration — the
// dial against an oven thermometer, the fitted line, and what to set the
// dial to for each clay's temperature.

type ovensData struct {
	Ovens  []ovenRow
	Kinds  []choice
	Values url.Values
}

type ovenRow struct {
	ID, Name, Kind, Calibration string
}

var ovenKindLabels = map[studio.OvenKind]string{"toaster": "Toaster oven", "convection": "Convection oven", "conventional": "Kitchen oven"}

// ovenAnswer is what a refused form puts back on an oven page.
type ovenAnswer struct {
	status  int
	message string
	errs    map[string]string
	values  url.Values
}

func (w *Web) ovensList(rw http.ResponseWriter, r *http.Request, p studio.Principal) error {
	return w.renderOvens(rw, r, p, ovenAnswer{status: http.StatusOK})
}

func (w *Web) renderOvens(rw http.ResponseWriter, r *http.Request, p studio.Principal, a ovenAnswer) error {
	ovens, err := w.store.Ovens(r.Context(), p.Studio.ID)
	if err != nil {
		return err
	}
	d := ovensData{Values: a.values}
	for _, k := range studio.OvenKinds {
		d.Kinds = append(d.Kinds, choice{Value: string(k), Label: ovenKindLabels[k]})
	}
	for _, o := range ovens {
		row := ovenRow{ID: o.ID, Name: o.Name, Kind: ovenKindLabels[o.Kind], Calibration: "not calibrated yet"}
		if o.Calibration != nil {
			row.Calibration = fmt.Sprintf("calibrated with %d reading%s", o.Calibration.Readings, plural(o.Calibration.Readings))
		}
		d.Ovens = append(d.Ovens, row)
	}
	w.render(rw, r, a.status, "ovens", pageData{Title: "Ovens", Principal: &p, Nav: "bakes", Message: a.message, Errors: a.errs, Data: d})
	return nil
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func (w *Web) ovensCreate(rw http.ResponseWriter, r *http.Request, p studio.Principal) error {
	f, err := postForm(r)
	if err != nil {
		return err
	}
	o := studio.Oven{Name: strings.TrimSpace(f.Get("name")), Kind: studio.OvenKind(f.Get("kind"))}
	d, err := w.store.CreateOven(r.Context(), p.Studio.ID, o)
	if e, status, ok := formError(rw, err); ok {
		return w.renderOvens(rw, r, p, ovenAnswer{status: status, message: friendly(e), errs: errorsIn(nil, e), values: f})
	}
	if err != nil {
		return err
	}
	w.sessions.Put(r.Context(), "flash", d.Name+" is added. Calibrate it with an oven thermometer.")
	http.Redirect(rw, r, "/ovens/"+d.ID, http.StatusSeeOther)
	return nil
}

// ovenData is one oven with its calibration.
type ovenData struct {
	ID, Name, Kind string
	Readings       []ovenReadingView
	// Fit says the fitted line in words, one sentence per clay
	// temperature; empty when the oven is not calibrated.
	Fit    []string
	Chart  *chart
	Unit   string
	Values url.Values
}

type ovenReadingView struct{ At, Dial, Thermometer string }

func (w *Web) ovenShow(rw http.ResponseWriter, r *http.Request, p studio.Principal) error {
	return w.renderOven(rw, r, p, ovenAnswer{status: http.StatusOK})
}

func (w *Web) renderOven(rw http.ResponseWriter, r *http.Request, p studio.Principal, a ovenAnswer) error {
	o, err := w.store.Oven(r.Context(), p.Studio.ID, r.PathValue("id"))
	if err != nil {
		return err
	}
	clays, err := w.store.Clays(r.Context(), p.Studio.ID)
	if err != nil {
		return err
	}
	now, st := w.cfg.Now(), p.Studio
	d := ovenData{ID: o.ID, Name: o.Name, Kind: ovenKindLabels[o.Kind], Unit: "°" + string(st.TemperatureUnit), Values: a.values}
	for _, rd := range o.Readings {
		d.Readings = append(d.Readings, ovenReadingView{At: localTime(rd.At, now, st), Dial: reading(rd.DialC, st), Thermometer: reading(rd.ThermometerC, st)})
	}
	if o.Calibration != nil {
		for _, c := range sortedTemps(clays) {
			d.Fit = append(d.Fit, fitInWords(o.Calibration, c.TemperatureC, st))
		}
		if len(d.Fit) == 0 {
			d.Fit = append(d.Fit, fitInWords(o.Calibration, 130, st))
		}
	}
	d.Chart = ovenChart(o, st)
	w.render(rw, r, a.status, "oven", pageData{Title: o.Name, Principal: &p, Nav: "bakes", Message: a.message, Errors: a.errs, Data: d})
	return nil
}

// fitInWords says how far the oven is off at a clay's temperature and
// what to set the dial to: "runs 12 °C hot at 130 °C: set the dial to
// 118 °C for 130 °C".
func fitInWords(c *cure.Calibration, targetC int, st studio.Studio) string {
	dial := c.Dial(float64(targetC))
	off := c.Slope*float64(targetC) + c.InterceptC - float64(targetC)
	unit := "°" + string(st.TemperatureUnit)
	if st.TemperatureUnit == studio.Fahrenheit {
		off *= 9.0 / 5
	}
	at := fmt.Sprintf("%.0f %s", inUnit(float64(targetC), st), unit)
	switch n := math.Round(math.Abs(off)); {
	case n == 0:
		return fmt.Sprintf("runs true at %s: set the dial to %s for %s", at, dialText(dial, st), at)
	case off > 0:
		return fmt.Sprintf("runs %.0f %s hot at %s: set the dial to %s for %s", n, unit, at, dialText(dial, st), at)
	default:
		return fmt.Sprintf("runs %.0f %s cool at %s: set the dial to %s for %s", n, unit, at, dialText(dial, st), at)
	}
}

// ovenChart draws the readings, dial across and thermometer up, with the
// fitted line and the diagonal where the thermometer agrees with the dial.
func ovenChart(o store.OvenDetail, st studio.Studio) *chart {
	lo, hi := 100.0, 150.0
	for _, rd := range o.Readings {
		lo = math.Min(lo, math.Min(rd.DialC, rd.ThermometerC)-5)
		hi = math.Max(hi, math.Max(rd.DialC, rd.ThermometerC)+5)
	}
	lo, hi = inUnit(lo, st), inUnit(hi, st)
	unit := "°" + string(st.TemperatureUnit)
	label := fmt.Sprintf("Calibration of %s: %d readings of the thermometer against the dial", o.Name, len(o.Readings))
	if o.Calibration != nil {
		label += ", with the fitted line"
	}
	c := newChart(label+", and the diagonal where both agree.", "dial ("+unit+")", "thermometer ("+unit+")", lo, hi, lo, hi)
	c.line(c.xMin, c.yMin, c.xMax, c.yMax, "diagonal", "Thermometer = dial")
	if cal := o.Calibration; cal != nil {
		// The line in the chart's unit: both axes convert alike, so
		// only the intercept moves.
		at := func(x float64) float64 {
			if st.TemperatureUnit == studio.Fahrenheit {
				return studio.CToF(cal.Slope*studio.FToC(x) + cal.InterceptC)
			}
			return cal.Slope*x + cal.InterceptC
		}
		// Clip the line to the plot: it runs where it stays inside.
		m := (at(c.xMax) - at(c.xMin)) / (c.xMax - c.xMin)
		x1 := math.Max(c.xMin, c.xMin+(c.yMin-at(c.xMin))/m)
		x2 := math.Min(c.xMax, c.xMin+(c.yMax-at(c.xMin))/m)
		if x1 < x2 {
			c.line(x1, at(x1), x2, at(x2), "fit", fmt.Sprintf("Fitted: thermometer = %.2f × dial %+.1f °C", cal.Slope, cal.InterceptC))
		}
	}
	for _, rd := range o.Readings {
		c.point(inUnit(rd.DialC, st), inUnit(rd.ThermometerC, st), "point", fmt.Sprintf("Dial %s, thermometer %s", reading(rd.DialC, st), reading(rd.ThermometerC, st)))
	}
	c.Trace = ""
	c.ID = "oven-chart"
	return c
}

func (w *Web) ovenReading(rw http.ResponseWriter, r *http.Request, p studio.Principal) error {
	f, err := postForm(r)
	if err != nil {
		return err
	}
	err = w.addOvenReading(r, p, f)
	if e, status, ok := formError(rw, err); ok {
		return w.renderOven(rw, r, p, ovenAnswer{status: status, message: friendly(e), errs: errorsIn(fieldNames{"dial_c": "dial", "thermometer_c": "thermometer"}, e), values: f})
	}
	if err != nil {
		return err
	}
	w.sessions.Put(r.Context(), "flash", "Reading logged.")
	http.Redirect(rw, r, "/ovens/"+r.PathValue("id"), http.StatusSeeOther)
	return nil
}

func (w *Web) addOvenReading(r *http.Request, p studio.Principal, f url.Values) error {
	errs := studio.Fields{}
	dial, err := parseTemperature("dial", f.Get("dial"), p.Studio, "must be the number the dial is set to, such as 130")
	if err != nil {
		errs.Add("dial", "must be the number the dial is set to, such as 130")
	}
	therm, err := parseThermometer(f.Get("thermometer"), p.Studio)
	if err != nil {
		errs.Add("thermometer", "must be the number the thermometer shows, such as 131")
	}
	if err := errs.Err(); err != nil {
		return err
	}
	_, err = w.store.AddOvenReading(r.Context(), p.Studio.ID, r.PathValue("id"), cure.Reading{DialC: dial, ThermometerC: therm})
	return err
}
