package costing

import (
	"math"
	"math/big"
	"slices"
)

// DefaultWorkMinutes is the work a piece is expected to take while the
// studio has no finished piece to learn from: the sum of the planner's
// starting stage times (concept 60, armature 45, sculpt 240, texture 60,
// sanding 90, colour plan 30, paint 180, finish 30, mount 30, QC 15). The
// guide gives no figures but bake times, and a bake is no work at the
// bench.
const DefaultWorkMinutes = 780

// PastPieces bounds how many of the studio's latest finished pieces a
// forecast learns from: recent work says more about the studio's pace and
// prices than its first pieces do.
const PastPieces = 20

// Past is one finished piece as a forecast learns from it: the work
// logged on it, what its materials other than clay cost, and its share of
// the ovens' energy.
type Past struct {
	WorkMinutes         int
	OtherMaterialsCents int64
	EnergyCents         int64
}

// ForecastInput is what a forecast of a piece not yet made needs.
type ForecastInput struct {
	// HeightMM and FoilSharePct describe the piece to be made.
	HeightMM, FoilSharePct float64
	// Clay is the studio's clay model and FitPieces the number of
	// finished pieces it was fitted from (see FitModel).
	Clay      Model
	FitPieces int
	// ClayMilliCentsPerGram is what a gram of the studio's clay costs, in
	// thousandths of a cent; 0 when the studio has not priced its clay.
	ClayMilliCentsPerGram int64
	// Past are the studio's latest finished pieces, at most PastPieces of
	// them; none means the defaults.
	Past []Past
}

// Forecast is what a piece not yet made is expected to cost, for a quote.
type Forecast struct {
	Breakdown
	ClayGrams   float64
	Clay        Model
	FitPieces   int
	WorkMinutes int
	// PastPieces is how many finished pieces the work, the other
	// materials and the energy are the medians of; 0 means the work is
	// DefaultWorkMinutes and the rest nothing.
	PastPieces int
}

// ForecastCost forecasts a piece's cost and suggested price:
//
//	clay      = EstimateClay(height, foil) × the studio's price of a gram
//	materials = clay + the median of past pieces' other materials
//	labour    = the median of past pieces' work (or DefaultWorkMinutes) × hourly rate
//	energy    = the median of past pieces' energy
//
// Medians, not means: one piece that took a week, or a bake of twenty,
// does not move a quote.
func ForecastCost(in ForecastInput, r Rates) (Forecast, error) {
	if err := r.Validate(); err != nil {
		return Forecast{}, err
	}
	f := Forecast{Clay: in.Clay, FitPieces: in.FitPieces, WorkMinutes: DefaultWorkMinutes}
	if !f.Clay.Fitted {
		f.Clay = DefaultModel()
	}
	f.ClayGrams = EstimateClay(in.HeightMM, in.FoilSharePct, f.Clay)
	past := in.Past
	if len(past) > PastPieces {
		past = past[:PastPieces]
	}
	other, energy := new(big.Int), new(big.Int)
	if n := len(past); n > 0 {
		f.PastPieces = n
		minutes := make([]int64, n)
		others, energies := make([]int64, n), make([]int64, n)
		for i, p := range past {
			minutes[i] = int64(max(p.WorkMinutes, 0))
			others[i], energies[i] = max(p.OtherMaterialsCents, 0), max(p.EnergyCents, 0)
		}
		f.WorkMinutes = int(medianInt(minutes))
		other.SetInt64(medianInt(others))
		energy.SetInt64(medianInt(energies))
	}
	// Grams to milligrams, times thousandths of a cent per gram, is in
	// millionths of a cent.
	mg := int64(math.Round(f.ClayGrams * 1000))
	clay := divHalfUp(mul(mg, max(in.ClayMilliCentsPerGram, 0)), 1_000_000)
	labour := divHalfUp(mul(int64(f.WorkMinutes), r.HourlyRateCents), 60)
	b, err := Breakdown{}.priced(clay.Add(clay, other), labour, energy, r)
	f.Breakdown = b
	return f, err
}

// medianInt is the median of a non-empty list; of an even count, the
// mean of the middle two, half up.
func medianInt(v []int64) int64 {
	s := slices.Clone(v)
	slices.Sort(s)
	mid := len(s) / 2
	if len(s)%2 == 1 {
		return s[mid]
	}
	return s[mid-1] + (s[mid]-s[mid-1]+1)/2
}

// ClayStock is one clay of the studio's: the grams it has in stock and
// what a gram cost on average, in thousandths of a cent.
type ClayStock struct {
	Grams             float64
	MilliCentsPerGram int64
}

// ClayPrice is what a gram of the studio's clay costs on average, in
// thousandths of a cent: the prices weighted by the grams in stock, or
// their plain mean when nothing is in stock; 0 when no clay is priced.
func ClayPrice(stock []ClayStock) int64 {
	var weighted, grams, plain float64
	n := 0
	for _, s := range stock {
		if s.MilliCentsPerGram <= 0 {
			continue
		}
		price := float64(s.MilliCentsPerGram)
		plain += price
		n++
		if s.Grams > 0 && !math.IsInf(s.Grams, 0) {
			weighted += price * s.Grams
			grams += s.Grams
		}
	}
	switch {
	case grams > 0:
		return int64(math.Round(weighted / grams))
	case n > 0:
		return int64(math.Round(plain / float64(n)))
	}
	return 0
}
