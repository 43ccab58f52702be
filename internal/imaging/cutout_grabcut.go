package imaging

import (
	"context"
	"image"
	"math"
	"math/rand/v2"
	"sync"
)

// What the artist's input says about a reduced pixel.
const (
	unknownPixel   uint8 = iota
	hardFigure           // under a figure stroke
	hardBackground       // outside the rectangle, or under a background stroke
)

// The parameters of the energy, as in the GrabCut paper: gamma weighs the
// edges against the colour models; costScale turns costs into the
// integers the max-flow works with (a twentieth of a nat is far below
// what changes a decision); maxCost bounds the cost of one pixel's label
// so that an outlier colour cannot overflow.
const (
	cutGamma     = 50.0
	costScale    = 20.0
	maxCost      = 400.0
	grabCutRound = 5
	// A round that changes fewer than this fraction of the unknown pixels
	// ends the iteration: the next would change nothing visible.
	grabCutSettled = 0.001
)

// The forward half of the 8-neighbourhood, as flowGraph slots: right,
// down-left, down, down-right. The other half is slot 7−d of the
// neighbour.
var forward = [4]struct{ slot, dx, dy int }{{4, 1, 0}, {5, -1, 1}, {6, 0, 1}, {7, 1, 1}}

// cutState is the reduced picture of the cut: the artist's constraints
// and the current decision.
type cutState struct {
	s    *smallImage
	hard []uint8
	fig  []bool
}

// grabCut runs the GrabCut rounds on the reduced copy and returns their
// decision.
func grabCut(ctx context.Context, s *smallImage, req CutoutRequest) (*cutState, error) {
	c := &cutState{s: s, hard: make([]uint8, s.w*s.h), fig: make([]bool, s.w*s.h)}
	c.markRect(req.Rect)
	c.markStrokes(req.Strokes)
	c.ensureBackground()
	for i, h := range c.hard {
		c.fig[i] = h != hardBackground
	}
	fg, bg, ok := c.initialModels()
	if !ok {
		return c, nil // nothing to tell apart
	}
	nodes, n := c.nodeIndex()
	g := newFlowGraph(n)
	c.smoothness(g, c.edgeWeights(), nodes)
	g.save()
	for range grabCutRound {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if fg, bg, ok = c.refit(fg, bg); !ok {
			return c, nil
		}
		changed, err := c.cutOnce(ctx, g, fg, bg, nodes)
		if err != nil {
			return nil, err
		}
		if float64(changed) < grabCutSettled*float64(n) {
			break
		}
	}
	return c, nil
}

// markRect makes background certain for reduced pixels whose block lies
// wholly outside the rectangle; blocks cut by its edge stay unknown, and
// the full-size pass decides their pixels.
func (c *cutState) markRect(r CutoutRect) {
	f := c.s.factor
	i0, i1 := r.X/f, (r.X+r.W-1)/f
	j0, j1 := r.Y/f, (r.Y+r.H-1)/f
	for j := range c.s.h {
		for i := range c.s.w {
			if i < i0 || i > i1 || j < j0 || j > j1 {
				c.hard[j*c.s.w+i] = hardBackground
			}
		}
	}
}

// markStrokes paints the strokes, later ones over earlier ones, as
// certain figure or background.
func (c *cutState) markStrokes(strokes []CutoutStroke) {
	f := float64(c.s.factor)
	for _, st := range strokes {
		label := hardBackground
		if st.Figure {
			label = hardFigure
		}
		r := max(0.5, float64(st.Width)/2/f)
		pts := thinStroke(st.Points, f, r/2)
		for k := range pts {
			a, b := pts[max(0, k-1)], pts[k]
			c.paintCapsule(a[0], a[1], b[0], b[1], r, label)
		}
	}
}

// thinStroke maps points to reduced pixels (their centres) and drops each
// point nearer than gap to the last one kept, except the last: a hand's
// stroke has a point every pixel or two, and painting a wide brush's disc
// at every one of them would cost its area each time for nothing. What
// it loses is a sliver, within gap, around the dropped points.
func thinStroke(points []image.Point, f, gap float64) [][2]float64 {
	out := make([][2]float64, 0, len(points))
	for i, p := range points {
		q := [2]float64{(float64(p.X) + 0.5) / f, (float64(p.Y) + 0.5) / f}
		if i > 0 && i < len(points)-1 {
			last := out[len(out)-1]
			if sq2(q[0]-last[0])+sq2(q[1]-last[1]) < gap*gap {
				continue
			}
		}
		out = append(out, q)
	}
	return out
}

func sq2(v float64) float64 { return v * v }

