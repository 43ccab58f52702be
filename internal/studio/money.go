package studio

import (
	"math"
	"strconv"
	"strings"
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

// ParseMoney reads an amount typed in major units ("450", "450.5",
// "1,250.00") into minor units of the currency.
func ParseMoney(s, currency string) (int64, bool) {
	s = strings.ReplaceAll(strings.TrimSpace(s), ",", "")
	if s == "" {
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f < 0 || math.IsInf(f, 0) || math.IsNaN(f) {
		return 0, false
	}
	scale := math.Pow10(MinorUnits(currency))
	if frac := f * scale; math.Abs(frac-math.Round(frac)) > 1e-6 {
		return 0, false // more decimals than the currency has
	}
	return int64(math.Round(f * scale)), true
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
