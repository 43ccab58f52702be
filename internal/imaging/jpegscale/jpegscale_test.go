package jpegscale

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"io"
	"math/rand/v2"
	"testing"
	"testing/iotest"

	"atelier/internal/imaging/imagingtest"
)

// Bounds the tests hold the decoder to. At full size, two IDCTs that each
// meet IEEE 1180's accuracy (image/jpeg's and ours) may differ by 1 per
// sample on an encoder's files, and by 2 on the odd coefficients of damaged
// or fuzzed ones. Reduced, ours is compared with image/jpeg's full decode
// averaged over each box: the difference is rounding (ours rounds once, the
// reference rounds each sample, then the mean), at most 1 on the samples
// and a third of that on average (measured: 1 and 0.34), except where the
// full decode clamped some samples of a box to 0 or 255 and ours clamps
// only their mean (measured: 3 on a noisy 12-megapixel picture).
const (
	maxDiffFull    = 1
	maxDiffOdd     = 2
	maxDiffReduced = 4
	maxMeanReduced = 0.4
)

// plane is one channel's samples.
type plane struct {
	pix       []byte
	stride    int
	w, h      int
	fullW, fH int // the whole buffer, MCU-padded
}

func planesOf(m image.Image) []plane {
	switch m := m.(type) {
	case *image.Gray:
		b := m.Bounds()
		return []plane{{m.Pix, m.Stride, b.Dx(), b.Dy(), m.Stride, len(m.Pix) / m.Stride}}
	case *image.YCbCr:
		b := m.Bounds()
		cw, ch := chromaSize(b.Dx(), b.Dy(), m.SubsampleRatio)
		ful := func(p []byte, s int) (int, int) { return s, len(p) / s }
		yw, yh := ful(m.Y, m.YStride)
		cwf, chf := ful(m.Cb, m.CStride)
		return []plane{
			{m.Y, m.YStride, b.Dx(), b.Dy(), yw, yh},
			{m.Cb, m.CStride, cw, ch, cwf, chf},
			{m.Cr, m.CStride, cw, ch, cwf, chf},
		}
	}
	panic(fmt.Sprintf("unexpected %T", m))
}

func chromaSize(w, h int, r image.YCbCrSubsampleRatio) (int, int) {
	switch r {
	case image.YCbCrSubsampleRatio422:
		return (w + 1) / 2, h
	case image.YCbCrSubsampleRatio420:
		return (w + 1) / 2, (h + 1) / 2
	case image.YCbCrSubsampleRatio440:
		return w, (h + 1) / 2
	case image.YCbCrSubsampleRatio411:
		return (w + 3) / 4, h
	case image.YCbCrSubsampleRatio410:
		return (w + 3) / 4, (h + 1) / 2
	}
	return w, h
}

// diff compares ours, decoded at 1/scale, with ref, image/jpeg's full
// decode, averaged over scale×scale boxes; it returns the largest and the
// mean absolute difference.
func diff(ours, ref image.Image, scale int) (maxd int, mean float64, err error) {
	po, pr := planesOf(ours), planesOf(ref)
	if len(po) != len(pr) {
		return 0, 0, fmt.Errorf("%d planes, image/jpeg %d", len(po), len(pr))
	}
	o, ok1 := ours.(*image.YCbCr)
	r, ok2 := ref.(*image.YCbCr)
	if ok1 && ok2 && o.SubsampleRatio != r.SubsampleRatio {
		return 0, 0, fmt.Errorf("ratio %v, image/jpeg %v", o.SubsampleRatio, r.SubsampleRatio)
	}
	sum, n := 0, 0
	for i := range po {
		o, r := po[i], pr[i]
		if o.w != (r.w+scale-1)/scale && i == 0 {
			return 0, 0, fmt.Errorf("width %d, want %d", o.w, (r.w+scale-1)/scale)
		}
		for y := range o.h {
			for x := range o.w {
				s := 0
				for yy := y * scale; yy < (y+1)*scale; yy++ {
					for xx := x * scale; xx < (x+1)*scale; xx++ {
						s += int(r.pix[min(yy, r.fH-1)*r.stride+min(xx, r.fullW-1)])
					}
				}
				want := (s + scale*scale/2) / (scale * scale)
				d := int(o.pix[y*o.stride+x]) - want
				d = max(d, -d)
				maxd = max(maxd, d)
				sum += d
				n++
			}
		}
	}
	return maxd, float64(sum) / float64(max(n, 1)), nil
}

