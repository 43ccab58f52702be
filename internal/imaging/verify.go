package imaging

import (
	"bufio"
	"image"
	"image/jpeg"
	"image/png"
	"io"

	"golang.org/x/image/webp"

	"atelier/internal/imaging/jpegscale"
	"atelier/internal/studio"
)

// Verify checks that r holds one complete image of an accepted type within
// limit pixels (≤ 0: studio.DefaultPixelLimit): it inspects the header,
// refuses an image over the limit before decoding anything, then reads
// the whole image as a decoder must, so that a truncated or corrupt file is
// refused at upload rather than failing later in a background job. A JPEG
// must also end with its EOI marker, which the decoder alone does not
// insist on. r is read from its start.
//
// A JPEG's pixels are not drawn: jpegscale.Check reads every coefficient
// of every block as a decoder must, which is all a damaged file can fail
// on, in a fraction of the time, baseline or progressive (for which it
// keeps one bit a coefficient, not the coefficients). It accepts only files
// image/jpeg accepts (its fuzz test holds it to that), so its yes is final;
// its no is not, as it leaves some files to image/jpeg (CMYK, 12-bit,
// oddities), and then the full decode decides, with the messages it always
// gave. PNG and WebP are decoded in full.
func Verify(r io.ReadSeeker, limit int64) (Info, error) {
	info, err := inspectWithin(r, limit)
	if err != nil {
		return Info{}, err
	}
	if info.Format == JPEG {
		if err := copyJPEG(r, io.Discard, nil); err != nil {
			return Info{}, err
		}
		ok, err := checkJPEG(r, info)
		if ok || err != nil {
			return info, err
		}
	}
	if _, err := decode(r, info); err != nil {
		return Info{}, err
	}
	return info, nil
}

// checkJPEG reads the JPEG in r from its start with jpegscale.Check and
// reports whether that accepts it at the size Inspect read; r is rewound
// for the full decode when it does not. Only a failure to read is an
// error.
func checkJPEG(r io.ReadSeeker, info Info) (bool, error) {
	if _, err := r.Seek(0, io.SeekStart); err != nil {
		return false, err
	}
	w := &watched{r: r}
	cfg, err := jpegscale.Check(w)
	if w.err != nil {
		return false, w.err
	}
	if err == nil && cfg.Width == info.Width && cfg.Height == info.Height {
		return true, nil
	}
	_, err = r.Seek(0, io.SeekStart)
	return false, err
}

// InspectWithin reads the image's header from r's start, without decoding
// it, and refuses it above limit pixels; r is rewound.
func InspectWithin(r io.ReadSeeker, limit int64) (Info, error) { return inspectWithin(r, limit) }

// inspectWithin inspects r from its start, checks the pixel limit and
// rewinds r for the decoder.
func inspectWithin(r io.ReadSeeker, limit int64) (Info, error) {
	if _, err := r.Seek(0, io.SeekStart); err != nil {
		return Info{}, err
	}
	info, err := Inspect(r)
	if err != nil {
		return Info{}, err
	}
	if err := CheckPixels(info, limit); err != nil {
		return Info{}, err
	}
	_, err = r.Seek(0, io.SeekStart)
	return info, err
}

// decode decodes the image whose header Inspect read as info. The
// standard decoders are used rather than a registry, so that the format
// Inspect decided is the one decoded, and no animation is decoded frame
// by frame (APNG decodes as its first frame; animated WebP is refused).
func decode(r io.Reader, info Info) (image.Image, error) {
	w := &watched{r: r}
	br := bufio.NewReaderSize(w, 64<<10)
	var img image.Image
	var err error
	switch info.Format {
	case JPEG:
		img, err = jpeg.Decode(br)
	case PNG:
		img, err = png.Decode(br)
	default:
		img, err = webp.Decode(br)
	}
	if err != nil {
		return nil, contentError(w, info.Format, err, "data")
	}
	if b := img.Bounds(); b.Dx() != info.Width || b.Dy() != info.Height {
		return nil, studio.Errorf(studio.Invalid, "The %s image's data does not match the size its header claims.", name(info.Format))
	}
	return img, nil
}
