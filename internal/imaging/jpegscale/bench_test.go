package jpegscale

import (
	"bytes"
	"fmt"
	"image/jpeg"
	"sync"
	"testing"

	"atelier/internal/imaging/imagingtest"
)

// phonePhoto is a 12-megapixel JPEG as a phone writes it (4:2:0, quality
// 90, EXIF). Made once: it takes a second.
var phonePhoto = sync.OnceValue(func() []byte { return imagingtest.PhonePhoto(4000, 3000, 6) })

func BenchmarkCheck12MP(b *testing.B) {
	data := phonePhoto()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Check(bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecode12MP(b *testing.B) {
	data := phonePhoto()
	for _, scale := range []int{1, 2, 4, 8} {
		b.Run(fmt.Sprintf("scale=%d", scale), func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Decode(bytes.NewReader(data), scale); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// image/jpeg's full decode, for comparison.
func BenchmarkStdDecode12MP(b *testing.B) {
	data := phonePhoto()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := jpeg.Decode(bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
}
