package imaging

import (
	"bytes"
	"fmt"
	"image"
	"image/draw"
	"io"
	"math/rand/v2"
	"testing"

	"atelier/internal/imaging/imagingtest"
)

// verifyByDecoding is Verify as it was before jpegscale: the structure
// walk, then image/jpeg's full decode.
func verifyByDecoding(r io.ReadSeeker, limit int64) (Info, error) {
	info, err := inspectWithin(r, limit)
	if err != nil {
		return Info{}, err
	}
	if err := copyJPEG(r, io.Discard, nil); err != nil {
		return Info{}, err
	}
	if _, err := r.Seek(0, io.SeekStart); err != nil {
		return Info{}, err
	}
	if _, err := decode(r, info); err != nil {
		return Info{}, err
	}
	return info, nil
}

// TestVerifyJPEGAsBefore: checking a JPEG without drawing it accepts and
// refuses exactly what the full decode did, with the same messages, on
// whole, cut and damaged files.
func TestVerifyJPEGAsBefore(t *testing.T) {
	photo := imagingtest.Photo(40, 24)
	files := map[string][]byte{
		"colour":  imagingtest.JPEG(t, photo, 80),
		"exif":    imagingtest.WithEXIF(imagingtest.JPEG(t, photo, 95), imagingtest.GPSEXIF(6)),
		"gray":    imagingtest.JPEG(t, grayImage(photo), 60),
		"quality": imagingtest.JPEG(t, photo, 100),
	}
	r := rand.New(rand.NewPCG(1, 2))
	for name, data := range files {
		same(t, name, data)
		for cut := 0; cut < len(data); cut += 7 {
			same(t, fmt.Sprintf("%s cut at %d", name, cut), data[:cut])
		}
		for i := range len(data) {
			bad := bytes.Clone(data)
			bad[i] = byte(r.IntN(256))
			same(t, fmt.Sprintf("%s byte %d = %#x", name, i, bad[i]), bad)
		}
	}
}

func same(t *testing.T, name string, data []byte) {
	t.Helper()
	info, err := Verify(bytes.NewReader(data), 0)
	wantInfo, wantErr := verifyByDecoding(bytes.NewReader(data), 0)
	if fmt.Sprint(err) != fmt.Sprint(wantErr) || info != wantInfo {
		t.Fatalf("%s: Verify says %v, %v; the full decode %v, %v", name, info, err, wantInfo, wantErr)
	}
}

func grayImage(m image.Image) *image.Gray {
	g := image.NewGray(m.Bounds())
	draw.Draw(g, g.Rect, m, m.Bounds().Min, draw.Src)
	return g
}
