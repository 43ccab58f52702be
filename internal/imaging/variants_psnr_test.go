package imaging

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"testing"

	"atelier/internal/imaging/imagingtest"
	"atelier/internal/studio"
)

// referenceVariants draws the variants as Variants did before issue 19:
// a full decode with image/jpeg, and the Lanczos filter over the whole
// ratio (resize), with no box shrink. The new variants must look the same.
func referenceVariants(tb testing.TB, data []byte, sizes []int) []Variant {
	tb.Helper()
	r := bytes.NewReader(data)
	info, err := inspectWithin(r, 0)
	if err != nil {
		tb.Fatal(err)
	}
	meta, err := readMeta(r, info.Format)
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := r.Seek(0, io.SeekStart); err != nil {
		tb.Fatal(err)
	}
	img, err := decode(r, info)
	if err != nil {
		tb.Fatal(err)
	}
	vs, err := drawVariants(img, img.Bounds().Size(), meta, sizes, resize)
	if err != nil {
		tb.Fatal(err)
	}
	return vs
}

// The variants are visually those drawn before: at least 40 dB PSNR over
// the R, G and B of the decoded JPEGs, at every size, with the same
// dimensions.
func TestVariantsLookAsBefore(t *testing.T) {
	webpScene, err := os.ReadFile("testdata/scene.lossy.webp")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		data  []byte
		sizes []int
	}{
		{"phone photo, orientation 6", imagingtest.PhonePhoto(4000, 3000, 6), studio.VariantSizes},
		{"phone photo, orientation 1", imagingtest.PhonePhoto(4000, 3000, 1), studio.VariantSizes},
		{"scene", imagingtest.ScenePhoto(4000, 3000, 1), studio.VariantSizes},
		{"scene, orientation 6", imagingtest.WithEXIF(imagingtest.ScenePhoto(3000, 2000, 2), imagingtest.GPSEXIF(6)), studio.VariantSizes},
		// Small first sizes, so that the original itself is box-shrunk (by
		// 2, 3 and 4), and one whose size no factor divides. Nothing under
		// the studio's 160 px: the smaller a q85 JPEG, the more its PSNR
		// swings with single blocks (a 100 px variant drawn from the 250
		// px one measured 39.9 dB, a 30 px one 33.8).
		{"scene, shrunk by 2", imagingtest.ScenePhoto(4000, 3000, 3), []int{400, 160}},
		{"scene, shrunk by 4", imagingtest.ScenePhoto(4000, 3000, 3), []int{250, 160}},
		{"scene, shrunk by 3", imagingtest.ScenePhoto(3000, 2100, 4), []int{250, 160}},
		{"scene, odd size: not shrunk", imagingtest.ScenePhoto(3001, 2001, 4), []int{250, 160}},
		{"png with alpha", transparentScene(t, 1800, 1200), studio.VariantSizes},
		{"opaque png", pngOf(t, imagingtest.Scene(2400, 1600, 5)), []int{300, 160}},
		{"webp", webpScene, studio.VariantSizes},
		{"webp, shrunk by 2", webpScene, []int{100}}, // the fixture is 800×600
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Variants(bytes.NewReader(tt.data), 0, tt.sizes)
			if err != nil {
				t.Fatal(err)
			}
			want := referenceVariants(t, tt.data, tt.sizes)
			for i := range want {
				g, w := got[i], want[i]
				if g.Width != w.Width || g.Height != w.Height {
					t.Fatalf("variant %d: %d×%d, before %d×%d", w.Size, g.Width, g.Height, w.Width, w.Height)
				}
				p := psnr(t, g.JPEG, w.JPEG)
				t.Logf("variant %d (%d×%d): PSNR %.2f dB", w.Size, w.Width, w.Height, p)
				if p < 40 {
					t.Errorf("variant %d: PSNR %.1f dB against the variant drawn before, want ≥ 40", w.Size, p)
				}
			}
		})
	}
}

// psnr compares two JPEGs of the same size over R, G and B.
func psnr(tb testing.TB, a, b []byte) float64 {
	tb.Helper()
	ia, ib := decodeRGBA(tb, a), decodeRGBA(tb, b)
	var sum float64
	for i := range ia.Pix {
		if i%4 == 3 {
			continue
		}
		d := float64(ia.Pix[i]) - float64(ib.Pix[i])
		sum += d * d
	}
	mse := sum / float64(len(ia.Pix)/4*3)
	if mse == 0 {
		return math.Inf(1)
	}
	return 10 * math.Log10(255*255/mse)
}

