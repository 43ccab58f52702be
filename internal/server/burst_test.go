package server

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"net/http"
	"net/http/httptest"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"atelier/internal/store"
	"atelier/internal/store/storetest"
	"atelier/internal/studio"
)

// flatPNG is a valid w×h RGB PNG of one colour, compressed to a sliver of
// its decoded size (7000×7000 is about 140 KB), made row by row so that
// the test never holds the image itself.
func flatPNG(t testing.TB, w, h int) []byte {
	var idat bytes.Buffer
	zw := zlib.NewWriter(&idat)
	row := make([]byte, 1+3*w) // filter byte, then RGB
	for i := 1; i < len(row); i += 3 {
		row[i], row[i+1], row[i+2] = 0xd8, 0xb0, 0x90
	}
	for range h {
		if _, err := zw.Write(row); err != nil {
			t.Fatal(err)
		}
	}
	zw.Close()
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	chunk := func(typ string, data []byte) {
		binary.Write(&b, binary.BigEndian, uint32(len(data)))
		b.WriteString(typ)
		b.Write(data)
		binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(append([]byte(typ), data...)))
	}
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], uint32(w))
	binary.BigEndian.PutUint32(ihdr[4:], uint32(h))
	ihdr[8], ihdr[9] = 8, 2 // 8-bit RGB
	chunk("IHDR", ihdr)
	chunk("IDAT", idat.Bytes())
	chunk("IEND", nil)
	return b.Bytes()
}

// burst sends clients inquiries at once, each with photos copies of photo,
// and counts the answers by status.
func burst(tb testing.TB, h http.Handler, clients, photos int, photo []byte, fields map[string]string) map[int]int {
	parts := make([]part, photos)
	for i := range parts {
		parts[i] = part{"photo_other", fmt.Sprintf("p%d.png", i), photo}
	}
	bodies := make([]*bytes.Buffer, clients)
	ctypes := make([]string, clients)
	for i := range bodies {
		ctypes[i], bodies[i] = multipartBody(tb, fields, parts...)
	}
	var mu sync.Mutex
	got := map[int]int{}
	var wg sync.WaitGroup
	for i := range clients {
		wg.Go(func() {
			req := httptest.NewRequest("POST", "/api/v1/public/studios/ana/inquiries", bodies[i])
			req.Header.Set("Content-Type", ctypes[i])
			req.RemoteAddr = fmt.Sprintf("198.51.100.%d:4000", i+1)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			mu.Lock()
			got[rec.Code]++
			mu.Unlock()
		})
	}
	wg.Wait()
	return got
}

// burstServer is a studio taking inquiries, on SQLite.
func burstServer(tb testing.TB) http.Handler {
	s := storetest.Open(tb, store.SQLite, nil)
	if _, err := s.CreateStudio(tb.Context(), studio.NewStudio("ana", "Ana's Miniatures", "Ana Petrova")); err != nil {
		tb.Fatal(err)
	}
	blobs := testBlobs(tb)
	return New(Config{}, s, blobs).Handler()
}

// The audit's burst — six inquiries at once, each of twenty 49-megapixel
// PNGs — is refused from the photos' headers, before anything is decoded;
// so is an inquiry whose text is wrong, however large its photos.
func TestABurstOfHugePhotosIsRefusedBeforeDecoding(t *testing.T) {
	h := burstServer(t)
	huge := flatPNG(t, 7000, 7000)
	if got := burst(t, h, 6, 20, huge, inquiryFields()); got[413] != 6 {
		t.Fatalf("answers %v, want 6 × 413", got)
	}
	bad := inquiryFields()
	delete(bad, "subject_name")
	if got := burst(t, h, 1, 4, huge, bad); got[422] != 1 {
		t.Fatalf("answers %v, want 422 for the missing subject", got)
	}
	// Within the request's total, photos are decoded one budget at a
	// time; those that cannot get their turn soon are told to come back.
	got := burst(t, h, 4, 4, huge, inquiryFields())
	if got[201]+got[503] != 4 || got[201] == 0 {
		t.Fatalf("answers %v, want 201 or 503 for each of 4", got)
	}
}

// BenchmarkDecodeBurst measures the peak heap of the audit's burst and of
// a burst of photos within the request's total, which are decoded.
func BenchmarkDecodeBurst(b *testing.B) {
	huge := flatPNG(b, 7000, 7000)
	for _, c := range []struct {
		name            string
		clients, photos int
	}{{"6x20x49MP", 6, 20}, {"4x4x49MP", 4, 4}} {
		b.Run(c.name, func(b *testing.B) {
			h := burstServer(b)
			var peak atomic.Uint64
			for b.Loop() {
				stop := sampleHeap(&peak)
				burst(b, h, c.clients, c.photos, huge, inquiryFields())
				stop()
			}
			b.ReportMetric(float64(peak.Load())/(1<<20), "peak-heap-MiB")
		})
	}
}

// sampleHeap records the largest live heap seen until stop is called.
func sampleHeap(peak *atomic.Uint64) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			if m.HeapAlloc > peak.Load() {
				peak.Store(m.HeapAlloc)
			}
			select {
			case <-done:
				return
			case <-time.After(5 * time.Millisecond):
			}
		}
	})
	return func() { close(done); wg.Wait() }
}
