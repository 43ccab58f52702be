package imaging

import (
	"image"

	"github.com/kovidgoyal/imaging"
	"github.com/kovidgoyal/imaging/nrgb"
)

// shrinkFactor is the integer factor by which an image whose long side is
// src can be box-shrunk before it is resampled to long: the largest that
// keeps it at least twice long, so that the Lanczos filter still has the
// last halving or more to do and the result looks as if it had done all of
// it. 1 means no shrink (a factor below 2 saves nothing).
func shrinkFactor(src, long int) int {
	if k := src / (2 * long); k >= 2 {
		return k
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
		out := image.NewYCbCr(image.Rect(0, 0, ow, oh), m.SubsampleRatio)
		shrinkPlane(out.Y, out.YStride, m.Y, m.YStride, w, h, 1, k)
		cw, ch := chromaSize(m)
		if ocw, och := chromaSize(out); ceilDiv(cw, k) != ocw || ceilDiv(ch, k) != och {
			return nil // cannot happen for the ratios image.YCbCr knows; resample instead if it does
		}
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
