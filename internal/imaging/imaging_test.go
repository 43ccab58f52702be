package imaging_test

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/gif"
	"io"
	"math/rand/v2"
	"os"
	"runtime"
	"strings"
	"testing"

	"atelier/internal/imaging"
	"atelier/internal/imaging/imagingtest"
	"atelier/internal/studio"
)

func webpFixture(t testing.TB) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/blue-purple-pink.lossy.webp")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func gifBytes(t *testing.T) []byte {
	var b bytes.Buffer
	img := image.NewPaletted(image.Rect(0, 0, 4, 4), color.Palette{color.Black, color.White})
	if err := gif.Encode(&b, img, nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func randomBytes(n int) []byte {
	rng := rand.New(rand.NewPCG(7, 7))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(rng.UintN(256))
	}
	return b
}

// withoutEOI is a complete JPEG whose last two bytes, the end marker, are
// gone: the tail an interrupted upload most often loses.
func withoutEOI(jpg []byte) []byte { return jpg[:len(jpg)-2] }

// wantInvalid fails unless err is an Invalid studio.Error whose message
// holds want.
func wantInvalid(t *testing.T, err error, want string) {
	t.Helper()
	e, ok := errors.AsType[*studio.Error](err)
	if !ok || e.Code != studio.Invalid {
		t.Fatalf("want an Invalid error, got %v", err)
	}
	if !strings.Contains(e.Message, want) {
		t.Fatalf("message %q does not say %q", e.Message, want)
	}
}

func TestInspectAndVerify(t *testing.T) {
	jpg := imagingtest.JPEG(t, imagingtest.Quadrants(640, 480), 90)
	pngb := imagingtest.PNG(t, imagingtest.Quadrants(300, 200))
	webp := webpFixture(t)
	damagedPNG := bytes.Clone(pngb)
	damagedPNG[len(damagedPNG)-20] ^= 0xFF // inside IDAT: its CRC no longer matches

	tests := []struct {
		name string
		data []byte
		// want is the Info of an accepted file; wantInspect and wantVerify
		// are what the refusal says ("" for no refusal).
		want        imaging.Info
		wantInspect string
		wantVerify  string
	}{
		{name: "jpeg", data: jpg, want: imaging.Info{Format: "jpeg", Width: 640, Height: 480}},
		{name: "png", data: pngb, want: imaging.Info{Format: "png", Width: 300, Height: 200}},
		{name: "webp", data: webp, want: imaging.Info{Format: "webp", Width: 150, Height: 100}},
		{name: "jpeg with trailing bytes after EOI", data: append(bytes.Clone(jpg), "trailer"...), want: imaging.Info{Format: "jpeg", Width: 640, Height: 480}},

		{name: "text renamed .jpg", data: []byte("Dear artist, here is my photo!\n"),
			wantInspect: "not a JPEG, PNG or WebP image", wantVerify: "not a JPEG, PNG or WebP image"},
		{name: "empty file", data: nil, wantInspect: "empty", wantVerify: "empty"},
		{name: "gif", data: gifBytes(t), wantInspect: "GIF", wantVerify: "GIF"},
		{name: "heic", data: []byte("\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic"), wantInspect: "HEIC", wantVerify: "HEIC"},
		{name: "random bytes", data: randomBytes(4096), wantInspect: "not a JPEG, PNG or WebP", wantVerify: "not a JPEG, PNG or WebP"},
		{name: "jpeg signature only", data: []byte{0xFF, 0xD8, 0xFF}, wantInspect: "damaged or incomplete", wantVerify: "damaged or incomplete"},

		{name: "truncated jpeg", data: jpg[:len(jpg)*6/10], want: imaging.Info{Format: "jpeg", Width: 640, Height: 480}, wantVerify: "incomplete"},
		{name: "jpeg without its end marker", data: withoutEOI(jpg), want: imaging.Info{Format: "jpeg", Width: 640, Height: 480}, wantVerify: "ends before its end marker"},
		{name: "truncated png", data: pngb[:len(pngb)*6/10], want: imaging.Info{Format: "png", Width: 300, Height: 200}, wantVerify: "damaged or incomplete"},
		{name: "png without IEND", data: pngb[:len(pngb)-12], want: imaging.Info{Format: "png", Width: 300, Height: 200}, wantVerify: "damaged or incomplete"},
		{name: "png with a damaged chunk", data: damagedPNG, want: imaging.Info{Format: "png", Width: 300, Height: 200}, wantVerify: "damaged or incomplete"},
		{name: "truncated webp", data: webp[:len(webp)/2], want: imaging.Info{Format: "webp", Width: 150, Height: 100}, wantVerify: "damaged or incomplete"},
		{name: "png header claiming 20000×20000", data: imagingtest.HugePNG(20000, 20000),
			want: imaging.Info{Format: "png", Width: 20000, Height: 20000}, wantVerify: "20000 × 20000 pixels (400 megapixels); this studio accepts at most 50 megapixels"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			info, err := imaging.Inspect(bytes.NewReader(tt.data))
			if tt.wantInspect != "" {
				wantInvalid(t, err, tt.wantInspect)
			} else if err != nil || info != tt.want {
				t.Fatalf("Inspect: %+v, %v; want %+v", info, err, tt.want)
			}
			info, err = imaging.Verify(bytes.NewReader(tt.data), 0)
			if tt.wantVerify != "" {
				wantInvalid(t, err, tt.wantVerify)
			} else if err != nil || info != tt.want {
				t.Fatalf("Verify: %+v, %v; want %+v", info, err, tt.want)
			}
		})
	}
}

