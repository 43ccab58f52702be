package imaging_test

import (
	"image"
	"image/color"
	"math"
	"math/rand/v2"
	"slices"

	"atelier/internal/imaging"
)

// scene is a synthetic reference photo of a head-and-shoulders figure,
// with the hand-made answer: truth holds, for every pixel, whether it is
// the figure's.
type scene struct {
	img   *image.RGBA
	truth []bool
	// rect is the rectangle an artist would drag: the figure with a margin.
	rect imaging.CutoutRect
	// figure runs down the middle of the figure; background runs round it
	// inside the rectangle, through the clutter an artist would mark.
	figure, background imaging.CutoutStroke
}

// The backgrounds the figure stands on.
const (
	plainBackdrop = iota
	texturedBackdrop
	clutteredBackdrop
	// warmBackdrop is a mottled wall in tones near the skin's.
	warmBackdrop
)

// The figure's colours: skin, hair and a shirt.
var (
	skin  = color.RGBA{224, 172, 140, 255}
	hair  = color.RGBA{84, 52, 32, 255}
	shirt = color.RGBA{58, 84, 150, 255}
)

// newScene draws the figure, in proportion to h and centred, on the given
// backdrop.
func newScene(w, h, backdrop int, seed uint64) scene {
	rng := rand.New(rand.NewPCG(seed, 99))
	sc := scene{img: image.NewRGBA(image.Rect(0, 0, w, h)), truth: make([]bool, w*h)}
	paintBackdrop(sc.img, backdrop, rng)
	fh := float64(h)
	cx := float64(w) / 2
	for y := range h {
		for x := range w {
			c, in := figureAt(float64(x)+0.5, float64(y)+0.5, cx, fh)
			if !in {
				continue
			}
			sc.truth[y*w+x] = true
			sc.img.SetRGBA(x, y, jitter(c, 12, rng))
		}
	}
	m := int(0.38 * fh)
	top := int(0.12 * fh)
	sc.rect = imaging.CutoutRect{X: int(cx) - m, Y: top, W: 2 * m, H: h - top}
	width := max(1, int(0.02*fh))
	sc.figure = imaging.CutoutStroke{Figure: true, Width: width, Points: []image.Point{
		{int(cx), int(0.26 * fh)}, {int(cx), int(0.6 * fh)}, {int(cx - 0.15*fh), int(0.85 * fh)},
	}}
	sc.background = imaging.CutoutStroke{Width: width, Points: sc.outline(int(0.035 * fh))}
	return sc
}

// outline is the way an artist's brush takes round the figure, off
// pixels outside it: down its left side, over the head and down its
// right side, every few rows.
func (sc scene) outline(off int) []image.Point {
	w, h := sc.img.Rect.Dx(), sc.img.Rect.Dy()
	step := max(1, h/60)
	var left, right []image.Point
	top := -1
	for y := 0; y < h; y += step {
		l, r := -1, -1
		for x := range w {
			if sc.truth[y*w+x] {
				if l < 0 {
					l = x
				}
				r = x
			}
		}
		if l < 0 {
			continue
		}
		if top < 0 {
			top = y
		}
		left = append(left, image.Pt(max(0, l-off), y))
		right = append(right, image.Pt(min(w-1, r+off), y))
	}
	pts := []image.Point{{left[0].X, max(0, top-off)}, {right[0].X, max(0, top-off)}}
	slices.Reverse(left)
	return append(append(left, pts...), right...)
}

// figureAt is the figure's colour at x, y and whether x, y is figure: a
// head (hair on top) on a neck on shoulders that run off the bottom.
func figureAt(x, y, cx, h float64) (color.RGBA, bool) {
	dx := x - cx
	switch {
	case sq(dx/(0.11*h))+sq((y-0.33*h)/(0.14*h)) <= 1:
		if y < 0.27*h {
			return hair, true
		}
		return skin, true
	case math.Abs(dx) <= 0.045*h && y >= 0.4*h && y <= 0.62*h:
		return skin, true
	case sq(dx/(0.32*h))+sq((y-1.02*h)/(0.44*h)) <= 1:
		return shirt, true
	}
	return color.RGBA{}, false
}

func sq(v float64) float64 { return v * v }

// jitter adds uniform noise of ±n to each channel of c.
func jitter(c color.RGBA, n int, rng *rand.Rand) color.RGBA {
	ch := func(v uint8) uint8 { return uint8(min(255, max(0, int(v)+rng.IntN(2*n+1)-n))) }
	return color.RGBA{ch(c.R), ch(c.G), ch(c.B), 255}
}

// paintBackdrop fills img with the backdrop: a plain grey sheet, a
// mottled green texture, or that texture under clutter in the figure's
// own colours (shelves of clay and fabric in a studio).
func paintBackdrop(img *image.RGBA, backdrop int, rng *rand.Rand) {
	b := img.Bounds()
	for y := range b.Dy() {
		for x := range b.Dx() {
			c := color.RGBA{200, 204, 210, 255}
			n := 5
			t := 30 * math.Sin(float64(x)/7) * math.Cos(float64(y)/9)
			switch backdrop {
			case texturedBackdrop, clutteredBackdrop:
				c = color.RGBA{uint8(150 + t), uint8(180 - t/2), uint8(140 + t/3), 255}
				n = 15
			case warmBackdrop:
				c = color.RGBA{uint8(180 + t), uint8(140 + t/2), uint8(110 + t/3), 255}
				n = 15
			}
			img.SetRGBA(x, y, jitter(c, n, rng))
		}
	}
	if backdrop == clutteredBackdrop {
		clutter(img, rng)
	}
}

// clutter scatters rectangles and discs in colours close to the figure's.
func clutter(img *image.RGBA, rng *rand.Rand) {
	w, h := img.Bounds().Dx(), img.Bounds().Dy()
	palette := []color.RGBA{skin, hair, shirt, {200, 150, 120, 255}, {90, 110, 170, 255}}
	for k := range 60 {
		c := jitter(palette[k%len(palette)], 20, rng)
		x0, y0 := rng.IntN(w), rng.IntN(h)
		rx, ry := 4+rng.IntN(h/10), 4+rng.IntN(h/10)
		disc := k%2 == 0
		for y := max(0, y0-ry); y < min(h, y0+ry); y++ {
			for x := max(0, x0-rx); x < min(w, x0+rx); x++ {
				if disc && sq(float64(x-x0)/float64(rx))+sq(float64(y-y0)/float64(ry)) > 1 {
					continue
				}
				img.SetRGBA(x, y, jitter(c, 8, rng))
			}
		}
	}
}

// iou is the intersection over union of mask's figure and truth.
func iou(mask *image.Gray, truth []bool) float64 {
	inter, union := 0, 0
	w := mask.Rect.Dx()
	for i, t := range truth {
		m := mask.Pix[(i/w)*mask.Stride+i%w] != 0
		if m && t {
			inter++
		}
		if m || t {
			union++
		}
	}
	return float64(inter) / float64(union)
}
