package server

import (
	"net/http"
	"slices"
	"strings"

	"atelier/internal/api"
	"atelier/internal/httpx"
	"atelier/internal/studio"
)

var methods = []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete}

// fallback answers what no route matched: a JSON 405 or 404 under /api/,
// and the not-found page otherwise.
func (s *Server) fallback(w http.ResponseWriter, r *http.Request) {
	if !strings.HasPrefix(r.URL.Path, "/api/") {
		s.web.NotFound(w, r)
		return
	}
	if allowed := s.allowedMethods(r); len(allowed) > 0 {
		w.Header().Set("Allow", strings.Join(allowed, ", "))
		api.WriteError(w, r, s.log, httpx.WithStatus(studio.Errorf(studio.Invalid,
			"%s is not allowed here; use %s.", r.Method, strings.Join(allowed, " or ")), http.StatusMethodNotAllowed))
		return
	}
	api.WriteError(w, r, s.log, studio.Errorf(studio.NotFound, "There is no API endpoint at %s. See /api/openapi.json.", r.URL.Path))
}

// allowedMethods lists the methods some route answers for r's path.
func (s *Server) allowedMethods(r *http.Request) []string {
	var allowed []string
	for _, m := range methods {
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, pattern := s.mux.Handler(probe); pattern != "/" && pattern != "" && !slices.Contains(allowed, m) {
			allowed = append(allowed, m)
		}
	}
	return allowed
}
