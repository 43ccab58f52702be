package imaging

import (
	"bytes"
	"encoding/binary"
	"io"
	"testing"

	"atelier/internal/imaging/imagingtest"
	"atelier/internal/studio"
)

func TestEXIFOrientation(t *testing.T) {
	// ifd0 is a one-entry IFD0 at offset 8 in the given byte order.
	ifd0 := func(order binary.AppendByteOrder, magic string, tag, typ uint16, value uint16) []byte {
		b := append([]byte(magic), order.AppendUint32(nil, 8)...)
		b = order.AppendUint16(b, 1)
		b = order.AppendUint16(order.AppendUint16(b, tag), typ)
		b = order.AppendUint32(b, 1)
		b = order.AppendUint16(order.AppendUint16(b, value), 0)
		return order.AppendUint32(b, 0)
	}
	be, le := binary.BigEndian, binary.LittleEndian
	tests := []struct {
		name string
		exif []byte
		want int
	}{
		{"phone, little-endian, with GPS", imagingtest.GPSEXIF(6), 6},
		{"after the JPEG header", append([]byte(exifHeader), imagingtest.GPSEXIF(8)...), 8},
		{"big-endian", ifd0(be, "MM\x00*", tagOrientation, 3, 3), 3},
		{"our own", orientationOnlyEXIF(7), 7},
		{"no orientation tag", ifd0(le, "II*\x00", 0x010F, 3, 6), 1},
		{"orientation of the wrong type", ifd0(le, "II*\x00", tagOrientation, 4, 6), 1},
		{"out of range", ifd0(le, "II*\x00", tagOrientation, 3, 9), 1},
		{"zero", ifd0(le, "II*\x00", tagOrientation, 3, 0), 1},
		{"not TIFF", []byte("XX*\x00\x08\x00\x00\x00"), 1},
		{"IFD beyond the end", []byte("II*\x00\xff\xff\xff\xff"), 1},
		{"more entries than bytes", append([]byte("II*\x00\x08\x00\x00\x00"), 0xff, 0xff, 1, 2), 1},
		{"cut in an entry", ifd0(le, "II*\x00", tagOrientation, 3, 6)[:16], 1},
		{"empty", nil, 1},
	}
	for _, tt := range tests {
		if got := exifOrientation(tt.exif); got != tt.want {
			t.Errorf("%s: orientation %d, want %d", tt.name, got, tt.want)
		}
	}
}

func TestToSRGBIgnoresBrokenProfiles(t *testing.T) {
	img := imagingtest.Quadrants(8, 8)
	for _, profile := range [][]byte{nil, []byte("not a profile"), bytes.Repeat([]byte{0xFF}, 200)} {
		if out := toSRGB(img, profile); out != img {
			t.Errorf("a broken profile changed the image")
		}
	}
}

// FuzzUpload feeds arbitrary bytes through everything an upload meets. On
// an in-memory reader nothing can fail but the content, so every error
// must be Invalid, never a panic or an internal error.
func FuzzUpload(f *testing.F) {
	photo := imagingtest.Photo(24, 16)
	jpg := imagingtest.JPEG(f, photo, 80)
	f.Add(jpg)
	f.Add(imagingtest.WithEXIF(jpg, imagingtest.GPSEXIF(6)))
	f.Add(imagingtest.PNG(f, photo))
	f.Add(imagingtest.WithPNGChunks(imagingtest.PNG(f, photo), imagingtest.PNGChunk("eXIf", imagingtest.GPSEXIF(3))))
	f.Add(imagingtest.HugePNG(20000, 20000))
	f.Add([]byte("RIFF\x1a\x00\x00\x00WEBPVP8X\x0a\x00\x00\x00\x08\x00\x00\x00\x00\x00\x00\x00\x00\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		invalidOrNil := func(what string, err error) {
			if err != nil && studio.ErrorCode(err) != studio.Invalid {
				t.Fatalf("%s: %v", what, err)
			}
		}
		info, err := Inspect(bytes.NewReader(data))
		invalidOrNil("Inspect", err)
		_, err = Verify(bytes.NewReader(data), 1_000_000)
		invalidOrNil("Verify", err)
		if info.Format != "" {
			invalidOrNil("StripMetadata", StripMetadata(bytes.NewReader(data), io.Discard, info.Format))
		}
		_, err = Variants(bytes.NewReader(data), 1_000_000, []int{64, 16})
		invalidOrNil("Variants", err)
	})
}
