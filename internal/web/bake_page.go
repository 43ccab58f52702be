package web

import (
	"fmt"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"atelier/internal/cure"
	"atelier/internal/store"
	"atelier/internal/studio"
)

// The bake page is for the phone at the oven: a batch of pieces, what to
// set the oven to, a big countdown, a one-tap reading and a chart of the
// readings against the range the clays accept.

// bakesData is the list of bakes and the form that starts a batch.
type bakesData struct {
	Bakes []bakeRow
	// Waiting are the pieces at first bake; Others the rest, which may be
	// baked again after a repair.
	Waiting, Others []bakeCandidate
	Ovens           []ovenChoice
	OvenID          string
}

type bakeRow struct {
	ID, Status, Subjects, When, Temperature string
	Timer                                   *timerView
}

type bakeCandidate struct {
	ID, Subject, Stage string
	// Missing says what the piece lacks before it can be baked, or "".
	Missing string
	Picked  bool
}

// bakesAnswer is what a refused batch puts back on the list.
type bakesAnswer struct {
	status  int
	message string
	errs    map[string]string
	values  url.Values
}

func (w *Web) bakesList(rw http.ResponseWriter, r *http.Request, p studio.Principal) error {
	return w.renderBakes(rw, r, p, bakesAnswer{status: http.StatusOK})
}

func (w *Web) renderBakes(rw http.ResponseWriter, r *http.Request, p studio.Principal, a bakesAnswer) error {
	ctx, now := r.Context(), w.cfg.Now()
	bakes, err := w.store.Bakes(ctx, p.Studio.ID, 30)
	if err != nil {
		return err
	}
	cols, err := w.store.Board(ctx, p.Studio.ID)
	if err != nil {
		return err
	}
	ovens, err := w.store.Ovens(ctx, p.Studio.ID)
	if err != nil {
		return err
	}
	d := bakesData{OvenID: a.values.Get("oven_id")}
	for _, b := range bakes {
		d.Bakes = append(d.Bakes, newBakeRow(b, now, p.Studio))
	}
	for _, c := range cols {
		for _, card := range c.Cards {
			bc := bakeCandidate{ID: card.ID, Subject: card.Subject, Stage: card.Stage.Label(), Missing: missingForBake(card.Piece),
				Picked: slices.Contains(a.values["piece_ids"], card.ID)}
			if card.Stage == studio.FirstBake {
				d.Waiting = append(d.Waiting, bc)
			} else {
				d.Others = append(d.Others, bc)
			}
		}
	}
	for _, o := range ovens {
		d.Ovens = append(d.Ovens, ovenChoice{ID: o.ID, Label: ovenLabel(o)})
	}
	w.render(rw, r, a.status, "bakes", pageData{Title: "Bakes", Principal: &p, Nav: "bakes", Message: a.message, Errors: a.errs, Data: d})
	return nil
}

func newBakeRow(b studio.Bake, now time.Time, st studio.Studio) bakeRow {
	row := bakeRow{ID: b.ID, Status: bakeStatus(b, now), Temperature: temperature(b.TargetC, b.TargetF, st)}
	var names []string
	for _, bp := range b.Pieces {
		names = append(names, bp.Subject)
	}
	row.Subjects = strings.Join(names, ", ")
	switch {
	case b.StartedAt != nil:
		row.When = localTime(*b.StartedAt, now, st)
	default:
		row.When = localTime(b.CreatedAt, now, st)
	}
	if done := b.DoneAt(); b.Status == studio.BakeRunning && done.After(now) {
		row.Timer = newTimerView(store.Timer{Label: "Bake done", DueAt: *done}, now, st)
	} else if cool := b.CooledAt(); cool != nil && cool.After(now) {
		row.Timer = newTimerView(store.Timer{Label: "Cool-down over", DueAt: *cool}, now, st)
	}
	return row
}

