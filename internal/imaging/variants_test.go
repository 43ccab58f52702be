package imaging_test

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"testing"

	"atelier/internal/imaging"
	"atelier/internal/imaging/imagingtest"
	"atelier/internal/studio"
)

func variants(t *testing.T, data []byte) []imaging.Variant {
	t.Helper()
	vs, err := imaging.Variants(bytes.NewReader(data), 0, studio.VariantSizes)
	if err != nil {
		t.Fatal(err)
	}
	return vs
}

// decodeVariant decodes a variant and checks that it is a bare JPEG: no
// segment between SOI and the tables, so no EXIF, XMP, comment or profile.
func decodeVariant(t *testing.T, v imaging.Variant) image.Image {
	t.Helper()
	markers, _ := jpegSegments(t, v.JPEG)
	for _, m := range markers {
		if m >= 0xE0 && m <= 0xEF || m == 0xFE {
			t.Errorf("variant %d holds an application segment or comment (marker %x)", v.Size, m)
		}
	}
	img, err := jpeg.Decode(bytes.NewReader(v.JPEG))
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != v.Width || b.Dy() != v.Height {
		t.Fatalf("variant %d says %d×%d but is %v", v.Size, v.Width, v.Height, b)
	}
	return img
}

func TestVariantSizes(t *testing.T) {
	tests := []struct {
		name string
		w, h int
		want [3][2]int // 1600, 400, 160
	}{
		{"landscape", 2000, 1500, [3][2]int{{1600, 1200}, {400, 300}, {160, 120}}},
		{"portrait", 1200, 1800, [3][2]int{{1067, 1600}, {267, 400}, {107, 160}}},
		{"small: never enlarged", 300, 200, [3][2]int{{300, 200}, {300, 200}, {160, 107}}},
		{"tiny", 90, 60, [3][2]int{{90, 60}, {90, 60}, {90, 60}}},
		{"a sliver", 3000, 2, [3][2]int{{1600, 1}, {400, 1}, {160, 1}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vs := variants(t, imagingtest.JPEG(t, imagingtest.Photo(tt.w, tt.h), 90))
			for i, v := range vs {
				if v.Size != studio.VariantSizes[i] || [2]int{v.Width, v.Height} != tt.want[i] {
					t.Errorf("variant %d: %d×%d, want %v", v.Size, v.Width, v.Height, tt.want[i])
				}
				decodeVariant(t, v)
			}
		})
	}
}

func TestVariantsKeepTheOrderAsked(t *testing.T) {
	vs, err := imaging.Variants(bytes.NewReader(imagingtest.JPEG(t, imagingtest.Photo(800, 600), 90)), 0, []int{160, 400, 200})
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []int{160, 400, 200} {
		if vs[i].Size != want || vs[i].Width != want {
			t.Errorf("variant %d: %+v", i, vs[i].Size)
		}
	}
}

// near reports whether c is within a JPEG's error of want.
func near(c color.Color, want color.RGBA) bool {
	r, g, b, _ := c.RGBA()
	d := func(a uint32, b uint8) bool { return int(a>>8)-int(b) < 40 && int(b)-int(a>>8) < 40 }
	return d(r, want.R) && d(g, want.G) && d(b, want.B)
}

// quadrant names the colour at the centre of a quarter of img.
func at(img image.Image, corner string) color.Color {
	b := img.Bounds()
	x, y := b.Dx()/4, b.Dy()/4
	if corner[1] == 'R' {
		x = b.Dx() * 3 / 4
	}
	if corner[0] == 'B' {
		y = b.Dy() * 3 / 4
	}
	return img.At(b.Min.X+x, b.Min.Y+y)
}

// Every EXIF orientation comes out upright: the stored image has red at
// the top left and green at the top right; the table says where they must
// appear once the turn the tag asks for is made.
func TestVariantsAreUpright(t *testing.T) {
	tests := []struct {
		orientation int
		red, green  string // TL, TR, BL, BR
		portrait    bool
	}{
		{1, "TL", "TR", false},
		{2, "TR", "TL", false},
		{3, "BR", "BL", false},
		{4, "BL", "BR", false},
		{5, "TL", "BL", true},
		{6, "TR", "BR", true},
		{7, "BR", "TR", true},
		{8, "BL", "TL", true},
	}
	stored := imagingtest.JPEG(t, imagingtest.Quadrants(800, 600), 95)
	for _, tt := range tests {
		vs := variants(t, imagingtest.WithEXIF(stored, imagingtest.GPSEXIF(tt.orientation)))
		for _, v := range vs {
			img := decodeVariant(t, v)
			if got := v.Height > v.Width; got != tt.portrait {
				t.Errorf("orientation %d, variant %d: %d×%d", tt.orientation, v.Size, v.Width, v.Height)
			}
			if !near(at(img, tt.red), imagingtest.Red) || !near(at(img, tt.green), imagingtest.Green) {
				t.Errorf("orientation %d, variant %d: red should be %s and green %s", tt.orientation, v.Size, tt.red, tt.green)
			}
			noTrace(t, v.JPEG, "Exif")
		}
	}
}

func TestVariantsOfPNGAndWebP(t *testing.T) {
	// Transparent on the left half: it must come out white, not black.
	img := image.NewNRGBA(image.Rect(0, 0, 500, 300))
	for y := range 300 {
		for x := 250; x < 500; x++ {
			img.SetNRGBA(x, y, color.NRGBA{B: 255, A: 255})
		}
	}
	pngb := imagingtest.WithPNGChunks(imagingtest.PNG(t, img), imagingtest.PNGChunk("eXIf", imagingtest.GPSEXIF(1)))
	for _, v := range variants(t, pngb) {
		out := decodeVariant(t, v)
		if !near(at(out, "TL"), imagingtest.White) || !near(at(out, "TR"), imagingtest.Blue) {
			t.Errorf("variant %d: transparency was not put on white: %v, %v", v.Size, at(out, "TL"), at(out, "TR"))
		}
		noTrace(t, v.JPEG, "Exif")
	}
	for _, v := range variants(t, webpWithMetadata(t, webpFixture(t), imagingtest.GPSEXIF(6))) {
		decodeVariant(t, v)
		if v.Width > v.Height {
			t.Errorf("a WebP's EXIF orientation was ignored: %d×%d", v.Width, v.Height)
		}
		noTrace(t, v.JPEG, "Exif")
	}
}

func TestVariantsRefuseBadInput(t *testing.T) {
	jpg := imagingtest.JPEG(t, imagingtest.Photo(400, 300), 90)
	for name, data := range map[string][]byte{
		"truncated jpeg":   jpg[:len(jpg)*2/3],
		"jpeg without EOI": jpg[:len(jpg)-2],
		"huge png":         imagingtest.HugePNG(20000, 20000),
		"text":             []byte("not a photo"),
		"gif":              gifBytes(t),
	} {
		t.Run(name, func(t *testing.T) {
			_, err := imaging.Variants(bytes.NewReader(data), 0, studio.VariantSizes)
			wantInvalid(t, err, "")
		})
	}
}
