package costing

import (
	"math"
	"testing"
)

func near(a, b float64) bool {
	return math.Abs(a-b) <= 1e-9*math.Max(1, math.Abs(b))
}

func TestDefaultModel(t *testing.T) {
	m := DefaultModel()
	if m.Fitted {
		t.Error("default model says it is fitted")
	}
	want := math.Pi / 6 * 0.6 * 0.45 * 1.7 / 1000
	if !near(m.GramsPerMM3, want) {
		t.Errorf("k = %g, want %g", m.GramsPerMM3, want)
	}
	// The guide's sizes: a 1–2 in figure; a 38–50 mm bust.
	for _, c := range []struct{ h, lo, hi float64 }{
		{25.4, 3, 5}, {38, 12, 14}, {50, 29, 31}, {50.8, 30, 33},
	} {
		if g := EstimateClay(c.h, 0, m); g < c.lo || g > c.hi {
			t.Errorf("solid %g mm bust: %.1f g, want %g–%g g", c.h, g, c.lo, c.hi)
		}
	}
}

func TestEstimateClay(t *testing.T) {
	m := Model{GramsPerMM3: 0.0002, Fitted: true}
	solid40 := 0.0002 * 40 * 40 * 40 // 12.8 g
	tests := []struct {
		name    string
		h, foil float64
		m       Model
		want    float64
	}{
		{"solid", 40, 0, m, solid40},
		{"40 % foil", 40, 40, m, solid40 * 0.6},
		{"90 % foil", 40, 90, m, solid40 * 0.1},
		{"foil above 90 % is held at 90 %", 40, 99, m, solid40 * 0.1},
		{"foil of 100 % is held at 90 %", 40, 100, m, solid40 * 0.1},
		{"negative foil counts as none", 40, -10, m, solid40},
		{"NaN foil counts as none", 40, math.NaN(), m, solid40},
		{"zero height", 0, 20, m, 0},
		{"negative height", -40, 20, m, 0},
		{"NaN height", math.NaN(), 20, m, 0},
		{"infinite height", math.Inf(1), 20, m, 0},
		{"no coefficient uses the default", 40, 0, Model{}, DefaultModel().GramsPerMM3 * 64000},
		{"negative coefficient uses the default", 40, 0, Model{GramsPerMM3: -1}, DefaultModel().GramsPerMM3 * 64000},
		{"double height, eight times the clay", 80, 0, m, solid40 * 8},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := EstimateClay(tt.h, tt.foil, tt.m); !near(got, tt.want) {
				t.Errorf("EstimateClay(%g, %g) = %g, want %g", tt.h, tt.foil, got, tt.want)
			}
		})
	}
}

// synth makes samples that follow grams = k·H³·(1 − foil) exactly.
func synth(k float64, pieces ...[2]float64) []Sample {
	var s []Sample
	for _, p := range pieces {
		s = append(s, Sample{HeightMM: p[0], FoilSharePct: p[1], Grams: k * volumeIndex(p[0], p[1])})
	}
	return s
}

