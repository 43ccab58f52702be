package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"time"

	"atelier/internal/studio"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// views holds the templates, parsed once at start-up, and the static
// files with the content hashes that bust caches when they change.
type views struct {
	pages  map[string]*template.Template
	assets map[string]asset
}

type asset struct {
	body        []byte
	hash        string
	contentType string
}

func parseViews() (*views, error) {
	v := &views{pages: map[string]*template.Template{}, assets: map[string]asset{}}
	if err := v.loadAssets(); err != nil {
		return nil, err
	}
	funcs := template.FuncMap{
		"asset":   func(name string) string { return "/static/" + name + "?v=" + v.assets[name].hash },
		"field":   fieldError,
		"args":    inputArgs,
		"money":   formatMoney,
		"length":  formatLength,
		"words":   func(s any) string { return strings.ReplaceAll(fmt.Sprint(s), "_", " ") },
		"has":     func(p studio.Photo, size int) bool { return p.Variants[size] != "" },
		"angle":   func(a studio.Angle) string { return angleLabels[a] },
		"checked": func(v string) bool { return v == "true" || v == "on" },
		"dict":    dict,
	}
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	for _, name := range names {
		base := path.Base(name)
		if base == "layout.html" || strings.HasPrefix(base, "_") {
			continue
		}
		t, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/_*.html", name)
		if err != nil {
			return nil, fmt.Errorf("web: parsing %s: %w", base, err)
		}
		v.pages[strings.TrimSuffix(base, ".html")] = t
	}
	return v, nil
}

func (v *views) loadAssets() error {
	return fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := staticFS.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(body)
		v.assets[path.Base(p)] = asset{body: body, hash: hex.EncodeToString(sum[:6]),
			contentType: mime.TypeByExtension(path.Ext(p))}
		return nil
	})
}

// pageData is what every template receives.
type pageData struct {
	Title string
	// Principal is the signed-in user; nil on public pages.
	Principal *studio.Principal
	// Gallery gives public pages the catalogue look, without app chrome.
	Gallery bool
	Nav     string
	Flash   string
	// FlashError is a refusal carried across a redirect (post/redirect/get):
	// an action the page's button asked for and could not be done.
	FlashError string
	// Unread counts the client messages the studio has not read, for the
	// navigation's badge; render fills it in for signed-in pages.
	Unread int
	// Message is a form-level error; Errors are per field.
	Message string
	Errors  map[string]string
	// Summary lists every field error by its label, at the top of the
	// page; render fills it in from the page's own labels.
	Summary      []summaryItem
	SummaryTitle string
	Form         any
	Data         any
	// Clock writes the page's times in the studio's zone; render sets it
	// from the signed-in studio, and a public page of a studio sets it
	// itself. Now is the moment the page is drawn.
	Clock studio.Clock
	Now   time.Time
}

// When writes a time for people, in the studio's zone, seen from now:
// "18:43", "yesterday at 09:10", "3 Mar 2025 at 09:10".
func (d pageData) When(t time.Time) string { return d.Clock.At(t, d.Now) }

// Day writes a date for people: "today", "yesterday", "3 Mar".
func (d pageData) Day(t time.Time) string { return d.Clock.Date(t, d.Now) }

func formatMoney(minor *int64, currency string) string {
	if minor == nil {
		return "—"
	}
	return studio.FormatMoney(*minor, currency)
}

func formatLength(mm *float64, units studio.Units) string {
	if mm == nil {
		return "—"
	}
	return studio.FormatLength(*mm, units)
}

// inputArgs gathers what the "input" partial needs.
func inputArgs(name, label, value string, errs map[string]string, typ, autocomplete string) map[string]any {
	return map[string]any{"Name": name, "Label": label, "Value": value, "Error": errs[name], "Type": typ, "Autocomplete": autocomplete}
}

// fieldError finds the message for a field, for templates: {{field .Errors "email"}}.
func fieldError(errs map[string]string, name string) string { return errs[name] }

// render executes a page into a buffer before writing anything, so that a
// template error is a clean 500 rather than half a page.
func (w *Web) render(rw http.ResponseWriter, r *http.Request, status int, page string, d pageData) {
	t, ok := w.views.pages[page]
	if !ok {
		w.log.ErrorContext(r.Context(), "no such template", "page", page)
		http.Error(rw, "Internal error.", http.StatusInternalServerError)
		return
	}
	if loaded, _ := r.Context().Value(sessionLoaded{}).(bool); d.Flash == "" && loaded {
		d.Flash = w.sessions.PopString(r.Context(), "flash")
	}
	if loaded, _ := r.Context().Value(sessionLoaded{}).(bool); d.FlashError == "" && loaded {
		d.FlashError = w.sessions.PopString(r.Context(), flashError)
	}
	if d.Principal != nil && !d.Gallery {
		d.Unread = w.unread(r, d.Principal.Studio.ID)
	}
	if d.Principal != nil && d.Clock.Loc == nil {
		d.Clock = d.Principal.Studio.Clock()
	}
	d.Now = w.cfg.Now()
	var buf bytes.Buffer
	if err := t.Execute(&buf, d); err != nil {
		w.log.ErrorContext(r.Context(), "rendering page", "page", page, "err", err)
		http.Error(rw, "Internal error.", http.StatusInternalServerError)
		return
	}
	// The summary names each field by its label as drawn, so the page is
	// drawn once to read them and again with the summary in its place.
	if len(d.Errors) > 0 {
		d.Summary, d.SummaryTitle = summarise(buf.Bytes(), d.Errors), summaryTitle(d.Message)
		buf.Reset()
		if err := t.Execute(&buf, d); err != nil {
			w.log.ErrorContext(r.Context(), "rendering page", "page", page, "err", err)
			http.Error(rw, "Internal error.", http.StatusInternalServerError)
			return
		}
	}
	rw.Header().Set("Content-Type", "text/html; charset=utf-8")
	rw.Header().Set("Cache-Control", "no-store")
	rw.WriteHeader(status)
	rw.Write(buf.Bytes())
}

// unread counts the studio's unread client messages for the navigation.
// A failed count costs only the badge, never the page.
func (w *Web) unread(r *http.Request, studioID string) int {
	n, err := w.store.UnreadMessages(r.Context(), studioID)
	if err != nil {
		w.log.WarnContext(r.Context(), "counting unread messages", "err", err)
		return 0
	}
	return n
}

func (w *Web) static(rw http.ResponseWriter, r *http.Request) {
	a, ok := w.views.assets[r.PathValue("file")]
	if !ok {
		w.NotFound(rw, r)
		return
	}
	rw.Header().Set("Content-Type", a.contentType)
	if r.URL.Query().Get("v") == a.hash {
		rw.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		rw.Header().Set("Cache-Control", "no-cache")
	}
	rw.Write(a.body)
}

// dict makes a map of name, value pairs, for passing several values to a
// partial template.
func dict(pairs ...any) (map[string]any, error) {
	if len(pairs)%2 != 0 {
		return nil, fmt.Errorf("dict: %d arguments, want name, value pairs", len(pairs))
	}
	m := make(map[string]any, len(pairs)/2)
	for i := 0; i < len(pairs); i += 2 {
		name, ok := pairs[i].(string)
		if !ok {
			return nil, fmt.Errorf("dict: name %v is not a string", pairs[i])
		}
		m[name] = pairs[i+1]
	}
	return m, nil
}
