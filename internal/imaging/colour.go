package imaging

import (
	"fmt"
	"image"
	"image/color"
	"math"
	"strconv"
	"strings"
)

// Lab is a colour in CIELAB (D65 white): L from 0 (black) to 100 (white),
// A from green (−) to red (+), B from blue (−) to yellow (+). Distances in
// this space follow what the eye sees far better than distances in RGB,
// which is why palettes are made and judged here.
type Lab struct{ L, A, B float64 }

// The sRGB primaries in XYZ (IEC 61966-2-1), and back.
var (
	rgbToXYZ = [3][3]float64{
		{0.4124564, 0.3575761, 0.1804375},
		{0.2126729, 0.7151522, 0.0721750},
		{0.0193339, 0.1191920, 0.9503041},
	}
	xyzToRGB = [3][3]float64{
		{3.2404542, -1.5371385, -0.4985314},
		{-0.9692660, 1.8760108, 0.0415560},
		{0.0556434, -0.2040259, 1.0572252},
	}
)

// white is sRGB white in XYZ: the rows of rgbToXYZ summed rather than the
// rounded published D65 point, so that every grey has A = B = 0 exactly
// and chroma means colour, not rounding.
var white = [3]float64{
	rgbToXYZ[0][0] + rgbToXYZ[0][1] + rgbToXYZ[0][2],
	rgbToXYZ[1][0] + rgbToXYZ[1][1] + rgbToXYZ[1][2],
	rgbToXYZ[2][0] + rgbToXYZ[2][1] + rgbToXYZ[2][2],
}

// linear8 is the sRGB transfer curve undone for each 8-bit value: a
// palette looks at hundreds of thousands of pixels, and a table lookup is
// far cheaper than a power.
var linear8 = func() (t [256]float64) {
	for i := range t {
		t[i] = toLinear(float64(i) / 255)
	}
	return t
}()

func toLinear(v float64) float64 {
	if v <= 0.04045 {
		return v / 12.92
	}
	return math.Pow((v+0.055)/1.055, 2.4)
}

func fromLinear(v float64) float64 {
	if v <= 0.0031308 {
		return 12.92 * v
	}
	return 1.055*math.Pow(v, 1/2.4) - 0.055
}

// CIELAB's cube root, with the linear piece near black (δ = 6/29).
const labDelta = 6.0 / 29

func labF(t float64) float64 {
	if t > labDelta*labDelta*labDelta {
		return math.Cbrt(t)
	}
	return t/(3*labDelta*labDelta) + 4.0/29
}

func labFInv(t float64) float64 {
	if t > labDelta {
		return t * t * t
	}
	return 3 * labDelta * labDelta * (t - 4.0/29)
}

// labOf8 is the Lab of an 8-bit sRGB colour.
func labOf8(r, g, b uint8) Lab {
	lr, lg, lb := linear8[r], linear8[g], linear8[b]
	var f [3]float64
	for i, row := range rgbToXYZ {
		f[i] = labF((row[0]*lr + row[1]*lg + row[2]*lb) / white[i])
	}
	return Lab{L: 116*f[1] - 16, A: 500 * (f[0] - f[1]), B: 200 * (f[1] - f[2])}
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
	fy := (l.L + 16) / 116
	xyz := [3]float64{
		white[0] * labFInv(fy+l.A/500),
		white[1] * labFInv(fy),
		white[2] * labFInv(fy-l.B/200),
	}
	var ch [3]uint8
	for i, row := range xyzToRGB {
		v := fromLinear(max(0, row[0]*xyz[0]+row[1]*xyz[1]+row[2]*xyz[2]))
		ch[i] = uint8(math.Round(min(1, v) * 255))
	}
	return color.NRGBA{R: ch[0], G: ch[1], B: ch[2], A: 255}
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
	s = strings.TrimPrefix(strings.TrimSpace(s), "#")
	if len(s) != 6 {
		return Lab{}, false
	}
	v, err := strconv.ParseUint(s, 16, 32)
	if err != nil {
		return Lab{}, false
	}
	return labOf8(uint8(v>>16), uint8(v>>8), uint8(v)), true
}

// DeltaE00 is the CIEDE2000 colour difference of a and b (kL = kC = kH =
// 1), following Sharma, Wu & Dalal (2005). About 1 is the smallest
// difference a trained eye sees side by side.
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
