package imagingtest

import (
	"bytes"
	"image"
	"image/jpeg"
	"math"
	"math/rand/v2"
)

// ScenePhoto is a w×h JPEG (quality 90, 4:2:0) that resizes like a real
// photograph rather than a gradient: textured ground and sky (value noise at
// several scales), hard-edged shapes, rows of thin text-like strokes, a
// face-like figure and pixel-level grain. A resizer that blurs, rings or
// shifts shows it here, where Photo's smooth ramps hide it. The same seed
// gives the same bytes; it has no metadata.
func ScenePhoto(w, h int, seed uint64) []byte {
	var b bytes.Buffer
	if err := jpeg.Encode(&b, Scene(w, h, seed), &jpeg.Options{Quality: 90}); err != nil {
		panic(err) // writing to memory does not fail
	}
	return b.Bytes()
}

// Scene is the image ScenePhoto encodes.
func Scene(w, h int, seed uint64) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	n := valueNoise{seed: seed}
	horizon := h * 2 / 5
	rng := rand.New(rand.NewPCG(seed, 0x5ce7e))
	for y := range h {
		for x := range w {
			// Texture at 1/4, 1/16, 1/64 and 1/256 of a 4000-pixel side,
			// whatever the size, so that every size looks alike.
			u, v := float64(x)*4000/float64(w), float64(y)*4000/float64(w)
			t := n.fbm(u, v)
			var r, g, bl float64
			if y < horizon { // sky: blue, with cloud-like texture
				k := float64(y) / float64(horizon)
				r, g, bl = 110+60*k+90*t, 150+50*k+80*t, 230-20*k+20*t
			} else { // ground: greens and browns, coarser
				r, g, bl = 70+120*t, 90+100*t, 40+50*t
			}
			grain := float64(rng.IntN(13)) - 6
			i := img.PixOffset(x, y)
			img.Pix[i] = clamp8(r + grain)
			img.Pix[i+1] = clamp8(g + grain)
			img.Pix[i+2] = clamp8(bl + grain)
			img.Pix[i+3] = 255
		}
	}
	drawShapes(img, rng)
	drawStrokes(img, rng)
	drawFace(img)
	return img
}

// drawShapes puts flat, hard-edged rectangles and discs on the ground, some
// of them striped a few pixels wide.
func drawShapes(img *image.RGBA, rng *rand.Rand) {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	for i := range 24 {
		c := [3]uint8{uint8(rng.IntN(256)), uint8(rng.IntN(256)), uint8(rng.IntN(256))}
		x0, y0 := rng.IntN(w), h*2/5+rng.IntN(h*3/5)
		sw, sh := w/40+rng.IntN(w/8), h/40+rng.IntN(h/8)
		stripe := 0
		if i%3 == 0 {
			stripe = 2 + rng.IntN(5)
		}
		disc := i%2 == 1
		for y := y0; y < min(h, y0+sh); y++ {
			for x := x0; x < min(w, x0+sw); x++ {
				if disc {
					dx, dy := float64(2*(x-x0)-sw)/float64(sw), float64(2*(y-y0)-sh)/float64(sh)
					if dx*dx+dy*dy > 1 {
						continue
					}
				}
				if stripe > 0 && (x/stripe)%2 == 0 {
					continue
				}
				setRGB(img, x, y, c)
			}
		}
	}
}

// drawStrokes writes rows of dark, one-to-three-pixel strokes like small
// print on a sign: the finest detail a thumbnail must not turn to mush.
func drawStrokes(img *image.RGBA, rng *rand.Rand) {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	unit := max(1, w/1000) // stroke width
	glyph := 6 * unit
	x0, y0 := w/20, h/20
	for row := range 8 {
		y := y0 + row*glyph*2
		for x := x0; x < w/2-glyph; x += glyph + unit*2 {
			if rng.IntN(7) == 0 {
				continue // a space
			}
			// A glyph: a few vertical and horizontal bars in a glyph box.
			for range 2 + rng.IntN(3) {
				if rng.IntN(2) == 0 {
					bx := x + rng.IntN(glyph-unit)
					fillRect(img, bx, y, bx+unit, y+glyph, [3]uint8{20, 20, 30})
				} else {
					by := y + rng.IntN(glyph-unit)
					fillRect(img, x, by, x+glyph, by+unit, [3]uint8{20, 20, 30})
				}
			}
		}
	}
}