func TestFitModel(t *testing.T) {
	const k = 0.00031
	exact := synth(k, [2]float64{30, 0}, [2]float64{38, 25}, [2]float64{45, 40}, [2]float64{50, 60}, [2]float64{25.4, 10})
	withOutliers := append(synth(k, [2]float64{30, 0}, [2]float64{38, 25}, [2]float64{45, 40}, [2]float64{50, 60}),
		Sample{HeightMM: 40, FoilSharePct: 0, Grams: 5000}, // 5 kg typed for 50 g
		Sample{HeightMM: 40, FoilSharePct: 0, Grams: 0.1},  // grams typed as kilograms
	)
	junk := []Sample{
		{HeightMM: 0, FoilSharePct: 0, Grams: 10},
		{HeightMM: -5, FoilSharePct: 0, Grams: 10},
		{HeightMM: 40, FoilSharePct: 0, Grams: 0},
		{HeightMM: 40, FoilSharePct: 0, Grams: -3},
		{HeightMM: 40, FoilSharePct: 95, Grams: 3},
		{HeightMM: 40, FoilSharePct: -1, Grams: 3},
		{HeightMM: math.NaN(), FoilSharePct: 0, Grams: 3},
		{HeightMM: 40, FoilSharePct: 0, Grams: math.Inf(1)},
	}
	tests := []struct {
		name   string
		in     []Sample
		wantK  float64
		fitted bool
		wantN  int
	}{
		{"exact recovery", exact, k, true, 5},
		{"three pieces are enough", exact[:3], k, true, 3},
		{"outliers are left out", withOutliers, k, true, 4},
		{"unusable samples are ignored", append(junk, exact...), k, true, 5},
		{"empty input gives the default", nil, DefaultModel().GramsPerMM3, false, 0},
		{"two pieces give the default and say two", exact[:2], DefaultModel().GramsPerMM3, false, 2},
		{"only junk gives the default", junk, DefaultModel().GramsPerMM3, false, 0},
		{"90 % foil is a usable bound", synth(k, [2]float64{40, 90}, [2]float64{40, 90}, [2]float64{30, 0}), k, true, 3},
		{"too few agree after outliers", []Sample{
			{HeightMM: 40, Grams: 1}, {HeightMM: 40, Grams: 10}, {HeightMM: 40, Grams: 100},
		}, DefaultModel().GramsPerMM3, false, 1},
		{"huge heights do not overflow", synth(k, [2]float64{1e100, 0}, [2]float64{2e100, 0}, [2]float64{3e100, 0}), k, true, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, n := FitModel(tt.in)
			if !near(m.GramsPerMM3, tt.wantK) || m.Fitted != tt.fitted || n != tt.wantN {
				t.Errorf("FitModel = %+v, %d; want k %g fitted %v, %d", m, n, tt.wantK, tt.fitted, tt.wantN)
			}
		})
	}
}

// A noisy studio: the least-squares fit lands between the pieces' ratios
// and weighs the larger pieces more.
func TestFitModelLeastSquares(t *testing.T) {
	in := []Sample{
		{HeightMM: 10, Grams: 1000 * 0.0002},   // x = 1000, ratio 0.0002
		{HeightMM: 20, Grams: 8000 * 0.0003},   // x = 8000, ratio 0.0003
		{HeightMM: 30, Grams: 27000 * 0.00025}, // x = 27000
	}
	m, n := FitModel(in)
	num := 1000*1000*0.0002 + 8000*8000*0.0003 + 27000*27000*0.00025
	den := 1000.0*1000 + 8000*8000 + 27000*27000
	if n != 3 || !m.Fitted || !near(m.GramsPerMM3, num/den) {
		t.Errorf("FitModel = %+v, %d; want k %g from 3", m, n, num/den)
	}
}

// The clay example of docs/costing.md.
func TestFitModelDocExample(t *testing.T) {
	in := []Sample{
		{30, 0, 12.1}, {38, 30, 15.0}, {45, 40, 21.5}, {50, 50, 22.0}, {42, 20, 90.0},
	}
	m, n := FitModel(in)
	if n != 4 || !m.Fitted || math.Abs(m.GramsPerMM3-0.000379) > 0.0000005 {
		t.Errorf("FitModel = %+v, %d; want k ≈ 0.000379 from 4", m, n)
	}
	if g := EstimateClay(40, 35, m); math.Abs(g-15.8) > 0.05 {
		t.Errorf("40 mm, 35 %% foil: %.2f g, want ≈ 15.8", g)
	}
	if g := EstimateClay(40, 35, DefaultModel()); math.Abs(g-10.0) > 0.05 {
		t.Errorf("default 40 mm, 35 %% foil: %.2f g, want ≈ 10.0", g)
	}
}
