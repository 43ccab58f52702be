package imaging_test

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"math"
	"math/rand/v2"
	"reflect"
	"testing"

	"atelier/internal/imaging"
	"atelier/internal/studio"
)

// A portrait's four colours, one of each job: a dark hair brown, a
// cream light, a mid skin tone and a saturated lip red.
var (
	hairBrown = color.NRGBA{0x3a, 0x2a, 0x20, 255}
	cream     = color.NRGBA{0xf0, 0xe6, 0xd2, 255}
	skinTone  = color.NRGBA{0xc8, 0x96, 0x78, 255}
	lipRed    = color.NRGBA{0xc0, 0x18, 0x30, 255}
)

type band struct {
	c    color.NRGBA
	area float64
}

var fourColours = []band{{skinTone, 0.40}, {hairBrown, 0.25}, {cream, 0.20}, {lipRed, 0.15}}

// stripes is a w×h image of vertical bands covering the given fractions of
// its width, each a flat colour with ±noise per channel, as a camera adds.
func stripes(w, h int, bands []band, noise int, seed uint64) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	rng := rand.New(rand.NewPCG(seed, 1))
	jitter := func(v uint8) uint8 {
		if noise == 0 {
			return v
		}
		return uint8(min(255, max(0, int(v)+rng.IntN(2*noise+1)-noise)))
	}
	for x := range w {
		c := bandAt(bands, (float64(x)+0.5)/float64(w))
		for y := range h {
			img.SetNRGBA(x, y, color.NRGBA{jitter(c.R), jitter(c.G), jitter(c.B), 255})
		}
	}
	return img
}

func bandAt(bands []band, f float64) color.NRGBA {
	for _, b := range bands {
		if f < b.area {
			return b.c
		}
		f -= b.area
	}
	return bands[len(bands)-1].c
}

func suggest(t *testing.T, imgs []image.Image, masks []*image.Gray, count int, paints []imaging.Paint) imaging.Palette {
	t.Helper()
	p, err := imaging.SuggestPalette(context.Background(), imgs, masks, count, paints, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Colours) != count {
		t.Fatalf("%d colours, want %d", len(p.Colours), count)
	}
	return p
}

// matchBands finds, for each band, the palette colour nearest it, and
// fails when that is further than maxDE or its share strays from the
// band's area by more than maxShare.
func matchBands(t *testing.T, p imaging.Palette, bands []band, maxDE, maxShare float64) (worst float64) {
	t.Helper()
	for _, b := range bands {
		want := imaging.LabOf(b.c)
		best, bestDE := -1, math.Inf(1)
		for i, c := range p.Colours {
			if d := imaging.DeltaE00(want, c.Lab); d < bestDE {
				best, bestDE = i, d
			}
		}
		got := p.Colours[best]
		if bestDE > maxDE {
			t.Errorf("%v: nearest palette colour %s is ΔE00 %.2f away, want ≤ %.1f", b.c, got.Hex, bestDE, maxDE)
		}
		if math.Abs(got.Share-b.area) > maxShare {
			t.Errorf("%v: share %.3f, want %.3f ± %.3f", b.c, got.Share, b.area, maxShare)
		}
		worst = max(worst, bestDE)
	}
	return worst
}

func TestSuggestPaletteGivesBackFourKnownColours(t *testing.T) {
	img := stripes(400, 300, fourColours, 3, 1)
	p := suggest(t, []image.Image{img}, nil, 4, nil)
	worst := matchBands(t, p, fourColours, 1, 0.01)
	t.Logf("worst ΔE00 to a known colour %.3f; palette leaves mean %.2f, p95 %.2f", worst, p.MeanDeltaE, p.P95DeltaE)
	// The image's own four colours leave only the noise: the error of
	// each pixel to the colour of its band.
	noise := 0.0
	for y := range 300 {
		for x := range 400 {
			c := bandAt(fourColours, (float64(x)+0.5)/400)
			noise += imaging.DeltaE00(imaging.LabOf(img.NRGBAAt(x, y)), imaging.LabOf(c))
		}
	}
	noise /= 400 * 300
	if math.Abs(p.MeanDeltaE-noise) > 0.05 || p.P95DeltaE < p.MeanDeltaE {
		t.Errorf("mean ΔE00 %.3f, p95 %.3f; the noise alone is %.3f", p.MeanDeltaE, p.P95DeltaE, noise)
	}
}

