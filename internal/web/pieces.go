package web

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

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
	// clays are the studio's clays, to choose from; ovens its ovens.
	clays []store.Clay
	ovens []store.OvenDetail
	// commission is the piece's commission, nil when it has none.
	commission *store.CommissionDetail
	// lastFinish is the finish the studio logged last, offered again.
	lastFinish studio.CoatKind
}

func (w *Web) pieceShow(rw http.ResponseWriter, r *http.Request, p studio.Principal) error {
	return w.renderPiece(rw, r, p, r.PathValue("id"), pieceAnswer{status: http.StatusOK})
}

func (w *Web) renderPiece(rw http.ResponseWriter, r *http.Request, p studio.Principal, id string, a pieceAnswer) error {
	d, err := w.store.Piece(r.Context(), p.Studio.ID, id)
	if err != nil {
		return err
	}
	if a.clays, err = w.store.Clays(r.Context(), p.Studio.ID); err != nil {
		return err
	}
	// The ovens to choose from, for the bake card, which shows at the first
	// bake and while a bake of the piece is under way.
	if d.Stage == studio.FirstBake || slices.ContainsFunc(d.Bakes, func(b studio.Bake) bool { return !b.Cooled(w.cfg.Now()) }) {
		if a.ovens, err = w.store.Ovens(r.Context(), p.Studio.ID); err != nil {
			return err
		}
	}
	if err := w.pieceContext(r, p, d, &a); err != nil {
		return err
	}
	data := newPieceData(d, p.Studio, a, w.cfg.Now())
	data.Cert, data.Label = w.certificateCardOf(r.Context(), p, d, a), w.labelCardOf(r.Context(), p, a)
	data.Cost = w.costCardOf(r, p, d.ID)
	data.Timelapse = w.timelapseCardOf(r, p, d.ID)
	data.Suggest = w.paletteSuggestCardOf(r, p, d, a)
	if data.MakingOf, err = w.makingOfCardOf(r.Context(), p, d.ID); err != nil {
		return err
	}
	w.render(rw, r, a.status, "piece", pageData{Title: d.Subject, Principal: &p, Nav: "board", Message: a.message, Errors: a.errs, Data: data})
	return nil
}

// pieceContext loads what the page shows beside the piece itself: its
// commission (references, consent, client) and, at the finish, the
// studio's last finish.
func (w *Web) pieceContext(r *http.Request, p studio.Principal, d store.PieceDetail, a *pieceAnswer) error {
	if d.CommissionID != "" {
		c, err := w.store.Commission(r.Context(), p.Studio.ID, d.CommissionID)
		if err != nil {
			return err
		}
		a.commission = &c
	}
	if d.Stage == studio.Finish {
		kind, err := w.store.LastCoatKind(r.Context(), p.Studio.ID)
		if err != nil {
			return err
		}
		a.lastFinish = kind
	}
	return nil
}

// change is what one form of the piece's page did: the piece after it,
// what to tell the artist, and the form, which names the fields of a
// refusal its own way (nil: as the domain does).
type change struct {
	d     store.PieceDetail
	flash string
	form  namer
}

// changeFunc makes one change of a piece from its form.
type changeFunc func(f url.Values) (change, error)

// pieceChange answers every form of the piece's page the same way: back to
// the page with a flash (or, refused with nothing to correct, with the
// reason), or the page again with the messages beside their fields.
func (w *Web) pieceChange(rw http.ResponseWriter, r *http.Request, p studio.Principal, form, anchor string, fn changeFunc) error {
	f, err := postForm(r)
	if err != nil {
		return err
	}
	c, err := fn(f)
	if e, status, ok := formError(rw, err); ok {
		errs := errorsIn(c.form, e)
		if w.refused(rw, r, e, errs, f, "/pieces/"+r.PathValue("id")+anchor) {
			return nil
		}
		return w.renderPiece(rw, r, p, r.PathValue("id"), pieceAnswer{status: status, message: friendly(e), errs: errs, values: f, form: form})
	}
	if err != nil {
		return err
	}
	if c.flash != "" {
		w.sessions.Put(r.Context(), "flash", c.flash)
	}
	http.Redirect(rw, r, "/pieces/"+c.d.ID+anchor, http.StatusSeeOther)
	return nil
}

func (w *Web) pieceCheck(rw http.ResponseWriter, r *http.Request, p studio.Principal) error {
	return w.pieceChange(rw, r, p, "check", "#stage", func(f url.Values) (change, error) {
		done, err := strconv.ParseBool(f.Get("done"))
		if err != nil {
			return change{}, studio.Errorf(studio.Invalid, "The tick box sent neither ticked nor unticked: done must be true or false.")
		}
		d, err := w.store.SetCheck(r.Context(), p.Studio.ID, r.PathValue("id"), r.PathValue("key"), p.User.ID, done)
		return change{d: d}, err
	})
}

func (w *Web) pieceSanding(rw http.ResponseWriter, r *http.Request, p studio.Principal) error {
	return w.pieceChange(rw, r, p, "sanding", "", func(f url.Values) (change, error) {
		grit, err := strconv.Atoi(strings.TrimSpace(f.Get("grit")))
		if err != nil || grit <= 0 {
			return change{}, studio.FieldError("grit", "is required: the grit of the paper, such as 400")
		}
		d, err := w.store.LogGrit(r.Context(), p.Studio.ID, r.PathValue("id"), p.User.ID, grit, nil)
		if err != nil {
			return change{}, err
		}
		if due, done := studio.NextGrit(p.Studio.GritProgression, d.PassGrits()); !done {
			return change{d: d, flash: fmt.Sprintf("%d grit logged. %d grit is next.", grit, due)}, nil
		}
		return change{d: d, flash: fmt.Sprintf("%d grit logged: the sanding is complete.", grit)}, nil
	})
}

