// Package jpegscale decodes baseline JPEG files quickly, optionally at 1/2,
// 1/4 or 1/8 of their size by scaling inside the inverse DCT as libjpeg
// does, and checks a whole file without drawing it.
//
// It exists because the standard image/jpeg decodes every pixel at full size:
// checking an upload and drawing its small variants cost far more than the
// data requires. Only what phones and cameras write is handled here —
// sequential Huffman-coded JPEG with 8-bit samples, gray or YCbCr — and
// everything else is ErrUnsupported, for the caller to hand to image/jpeg.
//
// Acceptance follows image/jpeg: a file it refuses is never accepted here.
// Where image/jpeg accepts oddities that no encoder writes (Huffman symbols
// that only make sense in progressive files, coefficients larger than 8-bit
// samples can produce), this package answers ErrUnsupported rather than
// imitate them.
package jpegscale

import (
	"errors"
	"image"
	"image/color"
	"io"
)

// ErrUnsupported: the file is a JPEG this package does not decode (progressive, arithmetic, CMYK...); use image/jpeg.
var ErrUnsupported = errors.New("jpegscale: unsupported JPEG")

// maxPixels bounds what Decode allocates whatever a header claims: a
// hostile 65535×65535 header must not make it reserve 12 GB. Callers check
// their own, smaller, limit first.
const maxPixels = 1 << 28

// Decode decodes the JPEG in r at 1/scale of its size (scale 1, 2, 4 or 8), with libjpeg's DCT scaling:
// the output is ceil(w/scale) x ceil(h/scale); a 3-component image is an *image.YCbCr with the
// source's subsample ratio, a gray one an *image.Gray.
func Decode(r io.Reader, scale int) (image.Image, error) {
	n := 0
	switch scale {
	case 1, 2, 4, 8:
		n = 8 / scale
	default:
		return nil, errors.New("jpegscale: scale must be 1, 2, 4 or 8")
	}
	d := newDecoder(r)
	defer d.release()
	d.out = n
	if err := d.run(); err != nil {
		return nil, err
	}
	w, h := (d.width+scale-1)/scale, (d.height+scale-1)/scale
	if d.gray != nil {
		return d.gray.SubImage(image.Rect(0, 0, w, h)), nil
	}
	return d.ycc.SubImage(image.Rect(0, 0, w, h)), nil
}

// DecodeHalf444 decodes a 4:2:0 JPEG at half its size in 4:4:4: the luma with the 4×4 reduced IDCT
// (as Decode at scale 2) and the chroma with the full 8×8 IDCT, so that every chroma sample of the file is kept.
// The result is ceil(w/2) x ceil(h/2). A file that is not 4:2:0 YCbCr is ErrUnsupported (so is all Decode refuses).
//
// It is what a thumbnailer wants from a phone's photo: halving the luma
// costs little in the IDCT, while halving the already half-sized chroma
// again would blur the colours.
func DecodeHalf444(r io.Reader) (*image.YCbCr, error) {
	d := newDecoder(r)
	defer d.release()
	d.out, d.half444 = 4, true
	if err := d.run(); err != nil {
		return nil, err
	}
	if d.ycc == nil {
		return nil, ErrUnsupported // never reached: makeHalf444 refuses gray
	}
	w, h := (d.width+1)/2, (d.height+1)/2
	return d.ycc.SubImage(image.Rect(0, 0, w, h)).(*image.YCbCr), nil
}

// Check reads the whole file as Decode would — every marker, every Huffman-coded coefficient of every block
// up to EOI — without drawing any pixel, and returns its size. A truncated or corrupt file is an error.
func Check(r io.Reader) (image.Config, error) {
	d := newDecoder(r)
	defer d.release()
	if err := d.run(); err != nil {
		return image.Config{}, err
	}
	model := color.YCbCrModel
	if d.nComp == 1 {
		model = color.GrayModel
	}
	return image.Config{ColorModel: model, Width: d.width, Height: d.height}, nil
}

// formatError is a damaged file; the text says where, for logs.
type formatError string

func (e formatError) Error() string { return "jpegscale: invalid JPEG: " + string(e) }
