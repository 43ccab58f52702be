package studio

import (
	"math"
	"regexp"
	"strconv"
	"strings"
)

// vulgar maps the fraction characters a phone keyboard offers to their
// values.
var vulgar = map[rune]float64{'¼': 0.25, '½': 0.5, '¾': 0.75, '⅛': 0.125, '⅜': 0.375, '⅝': 0.625, '⅞': 0.875, '⅓': 1.0 / 3, '⅔': 2.0 / 3}

// lengthUnit is a unit typed after a length, and millimetres in one.
var lengthUnits = []struct {
	suffix string
	mm     float64
}{
	{"inches", MMPerInch}, {"inch", MMPerInch}, {"in", MMPerInch}, {`"`, MMPerInch}, {"″", MMPerInch},
	{"mm", 1}, {"cm", 10},
}

// mixedNumber is a whole number and a fraction, "1 3/4" or "1-3/4", or a
// fraction alone, "3/4".
var mixedNumber = regexp.MustCompile(`^(?:(\d+)[\s-]+)?(\d+)\s*/\s*(\d+)$`)

// ParseLength reads a length as people type it into millimetres: a number
// in the studio's units ("38", "38,5", "1.75"), a fraction of an inch
// ("1 3/4", "1¾", "3/4"), or a number with its unit, which wins over the
// studio's ("45 mm", "4.5 cm", `1.5"`, "2 in"). It reports false for
// anything else, negative and non-finite numbers included.
func ParseLength(typed string, units Units) (float64, bool) {
	s := strings.ToLower(strings.TrimSpace(typed))
	perUnit := 1.0
	if units == Imperial {
		perUnit = MMPerInch
	}
	for _, u := range lengthUnits {
		if rest, ok := strings.CutSuffix(s, u.suffix); ok {
			s, perUnit = strings.TrimSpace(rest), u.mm
			break
		}
	}
	v, ok := number(s)
	if !ok || v < 0 {
		return 0, false
	}
	return math.Round(v*perUnit*100) / 100, true
}

// number reads a decimal (with a point or a comma), a mixed number or a
// number with a fraction character.
func number(s string) (float64, bool) {
	if s == "" {
		return 0, false
	}
	if r := []rune(s); len(r) > 0 {
		if frac, ok := vulgar[r[len(r)-1]]; ok {
			whole := strings.TrimSpace(string(r[:len(r)-1]))
			if whole == "" {
				return frac, true
			}
			w, err := strconv.ParseUint(whole, 10, 32)
			return float64(w) + frac, err == nil
		}
	}
	if m := mixedNumber.FindStringSubmatch(s); m != nil {
		num, _ := strconv.ParseFloat(m[2], 64)
		den, _ := strconv.ParseFloat(m[3], 64)
		if den == 0 {
			return 0, false
		}
		whole := 0.0
		if m[1] != "" {
			whole, _ = strconv.ParseFloat(m[1], 64)
		}
		return whole + num/den, true
	}
	if !strings.Contains(s, ".") {
		s = strings.Replace(s, ",", ".", 1)
	}
	if strings.ContainsFunc(s, func(r rune) bool { return (r < '0' || r > '9') && r != '.' && r != '-' }) {
		return 0, false // no exponents, no "inf"
	}
	v, err := strconv.ParseFloat(s, 64)
	return v, err == nil && !math.IsInf(v, 0) && !math.IsNaN(v)
}
