package studio

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// TextRule is what a free-text field may hold. Every free-text field of
// the domain is checked by one: valid UTF-8, no control characters (a NUL
// is refused by PostgreSQL and smuggles headers into mail), a length in
// characters.
type TextRule struct {
	// Max is the most characters the field takes.
	Max int
	// Lines allows line breaks and tabs: a message, a story, a note.
	Lines bool
	// Required refuses an empty or blank value.
	Required bool
}

// The rules of the product's free-text fields, each named once so that
// the OpenAPI document can state them.
var (
	NameText     = TextRule{Max: 100, Required: true}
	TitleText    = TextRule{Max: 200, Required: true}
	ShortText    = TextRule{Max: 200}
	WishText     = TextRule{Max: 2000, Lines: true}
	StoryText    = TextRule{Max: 10000, Lines: true}
	ReasonText   = TextRule{Max: 2000, Lines: true, Required: true}
	NoteText     = TextRule{Max: 2000, Lines: true}
	MessageText  = TextRule{Max: 5000, Lines: true, Required: true}
	CaptionText  = TextRule{Max: MaxCaptionRunes}
	LabelText    = TextRule{Max: 200, Required: true}
	TokenName    = TextRule{Max: 100}
	TrackingText = TextRule{Max: 200}
	ColourName   = TextRule{Max: 60, Required: true}
	// IDText is an id a client sends to name another record, before it
	// is looked up (an edition not yet kept anywhere).
	IDText = TextRule{Max: 64}
)

// Problem says why v breaks the rule, in words for the person who typed
// it, or "".
func (r TextRule) Problem(v string) string {
	switch {
	case !utf8.ValidString(v):
		return "must be text: it holds bytes that are not UTF-8"
	case strings.ContainsFunc(v, r.refused):
		if r.Lines {
			return "must not contain control characters (only line breaks and tabs)"
		}
		return "must be a single line of text, without control characters"
	case r.Required && strings.TrimSpace(v) == "":
		return "is required"
	case utf8.RuneCountInString(v) > r.Max:
		return "must be at most " + itoa(r.Max) + " characters"
	}
	return ""
}

// refused is a control character the rule does not take. A browser sends
// a textarea's line breaks as CR LF.
func (r TextRule) refused(c rune) bool {
	if r.Lines && (c == '\n' || c == '\r' || c == '\t') {
		return false
	}
	return unicode.IsControl(c)
}

// Text checks a free-text field by its rule, recording the problem.
func (f Fields) Text(field, v string, r TextRule) {
	if why := r.Problem(v); why != "" {
		f.Add(field, why)
	}
}

// TextError is an Invalid error when v breaks the rule, nil otherwise.
func TextError(field, v string, r TextRule) error {
	f := Fields{}
	f.Text(field, v, r)
	return f.Err()
}

// Quote writes a value the person sent into a message, quoted and cut to a
// few dozen characters: a refusal names what it refuses without echoing a
// megabyte back.
func Quote(v string) string {
	const most = 40
	if utf8.RuneCountInString(v) > most {
		v = string([]rune(v)[:most]) + "…"
	}
	return strconv.Quote(v)
}
