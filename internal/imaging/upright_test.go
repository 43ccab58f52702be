package imaging_test

import (
	"bytes"
	"image"
	"image/jpeg"
	"testing"

	"atelier/internal/imaging"
	"atelier/internal/imaging/imagingtest"
)

// The cut-out works on the photo as the artist sees it: every orientation
// decodes upright, and its size is known from the header before decoding.
func TestDecodeUpright(t *testing.T) {
	tests := []struct {
		orientation int
		red, green  string
		portrait    bool
	}{
		{1, "TL", "TR", false}, {3, "BR", "BL", false}, {6, "TR", "BR", true}, {8, "BL", "TL", true}, {5, "TL", "BL", true},
	}
	stored := imagingtest.JPEG(t, imagingtest.Quadrants(400, 300), 95)
	for _, tt := range tests {
		data := imagingtest.WithEXIF(stored, imagingtest.GPSEXIF(tt.orientation))
		w, h, err := imaging.UprightSize(bytes.NewReader(data), 0)
		if err != nil || (h > w) != tt.portrait || w*h != 400*300 {
			t.Fatalf("orientation %d: %d × %d, %v", tt.orientation, w, h, err)
		}
		up, err := imaging.DecodeUpright(bytes.NewReader(data), 0)
		if err != nil || up.Orientation != tt.orientation {
			t.Fatalf("orientation %d: %v %v", tt.orientation, up.Orientation, err)
		}
		if b := up.Image.Bounds(); b.Dx() != w || b.Dy() != h {
			t.Fatalf("orientation %d: decoded %v, header says %d × %d", tt.orientation, b, w, h)
		}
		if !near(at(up.Image, tt.red), imagingtest.Red) || !near(at(up.Image, tt.green), imagingtest.Green) {
			t.Errorf("orientation %d: red should be %s and green %s", tt.orientation, tt.red, tt.green)
		}
	}
	if _, err := imaging.DecodeUpright(bytes.NewReader(stored[:len(stored)/2]), 0); err == nil {
		t.Fatal("half a JPEG decoded")
	}
}

// The preview is reduced to the long side asked, the figure as it was and
// the background dimmed, from a mask at the full size.
func TestCutoutPreview(t *testing.T) {
	img := imagingtest.Quadrants(2000, 1000)
	mask := image.NewGray(image.Rect(0, 0, 2000, 1000))
	for y := range 500 { // the red quarter is the figure
		for x := range 1000 {
			mask.Pix[y*mask.Stride+x] = 255
		}
	}
	data, err := imaging.CutoutPreview(img, mask, 800)
	if err != nil {
		t.Fatal(err)
	}
	out, err := jpeg.Decode(bytes.NewReader(data))
	if err != nil || out.Bounds().Dx() != 800 || out.Bounds().Dy() != 400 {
		t.Fatalf("preview %v %v", out.Bounds(), err)
	}
	if !near(at(out, "TL"), imagingtest.Red) {
		t.Errorf("the figure changed: %v", at(out, "TL"))
	}
	if r, g, b, _ := at(out, "BR").RGBA(); r>>8 > 110 || g>>8 > 110 || b>>8 > 110 {
		t.Errorf("the white background is not dimmed: %d %d %d", r>>8, g>>8, b>>8)
	}
}
