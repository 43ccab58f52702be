package pdf

import (
	"fmt"

	"codeberg.org/go-pdf/fpdf"
	"github.com/boombuler/barcode/qr"
)

// quietZone is the white border a QR code needs around it, in modules.
// The standard asks for 4; readers fail more often with less.
const quietZone = 4

// qrCode is a QR symbol as a square grid of modules, true where dark.
type qrCode struct {
	size int
	dark []bool // row by row: dark[y*size+x]
}

// encodeQR encodes content at error-correction level M, which survives a
// scuffed or slightly creased print without making the symbol much larger.
func encodeQR(content string) (qrCode, error) {
	code, err := qr.Encode(content, qr.M, qr.Auto)
	if err != nil {
		return qrCode{}, fmt.Errorf("encode QR code: %w", err)
	}
	b := code.Bounds()
	c := qrCode{size: b.Dx(), dark: make([]bool, b.Dx()*b.Dy())}
	for y := 0; y < b.Dy(); y++ {
		for x := 0; x < b.Dx(); x++ {
			r, g, bl, _ := code.At(b.Min.X+x, b.Min.Y+y).RGBA()
			c.dark[y*c.size+x] = r+g+bl < 3*0x8000
		}
	}
	return c, nil
}

// qrRun is a horizontal run of n dark modules starting at (x, y).
type qrRun struct{ x, y, n int }

// runs returns the dark modules merged into horizontal runs, so that a
// symbol is drawn with a few hundred rectangles instead of one per module.
func (c qrCode) runs() []qrRun {
	var out []qrRun
	for y := 0; y < c.size; y++ {
		for x := 0; x < c.size; {
			if !c.dark[y*c.size+x] {
				x++
				continue
			}
			start := x
			for x < c.size && c.dark[y*c.size+x] {
				x++
			}
			out = append(out, qrRun{x: start, y: y, n: x - start})
		}
	}
	return out
}

// sideWithQuietZone is the width of the symbol and its quiet zone when each
// module is module wide.
func (c qrCode) sideWithQuietZone(module float64) float64 {
	return float64(c.size+2*quietZone) * module
}

// draw paints the symbol in black, its top-left dark-module corner at
// (x, y), as vector rectangles. The caller keeps the quiet zone around it
// free; the page is white, so nothing needs to be painted there.
func (c qrCode) draw(doc *fpdf.Fpdf, x, y, module float64) {
	doc.SetFillColor(0, 0, 0)
	for _, r := range c.runs() {
		doc.Rect(x+float64(r.x)*module, y+float64(r.y)*module, float64(r.n)*module, module, "F")
	}
}
