package jpegscale

import (
	"bytes"
	"image/jpeg"
	"testing"
)

// FuzzDecode holds the package to its promise on any input: no panic;
// nothing image/jpeg refuses is accepted; Check and Decode agree, and so do
// DecodeHalf444 and Decode; and
// where both decoders accept, the samples agree within maxDiffOdd (unless
// a coefficient lies beyond what 8-bit samples produce — see wild).
func FuzzDecode(f *testing.F) {
	f.Add(stdJPEG(f, testImage(16, 16, 1), 75))
	f.Add(stdJPEG(f, grayOf(testImage(9, 17, 2)), 50))
	f.Add(encodeTest(testImage(20, 12, 3), testOptions{factors: [][2]int{{1, 1}, {1, 1}, {1, 1}}, quality: 80, restart: 2}))
	f.Add(encodeTest(testImage(20, 12, 4), testOptions{factors: [][2]int{{4, 2}, {1, 1}, {1, 1}}, quality: 60, restart: 1}))
	f.Add(encodeTest(testImage(12, 20, 5), testOptions{factors: [][2]int{{2, 1}, {1, 1}, {1, 1}}, quality: 90}))
	f.Add(encodeTest(testImage(12, 9, 6), testOptions{factors: [][2]int{{1, 2}}, quality: 40, restart: 3}))
	f.Add(encodeTest(testImage(17, 9, 7), testOptions{factors: [][2]int{{2, 2}, {1, 1}, {1, 1}}, quality: 85, restart: 2}))
	// Progressive files, which only Check reads: jpegtran's default
	// scans, and a script with every kind of refinement and restarts.
	f.Add(jpegtran(f, stdJPEG(f, testImage(19, 13, 8), 80), "-progressive"))
	f.Add(jpegtran(f, stdJPEG(f, grayOf(testImage(11, 9, 9)), 60), append(scanScript(f, scansGray), "-restart", "2B")...))
	f.Add(jpegtran(f, encodeTest(testImage(13, 10, 10), testOptions{factors: [][2]int{{1, 1}, {1, 1}, {1, 1}}, quality: 70}), scanScript(f, scansColor)...))
	f.Fuzz(func(t *testing.T, data []byte) {
		// image/jpeg allocates whatever the header says: keep the
		// comparison small. (Our own bound is tested on its own.)
		if cfg, err := jpeg.DecodeConfig(bytes.NewReader(data)); err == nil && cfg.Width*cfg.Height > 1<<20 {
			Check(bytes.NewReader(data)) // for panics only
			return
		}
		agree(t, "fuzz", data)
		agreeHalf(t, "fuzz", data)
	})
}
