package web

import (
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"atelier/internal/cure"
	"atelier/internal/store"
	"atelier/internal/studio"
)

// bakeView is the bake on a piece's page: what to set the oven to, its
// countdowns, its readings.
type bakeView struct {
	ID, Status     string
	Temperature    string
	Dial, Minutes  int
	DialText       string
	Done, Cool     *timerView
	Cooled         bool
	Readings       []readingView
	ReadingUnit    string
	Ventilation    string
	Others         int
	FinishedAtText string
}

type readingView struct {
	At, Temperature string
	Flags           []string
}

// cureView is a clay of the piece with its temperature and, once the
// thickness is measured, its time.
type cureView struct {
	Name, Temperature string
	Minutes           int
}

type ovenChoice struct{ ID, Label string }

// temperature shows °C and the manufacturer's °F in the studio's order.
func temperature(c, f int, st studio.Studio) string {
	if st.TemperatureUnit == studio.Fahrenheit {
		return fmt.Sprintf("%d °F / %d °C", f, c)
	}
	return fmt.Sprintf("%d °C / %d °F", c, f)
}

// reading shows a thermometer reading, stored in °C, in the studio's unit.
func reading(c float64, st studio.Studio) string {
	if st.TemperatureUnit == studio.Fahrenheit {
		return strconv.FormatFloat(math.Round(studio.CToF(c)*10)/10, 'f', -1, 64) + " °F"
	}
	return strconv.FormatFloat(c, 'f', -1, 64) + " °C"
}

// baking fills the piece page's bake: the cure of each clay, the ovens to
// choose, and the bake under way (planned, running or cooling).
func (pd *pieceData) baking(d store.PieceDetail, st studio.Studio, clays []store.Clay, ovens []store.OvenDetail, now time.Time) {
	for _, key := range d.ClayBrands {
		for _, c := range clays {
			if c.Key != key || !c.Known() {
				continue
			}
			cv := cureView{Name: c.Name, Temperature: temperature(c.TemperatureC, c.TemperatureF, st)}
			if d.MaxThicknessMM != nil {
				cv.Minutes = cure.Minutes(c.Baking, *d.MaxThicknessMM)
			}
			pd.Cures = append(pd.Cures, cv)
		}
	}
	for _, o := range ovens {
		label := o.Name
		if o.Calibration != nil {
			label += fmt.Sprintf(" (calibrated, %d readings)", o.Calibration.Readings)
		}
		pd.Ovens = append(pd.Ovens, ovenChoice{ID: o.ID, Label: label})
	}
	for _, b := range d.Bakes {
		if b.Status == studio.BakeFinished && b.Cooled(now) {
			continue
		}
		bv := newBakeView(b, now, st)
		pd.Bake = &bv
		break
	}
	pd.Baked = d.Baked(now)
}

// pieceBake plans a bake of the piece in an oven and starts it now, or
// logs one afterwards with its times.
func (w *Web) pieceBake(rw http.ResponseWriter, r *http.Request, p studio.Principal) error {
	return w.pieceChange(rw, r, p, "bake", "#stage", func(f url.Values) (change, error) {
		n := store.NewBake{OvenID: f.Get("oven_id"), PieceIDs: []string{r.PathValue("id")}}
		if n.OvenID == "" {
			return change{}, studio.FieldError("oven_id", "choose the oven, or add one first")
		}
		logged := f.Get("action") == "log"
		if logged {
			errs := studio.Fields{}
			n.StartedAt = localField(errs, "started_at", f.Get("started_at"), p.Studio)
			n.FinishedAt = localField(errs, "finished_at", f.Get("finished_at"), p.Studio)
			if err := errs.Err(); err != nil {
				return change{}, err
			}
		}
		b, err := w.store.PlanBake(r.Context(), p.Studio.ID, p.User.ID, n)
		if err != nil {
			return change{}, err
		}
		if !logged {
			if b, err = w.store.StartBake(r.Context(), p.Studio.ID, b.ID); err != nil {
				return change{}, err
			}
		}
		d, err := w.store.Piece(r.Context(), p.Studio.ID, r.PathValue("id"))
		if logged {
			return change{d: d, flash: "The bake is logged."}, err
		}
		return change{d: d, flash: fmt.Sprintf("Baking at %s for %d minutes. Keep the door slightly ajar.", temperature(b.TargetC, b.TargetF, p.Studio), b.Minutes)}, err
	})
}

// localField reads a required date and time typed in the studio's zone.
func localField(errs studio.Fields, field, typed string, st studio.Studio) *time.Time {
	typed = strings.TrimSpace(typed)
	if typed == "" {
		errs.Add(field, "is required: when it was")
		return nil
	}
	t, err := parseLocal(typed, st)
	if err != nil {
		errs.Add(field, "must be a date and time, such as 2026-03-01 14:30")
		return nil
	}
	return &t
}

// bakeReading logs the oven thermometer, typed in the studio's unit.
func (w *Web) bakeReading(rw http.ResponseWriter, r *http.Request, p studio.Principal) error {
	return w.pieceChange(rw, r, p, "reading", "#stage", func(f url.Values) (change, error) {
		v, err := parseThermometer(f.Get("thermometer"), p.Studio)
		if err != nil {
			return change{}, err
		}
		rd, err := w.store.AddBakeReading(r.Context(), p.Studio.ID, r.PathValue("bake"), v)
		if err != nil {
			return change{form: fieldNames{"thermometer_c": "thermometer"}}, err
		}
		d, err := w.store.Piece(r.Context(), p.Studio.ID, r.PathValue("id"))
		return change{d: d, flash: readingFlash(rd, p.Studio)}, err
	})
}

// bakeFinish takes the bake out of the heat; the cool-down begins.
func (w *Web) bakeFinish(rw http.ResponseWriter, r *http.Request, p studio.Principal) error {
	return w.pieceChange(rw, r, p, "finish", "#stage", func(f url.Values) (change, error) {
		if _, err := w.store.FinishBake(r.Context(), p.Studio.ID, r.PathValue("bake")); err != nil {
			return change{}, err
		}
		d, err := w.store.Piece(r.Context(), p.Studio.ID, r.PathValue("id"))
		return change{d: d, flash: "Oven off. Leave the piece inside for at least 10 minutes to cool."}, err
	})
}

// ovenCreate adds an oven from the piece's page, when the studio has none
// to choose.
func (w *Web) ovenCreate(rw http.ResponseWriter, r *http.Request, p studio.Principal) error {
	return w.pieceChange(rw, r, p, "oven", "#stage", func(f url.Values) (change, error) {
		o := studio.Oven{Name: strings.TrimSpace(f.Get("oven_name")), Kind: studio.OvenKind(f.Get("oven_kind"))}
		if _, err := w.store.CreateOven(r.Context(), p.Studio.ID, o); err != nil {
			return change{form: fieldNames{"name": "oven_name", "kind": "oven_kind"}}, err
		}
		d, err := w.store.Piece(r.Context(), p.Studio.ID, r.PathValue("id"))
		return change{d: d, flash: o.Name + " is added."}, err
	})
}
