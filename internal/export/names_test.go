package export

import (
	"strings"
	"testing"
)

func TestSafeName(t *testing.T) {
	for in, want := range map[string]string{
		"Grandma Rose":          "Grandma-Rose",
		`Rex / the "good" dog?`: "Rex-the-good-dog",
		"Zoe\u0301":             "Zoé", // decomposed é becomes one character
		"  ..hidden..  ":        "hidden",
		"CON":                   "x",
		"com1.txt":              "x",
		"":                      "x",
		"a\x00b\tc":             "a-b-c",
		"Ünïcödé «Kipferl»":     "Ünïcödé-«Kipferl»",
		`C:\Windows\system32`:   "C-Windows-system32",
		"../../etc/passwd":      "etc-passwd",
	} {
		if got := safeName(in, "x"); got != want {
			t.Errorf("safeName(%q) = %q, want %q", in, got, want)
		}
	}
	long := safeName(strings.Repeat("é", 200), "x")
	if n := len([]rune(long)); n != 80 {
		t.Errorf("a long name keeps %d characters, want 80", n)
	}
}

func TestUnique(t *testing.T) {
	taken := map[string]bool{}
	for _, want := range []string{"c/Rose.jpg", "c/rose-2.jpg", "c/ROSE-3.jpg"} {
		base := want[2:6]
		if got := unique(taken, "c", base, ".jpg"); got != want {
			t.Errorf("got %s, want %s", got, want)
		}
	}
}
