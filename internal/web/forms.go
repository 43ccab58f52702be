package web

import (
	"errors"
	"net/http"

	"atelier/internal/httpx"
	"atelier/internal/studio"
)

// formError is err when it is the person's to fix by changing what they
// sent (invalid or conflicting input, wrong credentials, too large, too
// soon): the form comes back with its messages, under the status the API
// answers for the same error, and with its headers set on rw (when not
// nil), such as Retry-After. Anything else is an error page. A wrapped
// error counts as what it wraps.
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
		return e, httpx.Status(err), true
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
