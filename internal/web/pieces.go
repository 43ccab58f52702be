package web

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"atelier/internal/httpx"
	"atelier/internal/store"
	"atelier/internal/studio"
)

// pieceAnswer is what a refused form puts back on the piece's page.
type pieceAnswer struct {
	status  int
	message string
	errs    map[string]string
	values  url.Values
	// open lists what a refused advance found unfinished.
	open    []string
	refused bool
	// form names the form that was sent, to keep it open.
	form string
	// clays are the studio's clays, to choose from.
	clays []store.Clay
}

func (w *Web) pieceShow(rw http.ResponseWriter, r *http.Request, p studio.Principal) error {
	return w.renderPiece(rw, r, p, r.PathValue("id"), pieceAnswer{status: http.StatusOK})
}

func (w *Web) renderPiece(rw http.ResponseWriter, r *http.Request, p studio.Principal, id string, a pieceAnswer) error {
	d, err := w.store.Piece(r.Context(), p.Studio.ID, id)
	if err != nil {
		return err
	}
	a.clays, err = w.store.Clays(r.Context(), p.Studio.ID)
	if err != nil {
		return err
	}
	data := newPieceData(d, p.Studio, a, w.cfg.Now())
	w.render(rw, r, a.status, "piece", pageData{Title: d.Subject, Principal: &p, Nav: "board", Message: a.message, Errors: a.errs, Data: data})
	return nil
}

// changeFunc makes one change of a piece from its form and says what to
// tell the artist afterwards.
type changeFunc func(f url.Values) (d store.PieceDetail, flash string, err error)

// pieceChange answers every form of the piece's page the same way: back to
// the page with a flash, or the page again with the messages beside their
// fields.
func (w *Web) pieceChange(rw http.ResponseWriter, r *http.Request, p studio.Principal, form, anchor string, fn changeFunc) error {
	f, err := postForm(r)
	if err != nil {
		return err
	}
	d, flash, err := fn(f)
	if e := formError(err); e != nil {
		return w.renderPiece(rw, r, p, r.PathValue("id"), pieceAnswer{status: httpx.StatusOf(e.Code), message: friendly(e), errs: e.Fields, values: f, form: form})
	}
	if err != nil {
		return err
	}
	if flash != "" {
		w.sessions.Put(r.Context(), "flash", flash)
	}
	http.Redirect(rw, r, "/pieces/"+d.ID+anchor, http.StatusSeeOther)
	return nil
}

// renamed returns err with its field names changed to the form's.
func renamed(err error, rename func(map[string]string) map[string]string) error {
	e := formError(err)
	if e == nil || len(e.Fields) == 0 {
		return err
	}
	c := *e
	c.Fields = rename(e.Fields)
	return &c
}

func (w *Web) pieceCheck(rw http.ResponseWriter, r *http.Request, p studio.Principal) error {
	return w.pieceChange(rw, r, p, "check", "#stage", func(f url.Values) (store.PieceDetail, string, error) {
		done, err := strconv.ParseBool(f.Get("done"))
		if err != nil {
			return store.PieceDetail{}, "", studio.Errorf(studio.Invalid, "The tick box sent neither ticked nor unticked: done must be true or false.")
		}
		d, err := w.store.SetCheck(r.Context(), p.Studio.ID, r.PathValue("id"), r.PathValue("key"), p.User.ID, done)
		return d, "", err
	})
}

func (w *Web) pieceSanding(rw http.ResponseWriter, r *http.Request, p studio.Principal) error {
	return w.pieceChange(rw, r, p, "sanding", "", func(f url.Values) (store.PieceDetail, string, error) {
		grit, err := strconv.Atoi(strings.TrimSpace(f.Get("grit")))
		if err != nil || grit <= 0 {
			return store.PieceDetail{}, "", studio.FieldError("grit", "is required: the grit of the paper, such as 400")
		}
		d, err := w.store.LogGrit(r.Context(), p.Studio.ID, r.PathValue("id"), p.User.ID, grit, nil)
		if err != nil {
			return d, "", err
		}
		if due, done := studio.NextGrit(p.Studio.GritProgression, d.PassGrits()); !done {
			return d, fmt.Sprintf("%d grit logged. %d grit is next.", grit, due), nil
		}
		return d, fmt.Sprintf("%d grit logged: the sanding is complete.", grit), nil
	})
}