// A 12-megapixel-scale image is sampled, not read whole; the colours and
// shares still come back.
func TestSuggestPaletteSamplesALargeImage(t *testing.T) {
	img := stripes(1000, 600, fourColours, 3, 2)
	p := suggest(t, []image.Image{img}, nil, 4, nil)
	matchBands(t, p, fourColours, 1, 0.01)
}

func TestSuggestPaletteAssignsRolesByLightnessAndChroma(t *testing.T) {
	img := stripes(400, 300, fourColours, 3, 1)
	p := suggest(t, []image.Image{img}, nil, 4, nil)
	want := map[string]color.NRGBA{"base": skinTone, "shadow": hairBrown, "highlight": cream, "accent": lipRed}
	for i, c := range p.Colours {
		if c.Role != studio.PaletteRoles[i] {
			t.Errorf("colour %d has role %q, want %q (role order)", i, c.Role, studio.PaletteRoles[i])
		}
		if d := imaging.DeltaE00(c.Lab, imaging.LabOf(want[c.Role])); d > 1 {
			t.Errorf("the %s is %s, ΔE00 %.1f from %v", c.Role, c.Hex, d, want[c.Role])
		}
	}
}

// A saturated colour is the accent even when it is the darkest: the
// shadow is then the darkest of the rest.
func TestSuggestPaletteTakesADarkSaturatedColourAsTheAccent(t *testing.T) {
	navy := color.NRGBA{0x10, 0x20, 0x80, 255}
	bands := []band{{skinTone, 0.4}, {navy, 0.2}, {hairBrown, 0.2}, {cream, 0.2}}
	p := suggest(t, []image.Image{stripes(400, 300, bands, 2, 3)}, nil, 4, nil)
	want := map[string]color.NRGBA{"base": skinTone, "shadow": hairBrown, "highlight": cream, "accent": navy}
	for _, c := range p.Colours {
		if d := imaging.DeltaE00(c.Lab, imaging.LabOf(want[c.Role])); d > 1 {
			t.Errorf("the %s is %s, ΔE00 %.1f from %v", c.Role, c.Hex, d, want[c.Role])
		}
	}
}

func TestSuggestPaletteOfThreeIsBaseShadowHighlight(t *testing.T) {
	bands := []band{{hairBrown, 0.3}, {skinTone, 0.4}, {cream, 0.3}}
	p := suggest(t, []image.Image{stripes(300, 200, bands, 2, 4)}, nil, 3, nil)
	matchBands(t, p, bands, 1, 0.01)
	want := []color.NRGBA{skinTone, hairBrown, cream}
	for i, c := range p.Colours {
		if c.Role != studio.PaletteRoles[i] {
			t.Errorf("colour %d has role %q, want %q", i, c.Role, studio.PaletteRoles[i])
		}
		if d := imaging.DeltaE00(c.Lab, imaging.LabOf(want[i])); d > 1 {
			t.Errorf("the %s is %s, ΔE00 %.1f from %v", c.Role, c.Hex, d, want[i])
		}
	}
}

// figureOnGreen puts the four colours in the middle half of a w×h
// green-screen photo and returns it with the figure's mask.
func figureOnGreen(w, h int) (*image.NRGBA, *image.Gray) {
	img := stripes(w, h, []band{{color.NRGBA{0x20, 0xc0, 0x40, 255}, 1}}, 3, 5)
	fig := stripes(w/2, h/2, fourColours, 3, 6)
	mask := image.NewGray(img.Bounds())
	for y := range h / 2 {
		for x := range w / 2 {
			img.SetNRGBA(x+w/4, y+h/4, fig.NRGBAAt(x, y))
			mask.SetGray(x+w/4, y+h/4, color.Gray{Y: 255})
		}
	}
	return img, mask
}

