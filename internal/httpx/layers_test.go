package httpx_test

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// deps lists the packages of ours that pkg depends on, itself excluded.
func deps(t *testing.T, pkg string) []string {
	t.Helper()
	out, err := exec.Command("go", "list", "-deps", "-f", "{{.ImportPath}}", "atelier/internal/"+pkg).Output()
	if err != nil {
		t.Fatalf("go list -deps %s: %v", pkg, err)
	}
	var ours []string
	for p := range strings.FieldsSeq(string(out)) {
		if strings.HasPrefix(p, "atelier/") && p != "atelier/internal/"+pkg {
			ours = append(ours, strings.TrimPrefix(p, "atelier/internal/"))
		}
	}
	return ours
}

// The web pages and the JSON API sit side by side: what both need lives in
// intake or httpx, and httpx itself stands on studio alone.
func TestLayers(t *testing.T) {
	for pkg, banned := range map[string][]string{"web": {"api", "server"}, "api": {"web", "server"}, "intake": {"web", "api", "server"}} {
		for _, b := range banned {
			if slices.Contains(deps(t, pkg), b) {
				t.Errorf("%s depends on %s", pkg, b)
			}
		}
	}
	if got := deps(t, "httpx"); !slices.Equal(got, []string{"studio"}) {
		t.Errorf("httpx depends on %v; it may use studio only", got)
	}
	// The check itself works: server does see both.
	if d := deps(t, "server"); !slices.Contains(d, "web") || !slices.Contains(d, "api") {
		t.Errorf("go list found %v under server", d)
	}
}
