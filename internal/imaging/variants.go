package imaging

import (
	"bufio"
	"bytes"
	"cmp"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"slices"

	"github.com/kovidgoyal/imaging"
	"github.com/kovidgoyal/imaging/prism/meta/icc"

	"atelier/internal/imaging/jpegscale"
)

// The long sides, in pixels, of the images the studio shows for a photo:
// a large view, a card and a thumbnail.
const (
	SizeLarge  = 1600
	SizeMedium = 400
	SizeSmall  = 160
)

// VariantSizes lists the sizes every photo is shown in.

// variantQuality is the JPEG quality of the variants: no visible loss at
// the sizes they are shown, a fraction of the original's bytes.
const variantQuality = 85

// Variant is one image derived from a photo: a JPEG that holds no
// metadata at all, drawn upright and in sRGB.
type Variant struct {
	// Size is the long side that was asked for.
	Size int
	// Width and Height are what came out: the long side is Size, or the
	// original's when that is smaller (nothing is enlarged).
	Width, Height int
	JPEG          []byte
}

// Variants decodes the photo in r (after the same header and pixel-limit
// checks as Verify) and draws it at each of sizes on its long side. It
// returns the variants in the order of sizes.
//
// Only the largest variant is drawn from the original; each smaller one is
// drawn from the next larger, and orientation, colour profile and
// transparency are applied to the largest, never to the full-size image:
// the decoded original (1.5 bytes a pixel for a usual JPEG) is the one big
// allocation, and nothing else of its size is made.
func Variants(r io.ReadSeeker, limit int64, sizes []int) ([]Variant, error) {
	if len(sizes) == 0 || slices.ContainsFunc(sizes, func(s int) bool { return s <= 0 }) {
		return nil, errors.New("imaging: variant sizes must be positive")
	}
	info, err := inspectWithin(r, limit)
	if err != nil {
		return nil, err
	}
	meta, err := readMeta(r, info.Format)
	if err != nil {
		return nil, err
	}
	if _, err := r.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	img, err := decodeAtLeast(r, info, slices.Max(sizes))
	if err != nil {
		return nil, err
	}
	return drawVariants(img, image.Pt(info.Width, info.Height), meta, sizes, shrinkAndResize)
}

// decodeAtLeast decodes the image whose header Inspect read as info, at
// half its size when it is a 4:2:0 JPEG (the layout of every phone photo)
// that is still at least long on its long side once halved. Halved means
// jpegscale.DecodeHalf444: the luma through the 4×4 reduced IDCT, the
// chroma at full scale, where it already has one sample per 2×2 pixels, so
// the result is a 4:4:4 image with every colour detail of the original, as
// libjpeg decodes at scale 1/2. The Lanczos filter then runs on a quarter
// of the pixels, and no full-size luma is ever drawn. Reducing the chroma
// too (jpegscale.Decode at scale 2) leaves fewer colour samples than a
// 4000 → 1600 px variant has pixels: the coloured edges of
// imagingtest.ScenePhoto fell to 38.7 dB PSNR from the variants drawn at
// full scale; with the chroma kept they stay above 40.
//
// Only an even width and height are halved: an odd one would halve to
// ceil(w/2), its last column standing for one pixel of the original rather
// than two, which the filter cannot know, and ScenePhoto(3001, 2001) fell
// to 39.8 dB at 160 px. Odd sizes are rare (cameras write multiples of 8
// or 16), and they are decoded at full size as before.
//
// Anything else, and any file DecodeHalf444 refuses, is decoded at full
// size (decodeFull), so that a file is accepted or refused exactly as
// before; a 4:2:0 image of even size that comes out of that (a progressive
// JPEG from image/jpeg, a lossy WebP) is then halved the same way, its
// luma averaged over 2×2 (halve420).
func decodeAtLeast(r io.ReadSeeker, info Info, long int) (image.Image, error) {
	halve := dctScale(max(info.Width, info.Height), long) >= 2
	if halve && info.Format == JPEG && info.Width%2 == 0 && info.Height%2 == 0 {
		half, err := jpegscale.DecodeHalf444(bufio.NewReaderSize(r, 64<<10))
		if err == nil && half.Bounds() == image.Rect(0, 0, info.Width/2, info.Height/2) {
			return half, nil
		}
		if _, err := r.Seek(0, io.SeekStart); err != nil {
			return nil, err
		}
	}
	img, err := decodeFull(r, info)
	if err != nil {
		return nil, err
	}
	if m, ok := img.(*image.YCbCr); ok && halve {
		if half := halve420(m); half != nil {
			return half, nil
		}
	}
	return img, nil
}

