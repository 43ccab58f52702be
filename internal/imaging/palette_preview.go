package imaging

import (
	"image"
	"image/color"
)

// ReducePreview returns img with each pixel replaced by its nearest
// palette colour by ΔE00, at most maxSide px on the long side (no limit
// when maxSide ≤ 0): what the figure looks like painted in the palette.
// Each preview pixel stands for the mean of the photo's pixels under it,
// so sensor noise does not speckle the preview. Where a mask is given,
// pixels mostly outside the figure are left transparent.
func ReducePreview(img image.Image, mask *image.Gray, p Palette, maxSide int) *image.NRGBA {
	b := img.Bounds()
	w, h := previewSize(b.Dx(), b.Dy(), maxSide)
	out := image.NewNRGBA(image.Rect(0, 0, w, h))
	if w == 0 || h == 0 {
		return out
	}
	if mask != nil && mask.Bounds() != b {
		mask = nil
	}
	at := readerOf(img)
	labs := make([]Lab, len(p.Colours))
	rgbs := make([]color.NRGBA, len(p.Colours))
	for i, c := range p.Colours {
		labs[i], rgbs[i] = c.Lab, c.Lab.RGBA()
	}
	nearest := map[[3]uint8]color.NRGBA{} // a preview repeats few colours
	for oy := range h {
		y0, y1 := b.Min.Y+oy*b.Dy()/h, b.Min.Y+(oy+1)*b.Dy()/h
		for ox := range w {
			x0, x1 := b.Min.X+ox*b.Dx()/w, b.Min.X+(ox+1)*b.Dx()/w
			rgb, ok := boxMean(at, mask, x0, y0, x1, y1)
			if !ok {
				continue
			}
			c, seen := nearest[rgb]
			if !seen {
				c = color.NRGBA{R: rgb[0], G: rgb[1], B: rgb[2], A: 255}
				if len(labs) > 0 {
					j, _ := nearest00(labOf8(rgb[0], rgb[1], rgb[2]), labs)
					c = rgbs[j]
				}
				nearest[rgb] = c
			}
			out.SetNRGBA(ox, oy, c)
		}
	}
	return out
}

// previewSize scales w×h down so that the long side is at most maxSide.
func previewSize(w, h, maxSide int) (int, int) {
	long := max(w, h)
	if maxSide <= 0 || long <= maxSide {
		return w, h
	}
	return max(1, (w*maxSide+long/2)/long), max(1, (h*maxSide+long/2)/long)
}

// boxMean is the mean colour of the figure's pixels in [x0,x1)×[y0,y1),
// and whether at least half of the box is figure.
func boxMean(at rgbReader, mask *image.Gray, x0, y0, x1, y1 int) ([3]uint8, bool) {
	var sum [3]int
	in, all := 0, 0
	for y := y0; y < y1; y++ {
		for x := x0; x < x1; x++ {
			all++
			if mask != nil && !inFigure(mask.Pix[mask.PixOffset(x, y)]) {
				continue
			}
			r, g, b := at(x, y)
			sum[0], sum[1], sum[2] = sum[0]+int(r), sum[1]+int(g), sum[2]+int(b)
			in++
		}
	}
	if in == 0 || 2*in < all {
		return [3]uint8{}, false
	}
	return [3]uint8{uint8((sum[0] + in/2) / in), uint8((sum[1] + in/2) / in), uint8((sum[2] + in/2) / in)}, true
}
