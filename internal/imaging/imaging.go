// Package imaging checks uploaded photos and derives the images the studio
// shows from them. Every function here treats its input as hostile: the
// type is decided by content, the size is read from the header and checked
// against the pixel limit before a single pixel is decoded, and everything
// the studio serves is re-encoded so that no metadata (location, camera)
// survives. The package is pure: no SQL, no HTTP, no clock.
package imaging

import (
	"bufio"
	"bytes"
	"errors"
	"image"
	"image/jpeg"
	"image/png"
	"io"
	"strconv"

	"golang.org/x/image/webp"

	"atelier/internal/studio"
)

// The formats an upload may have.
const (
	JPEG = "jpeg"
	PNG  = "png"
	WebP = "webp"
)

// Info is what the header of an image tells.
type Info struct {
	// Format is JPEG, PNG or WebP, decided by the file's first bytes.
	Format        string
	Width, Height int
}

// Pixels is Width × Height, without overflow.
func (i Info) Pixels() int64 { return int64(i.Width) * int64(i.Height) }

// ContentType is the MIME type of the format.
func (i Info) ContentType() string { return "image/" + i.Format }

// sniffLen is how many leading bytes decide the type: enough for the
// longest signature below (an ISO-BMFF brand at offset 8).
const sniffLen = 12

// sniff names the accepted format whose signature head starts with, or "".
func sniff(head []byte) string {
	switch {
	case bytes.HasPrefix(head, []byte{0xFF, 0xD8, 0xFF}):
		return JPEG
	case bytes.HasPrefix(head, []byte("\x89PNG\r\n\x1a\n")):
		return PNG
	case len(head) >= 12 && string(head[:4]) == "RIFF" && string(head[8:12]) == "WEBP":
		return WebP
	}
	return ""
}

// refusedKinds names image types people often send that are not accepted,
// so that the refusal can say what the file is. HEIC is an iPhone's default.
var refusedKinds = []struct {
	match func(head []byte) bool
	name  string
}{
	{func(h []byte) bool { return bytes.HasPrefix(h, []byte("GIF8")) }, "a GIF image"},
	{func(h []byte) bool { // "BM", the file size, then four reserved zero bytes
		return len(h) >= 10 && bytes.HasPrefix(h, []byte("BM")) && bytes.Equal(h[6:10], []byte{0, 0, 0, 0})
	}, "a BMP image"},
	{func(h []byte) bool {
		return bytes.HasPrefix(h, []byte("II*\x00")) || bytes.HasPrefix(h, []byte("MM\x00*"))
	}, "a TIFF image"},
	{func(h []byte) bool { return len(h) >= 12 && string(h[4:8]) == "ftyp" && isHEIF(string(h[8:12])) }, "a HEIC/HEIF photo"},
	{func(h []byte) bool { return len(h) >= 12 && string(h[4:8]) == "ftyp" && string(h[8:12]) == "avif" }, "an AVIF image"},
	{func(h []byte) bool { return bytes.HasPrefix(h, []byte("%PDF")) }, "a PDF document"},
}

func isHEIF(brand string) bool {
	switch brand {
	case "heic", "heix", "heim", "heis", "hevc", "hevx", "mif1", "msf1":
		return true
	}
	return false
}

// notAccepted is the refusal of content that is not an accepted image,
// naming what it is when that is known.
func notAccepted(head []byte) error {
	if len(head) == 0 {
		return studio.Errorf(studio.Invalid, "The file is empty.")
	}
	for _, k := range refusedKinds {
		if k.match(head) {
			return studio.Errorf(studio.Invalid, "The file is %s; only JPEG, PNG and WebP images are accepted.", k.name)
		}
	}
	return studio.Errorf(studio.Invalid, "The file is not a JPEG, PNG or WebP image, whatever its name says.")
}

// Inspect reads the type and the size of the image in r from its header
// alone. Nothing is allocated for pixels, so it is safe on any input; call
// CheckPixels with the result before decoding.
func Inspect(r io.Reader) (Info, error) {
	w := &watched{r: r}
	br := bufio.NewReader(w)
	head, _ := br.Peek(sniffLen)
	if w.err != nil {
		return Info{}, w.err
	}
	info := Info{Format: sniff(head)}
	if info.Format == "" {
		return Info{}, notAccepted(head)
	}
	cfg, err := decodeConfig(info.Format, br)
	if err != nil {
		return Info{}, contentError(w, info.Format, err, "header")
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return Info{}, studio.Errorf(studio.Invalid, "The %s image claims a size of %d × %d pixels, which no image has.", name(info.Format), cfg.Width, cfg.Height)
	}
	info.Width, info.Height = cfg.Width, cfg.Height
	return info, nil
}

func decodeConfig(format string, r io.Reader) (image.Config, error) {
	switch format {
	case JPEG:
		return jpeg.DecodeConfig(r)
	case PNG:
		return png.DecodeConfig(r)
	default:
		return webp.DecodeConfig(r)
	}
}

// watched remembers the first failure of the reader underneath a decoder,
// so that a decoder's error can be told apart from a broken disk or bucket:
// the first is the uploader's to fix, the second is ours.
type watched struct {
	r   io.Reader
	err error
}

func (w *watched) Read(p []byte) (int, error) {
	n, err := w.r.Read(p)
	if err != nil && err != io.EOF && w.err == nil {
		w.err = err
	}
	return n, err
}

// contentError turns a decoder's failure on what w delivered into the
// message the uploader sees; a failure of w itself stays internal.
func contentError(w *watched, format string, err error, part string) error {
	if w.err != nil {
		return w.err
	}
	if _, ok := errors.AsType[*studio.Error](err); ok {
		return err
	}
	return studio.Errorf(studio.Invalid, "The %s image's %s is damaged or incomplete; please send the original file again.", name(format), part)
}

// name is how a format is written in messages.
func name(format string) string {
	switch format {
	case JPEG:
		return "JPEG"
	case PNG:
		return "PNG"
	}
	return "WebP"
}

// CheckPixels refuses an image larger than limit pixels (width × height),
// the studio's setting; limit ≤ 0 means studio.DefaultPixelLimit. It looks
// at the header's numbers only: call it before anything is decoded, since
// decoding allocates 4 bytes per pixel and more.
func CheckPixels(info Info, limit int64) error {
	if limit <= 0 {
		limit = studio.DefaultPixelLimit
	}
	if info.Pixels() <= limit {
		return nil
	}
	return studio.Errorf(studio.Invalid, "The image is %d × %d pixels (%s megapixels); this studio accepts at most %s megapixels. Please send a smaller version.",
		info.Width, info.Height, megapixels(info.Pixels()), megapixels(limit))
}

// megapixels writes n pixels as megapixels with at most one decimal.
func megapixels(n int64) string {
	tenths := (n + 50_000) / 100_000
	s := strconv.FormatInt(tenths/10, 10)
	if d := tenths % 10; d != 0 {
		s += "." + strconv.FormatInt(d, 10)
	}
	return s
}