// decodeFull decodes at full size: with jpegscale where it can (the same
// pixels as image/jpeg within rounding, fuzzed against it) and with
// image/jpeg for what jpegscale does not decode (progressive files) or
// refuses.
func decodeFull(r io.ReadSeeker, info Info) (image.Image, error) {
	if info.Format == JPEG {
		img, err := jpegscale.Decode(bufio.NewReaderSize(r, 64<<10), 1)
		if err == nil && img.Bounds() == (image.Rectangle{Max: image.Pt(info.Width, info.Height)}) {
			return img, nil
		}
		if _, err := r.Seek(0, io.SeekStart); err != nil {
			return nil, err
		}
	}
	return decode(r, info)
}

// halve420 is m, a 4:2:0 image of even size, at half its size in 4:4:4,
// sharing m's chroma planes; nil for any other image. It is what
// DecodeHalf444 draws, for the images that come from image/jpeg.
func halve420(m *image.YCbCr) *image.YCbCr {
	w, h := m.Rect.Dx(), m.Rect.Dy()
	if m.SubsampleRatio != image.YCbCrSubsampleRatio420 || m.Rect.Min != (image.Point{}) || w%2 != 0 || h%2 != 0 {
		return nil
	}
	out := &image.YCbCr{
		Y: make([]byte, w/2*h/2), YStride: w / 2,
		Cb: m.Cb, Cr: m.Cr, CStride: m.CStride,
		SubsampleRatio: image.YCbCrSubsampleRatio444,
		Rect:           image.Rect(0, 0, w/2, h/2),
	}
	shrinkPlane(out.Y, out.YStride, m.Y, m.YStride, w, h, 1, 2)
	return out
}

// dctScale is the largest of 8, 4 and 2 that keeps a long side of src at
// least long once divided (rounded up), or 1: the scale libjpeg would
// decode at.
func dctScale(src, long int) int {
	for _, s := range []int{8, 4, 2} {
		if ceilDiv(src, s) >= long {
			return s
		}
	}
	return 1
}

// drawVariants draws img, an image of the original of size full (which
// it is, or less when it was decoded at reduced scale), at each of sizes
// with scale (a parameter so that the tests can draw the same variants
// the way they were drawn before).
func drawVariants(img image.Image, full image.Point, meta photoMeta, sizes []int, scale func(img image.Image, w, h int) image.Image) ([]Variant, error) {
	// Largest first, so that each is drawn from the one before.
	order := make([]int, len(sizes))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(sizes[b], sizes[a]) })
	out := make([]Variant, len(sizes))
	src := img
	for k, i := range order {
		// The first is sized from the original's size, so that a reduced
		// decode's rounding changes no variant's size.
		from := src.Bounds().Size()
		if k == 0 {
			from = full
		}
		m := src
		if w, h, ok := fitSize(from, sizes[i]); ok {
			m = scale(src, w, h)
		}
		if k == 0 {
			m = toSRGB(flatten(upright(m, meta.orientation)), meta.icc)
		}
		data, err := encodeJPEG(m)
		if err != nil {
			return nil, err
		}
		b := m.Bounds()
		out[i] = Variant{Size: sizes[i], Width: b.Dx(), Height: b.Dy(), JPEG: data}
		src = m
	}
	return out, nil
}

// fit scales img so that its long side is long, keeping its proportions;
// an image that fits already is returned as it is.
func fit(img image.Image, long int) image.Image {
	w, h, ok := fitSize(img.Bounds().Size(), long)
	if !ok {
		return img
	}
	return shrinkAndResize(img, w, h)
}

// shrinkAndResize scales img to w×h. An image eight times too large or
// more is first box-shrunk by an integer factor to about four times the
// size (libvips does the same, to twice): averaging k×k pixels costs a few
// additions each, where the Lanczos filter's cost grows with the ratio it
// spans; the filter then does the last quarter or less, so the result
// looks as it did without the shrink (PSNR ≥ 40 dB,
// variants_psnr_test.go).
func shrinkAndResize(img image.Image, w, h int) image.Image {
	if k := shrinkFactor(img.Bounds().Dx(), img.Bounds().Dy(), max(w, h)); k > 1 {
		if small := boxShrink(img, k); small != nil {
			img = small
		}
	}
	return resize(img, w, h)
}

