package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"atelier/internal/store"
	"atelier/internal/studio"
)

// The clays page: the studio's clays and how each cures, in the studio's
// temperature units; the owner adds a clay or changes one.

type claysData struct {
	Clays   []clayRow
	CanEdit bool
	Values  url.Values
}

type clayRow struct {
	Key, Name, Temperature, Range, Time string
}

type clayAnswer struct {
	status  int
	message string
	errs    map[string]string
	values  url.Values
}

func (w *Web) claysShow(rw http.ResponseWriter, r *http.Request, p studio.Principal) error {
	return w.renderClays(rw, r, p, clayAnswer{status: http.StatusOK})
}

func (w *Web) renderClays(rw http.ResponseWriter, r *http.Request, p studio.Principal, a clayAnswer) error {
	clays, err := w.store.Clays(r.Context(), p.Studio.ID)
	if err != nil {
		return err
	}
	d := claysData{CanEdit: p.CanManage() == nil, Values: a.values}
	for _, c := range clays {
		row := clayRow{Key: c.Key, Name: c.Name, Temperature: "not entered yet"}
		if c.Known() {
			row.Temperature = temperature(c.TemperatureC, c.TemperatureF, p.Studio)
			row.Range = fmt.Sprintf("%d–%d °C", c.MinC, c.MaxC)
			if p.Studio.TemperatureUnit == studio.Fahrenheit {
				row.Range = fmt.Sprintf("%.0f–%.0f °F", studio.CToF(float64(c.MinC)), studio.CToF(float64(c.MaxC)))
			}
			row.Time = fmt.Sprintf("%d min per 6 mm (¼ in), at least %d min", c.MinutesPer6mm, c.MinimumMinutes)
		}
		d.Clays = append(d.Clays, row)
	}
	w.render(rw, r, a.status, "clays", pageData{Title: "Clays", Principal: &p, Nav: "bakes", Message: a.message, Errors: a.errs, Data: d})
	return nil
}

// clayForm is a clay as the form sends it: whole numbers, typed as text.
type clayForm struct {
	key, name string
	ints      map[string]string
}

var clayFigures = []string{"temperature_c", "temperature_f", "min_c", "max_c", "minutes_per_6mm", "minimum_minutes"}

func parseClayForm(f url.Values) clayForm {
	c := clayForm{key: strings.TrimSpace(f.Get("key")), name: f.Get("name"), ints: map[string]string{}}
	for _, k := range clayFigures {
		c.ints[k] = strings.TrimSpace(f.Get(k))
	}
	return c
}

// update reads the figures; left all empty, the clay has none yet.
func (c clayForm) update() (studio.ClayUpdate, error) {
	errs := studio.Fields{}
	u := studio.ClayUpdate{Name: &c.name}
	targets := []**int{&u.TemperatureC, &u.TemperatureF, &u.MinC, &u.MaxC, &u.MinutesPer6mm, &u.MinimumMinutes}
	for i, k := range clayFigures {
		if c.ints[k] == "" {
			continue
		}
		n, err := strconv.Atoi(c.ints[k])
		if err != nil {
			errs.Add(k, "must be a whole number")
			continue
		}
		*targets[i] = &n
	}
	return u, errs.Err()
}

// claySave adds a clay of the studio's own or changes one (owner only).
func (w *Web) claySave(rw http.ResponseWriter, r *http.Request, p studio.Principal) error {
	f, err := postForm(r)
	if err != nil {
		return err
	}
	form := parseClayForm(f)
	u, err := form.update()
	var c store.Clay
	if err == nil {
		c, err = w.store.SaveClay(r.Context(), p.Studio.ID, form.key, u, store.ClayUpsert)
	}
	if e, status, ok := formError(rw, err); ok {
		return w.renderClays(rw, r, p, clayAnswer{status: status, message: friendly(e), errs: errorsIn(nil, e), values: f})
	}
	if err != nil {
		return err
	}
	w.sessions.Put(r.Context(), "flash", c.Name+" is saved.")
	http.Redirect(rw, r, "/clays", http.StatusSeeOther)
	return nil
}
