package imaging

import (
	"context"
	"math/rand/v2"
	"testing"
)

// edmondsKarp is the textbook maximum flow on a dense capacity matrix
// whose last two nodes are the source and the sink: slow, obviously right.
func edmondsKarp(c [][]int64) int64 {
	n := len(c)
	s, t := n-2, n-1
	var flow int64
	for {
		prev := make([]int, n)
		for i := range prev {
			prev[i] = -1
		}
		prev[s] = s
		queue := []int{s}
		for len(queue) > 0 && prev[t] < 0 {
			u := queue[0]
			queue = queue[1:]
			for v := range n {
				if prev[v] < 0 && c[u][v] > 0 {
					prev[v] = u
					queue = append(queue, v)
				}
			}
		}
		if prev[t] < 0 {
			return flow
		}
		f := int64(1 << 62)
		for v := t; v != s; v = prev[v] {
			f = min(f, c[prev[v]][v])
		}
		for v := t; v != s; v = prev[v] {
			c[prev[v]][v] -= f
			c[v][prev[v]] += f
		}
		flow += f
	}
}

// randomGrid builds the same random 8-connected grid problem as a
// flowGraph and as a capacity matrix.
func randomGrid(rng *rand.Rand, w, h int) (*flowGraph, [][]int64) {
	n := w * h
	g := newFlowGraph(n)
	c := make([][]int64, n+2)
	for i := range c {
		c[i] = make([]int64, n+2)
	}
	for y := range h {
		for x := range w {
			u := y*w + x
			src, snk := int32(rng.IntN(20)), int32(rng.IntN(20))
			g.addTerminal(u, src, snk)
			c[n][u] += int64(src)
			c[u][n+1] += int64(snk)
			// Forward neighbours: right (slot 4), down-left (5), down (6), down-right (7).
			for _, nb := range []struct{ d, dx, dy int }{{4, 1, 0}, {5, -1, 1}, {6, 0, 1}, {7, 1, 1}} {
				xx, yy := x+nb.dx, y+nb.dy
				if xx < 0 || xx >= w || yy >= h || rng.IntN(4) == 0 {
					continue
				}
				v := yy*w + xx
				uv, vu := int32(rng.IntN(15)), int32(rng.IntN(15))
				g.setEdge(u, nb.d, v, uv, vu)
				c[u][v] += int64(uv)
				c[v][u] += int64(vu)
			}
		}
	}
	return g, c
}

// cutCapacity sums the capacities of c from the source's side of g's cut
// to the sink's.
func cutCapacity(g *flowGraph, c [][]int64) int64 {
	n := len(c) - 2
	side := func(i int) bool { return i == n || (i < n && g.sourceSide(i)) }
	var sum int64
	for u := range c {
		for v := range c {
			if side(u) && !side(v) {
				sum += c[u][v]
			}
		}
	}
	return sum
}

func TestMaxflowMatchesEdmondsKarpOnRandomGrids(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 9))
	for trial := range 200 {
		w, h := 1+rng.IntN(7), 1+rng.IntN(7)
		g, c := randomGrid(rng, w, h)
		got, err := g.maxflow(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if cut := cutCapacity(g, c); cut != got {
			t.Fatalf("trial %d (%d×%d): the cut's capacity is %d, the flow %d", trial, w, h, cut, got)
		}
		if want := edmondsKarp(c); got != want {
			t.Fatalf("trial %d (%d×%d): flow %d, want %d", trial, w, h, got, want)
		}
	}
}

func TestMaxflowCutSeparatesTerminals(t *testing.T) {
	// A chain source → 0 → 1 → 2 → sink with its weakest link between 1 and 2.
	g := newFlowGraph(3)
	g.addTerminal(0, 100, 0)
	g.addTerminal(2, 0, 100)
	g.setEdge(0, 4, 1, 50, 50)
	g.setEdge(1, 4, 2, 5, 5)
	flow, err := g.maxflow(context.Background())
	if err != nil || flow != 5 {
		t.Fatalf("flow %d, %v; want 5", flow, err)
	}
	if !g.sourceSide(0) || !g.sourceSide(1) || g.sourceSide(2) {
		t.Fatalf("cut sides %v %v %v, want true true false", g.sourceSide(0), g.sourceSide(1), g.sourceSide(2))
	}
}

func TestMaxflowAgainAfterRestoreGivesTheSameCut(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	g, c := randomGrid(rng, 9, 8)
	g.save()
	want := edmondsKarp(c)
	for round := range 3 {
		g.restore()
		got, err := g.maxflow(context.Background())
		if err != nil || got != want {
			t.Fatalf("round %d: flow %d, %v; want %d", round, got, err, want)
		}
	}
}

func TestMaxflowStopsWhenCancelled(t *testing.T) {
	g, _ := randomGrid(rand.New(rand.NewPCG(5, 6)), 120, 120)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := g.maxflow(ctx); err != context.Canceled {
		t.Fatalf("got %v, want context.Canceled", err)
	}
}
