package imaging

import (
	"math"
	"slices"
)

// maxRefine bounds the rounds of fitCurve's refinement; each round adds a
// vertex to every span that strays, so a few rounds suffice, and at worst
// the spline runs through every traced vertex.
const maxRefine = 64

// fitCurve turns a closed traced polygon into Béziers: it keeps the
// vertices Ramer–Douglas–Peucker keeps, runs a centripetal Catmull-Rom
// spline through them (it neither overshoots nor loops on uneven spacing)
// and, wherever a span strays more than fitTol from the traced boundary
// (in either direction), adds the traced vertex there and fits again.
func fitCurve(loop []Point) Curve {
	dense := dedupe(loop)
	keys := simplifyClosed(dense, simplifyTol)
	for range maxRefine {
		segs := catmullRom(dense, keys)
		var add []int
		for k := range keys {
			if i, bad := strays(dense, keys[k], keys[(k+1)%len(keys)], dense[keys[k]], segs[k]); bad {
				add = append(add, i)
			}
		}
		if len(add) == 0 {
			return Curve{Start: dense[keys[0]], Segments: segs}
		}
		keys = append(keys, add...)
		slices.Sort(keys)
		keys = slices.Compact(keys)
	}
	return Curve{Start: dense[keys[0]], Segments: catmullRom(dense, keys)}
}

// dedupe drops vertices that repeat their predecessor, which would give
// the spline zero-length spans.
func dedupe(p []Point) []Point {
	out := make([]Point, 0, len(p))
	for _, q := range p {
		if len(out) == 0 || dist(out[len(out)-1], q) > 1e-6 {
			out = append(out, q)
		}
	}
	for len(out) > 1 && dist(out[0], out[len(out)-1]) <= 1e-6 {
		out = out[:len(out)-1]
	}
	return out
}

// simplifyClosed returns the sorted indices of the vertices of the closed
// polygon p that Ramer–Douglas–Peucker keeps at tolerance tol. It splits
// the loop at vertex 0 and the vertex farthest from it, and keeps at least
// four vertices so that the spline has a shape to follow.
func simplifyClosed(p []Point, tol float64) []int {
	n := len(p)
	far := 0
	for i := range p {
		if dist(p[0], p[i]) > dist(p[0], p[far]) {
			far = i
		}
	}
	keep := map[int]bool{0: true, far: true}
	rdp(p, 0, far, tol, keep)
	rdp(p, far, n, tol, keep)
	if len(keep) < 4 {
		for i := 0; i < n; i += max(1, n/4) {
			keep[i] = true
		}
	}
	keys := make([]int, 0, len(keep))
	for i := range keep {
		if i < n {
			keys = append(keys, i)
		}
	}
	slices.Sort(keys)
	return keys
}

// rdp marks the vertices of p between i and j (exclusive; j may be len(p),
// meaning vertex 0 again) that lie farther than tol from the chord, and
// recurses on each side.
func rdp(p []Point, i, j int, tol float64, keep map[int]bool) {
	if j-i < 2 {
		return
	}
	a, b := p[i], p[j%len(p)]
	worst, at := -1.0, -1
	for k := i + 1; k < j; k++ {
		if d := segDist(p[k], a, b); d > worst {
			worst, at = d, k
		}
	}
	if worst <= tol {
		return
	}
	keep[at] = true
	rdp(p, i, at, tol, keep)
	rdp(p, at, j, tol, keep)
}

// catmullRom returns one Bézier per span between consecutive keys of the
// closed polygon p, from the centripetal (α = ½) Catmull-Rom spline
// through them.
func catmullRom(p []Point, keys []int) []Bezier {
	n := len(keys)
	at := func(k int) Point { return p[keys[((k%n)+n)%n]] }
	segs := make([]Bezier, n)
	for k := range n {
		p0, p1, p2, p3 := at(k-1), at(k), at(k+1), at(k+2)
		d1, d2, d3 := math.Sqrt(dist(p0, p1)), math.Sqrt(dist(p1, p2)), math.Sqrt(dist(p2, p3))
		c1, c2 := control(p0, p1, p2, d1, d2), control(p3, p2, p1, d3, d2)
		// A corner (the shoulders cut by the photo's edge, a neck meeting
		// them) stays sharp: the spline would round it with a wobble.
		if isCorner(p0, p1, p2) {
			c1 = Point{p1.X + (p2.X-p1.X)/3, p1.Y + (p2.Y-p1.Y)/3}
		}
		if isCorner(p1, p2, p3) {
			c2 = Point{p2.X + (p1.X-p2.X)/3, p2.Y + (p1.Y-p2.Y)/3}
		}
		segs[k] = Bezier{C1: c1, C2: c2, To: p2}
	}
	return segs
}

// cornerTurn is the turn, in radians, from one simplified span to the
// next above which the vertex between them is a corner: a smooth outline
// simplified at simplifyTol turns far less at each vertex.
const cornerTurn = 55 * math.Pi / 180

// isCorner reports whether the outline turns sharply at b.
func isCorner(a, b, c Point) bool {
	ux, uy, vx, vy := b.X-a.X, b.Y-a.Y, c.X-b.X, c.Y-b.Y
	return math.Abs(math.Atan2(ux*vy-uy*vx, ux*vx+uy*vy)) > cornerTurn
}

