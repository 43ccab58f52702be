package web

import (
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"atelier/internal/store"
	"atelier/internal/studio"
)

// boardData is the production board: a column per stage, and the form
// that starts a piece.
type boardData struct {
	Columns []boardColumn
	Empty   bool
	Unit    string
	Form    map[string]string
	// NewOpen keeps the new-piece form open: no pieces yet, or a refused one.
	NewOpen bool
}

type boardColumn struct {
	Stage studio.Stage
	Cards []boardCard
}

// boardCard is a piece on the board; its one-tap action follows the
// piece's Exit.
type boardCard struct {
	store.BoardCard
	Next  studio.Stage
	Timer *timerView
	// Thumb is the id of the photo that stands for the piece, "" for none.
	Thumb string
	// Open lists what a refused advance found unfinished.
	Open []string
	// Risk is set when the plan has the piece done after its promise.
	Risk *riskMark
}

// boardAnswer is what a refused form puts back on the board.
type boardAnswer struct {
	status  int
	message string
	errs    map[string]string
	form    map[string]string
	open    map[string][]string
}

func (w *Web) board(rw http.ResponseWriter, r *http.Request, p studio.Principal) error {
	open := splitOpen(w.sessions.PopString(r.Context(), refusedOpen))
	return w.renderBoard(rw, r, p, boardAnswer{status: http.StatusOK, open: open})
}

func (w *Web) renderBoard(rw http.ResponseWriter, r *http.Request, p studio.Principal, a boardAnswer) error {
	cols, err := w.store.Board(r.Context(), p.Studio.ID)
	if err != nil {
		return err
	}
	thumbs, err := w.store.BoardThumbs(r.Context(), p.Studio.ID)
	if err != nil {
		return err
	}
	now := w.cfg.Now()
	// The plan only adds marks: a board without it is still the board.
	var risks map[string]riskMark
	if prob, res, err := w.store.Plan(r.Context(), p.Studio.ID); err == nil {
		risks = riskMarks(prob, res, now)
	}
	d := boardData{Unit: unitOf(p.Studio.Units), Form: a.form, Empty: true}
	for _, c := range cols {
		col := boardColumn{Stage: c.Stage}
		for _, card := range c.Cards {
			bc := boardCard{BoardCard: card, Next: card.Stage.Next(), Open: a.open[card.ID], Thumb: thumbs.Of(card.ID, card.CommissionID)}
			if m, ok := risks[card.ID]; ok {
				bc.Risk = &m
			}
			if len(card.Timers) > 0 && card.Timers[0].DueAt.After(now) {
				bc.Timer = newTimerView(card.Timers[0], now, p.Studio)
			}
			col.Cards = append(col.Cards, bc)
			d.Empty = false
		}
		d.Columns = append(d.Columns, col)
	}
	if d.Form == nil {
		d.Form = map[string]string{"target_height": lengthValue(ptr(studio.DefaultTargetHeightMM), p.Studio.Units)}
	}
	d.NewOpen = d.Empty || len(a.errs) > 0
	w.render(rw, r, a.status, "board", pageData{Title: "Board", Principal: &p, Nav: "board", Message: a.message, Errors: a.errs, Data: d})
	return nil
}

// pieceCreate starts a piece from the board's form.
func (w *Web) pieceCreate(rw http.ResponseWriter, r *http.Request, p studio.Principal) error {
	f, err := postForm(r)
	if err != nil {
		return err
	}
	form := parseNewPieceForm(f)
	n, err := form.toFields(p.Studio.Units)
	var d store.PieceDetail
	if err == nil {
		d, err = w.store.CreatePiece(r.Context(), p.Studio.ID, p.User.ID, n)
	}
	if e, status, ok := formError(rw, err); ok {
		return w.renderBoard(rw, r, p, boardAnswer{status: status, message: friendly(e), errs: errorsIn(form, e), form: formValues(f)})
	}
	if err != nil {
		return err
	}
	w.sessions.Put(r.Context(), "flash", d.Subject+" is started at "+d.Stage.Label()+".")
	http.Redirect(rw, r, "/pieces/"+d.ID, http.StatusSeeOther)
	return nil
}

