package api

import (
	"errors"
	"log/slog"
	"net/http"

	"atelier/internal/requestid"
	"atelier/internal/studio"
)

// StatusOf is the one place where error codes become HTTP statuses.
func StatusOf(code studio.Code) int {
	switch code {
	case studio.Invalid:
		return http.StatusUnprocessableEntity
	case studio.NotFound:
		return http.StatusNotFound
	case studio.Conflict:
		return http.StatusConflict
	case studio.Unauthorized:
		return http.StatusUnauthorized
	case studio.Forbidden:
		return http.StatusForbidden
	case studio.TooLarge:
		return http.StatusRequestEntityTooLarge
	case studio.RateLimited:
		return http.StatusTooManyRequests
	}
	return http.StatusInternalServerError
}

// statusError is a refusal at the HTTP level whose status the code alone
// does not tell: a body that cannot be parsed at all is "invalid" like any
// bad input, but 400 rather than 422; a wrong method is 405.
type statusError struct {
	err    *studio.Error
	status int
}

func (e statusError) Error() string { return e.err.Error() }
func (e statusError) Unwrap() error { return e.err }

// WithStatus answers err with an HTTP status other than its code's.
func WithStatus(err *studio.Error, status int) error { return statusError{err, status} }

// Error writes err as the API's error JSON. Anything that is not a
// *studio.Error is logged with its details and answered as a bare 500.
func (a *API) Error(w http.ResponseWriter, r *http.Request, err error) {
	WriteError(w, r, a.Log, err)
}

// WriteError is Error for callers without an API value (the server's own
// routes).
func WriteError(w http.ResponseWriter, r *http.Request, log *slog.Logger, err error) {
	e, ok := errors.AsType[*studio.Error](err)
	if !ok || e.Code == studio.Internal {
		log.ErrorContext(r.Context(), "request failed", "method", r.Method, "pattern", r.Pattern, "err", err)
		e = studio.Errorf(studio.Internal, "Something went wrong on our side. It has been logged; please try again.")
	}
	status := StatusOf(e.Code)
	if se, ok := errors.AsType[statusError](err); ok {
		status = se.status
	}
	body := map[string]any{"code": e.Code, "message": e.Message, "request_id": requestid.From(r.Context())}
	if len(e.Fields) > 0 {
		body["fields"] = e.Fields
	}
	out := map[string]any{"error": body}
	// Facts a client acts on (ready_at, open items) also stand at the top
	// level, beside the error, where a script looks for them.
	for k, v := range e.Data {
		body[k], out[k] = v, v
	}
	writeJSON(w, status, out)
}
