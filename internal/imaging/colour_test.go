package imaging_test

import (
	"image/color"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/lucasb-eyer/go-colorful"

	"atelier/internal/imaging"
)

// The supplementary test data of Sharma, Wu & Dalal (2005), Table 1:
// pairs chosen to exercise the hue wrap-round, the mean-hue branches and
// the rotation term, each with ΔE00 to four decimals.
var sharmaPairs = []struct {
	a, b imaging.Lab
	want float64
}{
	{imaging.Lab{L: 50, A: 2.6772, B: -79.7751}, imaging.Lab{L: 50, A: 0, B: -82.7485}, 2.0425},
	{imaging.Lab{L: 50, A: 3.1571, B: -77.2803}, imaging.Lab{L: 50, A: 0, B: -82.7485}, 2.8615},
	{imaging.Lab{L: 50, A: 2.8361, B: -74.0200}, imaging.Lab{L: 50, A: 0, B: -82.7485}, 3.4412},
	{imaging.Lab{L: 50, A: -1.3802, B: -84.2814}, imaging.Lab{L: 50, A: 0, B: -82.7485}, 1.0000},
	{imaging.Lab{L: 50, A: 0, B: 0}, imaging.Lab{L: 50, A: -1, B: 2}, 2.3669},
	{imaging.Lab{L: 50, A: -1, B: 2}, imaging.Lab{L: 50, A: 0, B: 0}, 2.3669},
	{imaging.Lab{L: 50, A: 2.49, B: -0.001}, imaging.Lab{L: 50, A: -2.49, B: 0.0009}, 7.1792},
	{imaging.Lab{L: 50, A: 2.49, B: -0.001}, imaging.Lab{L: 50, A: -2.49, B: 0.0010}, 7.1792},
	{imaging.Lab{L: 50, A: 2.49, B: -0.001}, imaging.Lab{L: 50, A: -2.49, B: 0.0011}, 7.2195},
	{imaging.Lab{L: 50, A: 2.49, B: -0.001}, imaging.Lab{L: 50, A: -2.49, B: 0.0012}, 7.2195},
	{imaging.Lab{L: 50, A: -0.001, B: 2.49}, imaging.Lab{L: 50, A: 0.0009, B: -2.49}, 4.8045},
	{imaging.Lab{L: 50, A: -0.001, B: 2.49}, imaging.Lab{L: 50, A: 0.0011, B: -2.49}, 4.7461},
	{imaging.Lab{L: 50, A: 2.5, B: 0}, imaging.Lab{L: 50, A: 0, B: -2.5}, 4.3065},
	{imaging.Lab{L: 50, A: 2.5, B: 0}, imaging.Lab{L: 73, A: 25, B: -18}, 27.1492},
	{imaging.Lab{L: 50, A: 2.5, B: 0}, imaging.Lab{L: 61, A: -5, B: 29}, 22.8977},
	{imaging.Lab{L: 50, A: 2.5, B: 0}, imaging.Lab{L: 56, A: -27, B: -3}, 31.9030},
	{imaging.Lab{L: 50, A: 2.5, B: 0}, imaging.Lab{L: 58, A: 24, B: 15}, 19.4535},
	{imaging.Lab{L: 50, A: 2.5, B: 0}, imaging.Lab{L: 50, A: 3.1736, B: 0.5854}, 1.0000},
	{imaging.Lab{L: 60.2574, A: -34.0099, B: 36.2677}, imaging.Lab{L: 60.4626, A: -34.1751, B: 39.4387}, 1.2644},
	{imaging.Lab{L: 63.0109, A: -31.0961, B: -5.8663}, imaging.Lab{L: 62.8187, A: -29.7946, B: -4.0864}, 1.2630},
	{imaging.Lab{L: 22.7233, A: 20.0904, B: -46.6940}, imaging.Lab{L: 23.0331, A: 14.9730, B: -42.5619}, 2.0373},
	{imaging.Lab{L: 90.8027, A: -2.0831, B: 1.4410}, imaging.Lab{L: 91.1528, A: -1.6435, B: 0.0447}, 1.4441},
	{imaging.Lab{L: 6.7747, A: -0.2908, B: -2.4247}, imaging.Lab{L: 5.8714, A: -0.0985, B: -2.2286}, 0.6377},
	{imaging.Lab{L: 2.0776, A: 0.0795, B: -1.1350}, imaging.Lab{L: 0.9033, A: -0.0636, B: -0.5514}, 0.9082},
}

