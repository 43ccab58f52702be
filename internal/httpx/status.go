package httpx

import (
	"errors"
	"net/http"
	"strconv"

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
	case studio.Unavailable:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// Status is the HTTP status that answers err: the one WithStatus gave it,
// or its code's; 500 for anything that is not a *studio.Error.
func Status(err error) int {
	if se, ok := errors.AsType[statusError](err); ok {
		return se.status
	}
	return StatusOf(studio.ErrorCode(err))
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

// SetErrorHeaders sets the headers err implies, on every answer of it:
// Retry-After when it says when to try again.
func SetErrorHeaders(w http.ResponseWriter, err error) {
	e, ok := errors.AsType[*studio.Error](err)
	if !ok {
		return
	}
	if s, ok := e.Data[studio.RetryAfter].(int); ok {
		w.Header().Set("Retry-After", strconv.Itoa(s))
	}
}
