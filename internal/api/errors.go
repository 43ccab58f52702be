package api

import (
	"errors"
	"log/slog"
	"net/http"

	"atelier/internal/httpx"
	"atelier/internal/requestid"
	"atelier/internal/studio"
)

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
	status := httpx.Status(err)
	httpx.SetErrorHeaders(w, err)
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
