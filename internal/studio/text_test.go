package studio

import (
	"strings"
	"testing"
	"time"
)

func TestOneRuleChecksEveryFreeTextField(t *testing.T) {
	line, lines := TextRule{Max: 10, Required: true}, TextRule{Max: 10, Lines: true}
	tests := []struct {
		name string
		rule TextRule
		v    string
		want string // part of the problem; "" for none
	}{
		{"plain", line, "Grandma", ""},
		{"accents count as one character each", line, "éééééééééé", ""},
		{"too long", line, "abcdefghijk", "at most 10 characters"},
		{"NUL", line, "a\x00b", "single line"},
		{"NUL in a note", lines, "a\x00b", "control characters"},
		{"escape", lines, "a\x1b[31m", "control characters"},
		{"DEL", line, "a\x7f", "single line"},
		{"C1 control", line, "a\u0085", "single line"},
		{"invalid UTF-8", line, "a\xffb", "not UTF-8"},
		{"a line break in one line", line, "a\nb", "single line"},
		{"line breaks in a note", lines, "a\r\n\tb", ""},
		{"blank but required", line, "   ", "is required"},
		{"empty and optional", lines, "", ""},
	}
	for _, tt := range tests {
		got := tt.rule.Problem(tt.v)
		if (tt.want == "") != (got == "") || !strings.Contains(got, tt.want) {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
	err := TextError("notes", "a\x00", NoteText)
	if e, ok := err.(*Error); !ok || e.Code != Invalid || e.Fields["notes"] == "" {
		t.Errorf("TextError names the field: %v", err)
	}
}

func TestTheDomainRefusesControlCharactersInItsTextFields(t *testing.T) {
	nul := "bad\x00text"
	checks := map[string]error{
		"return reason": CheckReturn(Paint, nul),
		"caption":       CheckCaption(nul),
		"palette name":  CheckPalette([]Colour{{Name: nul, Hex: "#000000", Role: "base"}}, ""),
		"override":      CheckPalette([]Colour{{Name: "a", Hex: "#000000", Role: "base"}}, nul),
		"decline": func() error {
			_, err := (Commission{Status: Inquiry}).Apply(Move{To: Declined, Reason: nul}, "2026-12-01", time.Now())
			return err
		}(),
		"message": FieldError("body", MessageProblem(nul)),
	}
	qcTrue := true
	all := map[string]*bool{}
	for _, c := range QCChecks {
		all[c.Key] = &qcTrue
	}
	_, checks["qc notes"] = DecideQC(all, nul)
	for name, err := range checks {
		if ErrorCode(err) != Invalid {
			t.Errorf("%s with a NUL: %v", name, err)
		}
	}
}
