package studio

import (
	"fmt"
	"math"
	"regexp"
	"strings"
)

// Clay is a polymer clay the studio works with and how it cures: the
// manufacturer's temperature as printed in both units, the range a bake
// may hold without harm, and the time per 6 mm of thickness with its
// minimum. A clay without baking figures (Baking false) cannot be baked
// until they are entered.
type Clay struct {
	Key  string
	Name string
	Baking
}

// Baking is a clay's curing figures.
type Baking struct {
	// TemperatureC and TemperatureF are the manufacturer's figures as
	// printed: one is not computed from the other.
	TemperatureC, TemperatureF int
	// MinC and MaxC bound the temperatures a bake may hold.
	MinC, MaxC     int
	MinutesPer6mm  int
	MinimumMinutes int
}

// Known reports whether the figures are entered.
func (b Baking) Known() bool { return b.TemperatureC > 0 }

// DefaultClays are the presets every studio starts with, from the
// manufacturers' packaging and instructions (not the guide's example
// temperatures, which differ): Staedtler FIMO soft and FIMO professional
// 110 °C / 230 °F for 30 minutes per 6 mm, at least 30 minutes; Sculpey
// Premo! 130 °C / 275 °F for 30 minutes per 6 mm (¼ in); Sculpey III
// 130 °C / 275 °F for 15 minutes per 6 mm. The accepted range is 10 °C
// either side of the recommendation.
var DefaultClays = []Clay{
	{"fimo-soft", "FIMO soft", Baking{110, 230, 100, 120, 30, 30}},
	{"fimo-professional", "FIMO professional", Baking{110, 230, 100, 120, 30, 30}},
	{"premo", "Sculpey Premo!", Baking{130, 275, 120, 140, 30, 30}},
	{"sculpey-iii", "Sculpey III", Baking{130, 275, 120, 140, 15, 15}},
}

var clayKey = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,39}$`)

// ClayKeyProblem says why key cannot name a clay, or "".
func ClayKeyProblem(key string) string {
	if !clayKey.MatchString(key) {
		return "must be 1 to 40 lower-case letters, digits, hyphens or underscores"
	}
	return ""
}

// Validate checks a clay and its figures; figures may be left out as a
// whole (all zero) but not in part.
func (c Clay) Validate() error {
	f := Fields{}
	if why := ClayKeyProblem(c.Key); why != "" {
		f.Add("key", why)
	}
	f.Text("name", c.Name, NameText)
	if c.Baking != (Baking{}) {
		c.Baking.check(f)
	}
	return f.Err()
}

func (b Baking) check(f Fields) {
	between := func(field string, v, lo, hi int, unit string) {
		if v < lo || v > hi {
			f.Add(field, fmt.Sprintf("must be from %d to %d %s", lo, hi, unit))
		}
	}
	between("temperature_c", b.TemperatureC, 50, 250, "°C")
	between("temperature_f", b.TemperatureF, 120, 480, "°F")
	between("min_c", b.MinC, 50, 250, "°C")
	between("max_c", b.MaxC, 50, 250, "°C")
	between("minutes_per_6mm", b.MinutesPer6mm, 1, 240, "minutes")
	between("minimum_minutes", b.MinimumMinutes, 0, 480, "minutes")
	// Manufacturers round each unit their own way (Premo: 130 °C and
	// 275 °F, which is 135 °C), so the two need only roughly agree.
	if _, bad := f["temperature_f"]; !bad && math.Abs(CToF(float64(b.TemperatureC))-float64(b.TemperatureF)) > 12 {
		f.Add("temperature_f", fmt.Sprintf("%d °F is not %d °C (that is about %.0f °F)", b.TemperatureF, b.TemperatureC, CToF(float64(b.TemperatureC))))
	}
	if b.MinC > b.TemperatureC || b.MaxC < b.TemperatureC {
		f.Add("min_c", fmt.Sprintf("the range %d–%d °C must hold the temperature, %d °C", b.MinC, b.MaxC, b.TemperatureC))
	}
}

// CToF converts Celsius to Fahrenheit.
func CToF(c float64) float64 { return c*9/5 + 32 }

// FToC converts Fahrenheit to Celsius.
func FToC(f float64) float64 { return (f - 32) * 5 / 9 }

// ClayUpdate holds a clay's editable fields; nil leaves one as it is.
type ClayUpdate struct {
	Name                          *string
	TemperatureC, TemperatureF    *int
	MinC, MaxC                    *int
	MinutesPer6mm, MinimumMinutes *int
}

// Apply returns c with the update applied and checked.
func (u ClayUpdate) Apply(c Clay) (Clay, error) {
	if u.Name != nil {
		c.Name = strings.TrimSpace(*u.Name)
	}
	for _, f := range []struct {
		src *int
		dst *int
	}{{u.TemperatureC, &c.TemperatureC}, {u.TemperatureF, &c.TemperatureF}, {u.MinC, &c.MinC}, {u.MaxC, &c.MaxC},
		{u.MinutesPer6mm, &c.MinutesPer6mm}, {u.MinimumMinutes, &c.MinimumMinutes}} {
		if f.src != nil {
			*f.dst = *f.src
		}
	}
	return c, c.Validate()
}
