package imaging_test

import (
	"image"
	"io"
	"path/filepath"
	"strconv"
	"sync"
	"testing"

	"atelier/internal/imaging"
	"atelier/internal/imaging/imagingtest"
)

// benchStages are n process photos as the studio keeps them: the large
// variant (1600 px on the long side), landscape and portrait in turn,
// with a photograph's noise, which is what makes a video's bytes.
func benchStages(n int) []imaging.TimelapseFrame {
	land, port := benchPhotos()
	out := make([]imaging.TimelapseFrame, n)
	for i := range out {
		out[i] = imaging.TimelapseFrame{Image: land, Caption: "Stage " + strconv.Itoa(i+1)}
		if i%2 == 1 {
			out[i].Image = port
		}
	}
	return out
}

var benchPhotos = sync.OnceValues(func() (*image.RGBA, *image.RGBA) {
	return imagingtest.Photo(1600, 1200), imagingtest.Photo(1200, 1600)
})

func BenchmarkTimelapseMP4(b *testing.B) {
	needTool(b, "ffmpeg")
	for _, n := range []int{12, 60} {
		b.Run("photos="+strconv.Itoa(n), func(b *testing.B) {
			frames := benchStages(n)
			path := filepath.Join(b.TempDir(), "v.mp4")
			var size int64
			for b.Loop() {
				var err error
				if size, err = imaging.TimelapseMP4(b.Context(), frames, imaging.TimelapseOptions{}, path); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(size), "bytes")
			b.ReportMetric(float64(imaging.TimelapseFrameCount(n, imaging.TimelapseOptions{})), "frames")
		})
	}
}

func BenchmarkTimelapseGIF(b *testing.B) {
	for _, n := range []int{12} {
		b.Run("photos="+strconv.Itoa(n), func(b *testing.B) {
			frames := benchStages(n)
			var w countingWriter
			for b.Loop() {
				w = 0
				if err := imaging.TimelapseGIF(b.Context(), frames, imaging.TimelapseOptions{}, &w); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(w), "bytes")
		})
	}
}

// countingWriter counts the bytes written to it and keeps none.
type countingWriter int64

func (c *countingWriter) Write(p []byte) (int, error) {
	*c += countingWriter(len(p))
	return len(p), nil
}

var _ io.Writer = (*countingWriter)(nil)
