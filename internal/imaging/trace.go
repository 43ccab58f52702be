package imaging

import (
	"image"

	"atelier/internal/studio"
)

// Point is a position in the pixel coordinates of a mask: x to the right,
// y down, with pixel (i, j) covering [i, i+1] × [j, j+1].
type Point struct{ X, Y float64 }

// Bezier is one cubic Bézier segment, from the end of the previous one
// through the control points C1 and C2 to To.
type Bezier struct{ C1, C2, To Point }

// Curve is a closed outline: Start, then cubic Bézier segments, the last
// of which ends at Start again.
type Curve struct {
	Start    Point
	Segments []Bezier
}

// Outline is a figure's traced outline. Top, Bottom, Left and Right are
// the exact bounds of the curves (not of their control points), so that a
// drawing scaled by Bottom − Top is exactly as tall as asked.
type Outline struct {
	Curves                   []Curve
	Top, Bottom, Left, Right float64
}

// Tracing tolerances, in pixels. The simplified polygon stays within
// simplifyTol of the traced boundary, and the curves within fitTol of it;
// both are below what a mask painted or cut by hand means.
const (
	simplifyTol = 0.7
	fitTol      = 1.0
)

// TraceOutline traces the outer boundary of the largest region of mask
// (pixels ≥ 128 are inside) as one smooth closed curve: marching squares on
// a lightly blurred copy of the region give sub-pixel vertices, the
// Ramer–Douglas–Peucker algorithm keeps the few that matter, and a
// centripetal Catmull-Rom spline through them, refined where it strays,
// becomes cubic Béziers within fitTol of the boundary. Holes in the region
// are not traced: a silhouette is the outer line. An empty mask is an
// Invalid error on the field "mask".
func TraceOutline(mask *image.Gray) (Outline, error) {
	empty := studio.FieldError("mask", "is empty: cut the figure out first")
	if mask == nil {
		return Outline{}, empty
	}
	reg, ok := largestRegion(mask)
	if !ok {
		return Outline{}, empty
	}
	f := reg.field(mask)
	loop := f.blurred().outerLoop()
	if len(loop) < 3 {
		// A region a pixel or two thin can blur away; trace it unblurred.
		loop = f.outerLoop()
	}
	if len(loop) < 3 {
		return Outline{}, empty
	}
	c := fitCurve(loop)
	o := Outline{Curves: []Curve{c}}
	o.Left, o.Top, o.Right, o.Bottom = c.bounds()
	return o, nil
}

// region is the connected set of inside pixels chosen, by label, and its
// bounding box in mask coordinates.
type region struct {
	labels []int32 // per pixel of the mask, 0 outside any region
	label  int32
	box    image.Rectangle
}

// largestRegion labels the inside pixels of mask by 8-connected flood fill
// and returns the region with the most pixels.
func largestRegion(mask *image.Gray) (region, bool) {
	r := mask.Rect
	w, h := r.Dx(), r.Dy()
	labels := make([]int32, w*h)
	inside := func(x, y int) bool { return mask.Pix[y*mask.Stride+x] >= 128 }
	best := region{labels: labels}
	bestN := 0
	var next int32
	var queue []int
	for y := range h {
		for x := range w {
			if labels[y*w+x] != 0 || !inside(x, y) {
				continue
			}
			next++
			labels[y*w+x] = next
			queue = append(queue[:0], y*w+x)
			box := image.Rect(x, y, x+1, y+1)
			for n := 0; n < len(queue); n++ {
				px, py := queue[n]%w, queue[n]/w
				box = box.Union(image.Rect(px, py, px+1, py+1))
				for dy := -1; dy <= 1; dy++ {
					for dx := -1; dx <= 1; dx++ {
						qx, qy := px+dx, py+dy
						if qx < 0 || qy < 0 || qx >= w || qy >= h || labels[qy*w+qx] != 0 || !inside(qx, qy) {
							continue
						}
						labels[qy*w+qx] = next
						queue = append(queue, qy*w+qx)
					}
				}
			}
			if len(queue) > bestN {
				bestN = len(queue)
				best.label, best.box = next, box
			}
		}
	}
	return best, bestN > 0
}

// field is a grid of coverage values in [0, 1] sampled at pixel centres;
// sample (i, j) is the centre of mask pixel (x0+i, y0+j).
type field struct {
	v      []float32
	w, h   int
	x0, y0 int // mask coordinates of sample (0, 0), relative to mask.Rect.Min
	origin Point
}

func (f field) at(i, j int) float32 { return f.v[j*f.w+i] }

// field is the region's coverage over its box and a margin of 2 samples,
// so that every contour closes inside the grid. Pixels of the region count
// fully; outside pixels keep their grey value (an anti-aliased edge places
// the boundary between pixels), unless they belong to another region.
func (reg region) field(mask *image.Gray) field {
	const pad = 2
	mw, mh := mask.Rect.Dx(), mask.Rect.Dy()
	f := field{w: reg.box.Dx() + 2*pad, h: reg.box.Dy() + 2*pad, x0: reg.box.Min.X - pad, y0: reg.box.Min.Y - pad}
	f.origin = Point{float64(mask.Rect.Min.X), float64(mask.Rect.Min.Y)}
	f.v = make([]float32, f.w*f.h)
	for j := range f.h {
		y := f.y0 + j
		if y < 0 || y >= mh {
			continue
		}
		for i := range f.w {
			x := f.x0 + i
			if x < 0 || x >= mw {
				continue
			}
			switch l := reg.labels[y*mw+x]; {
			case l == reg.label:
				f.v[j*f.w+i] = 1
			case l == 0:
				f.v[j*f.w+i] = float32(mask.Pix[y*mask.Stride+x]) / 255
			}
		}
	}
	return f
}

// blurred is f smoothed by the 3 × 3 binomial kernel. It rounds the
// staircase of a hard-edged mask into sub-pixel positions while leaving a
// straight edge where it was (its 0.5 level stays between the pixels).
func (f field) blurred() field {
	k := [3]float32{0.25, 0.5, 0.25}
	tmp := make([]float32, len(f.v))
	out := f
	out.v = make([]float32, len(f.v))
	for j := range f.h {
		for i := range f.w {
			var s float32
			for d := -1; d <= 1; d++ {
				if ii := i + d; ii >= 0 && ii < f.w {
					s += k[d+1] * f.v[j*f.w+ii]
				}
			}
			tmp[j*f.w+i] = s
		}
	}
	for j := range f.h {
		for i := range f.w {
			var s float32
			for d := -1; d <= 1; d++ {
				if jj := j + d; jj >= 0 && jj < f.h {
					s += k[d+1] * tmp[jj*f.w+i]
				}
			}
			out.v[j*f.w+i] = s
		}
	}
	return out
}

// point is the mask position of the grid position (i, j), which may be
// fractional along one axis.
func (f field) point(i, j float64) Point {
	return Point{f.origin.X + float64(f.x0) + i + 0.5, f.origin.Y + float64(f.y0) + j + 0.5}
}
