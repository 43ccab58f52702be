package imaging_test

import (
	"bytes"
	"image"
	"testing"

	"atelier/internal/imaging"
	"atelier/internal/imaging/imagingtest"
)

// A photo for the palette comes out upright and reduced, and says the
// upright original's size, in which masks are drawn.
func TestDecodeReducedIsUpright(t *testing.T) {
	stored := imagingtest.JPEG(t, imagingtest.Quadrants(800, 600), 95)
	for _, tt := range []struct {
		orientation int
		red, green  string
		full        image.Point
	}{{1, "TL", "TR", image.Pt(800, 600)}, {6, "TR", "BR", image.Pt(600, 800)}, {8, "BL", "TL", image.Pt(600, 800)}} {
		r, err := imaging.DecodeReduced(bytes.NewReader(imagingtest.WithEXIF(stored, imagingtest.GPSEXIF(tt.orientation))), 0, 200)
		if err != nil {
			t.Fatal(err)
		}
		b := r.Image.Bounds()
		if r.Full != tt.full || max(b.Dx(), b.Dy()) != 200 || (b.Dx() > b.Dy()) != (tt.full.X > tt.full.Y) {
			t.Errorf("orientation %d: %v of %v", tt.orientation, b, r.Full)
		}
		if !near(at(r.Image, tt.red), imagingtest.Red) || !near(at(r.Image, tt.green), imagingtest.Green) {
			t.Errorf("orientation %d: red should be %s and green %s", tt.orientation, tt.red, tt.green)
		}
	}
	if _, err := imaging.DecodeReduced(bytes.NewReader(stored), 1000, 200); err == nil {
		t.Fatal("a photo over the pixel limit was decoded")
	}
}

// A mask reduced keeps each pixel's share of figure.
func TestReduceMask(t *testing.T) {
	m := image.NewGray(image.Rect(0, 0, 100, 50))
	for y := range 50 {
		for x := range 50 { // the left half is figure
			m.Pix[y*m.Stride+x] = 255
		}
	}
	r := imaging.ReduceMask(m, 10, 5)
	if r.Bounds() != image.Rect(0, 0, 10, 5) || r.GrayAt(2, 2).Y != 255 || r.GrayAt(7, 2).Y != 0 {
		t.Fatalf("reduced: %v %v %v", r.Bounds(), r.GrayAt(2, 2), r.GrayAt(7, 2))
	}
	if imaging.ReduceMask(m, 100, 50) != m {
		t.Fatal("a mask of the right size was copied")
	}
}