func TestDeltaE00MatchesSharmasPublishedPairs(t *testing.T) {
	for i, p := range sharmaPairs {
		got := imaging.DeltaE00(p.a, p.b)
		if math.Abs(got-p.want) > 0.00005 {
			t.Errorf("pair %d: ΔE00(%v, %v) = %.4f, want %.4f", i, p.a, p.b, got, p.want)
		}
		if back := imaging.DeltaE00(p.b, p.a); math.Abs(back-got) > 1e-9 {
			t.Errorf("pair %d: not symmetric: %.6f one way, %.6f the other", i, got, back)
		}
	}
}

// DeltaE00 is our own for speed; colorful's DistanceCIEDE2000, which
// measures ΔE/100 between the CIELAB (D65) of two of its Colors, must give
// the same on random colours.
func TestDeltaE00AgreesWithColorful(t *testing.T) {
	rng := rand.New(rand.NewPCG(2005, 1))
	lab := func(c colorful.Color) imaging.Lab {
		l, a, b := c.Lab()
		return imaging.Lab{L: 100 * l, A: 100 * a, B: 100 * b}
	}
	for range 10000 {
		c1 := colorful.Color{R: rng.Float64(), G: rng.Float64(), B: rng.Float64()}
		c2 := colorful.Color{R: rng.Float64(), G: rng.Float64(), B: rng.Float64()}
		if ours, theirs := imaging.DeltaE00(lab(c1), lab(c2)), 100*c1.DistanceCIEDE2000(c2); math.Abs(ours-theirs) > 1e-9 {
			t.Fatalf("ΔE00(%v, %v) = %v, colorful says %v", c1, c2, ours, theirs)
		}
	}
}

func TestDeltaE00OfAColourWithItselfIsZero(t *testing.T) {
	for _, l := range []imaging.Lab{{}, {L: 100}, {L: 40, A: 30, B: -20}} {
		if d := imaging.DeltaE00(l, l); d != 0 {
			t.Errorf("ΔE00(%v, itself) = %v", l, d)
		}
	}
}

// Every 8-bit grey and a spread of colours survive sRGB → Lab → sRGB
// within one unit per channel, and greys have no chroma.
func TestLabRoundTripOfGreysAndColours(t *testing.T) {
	var cs []color.NRGBA
	for v := range 256 {
		cs = append(cs, color.NRGBA{R: uint8(v), G: uint8(v), B: uint8(v), A: 255})
	}
	for r := 0; r < 256; r += 17 {
		for g := 0; g < 256; g += 51 {
			for b := 0; b < 256; b += 85 {
				cs = append(cs, color.NRGBA{R: uint8(r), G: uint8(g), B: uint8(b), A: 255})
			}
		}
	}
	for _, c := range cs {
		l := imaging.LabOf(c)
		back := l.RGBA()
		if d := max(absDiff(c.R, back.R), absDiff(c.G, back.G), absDiff(c.B, back.B)); d > 1 {
			t.Errorf("%v → %v → %v: off by %d", c, l, back, d)
		}
		if c.R == c.G && c.G == c.B && math.Hypot(l.A, l.B) > 1e-6 {
			t.Errorf("grey %v has chroma: %v", c, l)
		}
	}
}

func TestLabOfKnownColours(t *testing.T) {
	for _, c := range []struct {
		hex  string
		want imaging.Lab
	}{
		{"#ffffff", imaging.Lab{L: 100}},
		{"#000000", imaging.Lab{}},
		{"#ff0000", imaging.Lab{L: 53.24, A: 80.09, B: 67.20}},
		{"#0000FF", imaging.Lab{L: 32.30, A: 79.19, B: -107.86}},
		{"808080", imaging.Lab{L: 53.59}},
	} {
		got, ok := imaging.ParseHex(c.hex)
		if !ok {
			t.Fatalf("ParseHex(%q) refused", c.hex)
		}
		if math.Abs(got.L-c.want.L) > 0.02 || math.Abs(got.A-c.want.A) > 0.05 || math.Abs(got.B-c.want.B) > 0.05 {
			t.Errorf("%s = %v, want %v", c.hex, got, c.want)
		}
	}
}

func TestHexWritesLowerCaseAndParseHexRefusesOthers(t *testing.T) {
	l, _ := imaging.ParseHex("#A1B2C3")
	if got := l.Hex(); got != "#a1b2c3" {
		t.Errorf("Hex = %q, want #a1b2c3", got)
	}
	for _, bad := range []string{"", "#fff", "#12345g", "#1234567", "red"} {
		if _, ok := imaging.ParseHex(bad); ok {
			t.Errorf("ParseHex(%q) accepted", bad)
		}
	}
}

func absDiff(a, b uint8) int {
	if a > b {
		return int(a - b)
	}
	return int(b - a)
}