// bakeStatus says where a bake stands in words.
func bakeStatus(b studio.Bake, now time.Time) string {
	switch {
	case b.Status == studio.BakePlanned:
		return "Planned"
	case b.Status == studio.BakeRunning && b.DoneAt().After(now):
		return "Baking"
	case b.Status == studio.BakeRunning:
		return "Time is up"
	case !b.Cooled(now):
		return "Cooling"
	}
	return "Done"
}

// missingForBake says what a piece needs before a bake can be planned.
func missingForBake(p studio.Piece) string {
	switch {
	case len(p.ClayBrands) == 0:
		return "record its clays first"
	case p.MaxThicknessMM == nil:
		return "measure its thickness first"
	}
	return ""
}

func ovenLabel(o store.OvenDetail) string {
	if o.Calibration != nil {
		return fmt.Sprintf("%s (calibrated, %d readings)", o.Name, o.Calibration.Readings)
	}
	return o.Name
}

// bakesCreate plans the batch and starts it at once: the form is used at
// the oven, with the pieces going in.
func (w *Web) bakesCreate(rw http.ResponseWriter, r *http.Request, p studio.Principal) error {
	f, err := postForm(r)
	if err != nil {
		return err
	}
	n := store.NewBake{OvenID: f.Get("oven_id"), PieceIDs: f["piece_ids"]}
	b, err := w.store.PlanBake(r.Context(), p.Studio.ID, p.User.ID, n)
	if err == nil {
		b, err = w.store.StartBake(r.Context(), p.Studio.ID, b.ID)
	}
	if e, status, ok := formError(rw, err); ok {
		errs := errorsIn(nil, e)
		if n.OvenID == "" {
			errs["oven_id"] = "choose the oven, or add one first"
		}
		return w.renderBakes(rw, r, p, bakesAnswer{status: status, message: friendly(e), errs: errs, values: f})
	}
	if err != nil {
		return err
	}
	w.sessions.Put(r.Context(), "flash", fmt.Sprintf("Baking at %s for %d minutes. Keep the door slightly ajar.", temperature(b.TargetC, b.TargetF, p.Studio), b.Minutes))
	http.Redirect(rw, r, "/bakes/"+b.ID, http.StatusSeeOther)
	return nil
}

// bakePageData is one bake at the oven.
type bakePageData struct {
	bakeView
	Oven, OvenID string
	Pieces       []studio.BakePiece
	State        string
	TimeUp       bool
	Chart        *chart
	Values       url.Values
}

// bakeAnswer is what a refused form puts back on the bake's page.
type bakeAnswer struct {
	status  int
	message string
	errs    map[string]string
	values  url.Values
}

func (w *Web) bakeShow(rw http.ResponseWriter, r *http.Request, p studio.Principal) error {
	return w.renderBakePage(rw, r, p, bakeAnswer{status: http.StatusOK})
}

func (w *Web) renderBakePage(rw http.ResponseWriter, r *http.Request, p studio.Principal, a bakeAnswer) error {
	b, err := w.store.Bake(r.Context(), p.Studio.ID, r.PathValue("id"))
	if err != nil {
		return err
	}
	o, err := w.store.Oven(r.Context(), p.Studio.ID, b.OvenID)
	if err != nil {
		return err
	}
	now := w.cfg.Now()
	d := bakePageData{bakeView: newBakeView(b, now, p.Studio), Oven: o.Name, OvenID: o.ID, Pieces: b.Pieces,
		State: bakeStatus(b, now), Values: a.values, Chart: bakeChart(b, p.Studio)}
	d.TimeUp = b.Status == studio.BakeRunning && !b.DoneAt().After(now)
	w.render(rw, r, a.status, "bake", pageData{Title: "Bake · " + d.State, Principal: &p, Nav: "bakes", Message: a.message, Errors: a.errs, Data: d})
	return nil
}

