package jpegscale

import (
	"bytes"
	"errors"
	"fmt"
	"image/jpeg"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// jpegtran rewrites a JPEG with libjpeg's jpegtran (lossless: the same
// coefficients in other scans). Go cannot write progressive files; the
// CI installs jpegtran, so its absence is a failure, not a skip.
func jpegtran(t testing.TB, data []byte, args ...string) []byte {
	t.Helper()
	dir := t.TempDir()
	in := filepath.Join(dir, "in.jpg")
	if err := os.WriteFile(in, data, 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("jpegtran", append(args, in)...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("jpegtran %v: %v: %s", args, err, stderr.String())
	}
	return out
}

// scanScript writes a jpegtran -scans script and returns the flags to use it.
func scanScript(t testing.TB, script string) []string {
	p := filepath.Join(t.TempDir(), "scans.txt")
	if err := os.WriteFile(p, []byte(script), 0o600); err != nil {
		t.Fatal(err)
	}
	return []string{"-scans", p}
}

// Scan scripts beyond jpegtran's default: every refinement kind at
// several bit positions, narrow bands, an interleaved DC refinement.
const (
	scansColor = `0,1,2: 0-0, 0, 2;
0: 1-3, 0, 3;
0: 4-20, 0, 3;
0: 21-63, 0, 1;
1: 1-63, 0, 2;
2: 1-63, 0, 1;
0,1,2: 0-0, 2, 1;
0: 1-20, 3, 2;
0: 1-20, 2, 1;
0: 1-20, 1, 0;
0: 21-63, 1, 0;
0,1,2: 0-0, 1, 0;
1: 1-63, 2, 1;
1: 1-63, 1, 0;
2: 1-63, 1, 0;
`
	scansGray = `0: 0-0, 0, 1;
0: 1-1, 0, 0;
0: 2-63, 0, 3;
0: 2-63, 3, 2;
0: 0-0, 1, 0;
0: 2-63, 2, 1;
0: 2-63, 1, 0;
`
)

// progressiveFiles is a set of progressive files made from image/jpeg's
// and the test encoder's output: odd sizes, 4:2:0, 4:4:4, 4:2:2, gray,
// restart intervals, custom scan scripts.
func progressiveFiles(t testing.TB) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	sizes := [][2]int{{1, 1}, {7, 5}, {16, 16}, {33, 17}, {61, 47}, {128, 96}}
	for i, sz := range sizes {
		img := testImage(sz[0], sz[1], uint64(i+10))
		bases := map[string][]byte{
			"420":  stdJPEG(t, img, 85),
			"gray": stdJPEG(t, grayOf(img), 70),
			"444":  encodeTest(img, testOptions{factors: [][2]int{{1, 1}, {1, 1}, {1, 1}}, quality: 90}),
			"422":  encodeTest(img, testOptions{factors: [][2]int{{2, 1}, {1, 1}, {1, 1}}, quality: 75}),
		}
		for kind, base := range bases {
			name := fmt.Sprintf("%dx%d-%s", sz[0], sz[1], kind)
			files[name] = jpegtran(t, base, "-progressive")
			files[name+"-restart"] = jpegtran(t, base, "-progressive", "-restart", "1B")
			script := scansColor
			if kind == "gray" {
				script = scansGray
			}
			files[name+"-scans"] = jpegtran(t, base, scanScript(t, script)...)
		}
	}
	return files
}

// TestCheckProgressive: Check accepts what jpegtran writes, and agrees
// with image/jpeg on each file.
func TestCheckProgressive(t *testing.T) {
	accepted := 0
	for name, data := range progressiveFiles(t) {
		cfg, err := Check(bytes.NewReader(data))
		std, errStd := jpeg.Decode(bytes.NewReader(data))
		if errStd != nil {
			// image/jpeg counts restart intervals of a single-component
			// scan in MCUs of the interleaved layout and so refuses
			// some restart files libjpeg writes; Check reads them the
			// same way.
			if err == nil {
				t.Errorf("%s: image/jpeg refuses it (%v), Check accepts it", name, errStd)
			}
			t.Logf("%s: image/jpeg says %v, Check %v", name, errStd, err)
			continue
		}
		if err != nil {
			t.Errorf("%s: Check says %v", name, err)
			continue
		}
		accepted++
		if b := std.Bounds(); cfg.Width != b.Dx() || cfg.Height != b.Dy() {
			t.Errorf("%s: Check says %dx%d, image/jpeg %v", name, cfg.Width, cfg.Height, b)
		}
		if _, err := Decode(bytes.NewReader(data), 1); !errors.Is(err, ErrUnsupported) {
			t.Errorf("%s: Decode says %v, want ErrUnsupported", name, err)
		}
		if _, err := DecodeHalf444(bytes.NewReader(data)); !errors.Is(err, ErrUnsupported) {
			t.Errorf("%s: DecodeHalf444 says %v, want ErrUnsupported", name, err)
		}
	}
	t.Logf("%d files accepted by both", accepted)
}

// TestCheckProgressiveDamaged cuts and corrupts progressive files: Check
// must refuse whatever image/jpeg refuses.
func TestCheckProgressiveDamaged(t *testing.T) {
	files := progressiveFiles(t)
	names := []string{"33x17-420", "61x47-444-scans", "61x47-gray-scans", "33x17-422-restart", "128x96-420-scans", "7x5-420"}
	stricter, refused := 0, 0
	for _, name := range names {
		data := files[name]
		try := func(what string, b []byte) {
			_, err := Check(bytes.NewReader(b))
			_, errStd := jpeg.Decode(bytes.NewReader(b))
			if err == nil && errStd != nil {
				t.Fatalf("%s %s: image/jpeg refuses it (%v), Check accepts it", name, what, errStd)
			}
			if err != nil && errStd == nil {
				stricter++
			}
			if err != nil {
				refused++
			}
		}
		step := max(1, len(data)/300)
		for n := 0; n < len(data); n += step {
			try(fmt.Sprintf("cut at %d", n), data[:n])
		}
		for i := 0; i < len(data); i += max(1, len(data)/200) {
			for _, x := range []byte{0x01, 0x80, 0xFF} {
				b := bytes.Clone(data)
				b[i] ^= x
				try(fmt.Sprintf("byte %d ^ %#x", i, x), b)
			}
		}
	}
	t.Logf("Check refused %d damaged files, %d of them accepted by image/jpeg", refused, stricter)
}
