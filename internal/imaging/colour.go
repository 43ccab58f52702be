package imaging

import (
	"fmt"
	"image"
	"image/color"
	"math"
	"strings"

	"github.com/lucasb-eyer/go-colorful"
)

// Lab is a colour in CIELAB: L from 0 (black) to 100 (white), A from
// green (−) to red (+), B from blue (−) to yellow (+). Distances in this
// space follow what the eye sees far better than distances in RGB, which
// is why palettes are made and judged here.
//
// The conversions are go-colorful's (ARCHITECTURE.md's choice for colour
// science); this file adapts them to our conventions: colorful scales
// CIELAB to L ∈ [0, 1] (and its ΔE00 likewise, ΔE/100), we keep the usual
// 0–100 scale; and we take as white the XYZ of sRGB white through
// colorful's own sRGB matrix rather than its rounded published D65 point,
// so that every grey has A = B = 0 and chroma means colour, not rounding.
// Only DeltaE00's formula is our own, for speed (see there).
type Lab struct{ L, A, B float64 }

// white is sRGB white in XYZ, as colorful computes XYZ (see Lab). It
// differs from colorful.D65 in the fifth decimal.
var white = func() [3]float64 {
	x, y, z := colorful.LinearRgbToXyz(1, 1, 1)
	return [3]float64{x, y, z}
}()

// labScale is CIELAB's usual scale over colorful's.
const labScale = 100

func labOfColorful(c colorful.Color) Lab {
	l, a, b := c.LabWhiteRef(white)
	return Lab{L: l * labScale, A: a * labScale, B: b * labScale}
}

// labOf8 is the Lab of an 8-bit sRGB colour.
func labOf8(r, g, b uint8) Lab {
	return labOfColorful(colorful.Color{R: float64(r) / 255, G: float64(g) / 255, B: float64(b) / 255})
}

// LabOf converts c, as 8-bit sRGB (alpha ignored after un-premultiplying),
// to CIELAB.
func LabOf(c color.Color) Lab {
	n := color.NRGBAModel.Convert(c).(color.NRGBA)
	return labOf8(n.R, n.G, n.B)
}

// RGBA is the nearest opaque 8-bit sRGB colour; colours outside the sRGB
// gamut are clamped channel by channel.
func (l Lab) RGBA() color.NRGBA {
	c := colorful.LabWhiteRef(l.L/labScale, l.A/labScale, l.B/labScale, white).Clamped()
	r, g, b := c.RGB255()
	return color.NRGBA{R: r, G: g, B: b, A: 255}
}

// Hex is the colour written "#rrggbb", lower-case.
func (l Lab) Hex() string {
	c := l.RGBA()
	return fmt.Sprintf("#%02x%02x%02x", c.R, c.G, c.B)
}

// Chroma is the colour's distance from grey.
func (l Lab) Chroma() float64 { return math.Hypot(l.A, l.B) }

// ParseHex reads "#rrggbb" (either case, the # optional).
func ParseHex(s string) (Lab, bool) {
	s = strings.TrimSpace(s)
	if !strings.HasPrefix(s, "#") {
		s = "#" + s
	}
	if len(s) != 7 { // colorful.Hex also reads "#rgb"; we do not
		return Lab{}, false
	}
	c, err := colorful.Hex(s)
	if err != nil {
		return Lab{}, false
	}
	return labOfColorful(c), true
}