// newBakeView is the bake as the piece's page shows it too.
func newBakeView(b studio.Bake, now time.Time, st studio.Studio) bakeView {
	bv := bakeView{ID: b.ID, Status: string(b.Status), Temperature: temperature(b.TargetC, b.TargetF, st), Dial: b.DialC,
		Minutes: b.Minutes, Others: len(b.Pieces) - 1, Ventilation: studio.Ventilation, ReadingUnit: "°" + string(st.TemperatureUnit)}
	bv.DialText = dialText(b.DialC, st)
	if done := b.DoneAt(); done != nil && b.Status == studio.BakeRunning && done.After(now) {
		bv.Done = newTimerView(store.Timer{Label: "Bake done", DueAt: *done}, now, st)
	}
	if cool := b.CooledAt(); cool != nil {
		if cool.After(now) {
			bv.Cool = newTimerView(store.Timer{Label: "Cool-down over", DueAt: *cool}, now, st)
		}
		bv.Cooled = !cool.After(now)
		bv.FinishedAtText = localTime(*b.FinishedAt, now, st)
	}
	for _, rd := range b.Readings {
		bv.Readings = append(bv.Readings, readingView{At: localTime(rd.At, now, st), Temperature: reading(rd.ThermometerC, st), Flags: rd.Flags})
	}
	return bv
}

// dialText is a dial setting in the studio's unit, whole degrees.
func dialText(dialC int, st studio.Studio) string {
	if st.TemperatureUnit == studio.Fahrenheit {
		return fmt.Sprintf("%.0f °F", math.Round(studio.CToF(float64(dialC))))
	}
	return fmt.Sprintf("%d °C", dialC)
}

// inUnit is a temperature in °C in the studio's unit, for charts.
func inUnit(c float64, st studio.Studio) float64 {
	if st.TemperatureUnit == studio.Fahrenheit {
		return round1(studio.CToF(c))
	}
	return c
}

// bakeChart draws the readings over the bake's minutes against the
// target and the accepted range: from the lowest temperature every clay
// cures at to 10 °C above the target, where discolouration begins.
func bakeChart(b studio.Bake, st studio.Studio) *chart {
	unit := "°" + string(st.TemperatureUnit)
	lo, hi := float64(b.MinC), float64(b.TargetC+10)
	yMin, yMax := lo-10, hi+5
	xMax := float64(b.Minutes)
	for _, rd := range b.Readings {
		yMin, yMax = math.Min(yMin, rd.ThermometerC-5), math.Max(yMax, rd.ThermometerC+5)
		if b.StartedAt != nil {
			xMax = math.Max(xMax, rd.At.Sub(*b.StartedAt).Minutes())
		}
	}
	label := fmt.Sprintf("Oven thermometer readings during the bake: %d readings against the target %s and the accepted range %s to %s.",
		len(b.Readings), reading(float64(b.TargetC), st), reading(lo, st), reading(hi, st))
	c := newChart(label, "minutes since the start", unit, 0, xMax, inUnit(yMin, st), inUnit(yMax, st))
	c.band(inUnit(lo, st), inUnit(hi, st), fmt.Sprintf("Accepted: %s to %s", reading(lo, st), reading(hi, st)))
	target := inUnit(float64(b.TargetC), st)
	c.line(c.xMin, target, c.xMax, target, "target", "Target "+reading(float64(b.TargetC), st))
	for _, rd := range b.Readings {
		at := 0.0
		if b.StartedAt != nil {
			at = math.Max(0, rd.At.Sub(*b.StartedAt).Minutes())
		}
		class := "point"
		if len(rd.Flags) > 0 {
			class += " flag"
		}
		c.point(at, inUnit(rd.ThermometerC, st), class, fmt.Sprintf("%s after %.0f min", reading(rd.ThermometerC, st), at))
	}
	return c
}

