package imaging_test

import (
	"errors"
	"image"
	"math"
	"testing"

	"atelier/internal/imaging"
	"atelier/internal/studio"
)

// paint is a w × h mask whose pixels are inside (255) where in says their
// centre is.
func paint(w, h int, in func(x, y float64) bool) *image.Gray {
	m := image.NewGray(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			if in(float64(x)+0.5, float64(y)+0.5) {
				m.Pix[y*m.Stride+x] = 255
			}
		}
	}
	return m
}

// sample returns points along every segment of the outline's curves.
func sample(o imaging.Outline, perSegment int) []imaging.Point {
	var pts []imaging.Point
	for _, c := range o.Curves {
		from := c.Start
		for _, s := range c.Segments {
			for i := range perSegment {
				t := float64(i) / float64(perSegment)
				u := 1 - t
				w0, w1, w2, w3 := u*u*u, 3*u*u*t, 3*u*t*t, t*t*t
				pts = append(pts, imaging.Point{
					X: w0*from.X + w1*s.C1.X + w2*s.C2.X + w3*s.To.X,
					Y: w0*from.Y + w1*s.C1.Y + w2*s.C2.Y + w3*s.To.Y,
				})
			}
			from = s.To
		}
	}
	return pts
}

// pixelBounds is the box of the mask's inside pixels, edges included.
func pixelBounds(m *image.Gray) (left, top, right, bottom float64) {
	r := image.Rectangle{}
	for y := range m.Rect.Dy() {
		for x := range m.Rect.Dx() {
			if m.Pix[y*m.Stride+x] >= 128 {
				r = r.Union(image.Rect(x, y, x+1, y+1))
			}
		}
	}
	return float64(r.Min.X), float64(r.Min.Y), float64(r.Max.X), float64(r.Max.Y)
}

func checkBounds(t *testing.T, o imaging.Outline, left, top, right, bottom float64) {
	t.Helper()
	for _, b := range []struct {
		name      string
		got, want float64
	}{{"left", o.Left, left}, {"top", o.Top, top}, {"right", o.Right, right}, {"bottom", o.Bottom, bottom}} {
		if math.Abs(b.got-b.want) > 1 {
			t.Errorf("%s = %.2f, want %.2f within 1 px", b.name, b.got, b.want)
		}
	}
	// The bounds are the curves' own: every sample lies inside them.
	for _, p := range sample(o, 50) {
		if p.X < o.Left-1e-9 || p.X > o.Right+1e-9 || p.Y < o.Top-1e-9 || p.Y > o.Bottom+1e-9 {
			t.Fatalf("point %v outside the bounds %+v", p, o)
		}
	}
}

func TestTraceOutlineOfACircleFollowsItWithinAPixelAndAHalf(t *testing.T) {
	cx, cy, r := 100.3, 90.7, 60.0
	m := paint(200, 190, func(x, y float64) bool { return math.Hypot(x-cx, y-cy) <= r })
	o, err := imaging.TraceOutline(m)
	if err != nil {
		t.Fatal(err)
	}
	if len(o.Curves) != 1 {
		t.Fatalf("%d curves, want 1", len(o.Curves))
	}
	checkBounds(t, o, cx-r, cy-r, cx+r, cy+r)
	worst := 0.0
	for _, p := range sample(o, 20) {
		worst = math.Max(worst, math.Abs(math.Hypot(p.X-cx, p.Y-cy)-r))
	}
	if worst > 1.5 {
		t.Errorf("the curve strays %.2f px from the circle, want at most 1.5", worst)
	}
	// Smooth means few segments, not one per traced pixel.
	if n := len(o.Curves[0].Segments); n > 60 {
		t.Errorf("%d segments for a circle, want a handful", n)
	}
	t.Logf("circle: %d segments, worst %.2f px", len(o.Curves[0].Segments), worst)
}

// bust is a head (an ellipse) on a neck and shoulders cut off by the bottom
// of the picture, with a hole in the head (a highlight the cut-out missed)
// and a speck of dust beside it: the trace is the bust's outer line alone.
func bust(x, y float64) bool {
	head := sq((x-150)/45)+sq((y-95)/58) <= 1
	hole := math.Hypot(x-140, y-80) < 6
	neck := x > 128 && x < 172 && y > 130 && y < 190
	shoulders := sq((x-150)/115)+sq((y-270)/95) <= 1 && y < 300
	speck := math.Hypot(x-20, y-20) < 5
	return (head && !hole) || neck || shoulders || speck
}