// testImage is a photo-like picture with noise, so that blocks have many
// coefficients.
func testImage(w, h int, seed uint64) *image.RGBA {
	m := imagingtest.Photo(w, h)
	r := rand.New(rand.NewPCG(seed, 1))
	for i := range m.Pix {
		if i%4 != 3 {
			m.Pix[i] = byte(max(0, min(255, int(m.Pix[i])+r.IntN(41)-20)))
		}
	}
	return m
}

func grayOf(m image.Image) *image.Gray {
	g := image.NewGray(m.Bounds())
	for y := m.Bounds().Min.Y; y < m.Bounds().Max.Y; y++ {
		for x := m.Bounds().Min.X; x < m.Bounds().Max.X; x++ {
			g.Set(x, y, m.At(x, y))
		}
	}
	return g
}

func stdJPEG(t testing.TB, m image.Image, quality int) []byte {
	var b bytes.Buffer
	if err := jpeg.Encode(&b, m, &jpeg.Options{Quality: quality}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

type sample struct {
	name string
	data []byte
}

// layouts are the sampling factors the test encoder writes, per
// component: every layout image/jpeg decodes, gray included.
var layouts = map[string][][2]int{
	"444":       {{1, 1}, {1, 1}, {1, 1}},
	"444 1x2":   {{1, 2}, {1, 2}, {1, 2}},
	"422":       {{2, 1}, {1, 1}, {1, 1}},
	"420":       {{2, 2}, {1, 1}, {1, 1}},
	"440":       {{1, 2}, {1, 1}, {1, 1}},
	"411":       {{4, 1}, {1, 1}, {1, 1}},
	"410":       {{4, 2}, {1, 1}, {1, 1}},
	"422 4x1":   {{4, 1}, {2, 1}, {2, 1}},
	"gray":      {{1, 1}},
	"gray 2x2":  {{2, 2}},
	"gray 4x1":  {{4, 1}},
	"422 vert":  {{2, 2}, {1, 2}, {1, 2}},
	"440 2x2h2": {{2, 2}, {2, 1}, {2, 1}},
}

// samples are the files the tests decode: image/jpeg's own (4:2:0 and
// gray) and the test encoder's (every sampling, restart intervals).
func samples(t testing.TB) []sample {
	var out []sample
	sizes := [][2]int{{1, 1}, {17, 9}, {8, 8}, {16, 16}, {33, 65}, {100, 75}}
	for i, sz := range sizes {
		m := testImage(sz[0], sz[1], uint64(i))
		for _, q := range []int{10, 50, 75, 90, 100} {
			out = append(out,
				sample{fmt.Sprintf("std %dx%d q%d", sz[0], sz[1], q), stdJPEG(t, m, q)},
				sample{fmt.Sprintf("std gray %dx%d q%d", sz[0], sz[1], q), stdJPEG(t, grayOf(m), q)})
		}
	}
	for name, f := range layouts {
		for i, sz := range [][2]int{{1, 1}, {17, 9}, {45, 37}} {
			m := testImage(sz[0], sz[1], uint64(10+i))
			for _, ri := range []int{0, 1, 3} {
				for _, q := range []int{30, 95} {
					out = append(out, sample{fmt.Sprintf("%s %dx%d ri%d q%d", name, sz[0], sz[1], ri, q),
						encodeTest(m, testOptions{factors: f, quality: q, restart: ri})})
				}
			}
		}
	}
	return out
}

func TestDecodeMatchesImageJPEG(t *testing.T) {
	for _, s := range samples(t) {
		checkSample(t, s.name, s.data)
	}
}

// checkSample decodes s at every scale and compares it with image/jpeg.
func checkSample(t *testing.T, name string, data []byte) {
	t.Helper()
	ref, err := jpeg.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("%s: image/jpeg: %v", name, err)
	}
	cfg, err := Check(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("%s: Check: %v", name, err)
	}
	if cfg.Width != ref.Bounds().Dx() || cfg.Height != ref.Bounds().Dy() {
		t.Errorf("%s: Check says %dx%d, image/jpeg %v", name, cfg.Width, cfg.Height, ref.Bounds())
	}
	for _, scale := range []int{1, 2, 4, 8} {
		m, err := Decode(bytes.NewReader(data), scale)
		if err != nil {
			t.Fatalf("%s scale %d: %v", name, scale, err)
		}
		maxd, mean, err := diff(m, ref, scale)
		switch {
		case err != nil:
			t.Errorf("%s scale %d: %v", name, scale, err)
		case scale == 1 && maxd > maxDiffFull:
			t.Errorf("%s scale 1: samples differ by up to %d (mean %.3f) from image/jpeg's", name, maxd, mean)
		case scale > 1 && (mean > maxMeanReduced || maxd > maxDiffReduced):
			t.Errorf("%s scale %d: box means differ by up to %d, mean %.3f", name, scale, maxd, mean)
		}
	}
}

func TestLargeOddSize(t *testing.T) {
	checkSample(t, "4001x2999", stdJPEG(t, testImage(4001, 2999, 7), 85))
}

func TestTruncated(t *testing.T) {
	for _, s := range []sample{
		{"std", stdJPEG(t, testImage(40, 30, 1), 80)},
		{"restarts", encodeTest(testImage(40, 30, 2), testOptions{factors: [][2]int{{2, 1}, {1, 1}, {1, 1}}, quality: 80, restart: 2})},
	} {
		for cut := range len(s.data) - 1 {
			part := s.data[:cut]
			_, errStd := jpeg.Decode(bytes.NewReader(part))
			if _, err := Check(bytes.NewReader(part)); err == nil {
				t.Errorf("%s cut at %d of %d: Check accepts it (image/jpeg: %v)", s.name, cut, len(s.data), errStd)
			}
			if _, err := Decode(bytes.NewReader(part), 2); err == nil {
				t.Errorf("%s cut at %d: Decode accepts it", s.name, cut)
			}
		}
	}
}

// TestCorrupted flips bytes everywhere in a file: whatever we accept,
// image/jpeg must accept, and draw alike.
func TestCorrupted(t *testing.T) {
	data := encodeTest(testImage(24, 16, 3), testOptions{factors: [][2]int{{2, 2}, {1, 1}, {1, 1}}, quality: 70, restart: 1})
	r := rand.New(rand.NewPCG(5, 5))
	for i := range len(data) {
		for _, v := range []byte{0x00, 0xFF, data[i] ^ 1, byte(r.IntN(256))} {
			bad := bytes.Clone(data)
			bad[i] = v
			agree(t, fmt.Sprintf("byte %d = %#x", i, v), bad)
			agreeHalf(t, fmt.Sprintf("half444: byte %d = %#x", i, v), bad)
		}
	}
}

// agree checks the promise the fuzz test checks too.
func agree(t *testing.T, name string, data []byte) {
	t.Helper()
	ref, errStd := jpeg.Decode(bytes.NewReader(data))
	_, errCheck := Check(bytes.NewReader(data))
	d := newDecoder(bytes.NewReader(data))
	d.out = 8
	errDecode := d.run()
	wild, progressive := d.wild, d.progressive
	var m image.Image
	if errDecode == nil {
		if d.gray != nil {
			m = d.gray.SubImage(image.Rect(0, 0, d.width, d.height))
		} else {
			m = d.ycc.SubImage(image.Rect(0, 0, d.width, d.height))
		}
	}
	d.release()
	if progressive {
		// Only Check reads progressive files; Decode leaves them to
		// image/jpeg.
		if !errors.Is(errDecode, ErrUnsupported) {
			t.Fatalf("%s: Decode of a progressive file says %v", name, errDecode)
		}
		if errCheck == nil && errStd != nil {
			t.Fatalf("%s: image/jpeg refuses it (%v), Check accepts it", name, errStd)
		}
		return
	}
	if (errCheck == nil) != (errDecode == nil) {
		t.Fatalf("%s: Check says %v, Decode %v", name, errCheck, errDecode)
	}
	if errCheck == nil && errStd != nil {
		t.Fatalf("%s: image/jpeg refuses it (%v), we accept it", name, errStd)
	}
	if errCheck == nil && !wild {
		if maxd, mean, err := diff(m, ref, 1); err != nil || maxd > maxDiffOdd {
			t.Fatalf("%s: differs from image/jpeg by up to %d (mean %.3f) %v", name, maxd, mean, err)
		}
	}
}

func TestRefused(t *testing.T) {
	good := stdJPEG(t, testImage(20, 20, 4), 80)
	sof := bytes.Index(good, []byte{0xFF, mSOF0})
	dht := bytes.Index(good, []byte{0xFF, mDHT})
	sos := bytes.Index(good, []byte{0xFF, mSOS})
	with := func(at int, b ...byte) []byte {
		out := bytes.Clone(good)
		copy(out[at:], b)
		return out
	}
	segLen := func(at int) int { return int(good[at+2])<<8 | int(good[at+3]) + 2 }
	cut := func(from, to int) []byte { return append(bytes.Clone(good[:from]), good[to:]...) }
	tests := []struct {
		name        string
		data        []byte
		unsupported bool
	}{
		{"empty", nil, false},
		{"not a JPEG", []byte("GIF89a......"), false},
		{"baseline scan in a progressive frame", with(sof+1, mSOF2), false}, // Ss..Se 0..63
		{"arithmetic", with(sof+1, 0xC9), true},
		{"12-bit", with(sof+4, 12), true},
		{"zero width", with(sof+7, 0, 0), false},
		{"zero height", with(sof+5, 0, 0), false},
		{"no Huffman tables", cut(dht, sos), false},
		{"no frame", cut(sof, sof+segLen(sof)), false},
		{"no scan", append(bytes.Clone(good[:sos]), 0xFF, mEOI), false},
		{"no EOI", good[:len(good)-2], false},
		{"bad Huffman code", with(sos+segLen(sos), 0xFF, 0xFF, 0xFF, 0xFF), false},
	}
	for _, tt := range tests {
		_, err := Check(bytes.NewReader(tt.data))
		if err == nil {
			t.Errorf("%s: accepted", tt.name)
			continue
		}
		if got := errors.Is(err, ErrUnsupported); got != tt.unsupported {
			t.Errorf("%s: %v, want unsupported %v", tt.name, err, tt.unsupported)
		}
		if _, err := Decode(bytes.NewReader(tt.data), 4); err == nil {
			t.Errorf("%s: Decode accepts it", tt.name)
		}
	}
}

func TestCMYKUnsupported(t *testing.T) {
	// A 4-component frame header is enough to be refused.
	data := []byte{0xFF, mSOI, 0xFF, mSOF0, 0, 20, 8, 0, 8, 0, 8, 4, 1, 0x11, 0, 2, 0x11, 0, 3, 0x11, 0, 4, 0x11, 0}
	if _, err := Check(bytes.NewReader(data)); !errors.Is(err, ErrUnsupported) {
		t.Errorf("CMYK: %v", err)
	}
}

func TestAdobeRGBUnsupported(t *testing.T) {
	good := encodeTest(testImage(16, 16, 9), testOptions{factors: [][2]int{{1, 1}, {1, 1}, {1, 1}}, quality: 80})
	app14 := []byte{0xFF, mAPP14, 0, 14, 'A', 'd', 'o', 'b', 'e', 0, 100, 0, 0, 0, 0, 0}
	data := append(append(bytes.Clone(good[:2]), app14...), good[2:]...)
	if _, err := Check(bytes.NewReader(data)); !errors.Is(err, ErrUnsupported) {
		t.Errorf("Adobe RGB: %v", err)
	}
}

func TestScaleArgument(t *testing.T) {
	good := stdJPEG(t, testImage(20, 20, 4), 80)
	for _, s := range []int{0, 3, 16, -1} {
		if _, err := Decode(bytes.NewReader(good), s); err == nil {
			t.Errorf("scale %d accepted", s)
		}
	}
}

// TestHostileHeader: a header claiming 65535×65535 pixels over a few bytes
// of data is refused without reserving memory for the claim.
func TestHostileHeader(t *testing.T) {
	data := stdJPEG(t, grayOf(testImage(16, 16, 8)), 80)
	sof := bytes.Index(data, []byte{0xFF, mSOF0})
	data[sof+5], data[sof+6], data[sof+7], data[sof+8] = 0xFF, 0xFF, 0xFF, 0xFF
	if _, err := Check(bytes.NewReader(data)); err == nil {
		t.Error("Check accepts it")
	}
	for _, scale := range []int{1, 2} {
		peak := imagingtest.PeakHeap(func() {
			if _, err := Decode(bytes.NewReader(data), scale); err == nil {
				t.Errorf("scale %d: accepted", scale)
			}
		})
		if peak > 64<<20 {
			t.Errorf("scale %d: %d MB held for a refused file", scale, peak>>20)
		}
	}
}

// Checking allocates nothing per block, nor in proportion to the image.
func TestCheckAllocations(t *testing.T) {
	data := stdJPEG(t, testImage(640, 480, 9), 90)
	Check(bytes.NewReader(data)) // fills the pool
	if n := testing.AllocsPerRun(20, func() { Check(bytes.NewReader(data)) }); n > 2 {
		t.Errorf("%.0f allocations per Check", n)
	}
}

// Readers that deliver a byte at a time, or end with their last bytes,
// give the same result as one that delivers everything at once.
func TestReaders(t *testing.T) {
	data := encodeTest(testImage(40, 24, 11), testOptions{factors: [][2]int{{2, 1}, {1, 1}, {1, 1}}, quality: 90, restart: 2})
	want, err := Decode(bytes.NewReader(data), 2)
	if err != nil {
		t.Fatal(err)
	}
	for name, r := range map[string]func() io.Reader{
		"one byte": func() io.Reader { return iotest.OneByteReader(bytes.NewReader(data)) },
		"half":     func() io.Reader { return iotest.HalfReader(bytes.NewReader(data)) },
		"data+EOF": func() io.Reader { return iotest.DataErrReader(bytes.NewReader(data)) },
	} {
		got, err := Decode(r(), 2)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if !bytes.Equal(got.(*image.YCbCr).Y, want.(*image.YCbCr).Y) || !bytes.Equal(got.(*image.YCbCr).Cr, want.(*image.YCbCr).Cr) {
			t.Errorf("%s: a different picture", name)
		}
		if _, err := Check(r()); err != nil {
			t.Errorf("%s: Check: %v", name, err)
		}
	}
	failing := io.MultiReader(bytes.NewReader(data[:len(data)/2]), iotest.ErrReader(errors.New("disk on fire")))
	if _, err := Check(failing); err == nil || err.Error() != "disk on fire" {
		t.Errorf("a failing reader: %v", err)
	}
}

// TestRestartMarkers: bytes before a restart marker are skipped, as
// image/jpeg skips them; a wrong or missing marker is refused, as it is
// refused there.
func TestRestartMarkers(t *testing.T) {
	data := encodeTest(testImage(32, 16, 12), testOptions{factors: [][2]int{{1, 1}}, quality: 80, restart: 1})
	rst := bytes.Index(data, []byte{0xFF, mRST0})
	insert := func(b ...byte) []byte {
		return append(append(bytes.Clone(data[:rst]), b...), data[rst:]...)
	}
	tests := []struct {
		name   string
		data   []byte
		accept bool
	}{
		{"as written", data, true},
		{"bytes before RST0", insert(0x12, 0x34), true},
		{"stuffed 0xFF before RST0", insert(0xFF, 0x00), true},
		{"fill bytes before RST0", insert(0xFF, 0xFF), true},
		{"RST1 for RST0", append(append(bytes.Clone(data[:rst]), 0xFF, mRST0+1), data[rst+2:]...), false},
		{"no RST0", append(bytes.Clone(data[:rst]), data[rst+2:]...), false},
		{"EOI for RST0", append(append(bytes.Clone(data[:rst]), 0xFF, mEOI), data[rst+2:]...), false},
	}
	for _, tt := range tests {
		agree(t, tt.name, tt.data)
		_, errStd := jpeg.Decode(bytes.NewReader(tt.data))
		_, err := Check(bytes.NewReader(tt.data))
		if (err == nil) != tt.accept || (errStd == nil) != tt.accept {
			t.Errorf("%s: Check says %v, image/jpeg %v; want accepted %v", tt.name, err, errStd, tt.accept)
		}
	}
}
