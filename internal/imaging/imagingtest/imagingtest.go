// Package imagingtest builds the images the tests of the photo pipeline
// need, in memory: photos with a known layout, EXIF blocks that carry a
// GPS position, files with metadata spliced in, and headers that lie. It
// also measures how much heap a piece of work takes at its peak.
package imagingtest

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"math/rand/v2"
	"runtime"
	"runtime/metrics"
	"sync"
	"testing"
	"time"
)

// The colours of Quadrants, easy to tell apart after JPEG compression.
var (
	Red   = color.RGBA{R: 255, A: 255}
	Green = color.RGBA{G: 255, A: 255}
	Blue  = color.RGBA{B: 255, A: 255}
	White = color.RGBA{R: 255, G: 255, B: 255, A: 255}
)

// Quadrants is a w×h image whose top-left quarter is red, top-right green,
// bottom-left blue and bottom-right white: where red and green end up shows
// how an image was turned.
func Quadrants(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			c := Red
			switch {
			case x >= w/2 && y < h/2:
				c = Green
			case x < w/2 && y >= h/2:
				c = Blue
			case x >= w/2 && y >= h/2:
				c = White
			}
			img.SetRGBA(x, y, c)
		}
	}
	return img
}

// Photo is a w×h image that compresses like a photograph: smooth
// gradients with a little sensor-like noise, so that a 12-megapixel JPEG
// of it has a realistic size (a few MiB).
func Photo(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	rng := rand.New(rand.NewPCG(1, 2))
	for y := range h {
		for x := range w {
			n := uint8(rng.IntN(24))
			i := img.PixOffset(x, y)
			img.Pix[i] = uint8(x*200/w) + n
			img.Pix[i+1] = uint8(y*200/h) + n
			img.Pix[i+2] = uint8((x+y)*100/(w+h)) + 80 + n
			img.Pix[i+3] = 255
		}
	}
	return img
}

// JPEG encodes img at the given quality.
func JPEG(tb testing.TB, img image.Image, quality int) []byte {
	tb.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: quality}); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

// PNG encodes img.
func PNG(tb testing.TB, img image.Image) []byte {
	tb.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

// SpyCam is the camera make written into GPSEXIF, a string to look for in
// files that should hold no metadata.
const SpyCam = "SpyCam"

// GPSEXIF is an EXIF block (a little-endian TIFF structure, without the
// "Exif\0\0" of a JPEG segment) like a phone writes: the camera make, the
// orientation, and a GPS IFD placing the photo at 48°12'30"N 16°22'20"E.
func GPSEXIF(orientation int) []byte {
	le := binary.LittleEndian
	b := []byte("II*\x00")
	b = le.AppendUint32(b, 8) // IFD0 follows the header
	// IFD0: 3 entries (12 bytes each), then the next-IFD offset.
	const ifd0 = 8
	const gpsIFD = ifd0 + 2 + 3*12 + 4
	const makeAt = gpsIFD + 2 + 4*12 + 4
	const latAt = makeAt + 8
	const lonAt = latAt + 24
	b = le.AppendUint16(b, 3)
	b = entry(b, 0x010F, 2, 7, makeAt) // Make, ASCII, "SpyCam\0"
	b = entry(b, 0x0112, 3, 1, uint32(orientation))
	b = entry(b, 0x8825, 4, 1, gpsIFD) // GPSInfo IFD pointer
	b = le.AppendUint32(b, 0)
	// GPS IFD: latitude and longitude with their references.
	b = le.AppendUint16(b, 4)
	b = entry(b, 0x0001, 2, 2, uint32('N'))
	b = entry(b, 0x0002, 5, 3, latAt)
	b = entry(b, 0x0003, 2, 2, uint32('E'))
	b = entry(b, 0x0004, 5, 3, lonAt)
	b = le.AppendUint32(b, 0)
	b = append(b, SpyCam+"\x00\x00"...) // padded to 8 bytes
	for _, r := range [][2]uint32{{48, 1}, {12, 1}, {30, 1}, {16, 1}, {22, 1}, {20, 1}} {
		b = le.AppendUint32(le.AppendUint32(b, r[0]), r[1])
	}
	return b
}

// entry appends an IFD entry; a SHORT or short ASCII value sits in the
// value field itself, anything longer at the offset given.
func entry(b []byte, tag, typ uint16, count, value uint32) []byte {
	le := binary.LittleEndian
	b = le.AppendUint16(le.AppendUint16(b, tag), typ)
	b = le.AppendUint32(b, count)
	if typ == 3 {
		return le.AppendUint16(le.AppendUint16(b, uint16(value)), 0)
	}
	return le.AppendUint32(b, value)
}

// WithJPEGSegment inserts a marker segment right after the SOI marker.
func WithJPEGSegment(jpg []byte, marker byte, payload []byte) []byte {
	seg := []byte{0xFF, marker, byte((len(payload) + 2) >> 8), byte(len(payload) + 2)}
	out := append([]byte{}, jpg[:2]...)
	out = append(append(out, seg...), payload...)
	return append(out, jpg[2:]...)
}

// WithEXIF gives a JPEG an APP1 EXIF segment.
func WithEXIF(jpg, exif []byte) []byte {
	return WithJPEGSegment(jpg, 0xE1, append([]byte("Exif\x00\x00"), exif...))
}

// PNGChunk frames data as a PNG chunk with its CRC.
func PNGChunk(kind string, data []byte) []byte {
	b := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
	b = append(append(b, kind...), data...)
	return binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(b[4:]))
}