func TestTraceOutlineOfAHeadAndShouldersIsItsOuterLine(t *testing.T) {
	m := paint(300, 300, bust)
	o, err := imaging.TraceOutline(m)
	if err != nil {
		t.Fatal(err)
	}
	if len(o.Curves) != 1 {
		t.Fatalf("%d curves, want the outer line alone", len(o.Curves))
	}
	// The bust without the speck.
	left, top, right, bottom := pixelBounds(paint(300, 300, func(x, y float64) bool {
		return bust(x, y) && math.Hypot(x-20, y-20) >= 5
	}))
	checkBounds(t, o, left, top, right, bottom)
	edges := boundaryEdges(m)
	worst := 0.0
	for _, p := range sample(o, 20) {
		worst = math.Max(worst, nearest(p, edges))
	}
	if worst > 1.5 {
		t.Errorf("the curve strays %.2f px from the mask's edge, want at most 1.5", worst)
	}
	t.Logf("bust: %d segments, worst %.2f px", len(o.Curves[0].Segments), worst)
}

// boundaryEdges returns the midpoints of the pixel edges between an inside
// and an outside pixel (the image's border counts as outside), each a unit
// long: the mask's true boundary.
func boundaryEdges(m *image.Gray) [][2]imaging.Point {
	w, h := m.Rect.Dx(), m.Rect.Dy()
	in := func(x, y int) bool { return x >= 0 && y >= 0 && x < w && y < h && m.Pix[y*m.Stride+x] >= 128 }
	var edges [][2]imaging.Point
	for y := -1; y < h; y++ {
		for x := -1; x < w; x++ {
			fx, fy := float64(x), float64(y)
			if in(x, y) != in(x+1, y) {
				edges = append(edges, [2]imaging.Point{{X: fx + 1, Y: fy}, {X: fx + 1, Y: fy + 1}})
			}
			if in(x, y) != in(x, y+1) {
				edges = append(edges, [2]imaging.Point{{X: fx, Y: fy + 1}, {X: fx + 1, Y: fy + 1}})
			}
		}
	}
	return edges
}

func nearest(p imaging.Point, edges [][2]imaging.Point) float64 {
	best := math.Inf(1)
	for _, e := range edges {
		// Edges are axis-aligned unit segments.
		cx := math.Max(math.Min(p.X, math.Max(e[0].X, e[1].X)), math.Min(e[0].X, e[1].X))
		cy := math.Max(math.Min(p.Y, math.Max(e[0].Y, e[1].Y)), math.Min(e[0].Y, e[1].Y))
		best = math.Min(best, math.Hypot(p.X-cx, p.Y-cy))
	}
	return best
}

func TestTraceOutlineRefusesAMaskWithNoFigure(t *testing.T) {
	faint := image.NewGray(image.Rect(0, 0, 40, 40))
	for i := range faint.Pix {
		faint.Pix[i] = 127 // below the inside threshold everywhere
	}
	for name, m := range map[string]*image.Gray{
		"nil":   nil,
		"black": image.NewGray(image.Rect(0, 0, 40, 40)),
		"faint": faint,
		"none":  image.NewGray(image.Rectangle{}),
	} {
		_, err := imaging.TraceOutline(m)
		var e *studio.Error
		if !errors.As(err, &e) || e.Code != studio.Invalid || e.Fields["mask"] != "is empty: cut the figure out first" {
			t.Errorf("%s: err = %v, want an Invalid error on mask", name, err)
		}
	}
}

func TestTraceOutlineUsesTheMasksOwnCoordinates(t *testing.T) {
	// A sub-image keeps its place in the larger picture.
	m := paint(120, 120, func(x, y float64) bool { return math.Hypot(x-70, y-60) <= 30 })
	sub := m.SubImage(image.Rect(20, 10, 120, 120)).(*image.Gray)
	o, err := imaging.TraceOutline(sub)
	if err != nil {
		t.Fatal(err)
	}
	checkBounds(t, o, 40, 30, 100, 90)
}