// drawFace draws a face-like figure: a skin-toned oval with dark eyes,
// light eye whites, a mouth and hair, on the right of the frame.
func drawFace(img *image.RGBA) {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	cx, cy := w*7/10, h*11/20
	rx, ry := w/12, h/6
	oval(img, cx, cy-ry/3, rx*11/10, ry, [3]uint8{60, 40, 25}) // hair
	oval(img, cx, cy, rx, ry, [3]uint8{224, 172, 140})         // face
	for _, ex := range []int{cx - rx*2/5, cx + rx*2/5} {
		oval(img, ex, cy-ry/5, rx/5, ry/12, [3]uint8{245, 245, 240})                          // eye white
		oval(img, ex, cy-ry/5, rx/12, ry/14, [3]uint8{40, 70, 50})                            // iris
		fillRect(img, ex-rx/4, cy-ry/3, ex+rx/4, cy-ry/3+max(2, h/600), [3]uint8{50, 35, 25}) // brow
	}
	fillRect(img, cx-rx/3, cy+ry/2, cx+rx/3, cy+ry/2+max(2, h/300), [3]uint8{150, 50, 60}) // mouth
}

func oval(img *image.RGBA, cx, cy, rx, ry int, c [3]uint8) {
	for y := cy - ry; y <= cy+ry; y++ {
		for x := cx - rx; x <= cx+rx; x++ {
			dx, dy := float64(x-cx)/float64(rx), float64(y-cy)/float64(ry)
			if dx*dx+dy*dy <= 1 {
				setRGB(img, x, y, c)
			}
		}
	}
}

func fillRect(img *image.RGBA, x0, y0, x1, y1 int, c [3]uint8) {
	for y := y0; y < y1; y++ {
		for x := x0; x < x1; x++ {
			setRGB(img, x, y, c)
		}
	}
}

func setRGB(img *image.RGBA, x, y int, c [3]uint8) {
	if !(image.Point{x, y}).In(img.Rect) {
		return
	}
	i := img.PixOffset(x, y)
	img.Pix[i], img.Pix[i+1], img.Pix[i+2] = c[0], c[1], c[2]
}

func clamp8(v float64) uint8 {
	return uint8(math.Round(min(255, max(0, v))))
}

// valueNoise is lattice noise: a random value at every integer point,
// interpolated smoothly in between.
type valueNoise struct{ seed uint64 }

// at is the noise at (x, y), in [0, 1).
func (n valueNoise) at(x, y float64) float64 {
	x0, y0 := math.Floor(x), math.Floor(y)
	fx, fy := smooth(x-x0), smooth(y-y0)
	ix, iy := int64(x0), int64(y0)
	a := lerp(n.lattice(ix, iy), n.lattice(ix+1, iy), fx)
	b := lerp(n.lattice(ix, iy+1), n.lattice(ix+1, iy+1), fx)
	return lerp(a, b, fy)
}

// fbm sums four octaves, from 256-pixel blobs down to 4-pixel grain, with
// the coarse ones weighing most; the result is in [0, 1).
func (n valueNoise) fbm(x, y float64) float64 {
	var sum, weight float64
	amp := 1.0
	for _, scale := range []float64{256, 64, 16, 4} {
		sum += amp * n.at(x/scale, y/scale)
		weight += amp
		amp *= 0.55
	}
	return sum / weight
}

func (n valueNoise) lattice(x, y int64) float64 {
	h := uint64(x)*0x9E3779B97F4A7C15 ^ uint64(y)*0xC2B2AE3D27D4EB4F ^ n.seed
	h ^= h >> 31
	h *= 0xBF58476D1CE4E5B9
	h ^= h >> 29
	return float64(h>>11) / (1 << 53)
}

func smooth(t float64) float64 { return t * t * (3 - 2*t) }

func lerp(a, b, t float64) float64 { return a + (b-a)*t }