func decodeRGBA(tb testing.TB, data []byte) *image.RGBA {
	tb.Helper()
	img, err := jpeg.Decode(bytes.NewReader(data))
	if err != nil {
		tb.Fatal(err)
	}
	b := img.Bounds()
	out := image.NewRGBA(b)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			out.Set(x, y, img.At(x, y))
		}
	}
	return out
}

func pngOf(tb testing.TB, img image.Image) []byte {
	tb.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

// transparentScene is the scene with a transparent frame and a
// half-transparent band, as an NRGBA PNG.
func transparentScene(tb testing.TB, w, h int) []byte {
	scene := imagingtest.Scene(w, h, 6)
	img := image.NewNRGBA(scene.Rect)
	for y := range h {
		for x := range w {
			c := scene.RGBAAt(x, y)
			a := uint8(255)
			switch {
			case x < w/10 || x >= w*9/10 || y < h/10 || y >= h*9/10:
				a = 0
			case y > h/2 && y < h*6/10:
				a = 128
			}
			img.SetNRGBA(x, y, color.NRGBA{c.R, c.G, c.B, a})
		}
	}
	return pngOf(tb, img)
}

// boxShrink's pixels are the means of their blocks, partial ones at the
// edges included, for every layout it handles.
func TestBoxShrinkIsTheBlockMean(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	fill := func(p []byte) {
		for i := range p {
			p[i] = uint8(rng.IntN(256))
		}
	}
	for _, k := range []int{2, 3, 4} {
		for _, size := range []image.Point{{7, 5}, {8, 8}, {13, 2}, {24, 12}} {
			r := image.Rectangle{Max: size}
			gray := image.NewGray(r)
			fill(gray.Pix)
			rgba := image.NewRGBA(r)
			fill(rgba.Pix)
			ycc := image.NewYCbCr(r, image.YCbCrSubsampleRatio420)
			fill(ycc.Y)
			fill(ycc.Cb)
			fill(ycc.Cr)
			for _, img := range []image.Image{gray, rgba, ycc} {
				t.Run(fmt.Sprintf("%T %v by %d", img, size, k), func(t *testing.T) {
					out := boxShrink(img, k)
					if y, ok := img.(*image.YCbCr); ok && out == nil {
						if cw, ch := chromaSize(y); cw%k != 0 || ch%k != 0 {
							return // refused: a partial chroma block
						}
					}
					if out == nil {
						t.Fatal("not shrunk")
					}
					wantSize := image.Pt(ceilDiv(size.X, k), ceilDiv(size.Y, k))
					if out.Bounds().Size() != wantSize {
						t.Fatalf("size %v, want %v", out.Bounds().Size(), wantSize)
					}
					checkMeans(t, img, out, k)
				})
			}
		}
	}
}

// checkMeans compares every byte plane of out with the block means of in.
func checkMeans(t *testing.T, in, out image.Image, k int) {
	t.Helper()
	type plane struct {
		pix      []byte
		stride   int
		w, h, ch int
	}
	planes := func(img image.Image) []plane {
		switch m := img.(type) {
		case *image.Gray:
			return []plane{{m.Pix, m.Stride, m.Rect.Dx(), m.Rect.Dy(), 1}}
		case *image.RGBA:
			return []plane{{m.Pix, m.Stride, m.Rect.Dx(), m.Rect.Dy(), 4}}
		case *image.YCbCr:
			cw, ch := chromaSize(m)
			return []plane{{m.Y, m.YStride, m.Rect.Dx(), m.Rect.Dy(), 1}, {m.Cb, m.CStride, cw, ch, 1}, {m.Cr, m.CStride, cw, ch, 1}}
		}
		t.Fatalf("%T", img)
		return nil
	}
	pin, pout := planes(in), planes(out)
	for n, p := range pin {
		q := pout[n]
		for oy := range q.h {
			for ox := range q.w {
				for c := range p.ch {
					var sum, count int
					for y := oy * k; y < min(oy*k+k, p.h); y++ {
						for x := ox * k; x < min(ox*k+k, p.w); x++ {
							sum += int(p.pix[y*p.stride+x*p.ch+c])
							count++
						}
					}
					want := (sum + count/2) / count
					if got := int(q.pix[oy*q.stride+ox*q.ch+c]); got != want {
						t.Fatalf("plane %d (%d,%d) channel %d: %d, want %d", n, ox, oy, c, got, want)
					}
				}
			}
		}
	}
}
