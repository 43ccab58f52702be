package imaging

import (
	"context"
	"image"
	"math/rand/v2"
)

// bandRadius is how far, in reduced pixels, from the reduced cut's edge
// the full-size pass may move it: the reduced cut is right to within a
// reduced pixel or so, and a wider band costs time for nothing.
const bandRadius = 2

// The eight neighbours in flowGraph slot order; slot 7−d is the opposite
// of slot d, and slots 4–7 are the forward ones.
var slots = [flowDegree]image.Point{{-1, -1}, {0, -1}, {1, -1}, {-1, 0}, {1, 0}, {-1, 1}, {0, 1}, {1, 1}}

// refine draws the full-size mask: the reduced decision enlarged, then
// the pixels of a band along its edge decided again by a graph cut at full
// size with colour models fitted to full-size pixels.
func refine(ctx context.Context, src pixelSource, s *smallImage, c *cutState, req CutoutRequest) (*image.Gray, error) {
	mask := image.NewGray(image.Rect(0, 0, src.w, src.h))
	c.paintBlocks(mask)
	if s.factor == 1 {
		return mask, nil // the reduced copy is the photo: nothing to refine
	}
	b := newBandCut(src, c, mask, req.Rect)
	if b.blocks == 0 {
		return mask, nil
	}
	fg, bg, ok := b.fullModels()
	if !ok {
		return mask, nil
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	g := b.graph(fg, bg)
	if _, err := g.maxflow(ctx); err != nil {
		return nil, err
	}
	b.write(g)
	return mask, nil
}

// paintBlocks sets every pixel of mask to its reduced pixel's decision.
func (c *cutState) paintBlocks(mask *image.Gray) {
	f, w := c.s.factor, c.s.w
	parallelRows(mask.Rect.Dy(), func(y0, y1 int) {
		for y := y0; y < y1; y++ {
			row := mask.Pix[y*mask.Stride : y*mask.Stride+mask.Rect.Dx()]
			base := (y / f) * w
			for x := range row {
				if c.fig[base+x/f] {
					row[x] = 255
				}
			}
		}
	})
}

// bandCut is the full-size graph cut along the edge. Its nodes are the
// pixels of the band's blocks, numbered block by block so that a pixel's
// node is found without a full-size index: block b's pixel at (u, v)
// inside the block is node b·f² + v·f + u.
type bandCut struct {
	src    pixelSource
	c      *cutState
	mask   *image.Gray
	rect   image.Rectangle
	f      int
	block  []int32 // per reduced pixel: its place in the band, or −1
	blocks int
	rgb    []float32 // per node, its colour
	live   []bool    // per node, whether it stands for a pixel to decide
}

func newBandCut(src pixelSource, c *cutState, mask *image.Gray, r CutoutRect) *bandCut {
	b := &bandCut{src: src, c: c, mask: mask, f: c.s.factor,
		rect: image.Rect(r.X, r.Y, r.X+r.W, r.Y+r.H)}
	b.block, b.blocks = c.band(bandRadius)
	b.fixPixels()
	b.readColours()
	return b
}

// band numbers the unknown reduced pixels within radius (in either axis)
// of a pixel decided the other way.
func (c *cutState) band(radius int) ([]int32, int) {
	w, h := c.s.w, c.s.h
	near := make([]bool, w*h)
	for j := range h {
		for i := range w {
			p := j*w + i
			if (i+1 < w && c.fig[p] != c.fig[p+1]) || (j+1 < h && c.fig[p] != c.fig[p+w]) {
				markSquare(near, w, h, i, j, radius+1)
			}
		}
	}
	idx := make([]int32, w*h)
	n := 0
	for p, in := range near {
		idx[p] = -1
		// A block the artist decided has no pixel for the cut to decide.
		if in && c.hard[p] == unknownPixel {
			idx[p] = int32(n)
			n++
		}
	}
	return idx, n
}

// markSquare sets the pixels of near within r of i, j (one more to the
// right and below, since the edge lies between i, j and its neighbour).
func markSquare(near []bool, w, h, i, j, r int) {
	for y := max(0, j-r+1); y <= min(h-1, j+r); y++ {
		for x := max(0, i-r+1); x <= min(w-1, i+r); x++ {
			near[y*w+x] = true
		}
	}
}

// certain reports whether the full-size pixel x, y is decided by the
// artist's input (outside the rectangle, or under a stroke), and how.
func (b *bandCut) certain(x, y int) (fixed, figure bool) {
	switch b.c.hard[(y/b.f)*b.c.s.w+x/b.f] {
	case hardFigure:
		return true, true
	case hardBackground:
		return true, false
	}
	return !image.Pt(x, y).In(b.rect), false
}

// node is the graph node of pixel x, y, or −1 when the pixel is not for
// the cut to decide.
func (b *bandCut) node(x, y int) int {
	k := b.block[(y/b.f)*b.c.s.w+x/b.f]
	if k < 0 {
		return -1
	}
	if fixed, _ := b.certain(x, y); fixed {
		return -1
	}
	return int(k)*b.f*b.f + (y%b.f)*b.f + x%b.f
}

// forEachPixel calls fn for every pixel of the band's blocks.
func (b *bandCut) forEachPixel(fn func(x, y int)) {
	w := b.c.s.w
	for p, k := range b.block {
		if k < 0 {
			continue
		}
		i, j := p%w, p/w
		for y := j * b.f; y < min((j+1)*b.f, b.src.h); y++ {
			for x := i * b.f; x < min((i+1)*b.f, b.src.w); x++ {
				fn(x, y)
			}
		}
	}
}

// fixPixels writes the artist's decision into the mask for the band's
// certain pixels, which the graph treats like any decided neighbour.
func (b *bandCut) fixPixels() {
	b.forEachPixel(func(x, y int) {
		if fixed, fig := b.certain(x, y); fixed {
			b.mask.Pix[y*b.mask.Stride+x] = figureValue(fig)
		}
	})
}

func figureValue(fig bool) uint8 {
	if fig {
		return 255
	}
	return 0
}

// readColours reads the full-size colour of every node that stands for
// a pixel; the others (past the photo's edge, or decided) stay unused.
func (b *bandCut) readColours() {
	b.rgb = make([]float32, 3*b.blocks*b.f*b.f)
	b.live = make([]bool, b.blocks*b.f*b.f)
	b.forEachPixel(func(x, y int) {
		if v := b.node(x, y); v >= 0 {
			b.live[v] = true
			r, g, bl := b.src.at(x, y)
			b.rgb[3*v], b.rgb[3*v+1], b.rgb[3*v+2] = float32(r), float32(g), float32(bl)
		}
	})
}

// fullModels fits both colour models to full-size pixels, one drawn at
// random from every reduced pixel outside the band, which the reduced cut
// decided with confidence. Full-size colours are noisier than block
// averages, so the reduced models would judge them too harshly.
func (b *bandCut) fullModels() (fg, bg gmm, ok bool) {
	rng := rand.New(rand.NewPCG(3, 2004))
	var fgc, bgc []float32
	w := b.c.s.w
	for p, k := range b.block {
		if k >= 0 {
			continue
		}
		i, j := p%w, p/w
		x := min(i*b.f+rng.IntN(b.f), b.src.w-1)
		y := min(j*b.f+rng.IntN(b.f), b.src.h-1)
		r, g, bl := b.src.at(x, y)
		if b.c.fig[p] {
			fgc = append(fgc, float32(r), float32(g), float32(bl))
		} else {
			bgc = append(bgc, float32(r), float32(g), float32(bl))
		}
	}
	return fitSamples(fgc, rng), fitSamples(bgc, rng), len(fgc) > 0 && len(bgc) > 0
}

// fitSamples fits a model to colours: k-means, then two rounds of
// reassignment.
func fitSamples(colours []float32, rng *rand.Rand) gmm {
	g, ok := kmeansInit(colours, rng)
	for range 2 {
		if !ok {
			break
		}
		var st gmmStats
		for i := 0; i+3 <= len(colours); i += 3 {
			c := colours[i : i+3]
			st.add(g.component(c), c)
		}
		g, ok = st.model()
	}
	return g
}

// graph builds the band's graph: data costs from the full-size models,
// edges between band pixels, and terminal links to the decided pixels
// around the band, which hold the band's edge where the reduced cut put it.
func (b *bandCut) graph(fg, bg gmm) *flowGraph {
	n := b.blocks * b.f * b.f
	g := newFlowGraph(n)
	source, sink := make([]int32, n), make([]int32, n)
	parallelRows(n, func(v0, v1 int) {
		for v := v0; v < v1; v++ {
			if !b.live[v] {
				continue
			}
			col := b.rgb[3*v : 3*v+3]
			source[v], sink[v] = scaledCost(bg.nll(col)), scaledCost(fg.nll(col))
		}
	})
	beta := 1 / (2 * b.meanContrast())
	b.forEachPixel(func(x, y int) {
		if v := b.node(x, y); v >= 0 {
			g.addTerminal(v, source[v], sink[v])
			b.linkPixel(g, x, y, v, beta)
		}
	})
	return g
}

// linkPixel adds node v's (pixel x, y) edges: to band nodes in its forward
// slots (the others add the backward ones), and to decided neighbours in
// all slots, as terminal links.
func (b *bandCut) linkPixel(g *flowGraph, x, y, v int, beta float64) {
	for d, off := range slots {
		qx, qy := x+off.X, y+off.Y
		if qx < 0 || qy < 0 || qx >= b.src.w || qy >= b.src.h {
			continue
		}
		diagonal := off.X != 0 && off.Y != 0
		if u := b.node(qx, qy); u >= 0 {
			if d >= flowDegree/2 {
				wt := edgeCost(colourDist2(b.rgb, v, u), beta, diagonal)
				g.setEdge(v, d, u, wt, wt)
			}
			continue
		}
		wt := edgeCost(b.distTo(v, qx, qy), beta, diagonal)
		if b.mask.Pix[qy*b.mask.Stride+qx] != 0 {
			g.addTerminal(v, wt, 0)
		} else {
			g.addTerminal(v, 0, wt)
		}
	}
}

// distTo is the squared colour difference between node v and pixel x, y.
func (b *bandCut) distTo(v, x, y int) float64 {
	r, g, bl := b.src.at(x, y)
	dr := float64(b.rgb[3*v] - float32(r))
	dg := float64(b.rgb[3*v+1] - float32(g))
	db := float64(b.rgb[3*v+2] - float32(bl))
	return dr*dr + dg*dg + db*db
}

// meanContrast is the mean squared colour difference between
// horizontally and vertically adjacent band nodes, never zero.
func (b *bandCut) meanContrast() float64 {
	sum, n := 0.0, 0
	b.forEachPixel(func(x, y int) {
		v := b.node(x, y)
		if v < 0 {
			return
		}
		for _, off := range [2]image.Point{{1, 0}, {0, 1}} {
			if x+off.X < b.src.w && y+off.Y < b.src.h {
				if u := b.node(x+off.X, y+off.Y); u >= 0 {
					sum += colourDist2(b.rgb, v, u)
					n++
				}
			}
		}
	})
	if n == 0 || sum == 0 {
		return 1
	}
	return sum / float64(n)
}

// write puts the cut's decision for the band's nodes into the mask.
func (b *bandCut) write(g *flowGraph) {
	b.forEachPixel(func(x, y int) {
		if v := b.node(x, y); v >= 0 {
			b.mask.Pix[y*b.mask.Stride+x] = figureValue(g.sourceSide(v))
		}
	})
}
