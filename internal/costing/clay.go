package costing

import (
	"math"
	"slices"
)

// The default clay model. A head-and-shoulders bust of target height H is
// taken to fill a bounding box H tall, 0.6·H wide at the shoulders and
// 0.45·H deep, and to fill it as an ellipsoid fills its box (π/6). That
// gives a solid volume of about 0.141·H³. The proportions are our
// assumption, not the guide's: the guide only says a figure is "typically
// 1–2 inches tall" (25–51 mm) and is built over a foil core.
const (
	// DefaultWidthRatio and DefaultDepthRatio are the bust's width and
	// depth as shares of its height.
	DefaultWidthRatio = 0.6
	DefaultDepthRatio = 0.45
	// DefaultDensityGPerCM3 is the density of unbaked polymer clay. The
	// guide gives none; PVC plastisol clays with fillers weigh about
	// 1.6–1.8 g/cm³, and we take the middle. A studio's fit replaces it.
	DefaultDensityGPerCM3 = 1.7
	// MaxFoilSharePct is the largest share of the volume the foil core
	// may take: the core is kept smaller than the piece (guide, "Build a
	// Stable Core") and the clay over it is a solid layer of about 2 mm
	// (guide, "Sculpt the Basic Form").
	MaxFoilSharePct = 90
	// MinSamples is how many agreeing finished pieces a fit needs before
	// it replaces the default model.
	MinSamples = 3
	// OutlierFactor bounds the samples a fit keeps: a piece whose grams
	// per unit of volume are more than this factor above or below the
	// median is left out (a mistyped log, a piece with a large base).
	OutlierFactor = 2.0
)

// Model turns a piece's volume index H³·(1 − foil share) into grams.
type Model struct {
	// GramsPerMM3 is the coefficient k in grams = k · H³ · (1 − foil),
	// with H in millimetres.
	GramsPerMM3 float64
	// Fitted is true when k comes from the studio's own finished pieces
	// rather than from DefaultModel.
	Fitted bool
}

// DefaultModel is the documented model for a studio that has not yet
// logged enough finished pieces: k = π/6 · 0.6 · 0.45 · 1.7 g/cm³
// ≈ 0.000240 g/mm³, so a solid 38 mm bust takes about 13 g and a 50 mm
// one about 30 g.
func DefaultModel() Model {
	shape := math.Pi / 6 * DefaultWidthRatio * DefaultDepthRatio
	return Model{GramsPerMM3: shape * DefaultDensityGPerCM3 / 1000}
}

// EstimateClay returns the grams of clay for a piece heightMM tall whose
// foil core takes foilSharePct of its volume. A share outside 0–90 % is
// held to those bounds; a height that is not positive, or not a number,
// needs no clay. A model without a usable coefficient falls back to the
// default.
func EstimateClay(heightMM, foilSharePct float64, m Model) float64 {
	if !(heightMM > 0) || math.IsInf(heightMM, 0) {
		return 0
	}
	k := m.GramsPerMM3
	if !(k > 0) || math.IsInf(k, 0) {
		k = DefaultModel().GramsPerMM3
	}
	return k * volumeIndex(heightMM, clampFoil(foilSharePct))
}

func clampFoil(pct float64) float64 {
	if !(pct > 0) { // also NaN
		return 0
	}
	return min(pct, MaxFoilSharePct)
}

// volumeIndex is H³ · (1 − foil), in mm³.
func volumeIndex(heightMM, foilPct float64) float64 {
	return heightMM * heightMM * heightMM * (1 - foilPct/100)
}

// Sample is one finished piece: its height, its core's share and the
// clay the studio logged as used on it.
type Sample struct {
	HeightMM     float64
	FoilSharePct float64
	Grams        float64
}

// usable reports whether a sample can inform a fit: a positive height and
// weight, and a foil share within 0–90 % (a share outside it is a typing
// error, not a piece to learn from).
func (s Sample) usable() bool {
	finite := func(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
	return finite(s.HeightMM) && finite(s.Grams) && finite(s.FoilSharePct) &&
		s.HeightMM > 0 && s.Grams > 0 &&
		s.FoilSharePct >= 0 && s.FoilSharePct <= MaxFoilSharePct
}

// FitModel fits the studio's coefficient from its finished pieces and
// returns it with the number of pieces the fit is based on.
//
// Unusable samples are dropped. Each remaining piece gives a ratio
// grams / (H³·(1 − foil)); pieces whose ratio lies more than
// OutlierFactor away from the median ratio are dropped too. The rest are
// fitted by least squares through the origin, k = Σxy / Σx², with x the
// volume index and y the grams. When fewer than MinSamples pieces remain
// the default model is returned, with the count that was there.
func FitModel(samples []Sample) (Model, int) {
	var xs, ys, ratios []float64
	for _, s := range samples {
		if !s.usable() {
			continue
		}
		x := volumeIndex(s.HeightMM, s.FoilSharePct)
		if !(x > 0) || math.IsInf(x, 0) {
			continue // a 90 % core on a tiny piece can underflow
		}
		xs, ys = append(xs, x), append(ys, s.Grams)
		ratios = append(ratios, s.Grams/x)
	}
	if len(xs) < MinSamples {
		return DefaultModel(), len(xs)
	}
	med := median(ratios)
	keep := func(r float64) bool { return r >= med/OutlierFactor && r <= med*OutlierFactor }
	scale := 0.0 // the largest kept x, so that x² cannot overflow
	for i, r := range ratios {
		if keep(r) {
			scale = max(scale, xs[i])
		}
	}
	var sxy, sxx float64
	n := 0
	for i, r := range ratios {
		if keep(r) {
			x := xs[i] / scale
			sxy += x * ys[i]
			sxx += x * x
			n++
		}
	}
	k := sxy / sxx / scale
	if n < MinSamples || !(k > 0) || math.IsInf(k, 0) {
		return DefaultModel(), n
	}
	return Model{GramsPerMM3: k, Fitted: true}, n
}

func median(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	mid := len(s) / 2
	if len(s)%2 == 1 {
		return s[mid]
	}
	return s[mid-1]/2 + s[mid]/2
}
