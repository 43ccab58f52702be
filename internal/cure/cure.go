// Package cure is the arithmetic of baking polymer clay: cure times from
// thickness, an oven's calibration from thermometer readings, and the one
// temperature a batch of clays can share. Pure: no SQL, HTTP or clock.
package cure

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"atelier/internal/studio"
)

// CoolDownMinutes is how long a piece cools inside the oven after a bake,
// at least (the guide: avoid a sudden temperature shock).
const CoolDownMinutes = 10

// MaxThicknessMM is the thickest piece a cure time is computed for.
const MaxThicknessMM = 100

// Tenths is a thickness in tenths of a millimetre, rounded: the cure time
// is computed in whole numbers from it, free of floating-point error.
func Tenths(mm float64) int { return int(math.Round(mm * 10)) }

// Minutes is the cure time of clay at a thickness: minutes per 6 mm times
// the thickness over 6, never below the clay's minimum, rounded up to the
// next multiple of 5 minutes (a multiple of 5 stays).
func Minutes(b studio.Baking, thicknessMM float64) int {
	// per6 × mm / 6 = per6 × tenths / 60; ceil(x / 5) × 5 = ceil(per6 × tenths / 300) × 5.
	n := b.MinutesPer6mm * Tenths(thicknessMM)
	byThickness := (n + 299) / 300 * 5
	atLeast := (b.MinimumMinutes + 4) / 5 * 5
	return max(byThickness, atLeast)
}

// ThicknessProblem says why a thickness cannot be cured, or "".
func ThicknessProblem(mm float64) string {
	if math.IsNaN(mm) || math.IsInf(mm, 0) || Tenths(mm) <= 0 || mm > MaxThicknessMM {
		return fmt.Sprintf("must be more than 0 and at most %d mm", MaxThicknessMM)
	}
	return ""
}

// Reading is one check of an oven: the dial set, the thermometer read.
type Reading struct {
	DialC, ThermometerC float64
}

// Calibration is an oven's fitted line: thermometer = Slope × dial +
// InterceptC.
type Calibration struct {
	Slope, InterceptC float64
	Readings          int
}

// Fit fits the line through the readings by least squares. One reading
// (or readings all at one dial setting) gives an offset alone, slope 1;
// none gives nil: the oven is taken at its word.
func Fit(rs []Reading) *Calibration {
	n := float64(len(rs))
	if n == 0 {
		return nil
	}
	var sx, sy, sxx, sxy float64
	for _, r := range rs {
		sx, sy = sx+r.DialC, sy+r.ThermometerC
		sxx, sxy = sxx+r.DialC*r.DialC, sxy+r.DialC*r.ThermometerC
	}
	den := n*sxx - sx*sx
	if den < 1e-9*n*sxx || den <= 0 {
		return &Calibration{Slope: 1, InterceptC: (sy - sx) / n, Readings: len(rs)}
	}
	slope := (n*sxy - sx*sy) / den
	if slope <= 0 {
		// An oven that cools as the dial goes up is a misreading; keep
		// the offset, which is still the best single correction.
		return &Calibration{Slope: 1, InterceptC: (sy - sx) / n, Readings: len(rs)}
	}
	return &Calibration{Slope: slope, InterceptC: (sy - slope*sx) / n, Readings: len(rs)}
}

// Dial is the whole-degree dial setting that brings the oven to target.
func (c *Calibration) Dial(targetC float64) int {
	if c == nil {
		return int(math.Round(targetC))
	}
	return int(math.Round((targetC - c.InterceptC) / c.Slope))
}

// Batch is the temperature a set of clays bakes at together.
type Batch struct {
	TargetC, TargetF int
	// MinC is the lowest temperature every clay still cures at.
	MinC int
}

// ChooseBatch finds one temperature inside every clay's range: the
// highest such that is not above the highest of the clays' own
// recommendations (a clay is not baked hotter than any manufacturer asks).
// Ranges that share even one degree overlap; when they share none, the
// error names the clays. The Fahrenheit figure is a clay's printed one
// when the target is its recommendation.
func ChooseBatch(clays []studio.Clay) (Batch, error) {
	if len(clays) == 0 {
		return Batch{}, studio.FieldError("piece_ids", "name at least one piece to bake")
	}
	var unknown []string
	lo, hi, rec := math.MinInt, math.MaxInt, math.MinInt
	for _, c := range clays {
		if !c.Known() {
			unknown = append(unknown, c.Name)
			continue
		}
		lo, hi, rec = max(lo, c.MinC), min(hi, c.MaxC), max(rec, c.TemperatureC)
	}
	if len(unknown) > 0 {
		return Batch{}, studio.Errorf(studio.Conflict, "%s %s no baking temperature yet: enter it in the studio's clays first.", joinNames(unknown), isAre(len(unknown)))
	}
	if lo > hi {
		return Batch{}, studio.Errorf(studio.Conflict, "These clays can't share one bake: no temperature suits %s. Bake them separately.", joinNames(names(clays)))
	}
	b := Batch{TargetC: min(hi, rec), MinC: lo}
	b.TargetF = int(math.Round(studio.CToF(float64(b.TargetC))))
	for _, c := range clays {
		if c.TemperatureC == b.TargetC {
			b.TargetF = c.TemperatureF
		}
	}
	return b, nil
}

func names(clays []studio.Clay) []string {
	var out []string
	for _, c := range clays {
		if !slices.Contains(out, c.Name) {
			out = append(out, c.Name)
		}
	}
	return out
}

func joinNames(ns []string) string {
	if len(ns) < 2 {
		return strings.Join(ns, "")
	}
	return strings.Join(ns[:len(ns)-1], ", ") + " and " + ns[len(ns)-1]
}

func isAre(n int) string {
	if n == 1 {
		return "has"
	}
	return "have"
}

// Flag marks a thermometer reading during a bake.
type Flag string

const (
	// DiscolourationRisk: more than 10 °C above the target.
	DiscolourationRisk Flag = "discolouration_risk"
	// UnderCure: below the lowest temperature every clay cures at.
	UnderCure Flag = "under_cure"
)

// Judge flags a reading against the bake's target and range.
func Judge(b Batch, thermometerC float64) []Flag {
	flags := []Flag{}
	switch {
	case thermometerC > float64(b.TargetC)+10:
		flags = append(flags, DiscolourationRisk)
	case thermometerC < float64(b.MinC):
		flags = append(flags, UnderCure)
	}
	return flags
}
