package imaging

import (
	"image"
	"io"
)

// Reduced is a photo decoded for colour work: upright, in sRGB, on white
// where it is transparent, no larger than asked. Full is the size of the
// upright original, in whose pixels a figure's mask is drawn.
type Reduced struct {
	Image image.Image
	Full  image.Point
}

// DecodeReduced decodes the photo in r (after the same header and
// pixel-limit checks as Verify) and draws it upright at most long pixels
// on its long side. Orientation and colour profile are applied to the
// reduced copy, as for the variants: the decoded original is the one big
// allocation.
func DecodeReduced(r io.ReadSeeker, limit int64, long int) (Reduced, error) {
	info, err := inspectWithin(r, limit)
	if err != nil {
		return Reduced{}, err
	}
	meta, err := readMeta(r, info.Format)
	if err != nil {
		return Reduced{}, err
	}
	if _, err := r.Seek(0, io.SeekStart); err != nil {
		return Reduced{}, err
	}
	img, err := decode(r, info)
	if err != nil {
		return Reduced{}, err
	}
	full := image.Pt(info.Width, info.Height)
	if meta.orientation >= 5 { // the four orientations that turn by a quarter
		full = image.Pt(info.Height, info.Width)
	}
	return Reduced{Image: toSRGB(flatten(upright(fit(img, long), meta.orientation)), meta.icc), Full: full}, nil
}

// ReduceMask scales a figure's mask down to w×h, each pixel the mean of
// the mask's pixels under it, so that a pixel mostly inside the figure
// stays inside. A mask already of that size is returned as it is.
func ReduceMask(m *image.Gray, w, h int) *image.Gray {
	b := m.Bounds()
	if b.Dx() == w && b.Dy() == h {
		return m
	}
	out := image.NewGray(image.Rect(0, 0, w, h))
	if b.Empty() {
		return out
	}
	for oy := range h {
		y0, y1 := b.Min.Y+oy*b.Dy()/h, max(b.Min.Y+(oy+1)*b.Dy()/h, b.Min.Y+oy*b.Dy()/h+1)
		for ox := range w {
			x0, x1 := b.Min.X+ox*b.Dx()/w, max(b.Min.X+(ox+1)*b.Dx()/w, b.Min.X+ox*b.Dx()/w+1)
			sum, n := 0, 0
			for y := y0; y < min(y1, b.Max.Y); y++ {
				row := m.Pix[m.PixOffset(x0, y):][:min(x1, b.Max.X)-x0]
				for _, v := range row {
					sum += int(v)
				}
				n += len(row)
			}
			if n > 0 {
				out.Pix[oy*out.Stride+ox] = uint8((sum + n/2) / n)
			}
		}
	}
	return out
}