// paintCapsule labels the reduced pixels whose centre lies within r of
// the segment from a to b.
func (c *cutState) paintCapsule(ax, ay, bx, by, r float64, label uint8) {
	i0 := max(0, int(math.Floor(min(ax, bx)-r)))
	i1 := min(c.s.w-1, int(math.Ceil(max(ax, bx)+r)))
	j0 := max(0, int(math.Floor(min(ay, by)-r)))
	j1 := min(c.s.h-1, int(math.Ceil(max(ay, by)+r)))
	for j := j0; j <= j1; j++ {
		for i := i0; i <= i1; i++ {
			if segmentDist2(float64(i)+0.5, float64(j)+0.5, ax, ay, bx, by) <= r*r {
				c.hard[j*c.s.w+i] = label
			}
		}
	}
}

// segmentDist2 is the squared distance from p to the segment a–b.
func segmentDist2(px, py, ax, ay, bx, by float64) float64 {
	dx, dy := bx-ax, by-ay
	t := 0.0
	if l := dx*dx + dy*dy; l > 0 {
		t = min(1, max(0, ((px-ax)*dx+(py-ay)*dy)/l))
	}
	ex, ey := px-(ax+t*dx), py-(ay+t*dy)
	return ex*ex + ey*ey
}

// ensureBackground gives the background model something to learn from
// when the rectangle covers the whole photo: the photo's outermost ring.
func (c *cutState) ensureBackground() {
	for _, h := range c.hard {
		if h == hardBackground {
			return
		}
	}
	w, h := c.s.w, c.s.h
	for j := range h {
		for i := range w {
			if (i == 0 || j == 0 || i == w-1 || j == h-1) && c.hard[j*w+i] == unknownPixel {
				c.hard[j*w+i] = hardBackground
			}
		}
	}
}

// initialModels clusters the colours of each side.
func (c *cutState) initialModels() (fg, bg gmm, ok bool) {
	var fgc, bgc []float32
	for p, isFig := range c.fig {
		if isFig {
			fgc = append(fgc, c.s.rgb[3*p:3*p+3]...)
		} else {
			bgc = append(bgc, c.s.rgb[3*p:3*p+3]...)
		}
	}
	rng := rand.New(rand.NewPCG(17, 2004)) // the same photo gives the same cut
	fg, okF := kmeansInit(fgc, rng)
	bg, okB := kmeansInit(bgc, rng)
	return fg, bg, okF && okB
}

// refit gives every pixel to the component of its side's model that
// explains it best and fits both models again.
func (c *cutState) refit(fg, bg gmm) (gmm, gmm, bool) {
	var mu sync.Mutex
	var fgs, bgs gmmStats
	parallelRows(c.s.h, func(j0, j1 int) {
		var lf, lb gmmStats
		for p := j0 * c.s.w; p < j1*c.s.w; p++ {
			col := c.s.rgb[3*p : 3*p+3]
			if c.fig[p] {
				lf.add(fg.component(col), col)
			} else {
				lb.add(bg.component(col), col)
			}
		}
		mu.Lock()
		fgs.merge(&lf)
		bgs.merge(&lb)
		mu.Unlock()
	})
	nf, okF := fgs.model()
	nb, okB := bgs.model()
	return nf, nb, okF && okB
}

// edgeWeights is, for each pixel and each forward neighbour, the cost of
// cutting between them: γ/distance · exp(−β‖Δcolour‖²), with β set by the
// photo's mean contrast so that the weights mean the same on a soft photo
// as on a crisp one.
func (c *cutState) edgeWeights() []int32 {
	beta := 1 / (2 * meanContrast(c.s))
	w, h := c.s.w, c.s.h
	links := make([]int32, 4*w*h)
	parallelRows(h, func(j0, j1 int) {
		for j := j0; j < j1; j++ {
			for i := range w {
				p := j*w + i
				for d, nb := range forward {
					x, y := i+nb.dx, j+nb.dy
					if x < 0 || x >= w || y >= h {
						continue
					}
					d2 := colourDist2(c.s.rgb, p, y*w+x)
					links[4*p+d] = edgeCost(d2, beta, nb.dx != 0 && nb.dy != 0)
				}
			}
		}
	})
	return links
}

// edgeCost is the scaled cost of cutting between two neighbours whose
// colours differ by d2 (squared); diagonal neighbours count 1/√2.
func edgeCost(d2, beta float64, diagonal bool) int32 {
	g := cutGamma
	if diagonal {
		g /= math.Sqrt2
	}
	return int32(math.Round(costScale * g * math.Exp(-beta*d2)))
}