// pieceAdvance is the one-tap move to the next stage, from the board or the
// piece's page; a refused move shows what is still open where it was asked.
func (w *Web) pieceAdvance(rw http.ResponseWriter, r *http.Request, p studio.Principal) error {
	f, err := postForm(r)
	if err != nil {
		return err
	}
	id, fromBoard := r.PathValue("id"), f.Get("from") == "board"
	d, err := w.store.AdvancePiece(r.Context(), p.Studio.ID, id, p.User.ID)
	// A refused advance is a refused button, not a form to correct: back
	// to where it was asked, with what is still open.
	if e, _, ok := formError(nil, err); ok {
		if fromBoard {
			w.sessions.Put(r.Context(), refusedOpen, joinOpen(id, openItems(e)))
			w.backWith(rw, r, e.Message, "/board#piece-"+id)
			return nil
		}
		w.backWith(rw, r, e.Message, "/pieces/"+id+"#stage")
		return nil
	}
	if err != nil {
		return err
	}
	if d.Stage == studio.Delivered {
		w.sessions.Put(r.Context(), "flash", d.Subject+" is delivered.")
	} else {
		w.sessions.Put(r.Context(), "flash", d.Subject+" moved to "+d.Stage.Label()+".")
	}
	if fromBoard {
		http.Redirect(rw, r, "/board#piece-"+d.ID, http.StatusSeeOther)
	} else {
		http.Redirect(rw, r, "/pieces/"+d.ID, http.StatusSeeOther)
	}
	return nil
}

// openItems reads the unfinished items from a refused advance.
func openItems(e *studio.Error) []string {
	open, _ := e.Data["open"].([]string)
	return open
}

// checkBelow is the form-level message of a refusal whose reasons sit
// beside the fields.
const checkBelow = "Please check what is marked below."

// friendly replaces the list of field names of a validation error by a
// pointer to the messages beside the fields.
func friendly(e *studio.Error) string {
	if e.Code == studio.Invalid && strings.HasPrefix(e.Message, "Please check:") && len(e.Fields) > 0 {
		return checkBelow
	}
	return e.Message
}

// postForm reads a posted form, url-encoded as browsers send it.
func postForm(r *http.Request) (url.Values, error) {
	if err := r.ParseForm(); err != nil {
		return nil, studio.Errorf(studio.Invalid, "The form could not be read.")
	}
	return r.PostForm, nil
}

func unitOf(u studio.Units) string {
	if u == studio.Imperial {
		return "in"
	}
	return "mm"
}

// parseLength reads a length typed in the studio's units into millimetres;
// empty is nil.
func parseLength(errs studio.Fields, field, typed string, units studio.Units) *float64 {
	typed = strings.TrimSpace(typed)
	if typed == "" {
		return nil
	}
	v, ok := studio.ParseLength(typed, units)
	switch {
	case ok:
		return &v
	case strings.HasPrefix(typed, "-"):
		errs.Add(field, "must be more than 0")
	case units == studio.Imperial:
		errs.Add(field, "must be a length in inches, such as 1.5 or 1 3/4")
	default:
		errs.Add(field, "must be a length in millimetres, such as 38 or 38.5")
	}
	return nil
}

// lengthValue shows millimetres in the studio's units for a form field.
func lengthValue(mm *float64, units studio.Units) string {
	if mm == nil {
		return ""
	}
	if units == studio.Imperial {
		return strconv.FormatFloat(math.Round(*mm/studio.MMPerInch*100)/100, 'f', -1, 64)
	}
	return strconv.FormatFloat(math.Round(*mm*10)/10, 'f', -1, 64)
}

func ptr[T any](v T) *T { return &v }