func (w *Web) piecePalette(rw http.ResponseWriter, r *http.Request, p studio.Principal) error {
	return w.pieceChange(rw, r, p, "palette", "", func(f url.Values) (store.PieceDetail, string, error) {
		var colours []studio.Colour
		var rows []int // the form row of each colour
		for i := 0; f.Has(fmt.Sprintf("name_%d", i)); i++ {
			name := strings.TrimSpace(f.Get(fmt.Sprintf("name_%d", i)))
			if name == "" {
				continue
			}
			colours = append(colours, studio.Colour{Name: name, Hex: strings.TrimSpace(f.Get(fmt.Sprintf("hex_%d", i))), Role: f.Get(fmt.Sprintf("role_%d", i))})
			rows = append(rows, i)
		}
		d, err := w.store.SetPalette(r.Context(), p.Studio.ID, r.PathValue("id"), colours, f.Get("override_reason"))
		return d, fmt.Sprintf("Palette saved: %d colours.", len(colours)), renamed(err, func(fields map[string]string) map[string]string {
			out := map[string]string{}
			for k, v := range fields {
				if m := colourField.FindStringSubmatch(k); m != nil {
					if j, _ := strconv.Atoi(m[1]); j < len(rows) {
						k = fmt.Sprintf("%s_%d", m[2], rows[j])
					}
				}
				out[k] = v
			}
			return out
		})
	})
}

// colourField is the domain's name of a colour's field, "colors[2].hex";
// the form's is "hex_3" when an empty row came before.
var colourField = regexp.MustCompile(`^colors\[(\d+)\]\.(\w+)$`)

func (w *Web) pieceCoat(rw http.ResponseWriter, r *http.Request, p studio.Principal) error {
	return w.pieceChange(rw, r, p, "coat", "", func(f url.Values) (store.PieceDetail, string, error) {
		kind := studio.CoatKind(f.Get("kind"))
		if kind == "" {
			kind = studio.MattePolyurethane
		}
		var at *time.Time
		if typed := strings.TrimSpace(f.Get("applied_at")); typed != "" {
			t, err := parseLocal(typed, p.Studio)
			if err != nil {
				return store.PieceDetail{}, "", studio.FieldError("applied_at", "must be a date and time, such as 2026-03-01 14:30")
			}
			at = &t
		}
		d, err := w.store.LogCoat(r.Context(), p.Studio.ID, r.PathValue("id"), p.User.ID, kind, isChecked(f.Get("sanded_2000_before")), at)
		if err != nil {
			return d, "", err
		}
		coats, now := d.PassCoats(), w.cfg.Now()
		last := coats[len(coats)-1]
		if !last.DryAt.After(now) {
			return d, fmt.Sprintf("Coat %d logged; it is dry already.", len(coats)), nil
		}
		return d, fmt.Sprintf("Coat %d logged. It is dry at %s.", len(coats), localTime(last.DryAt, now, p.Studio)), nil
	})
}

func (w *Web) pieceQC(rw http.ResponseWriter, r *http.Request, p studio.Principal) error {
	return w.pieceChange(rw, r, p, "qc", "", func(f url.Values) (store.PieceDetail, string, error) {
		checks := map[string]*bool{}
		var failed []string
		for _, c := range studio.QCChecks {
			ok := slices.Contains(f["checks"], c.Key)
			checks[c.Key] = &ok
			if !ok {
				failed = append(failed, strings.ToLower(c.Label[:1])+c.Label[1:])
			}
		}
		d, err := w.store.RecordQC(r.Context(), p.Studio.ID, r.PathValue("id"), p.User.ID, checks, f.Get("notes"))
		if err != nil {
			return d, "", err
		}
		if d.Stage == studio.CollectorGrade {
			return d, "Quality control passed: " + d.Subject + " is collector-grade.", nil
		}
		return d, "Quality control failed (" + strings.Join(failed, "; ") + "): back to " + d.Stage.Label() + ".", nil
	})
}

