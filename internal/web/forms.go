package web

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"atelier/internal/httpx"
	"atelier/internal/studio"
)

// formError is err when it is the person's to fix by changing what they
// sent (invalid or conflicting input, wrong credentials, too large, too
// soon): the form comes back with its messages and with the error's
// headers set on rw (when not nil), such as Retry-After. Anything else is
// an error page. A wrapped error counts as what it wraps.
//
// A form to correct comes back as 422 whether its input was invalid or
// conflicts with the state of things (an e-mail address taken, more clay
// than is in stock): the API says 409 for the latter, but to a browser
// both are the same form with its messages. (A conflict that leaves
// nothing to correct is a refused button: see refused.) Wrong
// credentials, too large and too soon keep their own status.
func formError(rw http.ResponseWriter, err error) (e *studio.Error, status int, ok bool) {
	e, ok = errors.AsType[*studio.Error](err)
	if !ok {
		return nil, 0, false
	}
	switch e.Code {
	case studio.Invalid, studio.Conflict, studio.Unauthorized, studio.TooLarge, studio.RateLimited:
		if rw != nil {
			httpx.SetErrorHeaders(rw, err)
		}
		status = httpx.Status(err)
		if e.Code == studio.Conflict {
			status = http.StatusUnprocessableEntity
		}
		return e, status, true
	}
	return nil, 0, false
}

// A namer is a form that names some fields otherwise than the domain does
// (a length typed in the studio's units, a row of a list): formName turns
// the domain's name of a field, as an error carries it, into the form's.
type namer interface {
	formName(domain string) string
}

// fieldNames is a namer for forms whose names differ by a fixed list.
type fieldNames map[string]string

func (n fieldNames) formName(domain string) string {
	if name, ok := n[domain]; ok {
		return name
	}
	return domain
}

// errorsIn is e's field messages under the names form gives the fields;
// a nil form names them as the domain does.
func errorsIn(form namer, e *studio.Error) map[string]string {
	if form == nil || len(e.Fields) == 0 {
		return e.Fields
	}
	out := make(map[string]string, len(e.Fields))
	for k, v := range e.Fields {
		out[form.formName(k)] = v
	}
	return out
}

// lengthNames are the piece's lengths: millimetres in the domain, typed in
// the studio's units in the forms.
var lengthNames = fieldNames{"target_height_mm": "target_height", "max_thickness_mm": "max_thickness",
	"height_mm": "height", "width_mm": "width", "depth_mm": "depth"}

// flashError is the session key of a refusal carried across a redirect.
const flashError = "flash_error"

// refused answers a refusal that leaves nothing in the form to correct: a
// button such as tick or return, refused by the state of things (a stage
// already moved on, a timer running): a Conflict. Post/redirect/get: the
// browser goes back to page with the reason shown there, so that a reload
// or a restored tab never lands on the POST address. errs are the
// refusal's fields as the form names them and sent what it posted. Invalid
// input, or a conflict naming a field the form sent (800 grit when 400 is
// due), is a form to correct: refused leaves it to the caller, which shows
// the form again with its messages, and says so by returning false.
func (w *Web) refused(rw http.ResponseWriter, r *http.Request, e *studio.Error, errs map[string]string, sent url.Values, page string) bool {
	if e.Code != studio.Conflict {
		return false
	}
	for name := range errs {
		if sent.Has(name) {
			return false
		}
	}
	w.backWith(rw, r, e.Message, page)
	return true
}

// backWith sends the browser to page, a path of this site, with msg shown
// there as a refusal.
func (w *Web) backWith(rw http.ResponseWriter, r *http.Request, msg, page string) {
	w.sessions.Put(r.Context(), flashError, msg)
	http.Redirect(rw, r, page, http.StatusSeeOther)
}

// refusedOpen is the session key of a refused advance's open items, kept
// for the board's card across the redirect: the piece's id, then an item a
// line.
const refusedOpen = "refused_open"

func joinOpen(id string, open []string) string {
	return strings.Join(append([]string{id}, open...), "\n")
}

// splitOpen reads joinOpen's value back as the board wants it.
func splitOpen(v string) map[string][]string {
	parts := strings.Split(v, "\n")
	if v == "" || len(parts) < 2 {
		return nil
	}
	return map[string][]string{parts[0]: parts[1:]}
}