// bakeChange answers the bake page's forms: back to the page with a
// flash (or, a button refused, with the reason), or the page again with
// the messages.
func (w *Web) bakeChange(rw http.ResponseWriter, r *http.Request, p studio.Principal, fn func(f url.Values) (string, namer, error)) error {
	f, err := postForm(r)
	if err != nil {
		return err
	}
	flash, form, err := fn(f)
	if e, status, ok := formError(rw, err); ok {
		if w.refused(rw, r, e, errorsIn(form, e), f, "/bakes/"+r.PathValue("id")) {
			return nil
		}
		return w.renderBakePage(rw, r, p, bakeAnswer{status: status, message: friendly(e), errs: errorsIn(form, e), values: f})
	}
	if err != nil {
		return err
	}
	w.sessions.Put(r.Context(), "flash", flash)
	http.Redirect(rw, r, "/bakes/"+r.PathValue("id"), http.StatusSeeOther)
	return nil
}

func (w *Web) bakeStart(rw http.ResponseWriter, r *http.Request, p studio.Principal) error {
	return w.bakeChange(rw, r, p, func(url.Values) (string, namer, error) {
		b, err := w.store.StartBake(r.Context(), p.Studio.ID, r.PathValue("id"))
		return fmt.Sprintf("Baking for %d minutes. Keep the door slightly ajar.", b.Minutes), nil, err
	})
}

func (w *Web) bakePageReading(rw http.ResponseWriter, r *http.Request, p studio.Principal) error {
	return w.bakeChange(rw, r, p, func(f url.Values) (string, namer, error) {
		v, err := parseThermometer(f.Get("thermometer"), p.Studio)
		if err != nil {
			return "", nil, err
		}
		rd, err := w.store.AddBakeReading(r.Context(), p.Studio.ID, r.PathValue("id"), v)
		if err != nil {
			return "", fieldNames{"thermometer_c": "thermometer"}, err
		}
		return readingFlash(rd, p.Studio), nil, nil
	})
}

func (w *Web) bakePageFinish(rw http.ResponseWriter, r *http.Request, p studio.Principal) error {
	return w.bakeChange(rw, r, p, func(url.Values) (string, namer, error) {
		_, err := w.store.FinishBake(r.Context(), p.Studio.ID, r.PathValue("id"))
		return "Oven off. Leave the pieces inside for at least 10 minutes to cool.", nil, err
	})
}

// parseThermometer reads a thermometer typed in the studio's unit into
// °C, to a tenth of a degree.
func parseThermometer(typed string, st studio.Studio) (float64, error) {
	return parseTemperature("thermometer", typed, st, "must be the number the thermometer shows, such as 131")
}

func parseTemperature(field, typed string, st studio.Studio, why string) (float64, error) {
	v, err := strconv.ParseFloat(strings.Replace(strings.TrimSpace(typed), ",", ".", 1), 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, studio.FieldError(field, why)
	}
	if st.TemperatureUnit == studio.Fahrenheit {
		v = math.Round(studio.FToC(v)*10) / 10
	}
	return v, nil
}

// readingFlash says what a reading means for the bake.
func readingFlash(rd studio.BakeReading, st studio.Studio) string {
	flash := "Reading logged: " + reading(rd.ThermometerC, st) + "."
	for _, fl := range rd.Flags {
		switch fl {
		case string(cure.DiscolourationRisk):
			flash += " Too hot: more than 10 °C above the target, the clay may discolour. Turn the dial down."
		case string(cure.UnderCure):
			flash += " Too cool for the clay to cure: turn the dial up."
		}
	}
	return flash
}

// sortedTemps are the distinct recommended temperatures of the clays.
func sortedTemps(clays []store.Clay) []store.Clay {
	var out []store.Clay
	for _, c := range clays {
		if c.Known() && !slices.ContainsFunc(out, func(x store.Clay) bool { return x.TemperatureC == c.TemperatureC }) {
			out = append(out, c)
		}
	}
	slices.SortFunc(out, func(a, b store.Clay) int { return a.TemperatureC - b.TemperatureC })
	return out
}
