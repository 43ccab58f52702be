package studio

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"unicode"
)

// FormatMoney shows an amount in minor units in the currency's own
// precision: 45000 EUR is "450.00 EUR", 4500 JPY is "4500 JPY".
func FormatMoney(minor int64, currency string) string {
	digits := MinorUnits(currency)
	neg := minor < 0
	if neg {
		minor = -minor
	}
	s := strconv.FormatInt(minor, 10)
	if digits > 0 {
		for len(s) <= digits {
			s = "0" + s
		}
		s = s[:len(s)-digits] + "." + s[len(s)-digits:]
	}
	if neg {
		s = "-" + s
	}
	return s + " " + currency
}

// ParseMoney reads an amount typed in major units into minor units of the
// currency. It takes what people type: "450", "450.5", "1,250.00",
// "$250", "€ 1.250,50", "250 EUR". A currency sign or code around the
// number is dropped (any sign: the studio has one currency). With both a
// point and a comma the last one is the decimal mark; a comma alone is a
// thousands separator when it groups three digits ("1,250") and a decimal
// mark otherwise ("2,5").
func ParseMoney(s, currency string) (int64, bool) {
	numeric := func(r rune) bool { return unicode.IsDigit(r) || r == '.' || r == ',' || r == '-' }
	start, end := strings.IndexFunc(s, numeric), strings.LastIndexFunc(s, numeric)
	if start < 0 || !currencyMark(s[:start], currency) || !currencyMark(s[end+1:], currency) {
		return 0, false
	}
	s = s[start : end+1]
	if strings.ContainsFunc(s, func(r rune) bool { return !unicode.IsDigit(r) && !strings.ContainsRune(".,- '", r) }) {
		return 0, false
	}
	s = strings.NewReplacer(" ", "", "'", "").Replace(s)
	s = normaliseDecimal(s)
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f < 0 || math.IsInf(f, 0) || math.IsNaN(f) || f > 1e15 {
		return 0, false
	}
	scale := math.Pow10(MinorUnits(currency))
	if frac := f * scale; math.Abs(frac-math.Round(frac)) > 1e-6 {
		return 0, false // more decimals than the currency has
	}
	return int64(math.Round(f * scale)), true
}

// currencyMark reports whether s, typed before or after an amount, is
// nothing, a currency sign ("$", "€", "US$", "R$") or the currency's code.
func currencyMark(s, currency string) bool {
	s = strings.TrimSpace(s)
	letters := strings.TrimFunc(s, func(r rune) bool { return unicode.Is(unicode.Sc, r) })
	switch {
	case s == "":
		return true
	case letters != s: // a sign, perhaps with a country's letters
		return len(letters) <= 2 && !strings.ContainsFunc(letters, func(r rune) bool { return !unicode.IsLetter(r) })
	}
	return strings.EqualFold(s, currency)
}

// thousands is a number grouped by commas in threes: "1,250", "12,500,000".
var thousands = regexp.MustCompile(`^\d{1,3}(,\d{3})+$`)

// normaliseDecimal writes a number with a point as its decimal mark and no
// grouping.
func normaliseDecimal(s string) string {
	dot, comma := strings.LastIndex(s, "."), strings.LastIndex(s, ",")
	switch {
	case dot >= 0 && comma >= 0 && comma > dot: // 1.250,50
		return strings.Replace(strings.ReplaceAll(s, ".", ""), ",", ".", 1)
	case dot >= 0 && comma >= 0: // 1,250.50
		return strings.ReplaceAll(s, ",", "")
	case comma >= 0 && thousands.MatchString(s): // 1,250
		return strings.ReplaceAll(s, ",", "")
	case comma >= 0 && strings.Count(s, ",") == 1: // 2,5
		return strings.Replace(s, ",", ".", 1)
	}
	return s
}

// MMPerInch converts the inches an artist in imperial units types.
const MMPerInch = 25.4

// FormatLength shows millimetres in the studio's units.
func FormatLength(mm float64, units Units) string {
	if units == Imperial {
		return strconv.FormatFloat(math.Round(mm/MMPerInch*100)/100, 'f', -1, 64) + " in"
	}
	return strconv.FormatFloat(math.Round(mm*10)/10, 'f', -1, 64) + " mm"
}
