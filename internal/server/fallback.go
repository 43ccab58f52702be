package server

import (
	"net/http"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

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
	api.WriteError(w, r, s.log, studio.Errorf(studio.NotFound, "There is no API endpoint at %s. See /api/openapi.json.", clipPath(r.URL.Path)))
}

// clipPath shortens a path an answer repeats: an error never echoes much
// of what was sent.
func clipPath(path string) string {
	if len(path) <= 80 {
		return path
	}
	return strings.ToValidUTF8(path[:80], "") + "…"
}

// plainPaths answers a path that is not plain text (a NUL or other
// control character, bytes that are not UTF-8) as not found before any
// route sees it: no record has such a name or id, and PostgreSQL refuses
// such text with an error where SQLite would just find nothing.
func (s *Server) plainPaths(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if utf8.ValidString(r.URL.Path) && !strings.ContainsFunc(r.URL.Path, unicode.IsControl) {
			next.ServeHTTP(w, r)
			return
		}
		if strings.HasPrefix(r.URL.Path, "/api/") {
			api.WriteError(w, r, s.log, studio.Errorf(studio.NotFound, "There is nothing at this address: it holds characters no name or id has."))
			return
		}
		s.web.NotFound(w, r)
	})
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
