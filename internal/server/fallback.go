package server

import (
	"net/http"
	"slices"
	"strings"

	"atelier/internal/api"
	"atelier/internal/studio"
)

var methods = []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete}

// fallback answers what no route matched: a JSON 405 or 404 under /api/,
// and a short page otherwise.
func (s *Server) fallback(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/" && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
		s.home(w)
		return
	}
	if !strings.HasPrefix(r.URL.Path, "/api/") {
		http.Error(w, "Not found.", http.StatusNotFound)
		return
	}
	if allowed := s.allowedMethods(r); len(allowed) > 0 {
		w.Header().Set("Allow", strings.Join(allowed, ", "))
		api.WriteError(w, r, s.log, api.WithStatus(studio.Errorf(studio.Invalid,
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

// home is the landing page until the web interface is mounted.
func (s *Server) home(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Write([]byte(`<!doctype html><html lang="en"><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">` +
		`<title>Atelier</title><h1>Atelier is running</h1>` +
		`<p>The JSON API is under <code>/api/v1</code> and described at <a href="/api/openapi.json">/api/openapi.json</a>.</p>` +
		`<p>Create a studio and its owner with <code>atelier studio create</code> and <code>atelier user add</code>, then an API token with <code>atelier token create</code>.</p></html>`))
}
