package imaging

import (
	"image"
	"io"
)

// Upright is a photo decoded and turned as its EXIF orientation says: the
// pixels an artist sees and draws a cut-out on. A photo's stored width
// and height are its header's, before any turn; a cut-out's mask and its
// rectangle are in these upright pixels.
type Upright struct {
	Image image.Image
	// Orientation is the EXIF orientation that was applied, 1 to 8.
	Orientation int
}

// DecodeUpright decodes the photo in r (after the same header and
// pixel-limit checks as Verify) and turns it upright. Colour profiles are
// left alone: a cut-out and a palette work on the colours as stored, and
// only the large variants are converted for display.
func DecodeUpright(r io.ReadSeeker, limit int64) (Upright, error) {
	info, err := inspectWithin(r, limit)
	if err != nil {
		return Upright{}, err
	}
	meta, err := readMeta(r, info.Format)
	if err != nil {
		return Upright{}, err
	}
	if _, err := r.Seek(0, io.SeekStart); err != nil {
		return Upright{}, err
	}
	img, err := decode(r, info)
	if err != nil {
		return Upright{}, err
	}
	return Upright{Image: upright(img, meta.orientation), Orientation: meta.orientation}, nil
}

// UprightSize reads the photo's header and orientation, without decoding
// its pixels, and returns its size once turned upright: orientations 5 to
// 8 swap width and height.
func UprightSize(r io.ReadSeeker, limit int64) (w, h int, err error) {
	info, err := inspectWithin(r, limit)
	if err != nil {
		return 0, 0, err
	}
	meta, err := readMeta(r, info.Format)
	if err != nil {
		return 0, 0, err
	}
	if _, err := r.Seek(0, io.SeekStart); err != nil {
		return 0, 0, err
	}
	if meta.orientation >= 5 {
		return info.Height, info.Width, nil
	}
	return info.Width, info.Height, nil
}
