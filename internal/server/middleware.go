package server

import (
	"context"
	"fmt"
	"net/http"
	"runtime/debug"
	"strings"

	"atelier/internal/api"
	"atelier/internal/httpx"
	"atelier/internal/requestid"
	"atelier/internal/studio"
)

// routeInfo is filled in by the matched route's wrapper and read by the
// outer middleware after the request, since the mux sets the pattern on a
// copy of the request the outer layers never see.
type routeInfo struct {
	pattern string
	path    string // with secrets redacted
	page    bool   // the route answers HTML
}

type routeInfoKey struct{}

// secretPathValues are path wildcards that carry secrets (portal and
// transfer tokens); their values never reach a log line.
var secretPathValues = []string{"token", "code"}

// route wraps a route's handler with what depends on the route: its name
// for logs and metrics, its body limit and deadline, and, for public routes, dropping any
// Authorization header so that it cannot change the answer.
func (s *Server) route(rt httpx.Route) http.Handler {
	limit, timeout := rt.MaxBody, s.cfg.UploadTimeout
	if limit <= 0 {
		limit, timeout = s.cfg.MaxBodyBytes, s.cfg.BodyTimeout
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if info, ok := r.Context().Value(routeInfoKey{}).(*routeInfo); ok {
			info.pattern, info.path, info.page = rt.Pattern, redactedPath(r), rt.Page
		}
		if rt.Public {
			r.Header.Del("Authorization")
		}
		if r.ContentLength > limit {
			api.WriteError(w, r, s.log, studio.Errorf(studio.TooLarge, "The request body is larger than the %d bytes this endpoint accepts.", limit))
			return
		}
		bodyDeadline(w, r, timeout)
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		rt.Handler.ServeHTTP(w, r)
	})
}

func redactedPath(r *http.Request) string {
	path := r.URL.Path
	for _, name := range secretPathValues {
		if v := r.PathValue(name); v != "" {
			requestid.Secret(r.Context(), v) // for every other line this request logs
			path = strings.ReplaceAll(path, v, "REDACTED")
		}
	}
	return path
}

// observe gives every request an id, recovers from panics (logged here,
// once, and answered as the route answers: the error page or the API's
// JSON), logs one line per request and counts it in the metrics.
func (s *Server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := s.cfg.Now()
		id := requestid.Choose(r.Header.Get("X-Request-Id"))
		info := &routeInfo{pattern: "unmatched"}
		ctx := context.WithValue(requestid.With(r.Context(), id), routeInfoKey{}, info)
		r = r.WithContext(ctx)
		w.Header().Set("X-Request-Id", id)
		rec := &recorder{ResponseWriter: w}
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				s.log.ErrorContext(ctx, "panic", "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
				switch {
				case rec.status != 0:
				case info.page:
					s.web.InternalError(rec, r)
				default:
					api.WriteError(rec, r, s.log, studio.Errorf(studio.Internal, "panic"))
				}
			}
			if info.path == "" {
				info.path = "(unmatched)"
			}
			elapsed := s.cfg.Now().Sub(start)
			s.metrics.observe(r.Method, info.pattern, rec.code(), elapsed)
			s.log.InfoContext(ctx, "request", "method", r.Method, "path", info.path, "route", info.pattern,
				"status", rec.code(), "bytes", rec.bytes, "duration_ms", float64(elapsed.Microseconds())/1000)
		}()
		next.ServeHTTP(rec, r)
	})
}

// recorder remembers the status and size of a response.
type recorder struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (r *recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	n, err := r.ResponseWriter.Write(b)
	r.bytes += int64(n)
	return n, err
}

func (r *recorder) code() int {
	if r.status == 0 {
		return http.StatusOK
	}
	return r.status
}

// Unwrap lets http.ResponseController reach the real writer (flushing,
// deadlines).
func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// securityHeaders sets the headers every answer carries.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data: blob:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
		next.ServeHTTP(w, r)
	})
}