// meanContrast is the mean squared colour difference between forward
// neighbours, never zero.
func meanContrast(s *smallImage) float64 {
	sum, n := 0.0, 0
	for j := range s.h {
		for i := range s.w {
			for _, nb := range forward {
				x, y := i+nb.dx, j+nb.dy
				if x < 0 || x >= s.w || y >= s.h {
					continue
				}
				sum += colourDist2(s.rgb, j*s.w+i, y*s.w+x)
				n++
			}
		}
	}
	if n == 0 || sum == 0 {
		return 1
	}
	return sum / float64(n)
}

func colourDist2(rgb []float32, p, q int) float64 {
	a := float64(rgb[3*p] - rgb[3*q])
	b := float64(rgb[3*p+1] - rgb[3*q+1])
	e := float64(rgb[3*p+2] - rgb[3*q+2])
	return a*a + b*b + e*e
}

// nodeIndex numbers the unknown pixels, the only ones the graph needs:
// a certain pixel's edges become terminal links of its unknown
// neighbours. It returns −1 for certain pixels.
func (c *cutState) nodeIndex() ([]int32, int) {
	idx := make([]int32, len(c.hard))
	n := 0
	for p, h := range c.hard {
		idx[p] = -1
		if h == unknownPixel {
			idx[p] = int32(n)
			n++
		}
	}
	return idx, n
}

// cutOnce adds the current models' data costs to the graph of edges g,
// cuts it and records the decision. It returns how many unknown pixels
// changed side.
func (c *cutState) cutOnce(ctx context.Context, g *flowGraph, fg, bg gmm, nodes []int32) (int, error) {
	g.restore()
	c.dataCosts(g, fg, bg, nodes)
	if _, err := g.maxflow(ctx); err != nil {
		return 0, err
	}
	changed := 0
	for p, v := range nodes {
		if v < 0 {
			continue
		}
		if f := g.sourceSide(int(v)); f != c.fig[p] {
			c.fig[p] = f
			changed++
		}
	}
	return changed, nil
}

// dataCosts links every unknown pixel to the source (figure) with the
// cost of calling it background, and to the sink with the cost of calling
// it figure.
func (c *cutState) dataCosts(g *flowGraph, fg, bg gmm, nodes []int32) {
	source, sink := make([]int32, len(g.tcap)), make([]int32, len(g.tcap))
	parallelRows(c.s.h, func(j0, j1 int) {
		for p := j0 * c.s.w; p < j1*c.s.w; p++ {
			if v := nodes[p]; v >= 0 {
				col := c.s.rgb[3*p : 3*p+3]
				source[v], sink[v] = scaledCost(bg.nll(col)), scaledCost(fg.nll(col))
			}
		}
	})
	for v := range source {
		g.addTerminal(v, source[v], sink[v])
	}
}

// scaledCost turns a negative log-likelihood into the graph's units. The
// densities are of 0–255 colours and so below 1 nearly everywhere; the
// rare negative cost is clamped to zero.
func scaledCost(nll float64) int32 {
	return int32(math.Round(costScale * min(maxCost, max(0, nll))))
}

// smoothness adds the edges between neighbours: between two unknown
// pixels an edge of the graph, between an unknown and a certain one a
// terminal link of the unknown one.
func (c *cutState) smoothness(g *flowGraph, links []int32, nodes []int32) {
	w, h := c.s.w, c.s.h
	for j := range h {
		for i := range w {
			p := j*w + i
			for d, nb := range forward {
				x, y := i+nb.dx, j+nb.dy
				if x < 0 || x >= w || y >= h {
					continue
				}
				c.link(g, nodes, p, y*w+x, nb.slot, links[4*p+d])
			}
		}
	}
}

// link joins pixels p and q (q in p's slot) with cost wt.
func (c *cutState) link(g *flowGraph, nodes []int32, p, q, slot int, wt int32) {
	u, v := nodes[p], nodes[q]
	switch {
	case u >= 0 && v >= 0:
		g.setEdge(int(u), slot, int(v), wt, wt)
	case u >= 0:
		c.towardsCertain(g, int(u), q, wt)
	case v >= 0:
		c.towardsCertain(g, int(v), p, wt)
	}
}

// towardsCertain gives node u, an unknown neighbour of the certain pixel
// q, its edge to q as a terminal link: cutting it is paying for u to take
// the side q is not on.
func (c *cutState) towardsCertain(g *flowGraph, u, q int, wt int32) {
	if c.hard[q] == hardFigure {
		g.addTerminal(u, wt, 0)
	} else {
		g.addTerminal(u, 0, wt)
	}
}
