package requestid

import (
	"fmt"
	"log/slog"
	"regexp"
	"strings"
)

// Redacted stands where a secret was.
const Redacted = "REDACTED"

// minSecret is the shortest value Secret takes: shorter ones would redact
// ordinary words.
const minSecret = 8

// SetupCodeKey is the attribute under which the server shows the set-up
// code on purpose, once: whoever reads the log may claim the install.
const SetupCodeKey = "setup_code"

// The shapes of Atelier's secrets, redacted wherever they appear even when
// the request did not name them: an API token (atl_ and 32 characters),
// the path segment after /p/ and /api/v1/portal/ (portal tokens), a bare
// 32-character token, and a set-up code.
var (
	portalPath = regexp.MustCompile(`(/p/|/api/v1/portal/)[^/?#\s"'\\]+`)
	apiToken   = regexp.MustCompile(`atl_[A-Za-z0-9]+`)
	bareToken  = regexp.MustCompile(`\b[a-z2-7]{32}\b`)
	setupCode  = regexp.MustCompile(`\b[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}\b`)
)

type redactor struct{ secrets []string }

func (rd redactor) string(s string) string {
	for _, v := range rd.secrets {
		s = strings.ReplaceAll(s, v, Redacted)
	}
	s = portalPath.ReplaceAllString(s, "${1}"+Redacted)
	s = apiToken.ReplaceAllString(s, "atl_"+Redacted)
	s = bareToken.ReplaceAllString(s, Redacted)
	return setupCode.ReplaceAllString(s, Redacted)
}

func (rd redactor) attr(a slog.Attr) slog.Attr {
	if a.Key == SetupCodeKey {
		return a
	}
	return slog.Attr{Key: a.Key, Value: rd.value(a.Value)}
}

// value redacts v; a value that is not a string (an error, a struct) is
// replaced by its redacted text only when the text held a secret.
func (rd redactor) value(v slog.Value) slog.Value {
	v = v.Resolve()
	switch v.Kind() {
	case slog.KindString:
		return slog.StringValue(rd.string(v.String()))
	case slog.KindGroup:
		attrs := v.Group()
		clean := make([]slog.Attr, len(attrs))
		for i, a := range attrs {
			clean[i] = rd.attr(a)
		}
		return slog.GroupValue(clean...)
	case slog.KindAny:
		var text string
		if err, ok := v.Any().(error); ok {
			text = err.Error()
		} else {
			text = fmt.Sprint(v.Any())
		}
		if clean := rd.string(text); clean != text {
			return slog.StringValue(clean)
		}
	}
	return v
}