func TestSuggestPaletteIgnoresPixelsOutsideTheMask(t *testing.T) {
	img, mask := figureOnGreen(400, 300)
	p := suggest(t, []image.Image{img}, []*image.Gray{mask}, 4, nil)
	matchBands(t, p, fourColours, 1, 0.01)

	// Without the mask the green background takes a colour of its own.
	all := suggest(t, []image.Image{img}, nil, 4, nil)
	green := imaging.LabOf(color.NRGBA{0x20, 0xc0, 0x40, 255})
	found := false
	for _, c := range all.Colours {
		found = found || imaging.DeltaE00(c.Lab, green) < 2
	}
	if !found {
		t.Errorf("without a mask the background green should be in the palette: %+v", all.Colours)
	}
}

// A mask over more pixels than are sampled: the sample is drawn from the
// figure alone.
func TestSuggestPaletteSamplesInsideALargeMask(t *testing.T) {
	img, mask := figureOnGreen(1200, 800)
	p := suggest(t, []image.Image{img}, []*image.Gray{mask}, 4, nil)
	matchBands(t, p, fourColours, 1, 0.01)
	sum := 0.0
	for _, c := range p.Colours {
		sum += c.Share
	}
	if math.Abs(sum-1) > 1e-9 {
		t.Errorf("shares add up to %v", sum)
	}
}

// Several photos are pooled: the shares are of all the figure's pixels.
func TestSuggestPalettePoolsThePhotos(t *testing.T) {
	a := stripes(200, 100, []band{{skinTone, 1}}, 2, 7)
	b := stripes(200, 100, []band{{hairBrown, 0.5}, {cream, 0.5}}, 2, 8)
	p := suggest(t, []image.Image{a, b}, nil, 3, nil)
	matchBands(t, p, []band{{skinTone, 0.5}, {hairBrown, 0.25}, {cream, 0.25}}, 1, 0.01)
}

func TestSuggestPaletteRefusesTwoOrFiveColours(t *testing.T) {
	img := stripes(40, 30, fourColours, 0, 1)
	for _, n := range []int{0, 2, 5} {
		_, err := imaging.SuggestPalette(context.Background(), []image.Image{img}, nil, n, nil, 1)
		if e, ok := errors.AsType[*studio.Error](err); !ok || e.Code != studio.Invalid || e.Fields["count"] == "" {
			t.Errorf("count %d: err = %v, want an invalid count", n, err)
		}
	}
}

func TestSuggestPaletteRefusesAnEmptyMask(t *testing.T) {
	img := stripes(40, 30, fourColours, 0, 1)
	_, err := imaging.SuggestPalette(context.Background(), []image.Image{img}, []*image.Gray{image.NewGray(img.Bounds())}, 4, nil, 1)
	e, ok := errors.AsType[*studio.Error](err)
	if !ok || e.Code != studio.Invalid || e.Fields["photo_ids"] == "" {
		t.Fatalf("err = %v, want an invalid photo_ids", err)
	}
	t.Log(e.Message)
}

func TestSuggestPaletteRefusesAMaskOfAnotherSize(t *testing.T) {
	img := stripes(40, 30, fourColours, 0, 1)
	_, err := imaging.SuggestPalette(context.Background(), []image.Image{img}, []*image.Gray{image.NewGray(image.Rect(0, 0, 30, 40))}, 4, nil, 1)
	if e, ok := errors.AsType[*studio.Error](err); !ok || e.Fields["photo_ids"] == "" {
		t.Fatalf("err = %v, want an invalid photo_ids", err)
	}
}

func TestSuggestPaletteNamesTheNearestPaint(t *testing.T) {
	paints := []imaging.Paint{
		{"Burnt umber", "#3b2b21"},
		{"Titanium buff", "#efe5d0"},
		{"Flesh tint", "#c4927a"},
		{"Cadmium red", "#c41a2e"},
		{"Phthalo green", "#123f2e"},
		{"Unreadable", "not a colour"},
	}
	p := suggest(t, []image.Image{stripes(400, 300, fourColours, 3, 1)}, nil, 4, paints)
	want := map[string]string{"base": "Flesh tint", "shadow": "Burnt umber", "highlight": "Titanium buff", "accent": "Cadmium red"}
	for _, c := range p.Colours {
		if c.Paint != want[c.Role] {
			t.Errorf("the %s %s is nearest %q (ΔE00 %.1f), want %q", c.Role, c.Hex, c.Paint, c.PaintDeltaE, want[c.Role])
		}
		if c.PaintDeltaE <= 0 || c.PaintDeltaE > 3 || c.PaintDeltaE != math.Round(c.PaintDeltaE*10)/10 {
			t.Errorf("the %s: paint ΔE00 %v, want a small number to 0.1", c.Role, c.PaintDeltaE)
		}
	}
	bare := suggest(t, []image.Image{stripes(400, 300, fourColours, 3, 1)}, nil, 4, nil)
	if bare.Colours[0].Paint != "" {
		t.Errorf("no paints kept, yet %q named", bare.Colours[0].Paint)
	}
}

