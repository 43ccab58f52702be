package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"

	"atelier/internal/httpx"
	"atelier/internal/studio"
)

// fail shows err as a page. Internal details are logged, never shown.
func (w *Web) fail(rw http.ResponseWriter, r *http.Request, p *studio.Principal, err error) {
	e, ok := errors.AsType[*studio.Error](err)
	if !ok || e.Code == studio.Internal {
		w.log.ErrorContext(r.Context(), "page failed", "method", r.Method, "path", r.URL.Path, "err", err)
		e = studio.Errorf(studio.Internal, "Something went wrong on our side. It has been logged; please try again.")
	}
	if e.Code == studio.Unauthorized {
		http.Redirect(rw, r, "/login", http.StatusSeeOther)
		return
	}
	httpx.SetErrorHeaders(rw, err)
	w.render(rw, r, httpx.Status(err), "error", pageData{Title: errorTitle(e.Code), Principal: p, Message: e.Message, Gallery: p == nil})
}

func errorTitle(c studio.Code) string {
	switch c {
	case studio.NotFound:
		return "Not found"
	case studio.Forbidden:
		return "Not allowed"
	case studio.RateLimited, studio.Unavailable:
		return "Please wait"
	}
	return "Something went wrong"
}

// InternalError is the page for a request that failed in a way already
// logged, such as a panic the server recovered from.
func (w *Web) InternalError(rw http.ResponseWriter, r *http.Request) {
	w.render(rw, r, http.StatusInternalServerError, "error", pageData{Title: errorTitle(studio.Internal), Gallery: true,
		Message: "Something went wrong on our side. It has been logged; please try again."})
}

// NotFound is the page for addresses that lead nowhere.
func (w *Web) NotFound(rw http.ResponseWriter, r *http.Request) {
	w.render(rw, r, http.StatusNotFound, "error", pageData{Title: "Not found", Gallery: true,
		Message: "There is nothing at this address. Check the link, or start from the home page."})
}

// CrossOriginDenied is the page for a form posted from another site.
func (w *Web) CrossOriginDenied(rw http.ResponseWriter, r *http.Request) {
	w.render(rw, r, http.StatusForbidden, "error", pageData{Title: "Not allowed", Gallery: true,
		Message: "This form was sent from another site, so it was refused. Open Atelier directly and try again."})
}

func retryAfter(rw http.ResponseWriter, wait time.Duration) {
	rw.Header().Set("Retry-After", strconv.Itoa(int(wait.Seconds()+0.5)))
}

func urlQueryEscape(s string) string { return url.QueryEscape(s) }

// safeNext keeps a post-login redirect on this site: only a path that a
// browser cannot read as another host. Browsers drop tabs and line breaks
// anywhere in a URL and read a backslash as a slash, so "/\t/evil" and
// "/\\evil" lead off-site; those are refused, also percent-encoded, in
// case something between here and the browser decodes them.
func safeNext(next string) string {
	const home = "/dashboard"
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
		return home
	}
	unescaped, err := url.PathUnescape(next)
	if err != nil {
		return home
	}
	for _, s := range []string{next, unescaped} {
		if !strings.HasPrefix(s, "/") || strings.HasPrefix(s, "//") || strings.ContainsFunc(s, offSite) {
			return home
		}
	}
	return next
}

// offSite is a character that lets a browser read a path as another
// host: a backslash, a space or a control character.
func offSite(c rune) bool {
	return c == '\\' || c <= ' ' || c == 0x7f || unicode.IsControl(c) || unicode.IsSpace(c)
}