// WithPNGChunks inserts chunks right after the IHDR chunk (signature 8
// bytes, IHDR 25).
func WithPNGChunks(p []byte, chunks ...[]byte) []byte {
	out := append([]byte{}, p[:33]...)
	for _, c := range chunks {
		out = append(out, c...)
	}
	return append(out, p[33:]...)
}

// HugePNG is a valid PNG header claiming a w×h RGBA image, followed by a
// few bytes of pixel data and the end chunk: decoding it would allocate
// w×h×4 bytes before noticing that the data is missing.
func HugePNG(w, h int) []byte {
	ihdr := binary.BigEndian.AppendUint32(nil, uint32(w))
	ihdr = binary.BigEndian.AppendUint32(ihdr, uint32(h))
	ihdr = append(ihdr, 8, 6, 0, 0, 0) // 8-bit RGBA, no interlace
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	zw.Write(make([]byte, 64))
	zw.Close()
	out := []byte("\x89PNG\r\n\x1a\n")
	out = append(out, PNGChunk("IHDR", ihdr)...)
	out = append(out, PNGChunk("IDAT", z.Bytes())...)
	return append(out, PNGChunk("IEND", nil)...)
}

// heapBytes is the runtime metric of memory in live and not yet swept
// heap objects: what the heap holds at this moment.
const heapBytes = "/memory/classes/heap/objects:bytes"

// HeapSampler records the most heap held at once while it runs, sampled
// every 200 µs (a peak shorter than that may be missed).
type HeapSampler struct {
	base, peak uint64
	done       chan struct{}
	wg         sync.WaitGroup
}

// StartHeapSampler starts sampling. Collect garbage first (runtime.GC) so
// that earlier garbage does not count against the work measured.
func StartHeapSampler() *HeapSampler {
	s := &HeapSampler{base: heapNow(), done: make(chan struct{})}
	s.wg.Go(func() {
		t := time.NewTicker(200 * time.Microsecond)
		defer t.Stop()
		sample := []metrics.Sample{{Name: heapBytes}} // reused: sampling must not allocate
		for {
			metrics.Read(sample)
			s.peak = max(s.peak, sample[0].Value.Uint64())
			select {
			case <-s.done:
				return
			case <-t.C:
			}
		}
	})
	return s
}

// Stop ends the sampling and returns the peak above the heap at the start.
func (s *HeapSampler) Stop() uint64 {
	last := heapNow()
	close(s.done)
	s.wg.Wait()
	if peak := max(s.peak, last); peak > s.base {
		return peak - s.base
	}
	return 0
}

func heapNow() uint64 {
	sample := []metrics.Sample{{Name: heapBytes}}
	metrics.Read(sample)
	return sample[0].Value.Uint64()
}

// PeakHeap runs fn after a collection and returns the most heap it held at
// once above what was held before.
func PeakHeap(fn func()) uint64 {
	runtime.GC()
	s := StartHeapSampler()
	fn()
	return s.Stop()
}

// PhonePhoto is a w×h JPEG (quality 90) of Photo as a phone writes it:
// stored landscape, with an EXIF block giving the orientation and a GPS
// position.
func PhonePhoto(w, h, orientation int) []byte {
	var b bytes.Buffer
	if err := jpeg.Encode(&b, Photo(w, h), &jpeg.Options{Quality: 90}); err != nil {
		panic(err) // writing to memory does not fail
	}
	return WithEXIF(b.Bytes(), GPSEXIF(orientation))
}
