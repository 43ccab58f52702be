package imaging_test

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/jpeg"
	"image/png"
	"io"
	"testing"

	"github.com/rwcarlsen/goexif/exif"
	"golang.org/x/image/webp"

	"atelier/internal/imaging"
	"atelier/internal/imaging/imagingtest"
	"atelier/internal/studio"
)

// The GPS fixture is what a real EXIF reader sees as a located photo, so
// that the tests below strip something real.
func TestGPSFixtureIsRealEXIF(t *testing.T) {
	x, err := exif.Decode(bytes.NewReader(imagingtest.GPSEXIF(6)))
	if err != nil {
		t.Fatal(err)
	}
	lat, lon, err := x.LatLong()
	if err != nil || lat < 48.20 || lat > 48.21 || lon < 16.37 || lon > 16.38 {
		t.Fatalf("position %v, %v: %v", lat, lon, err)
	}
	make, _ := x.Get(exif.Make)
	if s, _ := make.StringVal(); s != imagingtest.SpyCam {
		t.Fatalf("make %q", s)
	}
}

// jpegSegments lists the markers of a JPEG's segments before its first scan.
func jpegSegments(t *testing.T, b []byte) (markers []byte, payloads [][]byte) {
	t.Helper()
	for i := 2; i+4 <= len(b); {
		if b[i] != 0xFF {
			t.Fatalf("no marker at %d", i)
		}
		m, n := b[i+1], int(binary.BigEndian.Uint16(b[i+2:]))
		markers, payloads = append(markers, m), append(payloads, b[i+4:i+2+n])
		if m == 0xDA {
			return markers, payloads
		}
		i += 2 + n
	}
	return markers, payloads
}

func samePixels(t *testing.T, a, b image.Image) {
	t.Helper()
	if a.Bounds() != b.Bounds() {
		t.Fatalf("bounds %v and %v", a.Bounds(), b.Bounds())
	}
	r := a.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if a.At(x, y) != b.At(x, y) {
				t.Fatalf("pixel %d,%d: %v, then %v", x, y, a.At(x, y), b.At(x, y))
			}
		}
	}
}

