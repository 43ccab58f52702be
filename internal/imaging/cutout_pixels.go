package imaging

import (
	"image"
	"image/color"
	"math"
	"runtime"
	"sync"
)

// pixelSource reads 8-bit RGB from an image without image.Image.At's
// allocation per pixel for the types decoders return. Coordinates are
// relative to the image's top-left corner.
type pixelSource struct {
	img  image.Image
	min  image.Point
	w, h int
}

func newPixelSource(img image.Image) pixelSource {
	b := img.Bounds()
	return pixelSource{img: img, min: b.Min, w: b.Dx(), h: b.Dy()}
}

// at is the colour of the pixel at x, y.
func (s pixelSource) at(x, y int) (r, g, b uint8) {
	x, y = x+s.min.X, y+s.min.Y
	switch m := s.img.(type) {
	case *image.YCbCr:
		yi, ci := m.YOffset(x, y), m.COffset(x, y)
		return color.YCbCrToRGB(m.Y[yi], m.Cb[ci], m.Cr[ci])
	case *image.RGBA:
		i := m.PixOffset(x, y)
		return m.Pix[i], m.Pix[i+1], m.Pix[i+2]
	case *image.NRGBA:
		i := m.PixOffset(x, y)
		return m.Pix[i], m.Pix[i+1], m.Pix[i+2]
	case *image.Gray:
		v := m.Pix[m.PixOffset(x, y)]
		return v, v, v
	}
	c := color.RGBAModel.Convert(s.img.At(x, y)).(color.RGBA)
	return c.R, c.G, c.B
}

// row writes the colours of row y, three bytes a pixel, into dst.
func (s pixelSource) row(y int, dst []uint8) {
	switch m := s.img.(type) {
	case *image.RGBA:
		i := m.PixOffset(s.min.X, y+s.min.Y)
		copyRGB(dst, m.Pix[i:i+4*s.w])
		return
	case *image.NRGBA:
		i := m.PixOffset(s.min.X, y+s.min.Y)
		copyRGB(dst, m.Pix[i:i+4*s.w])
		return
	}
	for x := range s.w {
		dst[3*x], dst[3*x+1], dst[3*x+2] = s.at(x, y)
	}
}

// copyRGB drops the fourth byte of every pixel of src.
func copyRGB(dst, src []uint8) {
	for i, j := 0, 0; j+3 < len(src); i, j = i+3, j+4 {
		dst[i], dst[i+1], dst[i+2] = src[j], src[j+1], src[j+2]
	}
}

// smallImage is the reduced copy of the photo: each of its pixels is the
// average colour of a block of factor × factor pixels of the original
// (fewer at the right and bottom edges).
type smallImage struct {
	w, h, factor int
	// rgb holds three values a pixel, 0–255.
	rgb []float32
	// fullW and fullH are the original's size.
	fullW, fullH int
}

// reduce averages src over square blocks so that about target pixels
// remain. The block side is a whole number so that every original pixel
// belongs to exactly one reduced pixel.
func reduce(src pixelSource, target int) *smallImage {
	f := max(1, int(math.Ceil(math.Sqrt(float64(src.w)*float64(src.h)/float64(target)))))
	s := &smallImage{w: (src.w + f - 1) / f, h: (src.h + f - 1) / f, factor: f, fullW: src.w, fullH: src.h}
	s.rgb = make([]float32, 3*s.w*s.h)
	parallelRows(s.h, func(j0, j1 int) {
		line := make([]uint8, 3*src.w)
		sums := make([]uint32, 3*s.w)
		for j := j0; j < j1; j++ {
			s.reduceRow(src, j, line, sums)
		}
	})
	return s
}

// reduceRow fills reduced row j, with line and sums as scratch space.
func (s *smallImage) reduceRow(src pixelSource, j int, line []uint8, sums []uint32) {
	clear(sums)
	f := s.factor
	y0, y1 := j*f, min((j+1)*f, src.h)
	for y := y0; y < y1; y++ {
		src.row(y, line)
		for x := range src.w {
			k := 3 * (x / f)
			sums[k] += uint32(line[3*x])
			sums[k+1] += uint32(line[3*x+1])
			sums[k+2] += uint32(line[3*x+2])
		}
	}
	for i := range s.w {
		n := float32((min((i+1)*f, src.w) - i*f) * (y1 - y0))
		o := 3 * (j*s.w + i)
		s.rgb[o] = float32(sums[3*i]) / n
		s.rgb[o+1] = float32(sums[3*i+1]) / n
		s.rgb[o+2] = float32(sums[3*i+2]) / n
	}
}

// parallelRows splits rows 0..n among the processors and waits for all.
func parallelRows(n int, work func(r0, r1 int)) {
	parts := min(runtime.GOMAXPROCS(0), max(1, n/16))
	var wg sync.WaitGroup
	for p := range parts {
		r0, r1 := p*n/parts, (p+1)*n/parts
		wg.Go(func() { work(r0, r1) })
	}
	wg.Wait()
}