// Every way an upload can be cut short is refused, not just the cuts in
// the table above.
func TestEveryTruncationIsRefused(t *testing.T) {
	photo := imagingtest.Photo(120, 80)
	for name, data := range map[string][]byte{
		"jpeg": imagingtest.JPEG(t, photo, 85),
		"png":  imagingtest.PNG(t, photo),
		"webp": webpFixture(t),
	} {
		for cut := range len(data) {
			if _, err := imaging.Verify(bytes.NewReader(data[:cut]), 0); studio.ErrorCode(err) != studio.Invalid {
				t.Fatalf("%s cut to %d of %d bytes: want Invalid, got %v", name, cut, len(data), err)
			}
		}
	}
}

func TestInspectKeepsReaderFailuresInternal(t *testing.T) {
	broken := io.MultiReader(bytes.NewReader([]byte{0xFF, 0xD8, 0xFF, 0xE0}), iotestErrReader{})
	_, err := imaging.Inspect(broken)
	if err == nil || studio.ErrorCode(err) != studio.Internal {
		t.Fatalf("a failing reader must be an internal error, not the uploader's: %v", err)
	}
}

type iotestErrReader struct{}

func (iotestErrReader) Read([]byte) (int, error) { return 0, errors.New("disk on fire") }

func TestCheckPixels(t *testing.T) {
	tests := []struct {
		w, h  int
		limit int64
		want  string // "" when accepted
	}{
		{4000, 3000, 0, ""},
		{7071, 7071, 0, ""}, // 49.999 MP
		{7072, 7072, 0, "7072 × 7072 pixels (50 megapixels); this studio accepts at most 50 megapixels"},
		{4000, 3000, 10_000_000, "(12 megapixels); this studio accepts at most 10 megapixels"},
		{1 << 30, 1 << 30, 0, "megapixels"}, // no overflow
		{6000, 4000, 20_500_000, "accepts at most 20.5 megapixels"},
	}
	for _, tt := range tests {
		err := imaging.CheckPixels(imaging.Info{Format: "png", Width: tt.w, Height: tt.h}, tt.limit)
		if tt.want == "" {
			if err != nil {
				t.Errorf("%d×%d within %d: %v", tt.w, tt.h, tt.limit, err)
			}
			continue
		}
		wantInvalid(t, err, tt.want)
	}
}

// A header that claims 20000×20000 pixels is refused on its numbers: far
// less than the 1.6 GB its pixels would take is ever allocated.
func TestHugeHeaderIsRefusedBeforeDecoding(t *testing.T) {
	huge := imagingtest.HugePNG(20000, 20000)
	for name, check := range map[string]func() error{
		"Verify":   func() error { _, err := imaging.Verify(bytes.NewReader(huge), 0); return err },
		"Variants": func() error { _, err := imaging.Variants(bytes.NewReader(huge), 0, studio.VariantSizes); return err },
	} {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		err := check()
		runtime.ReadMemStats(&after)
		wantInvalid(t, err, "400 megapixels")
		const pixels = 20000 * 20000 * 4
		if got := after.TotalAlloc - before.TotalAlloc; got > 1<<20 {
			t.Errorf("%s allocated %d bytes refusing the image (its pixels are %d)", name, got, pixels)
		}
	}
	allocs := testing.AllocsPerRun(10, func() {
		imaging.Inspect(bytes.NewReader(huge))
	})
	if allocs > 20 {
		t.Errorf("Inspect made %.0f allocations", allocs)
	}
}