func (w *Web) piecePalette(rw http.ResponseWriter, r *http.Request, p studio.Principal) error {
	return w.pieceChange(rw, r, p, "palette", "", func(f url.Values) (change, error) {
		form := parsePaletteInput(f)
		d, err := w.store.SetPalette(r.Context(), p.Studio.ID, r.PathValue("id"), form.Colours, form.OverrideReason)
		return change{d: d, flash: fmt.Sprintf("Palette saved: %d colours.", len(form.Colours)), form: form}, err
	})
}

func (w *Web) pieceCoat(rw http.ResponseWriter, r *http.Request, p studio.Principal) error {
	return w.pieceChange(rw, r, p, "coat", "", func(f url.Values) (change, error) {
		kind := studio.CoatKind(f.Get("kind"))
		if kind == "" {
			kind = studio.MattePolyurethane
		}
		var at *time.Time
		if typed := strings.TrimSpace(f.Get("applied_at")); typed != "" {
			t, err := parseLocal(typed, p.Studio)
			if err != nil {
				return change{}, studio.FieldError("applied_at", "must be a date and time, such as 2026-03-01 14:30")
			}
			at = &t
		}
		d, err := w.store.LogCoat(r.Context(), p.Studio.ID, r.PathValue("id"), p.User.ID, kind, isChecked(f.Get("sanded_2000_before")), at)
		if err != nil {
			return change{}, err
		}
		coats, now := d.PassCoats(), w.cfg.Now()
		last := coats[len(coats)-1]
		if !last.DryAt.After(now) {
			return change{d: d, flash: fmt.Sprintf("Coat %d logged; it is dry already.", len(coats))}, nil
		}
		return change{d: d, flash: fmt.Sprintf("Coat %d logged. It is dry at %s.", len(coats), localTime(last.DryAt, now, p.Studio))}, nil
	})
}

func (w *Web) pieceQC(rw http.ResponseWriter, r *http.Request, p studio.Principal) error {
	return w.pieceChange(rw, r, p, "qc", "", func(f url.Values) (change, error) {
		form := parseQCForm(f)
		if err := form.err(); err != nil {
			return change{form: form}, err
		}
		d, err := w.store.RecordQC(r.Context(), p.Studio.ID, r.PathValue("id"), p.User.ID, form.Checks, f.Get("notes"))
		if err != nil {
			return change{form: form}, err
		}
		if d.Stage == studio.CollectorGrade {
			return change{d: d, flash: "Quality control passed: " + d.Subject + " is collector-grade."}, nil
		}
		failed := studio.FailedChecks(d.QC[len(d.QC)-1].Checks)
		for i, label := range failed {
			failed[i] = strings.ToLower(label[:1]) + label[1:]
		}
		return change{d: d, flash: "Quality control failed (" + strings.Join(failed, "; ") + "): back to " + d.Stage.Label() + "."}, nil
	})
}

func (w *Web) pieceUpdate(rw http.ResponseWriter, r *http.Request, p studio.Principal) error {
	return w.pieceChange(rw, r, p, "edit", "", func(f url.Values) (change, error) {
		form := parsePieceEditForm(f)
		u, err := form.toUpdate(p.Studio.Units)
		if err != nil {
			return change{form: form}, err
		}
		d, err := w.store.UpdatePiece(r.Context(), p.Studio.ID, r.PathValue("id"), u)
		return change{d: d, flash: "Saved.", form: form}, err
	})
}

func (w *Web) pieceReturn(rw http.ResponseWriter, r *http.Request, p studio.Principal) error {
	return w.pieceChange(rw, r, p, "return", "", func(f url.Values) (change, error) {
		d, err := w.store.ReturnPiece(r.Context(), p.Studio.ID, r.PathValue("id"), p.User.ID, studio.Stage(f.Get("to")), f.Get("reason"))
		if err != nil {
			return change{}, err
		}
		return change{d: d, flash: "Back to " + d.Stage.Label() + "."}, nil
	})
}

func (w *Web) pieceWork(rw http.ResponseWriter, r *http.Request, p studio.Principal) error {
	return w.pieceChange(rw, r, p, "work", "#work", func(f url.Values) (change, error) {
		form, id := parseWorkForm(f), r.PathValue("id")
		switch form.Action {
		case "start":
			d, err := w.store.StartWork(r.Context(), p.Studio.ID, id, p.User.ID)
			return change{d: d, flash: "The work timer is running.", form: form}, err
		case "stop":
			d, err := w.store.StopWork(r.Context(), p.Studio.ID, id)
			return change{d: d, flash: "The work timer stopped; the time is booked.", form: form}, err
		case "add":
			minutes, err := strconv.Atoi(form.Minutes)
			if err != nil {
				return change{form: form}, studio.FieldError("minutes", "must be a whole number of minutes, such as 45")
			}
			d, err := w.store.AddWork(r.Context(), p.Studio.ID, id, p.User.ID, form.Stage, minutes)
			return change{d: d, flash: fmt.Sprintf("%d minutes booked.", minutes), form: form}, err
		}
		return change{form: form}, studio.FieldError("action", "must be start, stop or add")
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

// localTime shows a time for people in the studio's zone and clock: the
// time alone today, else with its day ("yesterday at 09:10").
func localTime(t, now time.Time, st studio.Studio) string {
	return st.Clock().At(t, now)
}
