package jpegscale

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"testing"
)

// TestDecodeHalf444 holds DecodeHalf444 to its definition on 4:2:0 files:
// its luma is Decode's at scale 2 and its chroma Decode's at scale 1,
// sample for sample.
func TestDecodeHalf444(t *testing.T) {
	var files []sample
	for i, sz := range [][2]int{{1, 1}, {2, 2}, {17, 9}, {8, 8}, {16, 16}, {33, 65}, {100, 75}} {
		m := testImage(sz[0], sz[1], uint64(20+i))
		for _, q := range []int{10, 50, 90, 100} {
			files = append(files, sample{fmt.Sprintf("std %dx%d q%d", sz[0], sz[1], q), stdJPEG(t, m, q)})
		}
		for _, ri := range []int{0, 1, 3} {
			files = append(files, sample{fmt.Sprintf("420 %dx%d ri%d", sz[0], sz[1], ri),
				encodeTest(m, testOptions{factors: [][2]int{{2, 2}, {1, 1}, {1, 1}}, quality: 80, restart: ri})})
		}
	}
	files = append(files, sample{"std 4001x2999 q85", stdJPEG(t, testImage(4001, 2999, 7), 85)})
	for _, s := range files {
		if !agreeHalf(t, s.name, s.data) {
			t.Errorf("%s: not decoded", s.name)
		}
	}
}

// TestDecodeHalf444Unsupported: every layout but 4:2:0 is for the caller
// to decode another way.
func TestDecodeHalf444Unsupported(t *testing.T) {
	m := testImage(45, 37, 3)
	files := []sample{{"std gray", stdJPEG(t, grayOf(m), 80)}}
	for name, f := range layouts {
		if name == "420" {
			continue
		}
		files = append(files, sample{name, encodeTest(m, testOptions{factors: f, quality: 70, restart: 2})})
	}
	for _, s := range files {
		if _, err := DecodeHalf444(bytes.NewReader(s.data)); !errors.Is(err, ErrUnsupported) {
			t.Errorf("%s: DecodeHalf444 says %v, want ErrUnsupported", s.name, err)
		}
		agreeHalf(t, s.name, s.data)
	}
}

func TestDecodeHalf444Truncated(t *testing.T) {
	for _, s := range []sample{
		{"std", stdJPEG(t, testImage(40, 30, 1), 80)},
		{"restarts", encodeTest(testImage(40, 30, 2), testOptions{factors: [][2]int{{2, 2}, {1, 1}, {1, 1}}, quality: 80, restart: 2})},
	} {
		for cut := range len(s.data) - 1 {
			if _, err := DecodeHalf444(bytes.NewReader(s.data[:cut])); err == nil {
				t.Errorf("%s cut at %d of %d: DecodeHalf444 accepts it", s.name, cut, len(s.data))
			}
		}
	}
}

// agreeHalf checks DecodeHalf444 against Decode on any input: where Decode
// refuses a file, so does DecodeHalf444; where Decode draws a 4:2:0 image,
// DecodeHalf444 draws Decode's luma at scale 2 and chroma at scale 1;
// anything else Decode draws is ErrUnsupported. It tells whether
// DecodeHalf444 drew the file.
func agreeHalf(t *testing.T, name string, data []byte) bool {
	t.Helper()
	half, err := DecodeHalf444(bytes.NewReader(data))
	m2, err2 := Decode(bytes.NewReader(data), 2)
	if err2 != nil {
		if err == nil {
			t.Fatalf("%s: Decode refuses it (%v), DecodeHalf444 accepts it", name, err2)
		}
		return false
	}
	y2, ok := m2.(*image.YCbCr)
	if !ok || y2.SubsampleRatio != image.YCbCrSubsampleRatio420 {
		if !errors.Is(err, ErrUnsupported) {
			t.Fatalf("%s: not 4:2:0 but DecodeHalf444 says %v", name, err)
		}
		return false
	}
	if err != nil {
		t.Fatalf("%s: Decode accepts it, DecodeHalf444 says %v", name, err)
	}
	m1, err1 := Decode(bytes.NewReader(data), 1)
	if err1 != nil {
		t.Fatalf("%s: Decode at scale 2 accepts it, at scale 1 says %v", name, err1)
	}
	y1 := m1.(*image.YCbCr)
	b := y2.Bounds()
	if half.Bounds() != b || half.SubsampleRatio != image.YCbCrSubsampleRatio444 {
		t.Fatalf("%s: DecodeHalf444 gives %v %v, want %v 4:4:4", name, half.Bounds(), half.SubsampleRatio, b)
	}
	// At scale 1 the chroma of a 4:2:0 image is ceil(w/2)×ceil(h/2): b.
	if cb := y1.COffset(y1.Rect.Max.X-1, y1.Rect.Max.Y-1); cb/y1.CStride+1 != b.Dy() || cb%y1.CStride+1 != b.Dx() {
		t.Fatalf("%s: chroma of %v is not %v", name, y1.Rect, b)
	}
	for y := range b.Dy() {
		for x := range b.Dx() {
			if g, w := half.Y[half.YOffset(x, y)], y2.Y[y2.YOffset(x, y)]; g != w {
				t.Fatalf("%s: Y(%d,%d) = %d, Decode at scale 2 has %d", name, x, y, g, w)
			}
			hc, c1 := half.COffset(x, y), y*y1.CStride+x
			if half.Cb[hc] != y1.Cb[c1] || half.Cr[hc] != y1.Cr[c1] {
				t.Fatalf("%s: Cb,Cr(%d,%d) = %d,%d, Decode at scale 1 has %d,%d",
					name, x, y, half.Cb[hc], half.Cr[hc], y1.Cb[c1], y1.Cr[c1])
			}
		}
	}
	return true
}
