//go:build unix

package jpegscale

import (
	"bytes"
	"fmt"
	"image/jpeg"
	"sync"
	"syscall"
	"testing"
	"time"

	"atelier/internal/imaging/imagingtest"
)

// phonePhoto is a 12-megapixel JPEG as a phone writes it (4:2:0, quality
// 90, EXIF). Made once: it takes a second.
var phonePhoto = sync.OnceValue(func() []byte { return imagingtest.PhonePhoto(4000, 3000, 6) })

// bench runs work b.N times and reports, besides the wall time, the CPU
// time the process spent per run (cpu-ms/op): on a machine shared with
// other work the wall time says more about the neighbours.
func bench(b *testing.B, data []byte, work func() error) {
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	start := cpuTime()
	for b.Loop() {
		if err := work(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(cpuTime()-start)/float64(b.N)/1e6, "cpu-ms/op")
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// progressivePhoto is phonePhoto made progressive by jpegtran's default
// scan script, as libjpeg's encoders write it.
var progressivePhoto struct {
	once sync.Once
	data []byte
}

func progressive12MP(b *testing.B) []byte {
	progressivePhoto.once.Do(func() { progressivePhoto.data = jpegtran(b, phonePhoto(), "-progressive") })
	if progressivePhoto.data == nil {
		b.Fatal("no progressive photo")
	}
	return progressivePhoto.data
}

func BenchmarkCheck12MP(b *testing.B) {
	b.Run("baseline", func(b *testing.B) {
		data := phonePhoto()
		bench(b, data, func() error {
			_, err := Check(bytes.NewReader(data))
			return err
		})
	})
	b.Run("progressive", func(b *testing.B) {
		data := progressive12MP(b)
		bench(b, data, func() error {
			_, err := Check(bytes.NewReader(data))
			return err
		})
	})
}

func BenchmarkDecode12MP(b *testing.B) {
	data := phonePhoto()
	for _, scale := range []int{1, 2, 4, 8} {
		b.Run(fmt.Sprintf("scale=%d", scale), func(b *testing.B) {
			bench(b, data, func() error {
				_, err := Decode(bytes.NewReader(data), scale)
				return err
			})
		})
	}
	b.Run("half444", func(b *testing.B) {
		bench(b, data, func() error {
			_, err := DecodeHalf444(bytes.NewReader(data))
			return err
		})
	})
}

// image/jpeg's full decode, for comparison.
func BenchmarkStdDecode12MP(b *testing.B) {
	b.Run("baseline", func(b *testing.B) {
		data := phonePhoto()
		bench(b, data, func() error {
			_, err := jpeg.Decode(bytes.NewReader(data))
			return err
		})
	})
	b.Run("progressive", func(b *testing.B) {
		data := progressive12MP(b)
		bench(b, data, func() error {
			_, err := jpeg.Decode(bytes.NewReader(data))
			return err
		})
	})
}