// DeltaE00 is the CIEDE2000 colour difference of a and b (kL = kC = kH =
// 1), following Sharma, Wu & Dalal (2005). About 1 is the smallest
// difference a trained eye sees side by side.
//
// This one formula is our own, not colorful's DistanceCIEDE2000, which
// it is tested to agree with: that method takes two colorful.Colors and
// takes both back to CIELAB on every call (six powers and six cube roots
// more, and four powers where we multiply), and judging a palette runs
// ΔE00 for every pixel against every colour. Measured on a 12-megapixel
// photo, SuggestPalette took 3.5–4.3 times as long through colorful. The
// round trip from our Lab into a Color and back also moves a hue by
// ~1e-14°, enough to put Sharma's pair exactly 180° apart on the other
// side of CIEDE2000's mean-hue discontinuity.
func DeltaE00(a, b Lab) float64 {
	c1, c2 := math.Hypot(a.A, a.B), math.Hypot(b.A, b.B)
	g := 0.5 * (1 - math.Sqrt(sevenths((c1+c2)/2)))
	c1p, h1p := chromaHue((1+g)*a.A, a.B)
	c2p, h2p := chromaHue((1+g)*b.A, b.B)

	dL := b.L - a.L
	dC := c2p - c1p
	dh := 0.0
	if c1p*c2p != 0 {
		dh = h2p - h1p
		switch {
		case dh > 180:
			dh -= 360
		case dh < -180:
			dh += 360
		}
	}
	dH := 2 * math.Sqrt(c1p*c2p) * sin(dh/2)

	lBar, cBar, hBar := (a.L+b.L)/2, (c1p+c2p)/2, meanHue(h1p, h2p, c1p*c2p)
	t := 1 - 0.17*cos(hBar-30) + 0.24*cos(2*hBar) + 0.32*cos(3*hBar+6) - 0.20*cos(4*hBar-63)
	l50 := (lBar - 50) * (lBar - 50)
	sL := 1 + 0.015*l50/math.Sqrt(20+l50)
	sC := 1 + 0.045*cBar
	sH := 1 + 0.015*cBar*t
	dTheta := 30 * math.Exp(-((hBar-275)/25)*((hBar-275)/25))
	rT := -2 * math.Sqrt(sevenths(cBar)) * sin(2*dTheta)

	l, c, h := dL/sL, dC/sC, dH/sH
	return math.Sqrt(l*l + c*c + h*h + rT*c*h)
}

// sevenths is c⁷ / (c⁷ + 25⁷), the weight CIEDE2000 gives to chroma.
func sevenths(c float64) float64 {
	c2 := c * c
	c7 := c2 * c2 * c2 * c
	return c7 / (c7 + 6103515625) // 25⁷
}

// chromaHue is the chroma and the hue in degrees [0, 360) of (a, b); the
// hue of a grey is 0.
func chromaHue(a, b float64) (float64, float64) {
	if a == 0 && b == 0 {
		return 0, 0
	}
	h := math.Atan2(b, a) * 180 / math.Pi
	if h < 0 {
		h += 360
	}
	return math.Hypot(a, b), h
}

// meanHue is the mean of two hues the short way round the circle; when
// either colour is grey its hue means nothing and the sum stands.
func meanHue(h1, h2, cc float64) float64 {
	switch {
	case cc == 0:
		return h1 + h2
	case math.Abs(h1-h2) <= 180:
		return (h1 + h2) / 2
	case h1+h2 < 360:
		return (h1 + h2 + 360) / 2
	}
	return (h1 + h2 - 360) / 2
}

func sin(deg float64) float64 { return math.Sin(deg * math.Pi / 180) }
func cos(deg float64) float64 { return math.Cos(deg * math.Pi / 180) }

// rgbReader reads one pixel of an image as 8-bit sRGB.
type rgbReader func(x, y int) (r, g, b uint8)

// readerOf reads img's pixels, directly for the types decoders return (a
// JPEG is YCbCr, a PNG usually NRGBA or RGBA) and through color.Color
// otherwise.
func readerOf(img image.Image) rgbReader {
	switch m := img.(type) {
	case *image.YCbCr:
		return func(x, y int) (uint8, uint8, uint8) {
			return color.YCbCrToRGB(m.Y[m.YOffset(x, y)], m.Cb[m.COffset(x, y)], m.Cr[m.COffset(x, y)])
		}
	case *image.NRGBA:
		return func(x, y int) (uint8, uint8, uint8) {
			p := m.Pix[m.PixOffset(x, y):]
			return p[0], p[1], p[2]
		}
	case *image.RGBA:
		return func(x, y int) (uint8, uint8, uint8) {
			p := m.Pix[m.PixOffset(x, y):]
			if a := p[3]; a != 255 && a != 0 {
				return unpremul(p[0], a), unpremul(p[1], a), unpremul(p[2], a)
			}
			return p[0], p[1], p[2]
		}
	case *image.Gray:
		return func(x, y int) (uint8, uint8, uint8) {
			v := m.Pix[m.PixOffset(x, y)]
			return v, v, v
		}
	}
	return func(x, y int) (uint8, uint8, uint8) {
		n := color.NRGBAModel.Convert(img.At(x, y)).(color.NRGBA)
		return n.R, n.G, n.B
	}
}

func unpremul(v, a uint8) uint8 { return uint8(min(255, (int(v)*255+int(a)/2)/int(a))) }