// control is the control point next to p of the centripetal Catmull-Rom
// span that leaves p towards next, given the square roots of the lengths
// of the spans on each side (from Yuksel, Schaefer and Keyser's
// formulation; with equal spans it is p + (next − prev)/6).
func control(prev, p, next Point, dPrev, dNext float64) Point {
	den := 3 * dPrev * (dPrev + dNext)
	if den == 0 {
		return p
	}
	wNext, wPrev, wP := dPrev*dPrev, -dNext*dNext, 2*dPrev*dPrev+3*dPrev*dNext+dNext*dNext
	return Point{(wNext*next.X + wPrev*prev.X + wP*p.X) / den, (wNext*next.Y + wPrev*prev.Y + wP*p.Y) / den}
}

// strays reports whether the Bézier from start over seg strays more than
// fitTol from the traced vertices p[i..j] (cyclic), measured both ways,
// and the index of the traced vertex to add to bring it back.
func strays(p []Point, i, j int, start Point, seg Bezier) (int, bool) {
	if j <= i {
		j += len(p)
	}
	if j-i < 2 {
		return 0, false // no traced vertex between: nothing to add
	}
	// Enough samples that the sampled curve is the curve within a small
	// fraction of fitTol on any span this close to its vertices, and few
	// enough that a long straight span costs linear time.
	n := min(64, max(16, 2*(j-i)))
	curve := make([]Point, n+1)
	for s := range curve {
		curve[s] = seg.at(start, float64(s)/float64(n))
	}
	worst, at := 0.0, -1
	for k := i + 1; k < j; k++ {
		if d := polyDist(p[k%len(p)], curve); d > worst {
			worst, at = d, k
		}
	}
	span := make([]Point, 0, j-i+1)
	for k := i; k <= j; k++ {
		span = append(span, p[k%len(p)])
	}
	for s, c := range curve {
		if d := polyDist(c, span); d > worst {
			// The vertex at the same fraction of the span is near enough
			// to where the curve strays.
			worst, at = d, i+max(1, min(j-i-1, s*(j-i)/n))
		}
	}
	if worst <= fitTol {
		return 0, false
	}
	return at % len(p), true
}

// at is the point of the Bézier from start at parameter t.
func (b Bezier) at(start Point, t float64) Point {
	u := 1 - t
	w0, w1, w2, w3 := u*u*u, 3*u*u*t, 3*u*t*t, t*t*t
	return Point{
		w0*start.X + w1*b.C1.X + w2*b.C2.X + w3*b.To.X,
		w0*start.Y + w1*b.C1.Y + w2*b.C2.Y + w3*b.To.Y,
	}
}

// bounds is the exact bounding box of the curve: its end points and the
// turning points of each segment, where a coordinate's derivative is 0.
func (c Curve) bounds() (left, top, right, bottom float64) {
	left, right, top, bottom = c.Start.X, c.Start.X, c.Start.Y, c.Start.Y
	from := c.Start
	for _, s := range c.Segments {
		ts := append(turns(from.X, s.C1.X, s.C2.X, s.To.X), turns(from.Y, s.C1.Y, s.C2.Y, s.To.Y)...)
		for _, t := range append(ts, 1) {
			q := s.at(from, t)
			left, right = math.Min(left, q.X), math.Max(right, q.X)
			top, bottom = math.Min(top, q.Y), math.Max(bottom, q.Y)
		}
		from = s.To
	}
	return left, top, right, bottom
}

// turns returns the parameters in (0, 1) where the cubic with these
// coordinates has a zero derivative.
func turns(p0, p1, p2, p3 float64) []float64 {
	a, b, c := p1-p0, p2-p1, p3-p2
	qa, qb, qc := a-2*b+c, 2*(b-a), a
	var ts []float64
	if math.Abs(qa) < 1e-12 {
		if qb != 0 {
			ts = append(ts, -qc/qb)
		}
	} else if disc := qb*qb - 4*qa*qc; disc >= 0 {
		r := math.Sqrt(disc)
		ts = append(ts, (-qb+r)/(2*qa), (-qb-r)/(2*qa))
	}
	return slices.DeleteFunc(ts, func(t float64) bool { return !(t > 0 && t < 1) })
}

func dist(a, b Point) float64 { return math.Hypot(a.X-b.X, a.Y-b.Y) }

// segDist is the distance from p to the segment ab.
func segDist(p, a, b Point) float64 { return math.Sqrt(segDist2(p, a, b)) }

// segDist2 is the square of segDist.
func segDist2(p, a, b Point) float64 {
	dx, dy := b.X-a.X, b.Y-a.Y
	l2 := dx*dx + dy*dy
	t := 0.0
	if l2 > 0 {
		t = max(0, min(1, ((p.X-a.X)*dx+(p.Y-a.Y)*dy)/l2))
	}
	ex, ey := a.X+t*dx-p.X, a.Y+t*dy-p.Y
	return ex*ex + ey*ey
}

// polyDist is the distance from p to the open polyline q.
func polyDist(p Point, q []Point) float64 {
	d := math.Inf(1)
	for i := 0; i+1 < len(q); i++ {
		d = min(d, segDist2(p, q[i], q[i+1]))
	}
	return math.Sqrt(d)
}
