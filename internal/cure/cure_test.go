package cure

import (
	"math"
	"slices"
	"strings"
	"testing"

	"atelier/internal/studio"
)

func clay(key string) studio.Clay {
	i := slices.IndexFunc(studio.DefaultClays, func(c studio.Clay) bool { return c.Key == key })
	return studio.DefaultClays[i]
}

func TestCureMinutes(t *testing.T) {
	premo, fimo, iii := clay("premo").Baking, clay("fimo-soft").Baking, clay("sculpey-iii").Baking
	tests := []struct {
		name string
		b    studio.Baking
		mm   float64
		want int
	}{
		{"the guide's check: 9 mm of Premo", premo, 9, 45},
		{"6 mm of Premo", premo, 6, 30},
		{"thin Premo takes the minimum", premo, 2, 30},
		{"12 mm of Premo", premo, 12, 60},
		{"a multiple of 5 stays", premo, 7, 35},
		{"7.1 mm of Premo rounds up to 40", premo, 7.1, 40},
		{"0.1 mm over 6 is not lost to floating point", premo, 6.1, 35},
		{"10 mm of FIMO", fimo, 10, 50},
		{"Sculpey III, thin: its own minimum", iii, 3, 15},
		{"Sculpey III, 9 mm", iii, 9, 25},
		{"Sculpey III, 12 mm", iii, 12, 30},
		{"a minimum off the 5-grid rounds up", studio.Baking{MinutesPer6mm: 10, MinimumMinutes: 17}, 1, 20},
	}
	for _, tt := range tests {
		if got := Minutes(tt.b, tt.mm); got != tt.want {
			t.Errorf("%s: %d min, want %d", tt.name, got, tt.want)
		}
	}
	for _, mm := range []float64{0, -3, 0.04, 101, math.NaN(), math.Inf(1), math.Inf(-1)} {
		if ThicknessProblem(mm) == "" {
			t.Errorf("%v mm accepted", mm)
		}
	}
	for _, mm := range []float64{0.05, 9, 100} {
		if why := ThicknessProblem(mm); why != "" {
			t.Errorf("%v mm refused: %s", mm, why)
		}
	}
}

func TestCalibrationFit(t *testing.T) {
	if Fit(nil) != nil || (*Calibration)(nil).Dial(130) != 130 {
		t.Fatal("an oven without readings is taken at its word")
	}
	one := Fit([]Reading{{DialC: 130, ThermometerC: 142}})
	if one.Slope != 1 || one.InterceptC != 12 || one.Dial(130) != 118 {
		t.Fatalf("one reading is an offset: %+v, dial %d", one, one.Dial(130))
	}
	// A toaster oven running hot, more so as it heats: thermometer = 1.1 × dial − 2.
	line := Fit([]Reading{{100, 108}, {120, 130}, {140, 152}, {160, 174}})
	if math.Abs(line.Slope-1.1) > 1e-9 || math.Abs(line.InterceptC+2) > 1e-9 || line.Readings != 4 {
		t.Fatalf("fit %+v", line)
	}
	if d := line.Dial(130); d != 120 {
		t.Fatalf("dial for 130 °C: %d, want 120", d)
	}
	// Noisy readings: least squares, not the first two points.
	noisy := Fit([]Reading{{100, 110}, {120, 128}, {140, 153}})
	if math.Abs(noisy.Slope-1.075) > 1e-9 || math.Abs(noisy.InterceptC-4.0/3) > 1e-9 {
		t.Fatalf("noisy fit %+v", noisy)
	}
	same := Fit([]Reading{{130, 140}, {130, 144}})
	if same.Slope != 1 || same.InterceptC != 12 {
		t.Fatalf("readings at one dial setting: %+v", same)
	}
}

func TestOneTemperatureForABatch(t *testing.T) {
	premo, fimo, iii, prof := clay("premo"), clay("fimo-soft"), clay("sculpey-iii"), clay("fimo-professional")
	tests := []struct {
		name       string
		clays      []studio.Clay
		c, f, minC int
		conflict   string
	}{
		{"Premo alone bakes at its own figure", []studio.Clay{premo}, 130, 275, 120, ""},
		{"Premo and Sculpey III", []studio.Clay{premo, iii}, 130, 275, 120, ""},
		{"the two FIMOs", []studio.Clay{fimo, prof}, 110, 230, 100, ""},
		{"FIMO and Premo share one degree", []studio.Clay{fimo, premo}, 120, 248, 120, ""},
		{"no overlap", []studio.Clay{{Name: "Low", Baking: studio.Baking{TemperatureC: 100, TemperatureF: 212, MinC: 95, MaxC: 105, MinutesPer6mm: 30, MinimumMinutes: 30}}, premo}, 0, 0, 0, "Low and Sculpey Premo!"},
		{"a clay without figures", []studio.Clay{premo, {Name: "Mystery"}}, 0, 0, 0, "Mystery has no baking temperature"},
	}
	for _, tt := range tests {
		b, err := ChooseBatch(tt.clays)
		switch {
		case tt.conflict != "":
			if studio.ErrorCode(err) != studio.Conflict || !strings.Contains(err.Error(), tt.conflict) {
				t.Errorf("%s: %v", tt.name, err)
			}
		case err != nil || b.TargetC != tt.c || b.TargetF != tt.f || b.MinC != tt.minC:
			t.Errorf("%s: %+v %v, want %d °C / %d °F from %d", tt.name, b, err, tt.c, tt.f, tt.minC)
		}
	}
	if _, err := ChooseBatch(nil); studio.ErrorCode(err) != studio.Invalid {
		t.Errorf("an empty batch: %v", err)
	}
}

func TestReadingsAreFlagged(t *testing.T) {
	b := Batch{TargetC: 130, MinC: 120}
	for c, want := range map[float64][]Flag{130: {}, 140: {}, 140.5: {DiscolourationRisk}, 119.5: {UnderCure}, 120: {}} {
		if got := Judge(b, c); !slices.Equal(got, want) {
			t.Errorf("%v °C: %v, want %v", c, got, want)
		}
	}
}

func TestClayFiguresAreChecked(t *testing.T) {
	for _, c := range studio.DefaultClays {
		if err := c.Validate(); err != nil {
			t.Errorf("preset %s: %v", c.Key, err)
		}
	}
	bad := []studio.Clay{
		{Key: "x", Name: "X", Baking: studio.Baking{TemperatureC: 130, TemperatureF: 300, MinC: 120, MaxC: 140, MinutesPer6mm: 30, MinimumMinutes: 30}},
		{Key: "x", Name: "X", Baking: studio.Baking{TemperatureC: 130, TemperatureF: 275, MinC: 131, MaxC: 140, MinutesPer6mm: 30, MinimumMinutes: 30}},
		{Key: "x", Name: "X", Baking: studio.Baking{TemperatureC: 130, TemperatureF: 275, MinC: 120, MaxC: 140, MinutesPer6mm: 0, MinimumMinutes: 30}},
		{Key: "Bad Key", Name: "X"},
		{Key: "x", Name: ""},
	}
	for _, c := range bad {
		if err := c.Validate(); studio.ErrorCode(err) != studio.Invalid {
			t.Errorf("%+v accepted: %v", c, err)
		}
	}
	if err := (studio.Clay{Key: "own", Name: "My clay"}).Validate(); err != nil {
		t.Errorf("a clay without figures yet: %v", err)
	}
}