func (w *Web) pieceUpdate(rw http.ResponseWriter, r *http.Request, p studio.Principal) error {
	return w.pieceChange(rw, r, p, "edit", "", func(f url.Values) (store.PieceDetail, string, error) {
		errs, u := studio.Fields{}, studio.PieceUpdate{}
		if f.Has("subject") {
			u.Subject = ptr(f.Get("subject"))
		}
		if f.Has("clay_brands_shown") {
			u.ClayBrands = ptr(f["clay_brands"])
			if *u.ClayBrands == nil {
				*u.ClayBrands = []string{}
			}
		}
		u.TargetHeightMM = parseLength(errs, "target_height", f.Get("target_height"), p.Studio.Units)
		if f.Has("target_height") && u.TargetHeightMM == nil {
			errs.Add("target_height", "is required: how tall the figure will be")
		}
		u.MaxThicknessMM = parseLength(errs, "max_thickness", f.Get("max_thickness"), p.Studio.Units)
		u.HeightMM = parseLength(errs, "height", f.Get("height"), p.Studio.Units)
		u.WidthMM = parseLength(errs, "width", f.Get("width"), p.Studio.Units)
		u.DepthMM = parseLength(errs, "depth", f.Get("depth"), p.Studio.Units)
		if err := errs.Err(); err != nil {
			return store.PieceDetail{}, "", err
		}
		d, err := w.store.UpdatePiece(r.Context(), p.Studio.ID, r.PathValue("id"), u)
		return d, "Saved.", renamed(err, lengthFields)
	})
}

func (w *Web) pieceReturn(rw http.ResponseWriter, r *http.Request, p studio.Principal) error {
	return w.pieceChange(rw, r, p, "return", "", func(f url.Values) (store.PieceDetail, string, error) {
		d, err := w.store.ReturnPiece(r.Context(), p.Studio.ID, r.PathValue("id"), p.User.ID, studio.Stage(f.Get("to")), f.Get("reason"))
		if err != nil {
			return d, "", err
		}
		return d, "Back to " + d.Stage.Label() + ".", nil
	})
}

func (w *Web) pieceWork(rw http.ResponseWriter, r *http.Request, p studio.Principal) error {
	return w.pieceChange(rw, r, p, "work", "#work", func(f url.Values) (store.PieceDetail, string, error) {
		id := r.PathValue("id")
		switch f.Get("action") {
		case "start":
			d, err := w.store.StartWork(r.Context(), p.Studio.ID, id, p.User.ID)
			return d, "The work timer is running.", err
		case "stop":
			d, err := w.store.StopWork(r.Context(), p.Studio.ID, id)
			return d, "The work timer stopped; the time is booked.", err
		case "add":
			minutes, err := strconv.Atoi(strings.TrimSpace(f.Get("minutes")))
			if err != nil {
				return store.PieceDetail{}, "", studio.FieldError("minutes", "must be a whole number of minutes, such as 45")
			}
			stage := studio.Stage(f.Get("work_stage"))
			d, err := w.store.AddWork(r.Context(), p.Studio.ID, id, p.User.ID, stage, minutes)
			return d, fmt.Sprintf("%d minutes booked.", minutes), renamed(err, func(fields map[string]string) map[string]string {
				if v, ok := fields["stage"]; ok {
					fields = map[string]string{"work_stage": v}
				}
				return fields
			})
		}
		return store.PieceDetail{}, "", studio.FieldError("action", "must be start, stop or add")
	})
}

// parseLocal reads a datetime-local value in the studio's time zone.
func parseLocal(typed string, st studio.Studio) (time.Time, error) {
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02T15:04:05", "2006-01-02 15:04"} {
		if t, err := time.ParseInLocation(layout, typed, studioLocation(st)); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("not a local time: %q", typed)
}

func studioLocation(st studio.Studio) *time.Location {
	loc, err := time.LoadLocation(st.Timezone)
	if err != nil {
		return time.UTC
	}
	return loc
}

// localTime shows a time of today (now's day) as a clock time, other days
// with their date.
func localTime(t, now time.Time, st studio.Studio) string {
	loc := studioLocation(st)
	lt := t.In(loc)
	if lt.Format(time.DateOnly) == now.In(loc).Format(time.DateOnly) {
		return lt.Format("15:04")
	}
	return lt.Format("2 Jan 15:04")
}
