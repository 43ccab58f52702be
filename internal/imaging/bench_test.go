package imaging_test

import (
	"bytes"
	"os/exec"
	"runtime"
	"sync"
	"testing"

	kimaging "github.com/kovidgoyal/imaging"

	"atelier/internal/imaging"
	"atelier/internal/imaging/imagingtest"
	"atelier/internal/studio"
)

// phonePhoto is a 12-megapixel JPEG as a phone writes it: 4000×3000,
// stored landscape with orientation 6 and a GPS position. Made once: it
// takes a second.
var phonePhoto = sync.OnceValue(func() []byte { return imagingtest.PhonePhoto(4000, 3000, 6) })

// benchPeak runs work b.N times and reports, besides time and
// allocations, the most heap one run held at once (peak-heap-MB).
func benchPeak(b *testing.B, work func() error) {
	b.ReportAllocs()
	b.SetBytes(int64(len(phonePhoto())))
	var peak uint64
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		runtime.GC()
		s := imagingtest.StartHeapSampler()
		b.StartTimer()
		err := work()
		b.StopTimer()
		peak = max(peak, s.Stop())
		b.StartTimer()
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
}

// The request's part: header, pixel limit, full decode.
func BenchmarkUploadCheck12MP(b *testing.B) {
	data := phonePhoto()
	benchPeak(b, func() error {
		_, err := imaging.Verify(bytes.NewReader(data), 0)
		return err
	})
}

// The same check of a progressive 12 MP photo, made by jpegtran (which
// the CI installs; benchmarks are not run there).
func BenchmarkUploadCheck12MPProgressive(b *testing.B) {
	cmd := exec.Command("jpegtran", "-progressive")
	cmd.Stdin = bytes.NewReader(phonePhoto())
	data, err := cmd.Output()
	if err != nil {
		b.Fatalf("jpegtran: %v", err)
	}
	benchPeak(b, func() error {
		_, err := imaging.Verify(bytes.NewReader(data), 0)
		return err
	})
}

// The job's part: the three variants.
func BenchmarkVariants12MP(b *testing.B) {
	data := phonePhoto()
	benchPeak(b, func() error {
		_, err := imaging.Variants(bytes.NewReader(data), 0, studio.VariantSizes)
		return err
	})
}

// The straightforward use of the library, for comparison: decode with its
// auto-orientation and colour conversion at full size, then fit each
// size from the full image. Not what Variants does.
func BenchmarkLibraryPipeline12MP(b *testing.B) {
	data := phonePhoto()
	benchPeak(b, func() error {
		img, err := kimaging.Decode(bytes.NewReader(data), kimaging.Backends(kimaging.GO_IMAGE))
		if err != nil {
			return err
		}
		for _, size := range studio.VariantSizes {
			var buf bytes.Buffer
			if err := kimaging.Encode(&buf, kimaging.Fit(img, size, size, kimaging.Lanczos), kimaging.JPEG, kimaging.JPEGQuality(85)); err != nil {
				return err
			}
		}
		return nil
	})
}
