package web

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// A redirect after sign-in stays on this site, whatever trick next holds:
// each value is sent through http.Redirect as the sign-in does, and the
// Location is resolved as a browser would (dropping tabs and line breaks,
// reading a backslash as a slash).
func TestSafeNextStaysOnSite(t *testing.T) {
	tricks := []string{
		"", "dashboard", "//evil.example/", "///evil.example/", "/\\evil.example/", "\\\\evil.example/",
		"/\t/evil.example/", "/../\\evil.example/", "/\n/evil.example", "/\r\n/evil.example", " //evil.example",
		"https://evil.example/", "http:evil.example", "javascript:alert(1)", "//user@evil.example",
		"/%2F%2Fevil.example", "/%5Cevil.example", "/%2f/evil.example", "/%09/evil.example", "/%0a/evil.example",
		"/%5C%5Cevil.example", "/..%2F..%2F%5Cevil.example", "/\x00/evil.example", "/\x7f/evil.example",
		"/\u3000/evil.example", "/%zz", "\t//evil.example", "/.//evil.example", "/./\\evil.example",
		"/x/../..//evil.example", "/%2e%2e/%5cevil.example",
	}
	for _, next := range tricks {
		got := safeNext(next)
		rec := httptest.NewRecorder()
		http.Redirect(rec, httptest.NewRequest("POST", "https://atelier.example/login", nil), got, http.StatusSeeOther)
		loc := rec.Header().Get("Location")
		browser := strings.NewReplacer("\t", "", "\n", "", "\r", "", "\\", "/").Replace(loc)
		base, _ := url.Parse("https://atelier.example/login")
		ref, err := url.Parse(browser)
		if err != nil {
			t.Errorf("next %q → %q → Location %q does not parse", next, got, loc)
			continue
		}
		if u := base.ResolveReference(ref); u.Host != "atelier.example" || u.Scheme != "https" {
			t.Errorf("next %q → %q → Location %q leads to %s", next, got, loc, u)
		}
		if got != "/dashboard" && got != next {
			t.Errorf("next %q → %q: rewritten instead of kept or refused", next, got)
		}
	}
	// Paths of this site are kept as they are, with their query.
	for _, next := range []string{"/board", "/pieces/abc?tab=qc", "/commissions/x#messages", "/s/ana/commission", "/p%C3%A9"} {
		if got := safeNext(next); got != next {
			t.Errorf("next %q → %q, want it kept", next, got)
		}
	}
	// Every trick that tries to leave is refused outright.
	for _, next := range tricks {
		if got := safeNext(next); got != "/dashboard" && !strings.HasPrefix(next, "/.") && !strings.HasPrefix(next, "/x/") {
			t.Errorf("next %q kept as %q", next, got)
		}
	}
}