func strip(t *testing.T, data []byte, format string) []byte {
	t.Helper()
	var out bytes.Buffer
	if err := imaging.StripMetadata(bytes.NewReader(data), &out, format); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

func noTrace(t *testing.T, out []byte, traces ...string) {
	t.Helper()
	for _, s := range append(traces, imagingtest.SpyCam) {
		if bytes.Contains(out, []byte(s)) {
			t.Errorf("the stripped file still holds %q", s)
		}
	}
}

func TestStripJPEG(t *testing.T) {
	plain := imagingtest.JPEG(t, imagingtest.Photo(96, 64), 90)
	icc := append([]byte("ICC_PROFILE\x00\x01\x01"), "a colour profile"...)
	jfif := []byte("JFIF\x00\x01\x02\x00\x00\x01\x00\x01\x00\x00")
	adobe := []byte("Adobe\x00\x64\x00\x00\x00\x00\x01")
	full := plain
	for _, seg := range []struct {
		marker  byte
		payload []byte
	}{
		{0xFE, []byte("shot at Grandma's house")},                            // COM
		{0xED, []byte("Photoshop 3.0\x008BIM caption: Grandma")},             // APP13 IPTC
		{0xE1, []byte("http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta>Grandma")}, // APP1 XMP
		{0xE2, []byte("MPF\x00 secondary images")},                           // APP2 that is not ICC
		{0xEE, adobe}, // APP14 Adobe, kept
		{0xE2, icc},   // ICC, kept
		{0xE1, append([]byte("Exif\x00\x00"), imagingtest.GPSEXIF(1)...)}, // EXIF with GPS
		{0xE0, jfif}, // JFIF, kept
	} {
		full = imagingtest.WithJPEGSegment(full, seg.marker, seg.payload)
	}
	full = append(full, "appended data after EOI: Grandma"...)

	out := strip(t, full, imaging.JPEG)
	noTrace(t, out, "Exif", "Grandma", "xmpmeta", "MPF", "8BIM")
	markers, payloads := jpegSegments(t, out)
	if markers[0] != 0xE0 || !bytes.Equal(payloads[0], jfif) {
		t.Errorf("the JFIF segment is gone: %x", markers)
	}
	if !bytes.Contains(out, icc) || !bytes.Contains(out, adobe) {
		t.Errorf("the ICC profile or Adobe segment is gone: %x", markers)
	}
	if !bytes.HasSuffix(out, []byte{0xFF, 0xD9}) {
		t.Errorf("the stripped file does not end with EOI")
	}
	want, err := jpeg.Decode(bytes.NewReader(plain))
	if err != nil {
		t.Fatal(err)
	}
	got, err := jpeg.Decode(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	samePixels(t, want, got)
}

// A photo stored sideways keeps its orientation, and nothing else.
func TestStripJPEGKeepsOrientationOnly(t *testing.T) {
	jpg := imagingtest.WithEXIF(imagingtest.JPEG(t, imagingtest.Quadrants(64, 48), 90), imagingtest.GPSEXIF(6))
	out := strip(t, jpg, imaging.JPEG)
	noTrace(t, out)
	markers, payloads := jpegSegments(t, out)
	if markers[0] != 0xE1 {
		t.Fatalf("no EXIF segment: %x", markers)
	}
	x, err := exif.Decode(bytes.NewReader(payloads[0]))
	if err != nil {
		t.Fatal(err)
	}
	if o, err := x.Get(exif.Orientation); err != nil || o.String() != "6" {
		t.Fatalf("orientation %v, %v", o, err)
	}
	if _, err := x.Get(exif.GPSInfoIFDPointer); err == nil {
		t.Fatal("the GPS position survived")
	}
	if _, err := x.Get(exif.Make); err == nil {
		t.Fatal("the camera make survived")
	}
}

func TestStripPNG(t *testing.T) {
	plain := imagingtest.PNG(t, imagingtest.Photo(64, 48))
	full := imagingtest.WithPNGChunks(plain,
		imagingtest.PNGChunk("eXIf", imagingtest.GPSEXIF(1)),
		imagingtest.PNGChunk("tEXt", []byte("Comment\x00Grandma's house")),
		imagingtest.PNGChunk("zTXt", []byte("Author\x00\x00x\x9c\x03\x00\x00\x00\x00\x01")),
		imagingtest.PNGChunk("iTXt", []byte("Location\x00\x00\x00\x00\x00Grandma")),
		imagingtest.PNGChunk("tIME", []byte{0x07, 0xE9, 6, 1, 12, 0, 0}),
		imagingtest.PNGChunk("gAMA", []byte{0, 0, 0xB1, 0x8F}),
	)
	out := strip(t, full, imaging.PNG)
	noTrace(t, out, "eXIf", "tEXt", "zTXt", "iTXt", "tIME", "Grandma")
	if !bytes.Contains(out, []byte("gAMA")) {
		t.Error("the gamma chunk, which decoding uses, is gone")
	}
	want, err := png.Decode(bytes.NewReader(plain))
	if err != nil {
		t.Fatal(err)
	}
	got, err := png.Decode(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	samePixels(t, want, got)

	// Sideways: one eXIf chunk with the orientation alone.
	out = strip(t, imagingtest.WithPNGChunks(plain, imagingtest.PNGChunk("eXIf", imagingtest.GPSEXIF(8))), imaging.PNG)
	noTrace(t, out)
	if !bytes.Contains(out, []byte("eXIf")) {
		t.Error("a sideways PNG lost its orientation")
	}
}

// webpWithMetadata wraps the image chunk of a simple WebP in the extended
// format with EXIF and XMP chunks, as cameras and editors write it.
func webpWithMetadata(t *testing.T, simple, exifBlock []byte) []byte {
	cfg, err := webp.DecodeConfig(bytes.NewReader(simple))
	if err != nil {
		t.Fatal(err)
	}
	vp8x := []byte{1<<3 | 1<<2, 0, 0, 0} // EXIF and XMP flags
	vp8x = append(vp8x, le24(cfg.Width-1)...)
	vp8x = append(vp8x, le24(cfg.Height-1)...)
	body := []byte("WEBP")
	body = append(body, riffChunk("VP8X", vp8x)...)
	body = append(body, simple[12:]...) // the VP8 chunk
	body = append(body, riffChunk("EXIF", exifBlock)...)
	body = append(body, riffChunk("XMP ", []byte("<x:xmpmeta>Grandma</x:xmpmeta>"))...)
	return append(append([]byte("RIFF"), binary.LittleEndian.AppendUint32(nil, uint32(len(body)))...), body...)
}

func le24(v int) []byte { return []byte{byte(v), byte(v >> 8), byte(v >> 16)} }

func riffChunk(id string, data []byte) []byte {
	b := append([]byte(id), binary.LittleEndian.AppendUint32(nil, uint32(len(data)))...)
	b = append(b, data...)
	if len(data)%2 == 1 {
		b = append(b, 0)
	}
	return b
}

func TestStripWebP(t *testing.T) {
	simple := webpFixture(t)
	full := webpWithMetadata(t, simple, imagingtest.GPSEXIF(1))
	if _, err := imaging.Verify(bytes.NewReader(full), 0); err != nil {
		t.Fatalf("the fixture is not a valid WebP: %v", err)
	}
	out := strip(t, full, imaging.WebP)
	noTrace(t, out, "EXIF", "XMP ", "Grandma")
	if i := bytes.Index(out, []byte("VP8X")); i < 0 || out[i+8]&(1<<3|1<<2) != 0 {
		t.Errorf("VP8X still announces metadata")
	}
	if size := binary.LittleEndian.Uint32(out[4:8]); int(size) != len(out)-8 {
		t.Errorf("RIFF size %d for %d bytes", size, len(out))
	}
	want, err := webp.Decode(bytes.NewReader(simple))
	if err != nil {
		t.Fatal(err)
	}
	got, err := webp.Decode(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	samePixels(t, want, got)

	out = strip(t, webpWithMetadata(t, simple, imagingtest.GPSEXIF(3)), imaging.WebP)
	noTrace(t, out, "XMP ", "Grandma")
	if i := bytes.Index(out, []byte("VP8X")); i < 0 || out[i+8]&(1<<3) == 0 || !bytes.Contains(out, []byte("EXIF")) {
		t.Errorf("a rotated WebP lost its orientation")
	}
}

func TestStripRefusesDamagedFiles(t *testing.T) {
	jpg := imagingtest.WithEXIF(imagingtest.JPEG(t, imagingtest.Photo(64, 48), 90), imagingtest.GPSEXIF(1))
	pngb := imagingtest.PNG(t, imagingtest.Photo(64, 48))
	webpb := webpWithMetadata(t, webpFixture(t), imagingtest.GPSEXIF(1))
	tests := []struct {
		name, format string
		data         []byte
	}{
		{"truncated jpeg", imaging.JPEG, jpg[:len(jpg)/2]},
		{"jpeg without EOI", imaging.JPEG, jpg[:len(jpg)-2]},
		{"not a jpeg", imaging.JPEG, []byte("hello")},
		{"truncated png", imaging.PNG, pngb[:len(pngb)-5]},
		{"not a png", imaging.PNG, []byte("hello, world")},
		{"truncated webp", imaging.WebP, webpb[:len(webpb)-9]},
		{"webp claiming 4 GiB", imaging.WebP, append([]byte("RIFF\xff\xff\xff\xffWEBP"), webpb[12:]...)},
		{"empty", imaging.PNG, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := imaging.StripMetadata(bytes.NewReader(tt.data), io.Discard, tt.format)
			if studio.ErrorCode(err) != studio.Invalid {
				t.Fatalf("want Invalid, got %v", err)
			}
		})
	}
}