func TestSuggestPaletteIsTheSameForTheSameSeed(t *testing.T) {
	img := photoLike(700, 400)
	run := func(seed uint64) imaging.Palette {
		p, err := imaging.SuggestPalette(context.Background(), []image.Image{img}, nil, 4, nil, seed)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	if a, b := run(42), run(42); !reflect.DeepEqual(a, b) {
		t.Errorf("seed 42 twice gave\n%+v\n%+v", a, b)
	}
}

func TestSuggestPaletteStopsWhenCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := imaging.SuggestPalette(ctx, []image.Image{stripes(40, 30, fourColours, 1, 1)}, nil, 4, nil, 1)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

// photoLike is a smooth, noisy, many-coloured image: no clean clusters,
// so ties and restarts matter.
func photoLike(w, h int) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	rng := rand.New(rand.NewPCG(3, 4))
	for y := range h {
		for x := range w {
			n := rng.IntN(9) - 4
			img.SetNRGBA(x, y, color.NRGBA{
				uint8(min(255, max(0, 40+200*x/w+n))),
				uint8(min(255, max(0, 30+150*y/h+n))),
				uint8(min(255, max(0, 90+80*(x+y)/(w+h)+n))), 255})
		}
	}
	return img
}

func TestReducePreviewPaintsOnlyPaletteColours(t *testing.T) {
	img, mask := figureOnGreen(800, 640)
	p := suggest(t, []image.Image{img}, []*image.Gray{mask}, 4, nil)
	prev := imaging.ReducePreview(img, mask, p, 200)
	if b := prev.Bounds(); b.Dx() != 200 || b.Dy() != 160 {
		t.Fatalf("preview is %v, want 200×160", b)
	}
	inPalette := map[color.NRGBA]bool{}
	for _, c := range p.Colours {
		inPalette[c.Lab.RGBA()] = true
	}
	painted := 0
	for y := range 160 {
		for x := range 200 {
			c := prev.NRGBAAt(x, y)
			switch {
			case c.A == 0:
			case inPalette[c]:
				painted++
			default:
				t.Fatalf("pixel (%d,%d) is %v, not a palette colour", x, y, c)
			}
		}
	}
	if want := 100 * 80; painted != want {
		t.Errorf("%d pixels painted, want the figure's %d", painted, want)
	}
	if c := prev.NRGBAAt(0, 0); c.A != 0 {
		t.Errorf("background pixel is %v, want transparent", c)
	}
}

func TestReducePreviewKeepsASmallImageItsSize(t *testing.T) {
	img := stripes(120, 80, fourColours, 0, 1)
	p := suggest(t, []image.Image{img}, nil, 4, nil)
	if b := imaging.ReducePreview(img, nil, p, 800).Bounds(); b.Dx() != 120 || b.Dy() != 80 {
		t.Errorf("preview is %v, want 120×80", b)
	}
}

// The palette of a decoded 12-megapixel phone photo (YCbCr, as a JPEG
// decodes).
func BenchmarkSuggestPalette12MP(b *testing.B) {
	img, err := jpeg.Decode(bytes.NewReader(phonePhoto()))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if _, err := imaging.SuggestPalette(context.Background(), []image.Image{img}, nil, 4, nil, 1); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSuggestPalette12MPMasked(b *testing.B) {
	img, mask := figureOnGreen(4000, 3000)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if _, err := imaging.SuggestPalette(context.Background(), []image.Image{img}, []*image.Gray{mask}, 4, nil, 1); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkReducePalettePreview12MP(b *testing.B) {
	img, mask := figureOnGreen(4000, 3000)
	p, err := imaging.SuggestPalette(context.Background(), []image.Image{img}, []*image.Gray{mask}, 4, nil, 1)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		imaging.ReducePreview(img, mask, p, 800)
	}
}
