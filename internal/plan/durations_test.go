package plan

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"atelier/internal/studio"
)

var durNow = time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)

// sculpts makes samples of the given minutes at 40 mm, finished daysAgo.
func sculpts(daysAgo int, minutes ...float64) []DurationSample {
	var out []DurationSample
	for _, m := range minutes {
		out = append(out, DurationSample{Minutes: m, HeightMM: 40, FinishedAt: durNow.AddDate(0, 0, -daysAgo)})
	}
	return out
}

func TestEstimateDurations(t *testing.T) {
	tests := []struct {
		name        string
		samples     []DurationSample
		defaults    map[studio.Stage]int
		wantMedian  float64
		wantLearned bool
		wantSamples int
	}{
		{"no samples: built-in default", nil, nil, 240, false, 0},
		{"studio's own default", nil, map[studio.Stage]int{studio.Sculpt: 300}, 300, false, 0},
		{"four samples: still the default", sculpts(1, 100, 100, 100, 100), nil, 240, false, 4},
		{"five samples: learned", sculpts(1, 100, 110, 120, 130, 140), nil, 120, true, 5},
		{"an outlier does not move the median", sculpts(1, 100, 110, 120, 130, 10000), nil, 120, true, 5},
		{"zero and negative minutes are not samples", append(sculpts(1, 100, 110, 120, 130), sculpts(1, 0, -5)...), nil, 240, false, 4},
		{"heights normalise to 40 mm", []DurationSample{
			{Minutes: 200, HeightMM: 80, FinishedAt: durNow}, {Minutes: 200, HeightMM: 80, FinishedAt: durNow},
			{Minutes: 50, HeightMM: 20, FinishedAt: durNow}, {Minutes: 100, HeightMM: 40, FinishedAt: durNow},
			{Minutes: 100, HeightMM: 0, FinishedAt: durNow}}, nil, 100, true, 5},
		{"recent pieces pull the median", append(sculpts(720, 300, 300, 300, 300), sculpts(1, 100, 100, 100)...), nil, 100, true, 7},
		{"without recency the old would win", append(sculpts(1, 300, 300, 300, 300), sculpts(1, 100, 100, 100)...), nil, 300, true, 7},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := EstimateDurations(map[studio.Stage][]DurationSample{studio.Sculpt: tt.samples}, tt.defaults, durNow)
			e := d.Estimate(studio.Sculpt)
			if e.Median != tt.wantMedian || e.Learned != tt.wantLearned || e.Samples != tt.wantSamples {
				t.Fatalf("got median %v learned %v samples %d, want %v %v %d", e.Median, e.Learned, e.Samples, tt.wantMedian, tt.wantLearned, tt.wantSamples)
			}
			if !(e.P10 <= e.Median && e.Median <= e.P90) {
				t.Fatalf("p10 %v, median %v, p90 %v out of order", e.P10, e.Median, e.P90)
			}
		})
	}
}

func TestStageEstimateAtScalesWithHeight(t *testing.T) {
	d := EstimateDurations(nil, nil, durNow)
	for _, tt := range []struct{ h, want float64 }{{40, 240}, {80, 480}, {20, 120}, {0, 240}, {-10, 240}, {math.NaN(), 240}} {
		if m, _, _ := d.Estimate(studio.Sculpt).At(tt.h); m != tt.want {
			t.Errorf("At(%v) = %v, want %v", tt.h, m, tt.want)
		}
	}
}

func TestDefaultsCoverTheWorkStages(t *testing.T) {
	d := EstimateDurations(nil, nil, durNow)
	if len(d.All()) != len(WorkStages) {
		t.Fatalf("%d estimates for %d stages", len(d.All()), len(WorkStages))
	}
	for _, e := range d.All() {
		if e.Median <= 0 || e.Learned {
			t.Errorf("%s: %+v", e.Stage, e)
		}
	}
	if e := d.Estimate(studio.Delivered); e.Median != 0 {
		t.Errorf("delivered takes work: %+v", e)
	}
	if d.Estimate(studio.Finish).Median != 60 {
		t.Errorf("finish should be two 30-minute coats")
	}
}

func TestSampleIsDeterministicAndCentred(t *testing.T) {
	d := EstimateDurations(map[studio.Stage][]DurationSample{studio.Paint: sculpts(1, 90, 100, 100, 110, 120, 100)}, nil, durNow)
	draw := func() []float64 {
		rng := rand.New(rand.NewPCG(1, 2))
		out := make([]float64, 2001)
		for i := range out {
			out[i] = d.Sample(rng, studio.Paint, 80)
		}
		return out
	}
	a, b := draw(), draw()
	below := 0
	for i := range a {
		if a[i] != b[i] {
			t.Fatal("same seed, different draws")
		}
		if a[i] <= 0 {
			t.Fatalf("draw %v not positive", a[i])
		}
		if a[i] < 200 {
			below++
		}
	}
	// The median at 80 mm is 200 minutes: about half the draws fall below.
	if below < 900 || below > 1100 {
		t.Errorf("%d of %d draws below the median", below, len(a))
	}
	if d.Sample(rand.New(rand.NewPCG(1, 2)), studio.Delivered, 40) != 0 {
		t.Error("a stage without work drew minutes")
	}
}

func TestParseStageDefaults(t *testing.T) {
	if got, err := ParseStageDefaults(map[string]int{"sculpt": 300, "qc": 1}); err != nil || got[studio.Sculpt] != 300 || len(got) != 2 {
		t.Fatalf("got %v, %v", got, err)
	}
	for _, bad := range []map[string]int{{"sculpt": -1}, {"sculpt": 0}, {"sculpt": 10001}, {"polish": 30}, {"delivered": 10}, {"sculpt": 300, "nope": 1}} {
		if _, err := ParseStageDefaults(bad); studio.ErrorCode(err) != studio.Invalid {
			t.Errorf("%v: %v", bad, err)
		}
	}
}
