package imaging_test

import (
	"context"
	"image"
	"image/color"
	"sync"
	"testing"

	"atelier/internal/imaging"
)

// photo12MP is a 4000×3000 cluttered studio scene, made once.
var photo12MP = sync.OnceValue(func() scene { return newScene(4000, 3000, clutteredBackdrop, 5) })

// The artist's wait for a cut-out of a 12-megapixel photo: first with the
// rectangle alone, then again with a figure and a background stroke.
func BenchmarkCutout12MP(b *testing.B) {
	sc := photo12MP()
	strokes := []imaging.CutoutStroke{sc.figure, sc.background}
	for _, bc := range []struct {
		name string
		img  image.Image
		req  imaging.CutoutRequest
	}{
		{"rect", sc.img, imaging.CutoutRequest{Rect: sc.rect}},
		{"strokes", sc.img, imaging.CutoutRequest{Rect: sc.rect, Strokes: strokes}},
		// What a decoded JPEG is: 4:2:0 YCbCr, read a pixel at a time.
		{"strokes-ycbcr", ycbcr(sc.img), imaging.CutoutRequest{Rect: sc.rect, Strokes: strokes}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			var mask *image.Gray
			for b.Loop() {
				var err error
				if mask, _, err = imaging.Cutout(context.Background(), bc.img, bc.req); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(iou(mask, sc.truth), "IoU")
		})
	}
}

// ycbcr converts img to 4:2:0 YCbCr, chroma from each 2×2 block's
// top-left pixel.
func ycbcr(img *image.RGBA) *image.YCbCr {
	out := image.NewYCbCr(img.Rect, image.YCbCrSubsampleRatio420)
	for y := range img.Rect.Dy() {
		for x := range img.Rect.Dx() {
			c := img.RGBAAt(x, y)
			yy, cb, cr := color.RGBToYCbCr(c.R, c.G, c.B)
			out.Y[out.YOffset(x, y)] = yy
			if x%2 == 0 && y%2 == 0 {
				i := out.COffset(x, y)
				out.Cb[i], out.Cr[i] = cb, cr
			}
		}
	}
	return out
}
