package imaging

import (
	"image"
	"image/draw"
)

// CutoutPreview draws img (the upright photo, or a reduced copy of it) at
// most maxSide pixels on its long side, with the background dimmed so
// that the figure the mask holds stands out, and returns it as a JPEG.
// mask is the cut-out at any size of the same proportions (the full
// upright photo's, usually): each output pixel takes the share of figure
// in the block of mask pixels under it, so the edge stays soft.
func CutoutPreview(img image.Image, mask *image.Gray, maxSide int) ([]byte, error) {
	small := fit(img, maxSide)
	b := small.Bounds()
	out := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(out, out.Rect, small, b.Min, draw.Src)
	ow, oh := out.Rect.Dx(), out.Rect.Dy()
	mb := mask.Bounds()
	mw, mh := mb.Dx(), mb.Dy()
	for y := range oh {
		y0, y1 := blockOf(y, oh, mh)
		for x := range ow {
			x0, x1 := blockOf(x, ow, mw)
			sum, n := 0, 0
			for my := y0; my < y1; my++ {
				row := mask.Pix[(my)*mask.Stride:]
				for mx := x0; mx < x1; mx++ {
					sum += int(row[mx])
					n++
				}
			}
			// a is the figure's share of the pixel, 0 to 255.
			a := sum / max(n, 1)
			if a == 255 {
				continue
			}
			p := out.Pix[y*out.Stride+4*x:]
			for c := range 3 {
				v := int(p[c])
				dim := v*30/100 + 18
				p[c] = uint8((v*a + dim*(255-a)) / 255)
			}
		}
	}
	return encodeJPEG(out)
}

// blockOf is the range of source rows (or columns) of n that output row i
// of m covers: at least one.
func blockOf(i, m, n int) (int, int) {
	lo := i * n / m
	hi := (i + 1) * n / m
	if hi <= lo {
		hi = lo + 1
	}
	return lo, min(hi, n)
}