// fitSize is the size an image of size src has once its long side is
// long, keeping its proportions: rounded, and never below one pixel for a
// very narrow image. ok is false for an image that fits already (nothing
// is enlarged).
func fitSize(src image.Point, long int) (w, h int, ok bool) {
	w, h = src.X, src.Y
	if max(w, h) <= long {
		return w, h, false
	}
	if w >= h {
		return long, max(1, (h*long+w/2)/w), true
	}
	return max(1, (w*long+h/2)/h), long, true
}

// resize scales img with a Lanczos filter in the library's two passes, one
// at a time. The first (horizontal) pass of an opaque image runs on three
// bytes a pixel, which keeps the intermediate image, the largest made
// after decoding, small. The second runs on the library's alpha path
// because its three-byte path reads its own intermediate pixel by pixel
// through image.Image.At (an allocation each). On a 12-megapixel photo
// this takes 400 ms and 39 MB of peak heap for the three variants, where
// the three-byte path throughout took 700 ms and 44 MB and the alpha path
// throughout 480 ms and 43 MB (docs/benchmarks.md).
func resize(img image.Image, w, h int) image.Image {
	if imaging.IsOpaque(img) && img.Bounds().Dx() != w {
		img = imaging.ResizeWithOpacity(img, w, img.Bounds().Dy(), imaging.Lanczos, true)
	}
	return imaging.Resize(img, w, h, imaging.Lanczos)
}

// upright turns img as its EXIF orientation says (the library names its
// rotations counter-clockwise: orientation 6 needs 90° clockwise).
func upright(img image.Image, orientation int) image.Image {
	switch orientation {
	case 2:
		return imaging.FlipH(img)
	case 3:
		return imaging.Rotate180(img)
	case 4:
		return imaging.FlipV(img)
	case 5:
		return imaging.Transpose(img)
	case 6:
		return imaging.Rotate270(img)
	case 7:
		return imaging.Transverse(img)
	case 8:
		return imaging.Rotate90(img)
	}
	return img
}

// flatten puts a transparent image on white: JPEG has no transparency,
// and white is what a page shows behind it.
func flatten(img image.Image) image.Image {
	if imaging.IsOpaque(img) {
		return img
	}
	return imaging.PasteOntoBackground(img, color.White)
}

// toSRGB converts img from the colour space of its ICC profile to sRGB,
// which is what a JPEG without a profile is taken to be (phones shoot in
// Display P3). A profile that cannot be used leaves the colours as they
// are: slightly off is better than no thumbnail.
func toSRGB(img image.Image, profile []byte) (out image.Image) {
	if len(profile) == 0 {
		return img
	}
	// The profile parser and its transforms are a library's code run on an
	// uploaded file; a panic there costs the colour correction only.
	defer func() {
		if recover() != nil {
			out = img
		}
	}()
	p, err := icc.NewProfileReader(bytes.NewReader(profile)).ReadProfile()
	if err != nil || p.Header.DataColorSpace != icc.ColorSpaceRGB {
		return img
	}
	converted, err := imaging.ConvertToSRGB(p, imaging.Relative, true, img)
	if err != nil {
		return img
	}
	return converted
}

// encodeJPEG writes img at variantQuality. The standard encoder is fast
// for *image.RGBA (and YCbCr, Gray) only and reads anything else pixel by
// pixel through color.Color, so the library's images are handed over as
// RGBA: an opaque NRGBA is one already, byte for byte.
func encodeJPEG(img image.Image) ([]byte, error) {
	switch m := img.(type) {
	case *imaging.NRGB:
		img = nrgbToRGBA(m)
	case *image.NRGBA:
		if m.Opaque() {
			img = &image.RGBA{Pix: m.Pix, Stride: m.Stride, Rect: m.Rect}
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: variantQuality}); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// nrgbToRGBA copies an opaque three-byte image into RGBA, whose alpha is
// then 255 everywhere (and premultiplied RGB equals straight RGB).
func nrgbToRGBA(n *imaging.NRGB) *image.RGBA {
	b := n.Bounds()
	out := image.NewRGBA(b)
	for y := range b.Dy() {
		src := n.Pix[y*n.Stride : y*n.Stride+3*b.Dx()]
		dst := out.Pix[y*out.Stride : y*out.Stride+4*b.Dx()]
		for x := range b.Dx() {
			copy(dst[4*x:4*x+3], src[3*x:3*x+3])
			dst[4*x+3] = 0xFF
		}
	}
	return out
}
