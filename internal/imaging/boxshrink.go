package imaging

import (
	"image"

	"github.com/kovidgoyal/imaging"
	"github.com/kovidgoyal/imaging/nrgb"
)

// shrinkGap is the least ratio left to the Lanczos filter after a box
// shrink. libvips leaves 2; on imagingtest.ScenePhoto (fine strokes and
// stripes) that put variants at 39 dB PSNR from the pure-Lanczos ones, 3
// still left one at 39.7 dB, 4 keeps every size of 100 px or more above
// 40 dB (variants_psnr_test.go). The box filter dims what is just below
// the target's resolution a little; the larger the ratio left to the
// filter, the less of that shows.
const shrinkGap = 4

// shrinkFactor is the integer factor by which a w×h image can be
// box-shrunk before it is resampled to long on its long side: the largest
// that leaves the Lanczos filter a ratio of shrinkGap or more and divides
// both sides, since a partial block at an edge shifts the image by a
// fraction of a pixel, which showed as a 1 dB loss. 1 means no shrink.
func shrinkFactor(w, h, long int) int {
	for k := max(w, h) / (shrinkGap * long); k >= 2; k-- {
		if w%k == 0 && h%k == 0 {
			return k
		}
	}
	return 1
}

// boxShrink reduces img by k in both directions, each pixel the mean of a
// k×k block (of fewer pixels at the right and bottom edges, so that the
// result is ⌈w/k⌉×⌈h/k⌉ and no column is lost). It works on the bytes of
// the pixel layouts the decoders and the resizer produce: a YCbCr image
// plane by plane, in its own subsampling, without converting to RGB. For
// any other image (a transparent one, 16-bit, paletted) it returns nil,
// and the caller resamples the original.
func boxShrink(img image.Image, k int) image.Image {
	b := img.Bounds()
	if b.Min != (image.Point{}) {
		return nil // the decoders' images start at the origin; keep the chroma arithmetic simple
	}
	w, h := b.Dx(), b.Dy()
	ow, oh := ceilDiv(w, k), ceilDiv(h, k)
	switch m := img.(type) {
	case *image.YCbCr:
		// Decided before anything is allocated or averaged.
		cw, ch := chromaSize(m)
		shrunk := &image.YCbCr{Rect: image.Rect(0, 0, ow, oh), SubsampleRatio: m.SubsampleRatio}
		if ocw, och := chromaSize(shrunk); cw%k != 0 || ch%k != 0 || cw/k != ocw || ch/k != och {
			return nil // a partial chroma block would shift the colours by a fraction of a pixel
		}
		out := image.NewYCbCr(shrunk.Rect, m.SubsampleRatio)
		shrinkPlane(out.Y, out.YStride, m.Y, m.YStride, w, h, 1, k)
		shrinkPlane(out.Cb, out.CStride, m.Cb, m.CStride, cw, ch, 1, k)
		shrinkPlane(out.Cr, out.CStride, m.Cr, m.CStride, cw, ch, 1, k)
		return out
	case *image.Gray:
		out := image.NewGray(image.Rect(0, 0, ow, oh))
		shrinkPlane(out.Pix, out.Stride, m.Pix, m.Stride, w, h, 1, k)
		return out
	case *image.RGBA: // premultiplied: the plain mean is exact
		out := image.NewRGBA(image.Rect(0, 0, ow, oh))
		shrinkPlane(out.Pix, out.Stride, m.Pix, m.Stride, w, h, 4, k)
		return out
	case *image.NRGBA:
		if !m.Opaque() {
			return nil // straight alpha would need weighting by alpha
		}
		out := image.NewNRGBA(image.Rect(0, 0, ow, oh))
		shrinkPlane(out.Pix, out.Stride, m.Pix, m.Stride, w, h, 4, k)
		return out
	case *imaging.NRGB:
		out := nrgb.NewNRGB(image.Rect(0, 0, ow, oh))
		shrinkPlane(out.Pix, out.Stride, m.Pix, m.Stride, w, h, 3, k)
		return out
	}
	return nil
}

// chromaSize is the width and height of m's Cb and Cr planes.
func chromaSize(m *image.YCbCr) (int, int) {
	w, h := m.Rect.Dx(), m.Rect.Dy()
	switch m.SubsampleRatio {
	case image.YCbCrSubsampleRatio422:
		return ceilDiv(w, 2), h
	case image.YCbCrSubsampleRatio420:
		return ceilDiv(w, 2), ceilDiv(h, 2)
	case image.YCbCrSubsampleRatio440:
		return w, ceilDiv(h, 2)
	case image.YCbCrSubsampleRatio411:
		return ceilDiv(w, 4), h
	case image.YCbCrSubsampleRatio410:
		return ceilDiv(w, 4), ceilDiv(h, 2)
	}
	return w, h
}

// shrinkPlane box-shrinks the w×h pixels of ch interleaved bytes each in
// src into dst, which holds ⌈w/k⌉×⌈h/k⌉ of them.
func shrinkPlane(dst []byte, dstStride int, src []byte, srcStride, w, h, ch, k int) {
	ow := ceilDiv(w, k)
	sums := make([]uint32, ow*ch)
	for oy := range ceilDiv(h, k) {
		clear(sums)
		y0, y1 := oy*k, min(oy*k+k, h)
		for y := y0; y < y1; y++ {
			addRow(sums, src[y*srcStride:y*srcStride+w*ch], ch, k)
		}
		row := dst[oy*dstStride : oy*dstStride+ow*ch]
		for ox := range ow {
			n := uint32((min(ox*k+k, w) - ox*k) * (y1 - y0))
			for c := range ch {
				row[ox*ch+c] = uint8((sums[ox*ch+c] + n/2) / n)
			}
		}
	}
}

// addRow adds each run of k pixels of row to its sum.
func addRow(sums []uint32, row []byte, ch, k int) {
	if ch == 1 {
		for ox := range sums {
			var s uint32
			for _, v := range row[ox*k : min(ox*k+k, len(row))] {
				s += uint32(v)
			}
			sums[ox] += s
		}
		return
	}
	for i, v := range row {
		px := i / ch
		sums[(px/k)*ch+i%ch] += uint32(v)
	}
}

func ceilDiv(a, b int) int { return (a + b - 1) / b }
