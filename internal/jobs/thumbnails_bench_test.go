package jobs

import (
	"bytes"
	"context"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"atelier/internal/imaging"
	"atelier/internal/imaging/imagingtest"
	"atelier/internal/store"
	"atelier/internal/store/storetest"
)

// phonePhoto is a 12-megapixel phone JPEG (4000×3000, orientation 6, GPS),
// made once: it takes a second.
var phonePhoto = sync.OnceValue(func() []byte { return imagingtest.PhonePhoto(4000, 3000, 6) })

// The thumbnail job alone, called as River calls it: read the original
// from the blob store, draw three variants, store them and their rows.
// peak-heap-MB is the most heap one run held at once.
func BenchmarkThumbnailJob12MP(b *testing.B) {
	storetest.EachDialect(b, func(b *testing.B, d store.Dialect) {
		s := startThumbnails(b, d, nil)
		photo := s.photo(b, phonePhoto(), 3000, 4000)
		w := newThumbnailWorker(s.st, Config{Files: s.blobs}.withDefaults())
		job := &river.Job[store.ThumbnailJob]{Args: store.ThumbnailJob{StudioID: s.studio.ID, PhotoID: photo}}
		b.ReportAllocs()
		var peak uint64
		b.ResetTimer()
		for range b.N {
			b.StopTimer()
			runtime.GC()
			sampler := imagingtest.StartHeapSampler()
			b.StartTimer()
			err := w.Work(context.Background(), job)
			b.StopTimer()
			peak = max(peak, sampler.Stop())
			b.StartTimer()
			if err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
	})
}

// From upload to visible thumbnail: the request's checks (Verify), the
// original stored and its row committed with the job, then River picks
// the job up and runs it; the clock stops when the variants can be read.
// queue-ms is the part spent waiting for River to fetch the job.
func BenchmarkUploadToThumbnail12MP(b *testing.B) {
	storetest.EachDialect(b, func(b *testing.B, d store.Dialect) {
		s := startThumbnails(b, d, nil)
		data := phonePhoto()
		var queued time.Duration
		b.ResetTimer()
		for range b.N {
			if _, err := imaging.Verify(bytes.NewReader(data), 0); err != nil {
				b.Fatal(err)
			}
			photo := s.photo(b, data, 3000, 4000)
			id := s.enqueue(b, photo)
			s.waitForVariants(b, photo)
			b.StopTimer()
			job, err := s.r.client.JobGet(context.Background(), id)
			if err != nil || job.AttemptedAt == nil {
				b.Fatalf("job %+v, %v", job, err)
			}
			queued += job.AttemptedAt.Sub(job.CreatedAt)
			b.StartTimer()
		}
		b.ReportMetric(float64(queued.Milliseconds())/float64(b.N), "queue-ms")
	})
}

// waitForVariants polls, as a page would, until the photo's three
// variants can be read.
func (s thumbSetup) waitForVariants(tb testing.TB, photo string) {
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		vs, err := s.st.PhotoVariants(context.Background(), s.studio.ID, photo)
		if err != nil {
			tb.Fatal(err)
		}
		if len(vs) == 3 {
			return
		}
	}
	tb.Fatal("timed out waiting for the variants")
}
