package imaging

import "context"

// This file holds the minimum cut the cut-out needs: the max-flow algorithm
// of Boykov and Kolmogorov ("An experimental comparison of min-cut/max-flow
// algorithms for energy minimization in vision", 2004), written for graphs
// laid out like a pixel grid. It grows two search trees, one from the
// source and one from the sink, and keeps them between augmentations, which
// on grids beats push-relabel and plain augmenting paths by a wide margin.

// Each node has flowDegree arc slots, one per direction of the
// 8-neighbourhood; the arc back from the neighbour in slot d sits in the
// neighbour's slot flowDegree-1-d, so no table of sister arcs is stored.
const flowDegree = 8

// Parent markers of the search trees; real parents are arc indices ≥ 0.
const (
	noParent     = -1 // the node is in neither tree
	terminalArc  = -2 // the node hangs from its terminal directly
	orphanParent = -3 // the node lost its parent during an augmentation
)

// Which tree a node is in.
const (
	freeTree uint8 = iota
	sourceTree
	sinkTree
)

// flowGraph is a graph of nodes with at most flowDegree neighbours each,
// with integer capacities, and the state of the Boykov–Kolmogorov search.
type flowGraph struct {
	head []int32 // per arc: the node it points to, or -1 when the slot is empty
	rcap []int32 // per arc: residual capacity
	// tcap is per node: > 0 the residual capacity from the source, < 0
	// minus the residual capacity to the sink.
	tcap []int32
	flow int64
	// saved is the capacities kept by save, for a graph cut again with new
	// terminal links.
	saved struct {
		rcap, tcap []int32
		flow       int64
	}

	tree    []uint8
	parent  []int32
	ts      []int32 // when dist was last known right
	dist    []int32 // steps to the terminal along parents
	active  []int32 // FIFO of active nodes (with holes, see queued)
	queued  []bool
	orphans []int32
	time    int32
}

// newFlowGraph returns a graph of n nodes with no arcs.
func newFlowGraph(n int) *flowGraph {
	g := &flowGraph{
		head: make([]int32, n*flowDegree),
		rcap: make([]int32, n*flowDegree),
		tcap: make([]int32, n),
	}
	for i := range g.head {
		g.head[i] = -1
	}
	return g
}

// sister is the arc that goes back along arc a.
func (g *flowGraph) sister(a int32) int32 {
	return g.head[a]*flowDegree + flowDegree - 1 - a%flowDegree
}

// setEdge joins u to v through u's slot d (and v's opposite slot), with
// capacity uv from u to v and vu back.
func (g *flowGraph) setEdge(u, d, v int, uv, vu int32) {
	a, b := u*flowDegree+d, v*flowDegree+flowDegree-1-d
	g.head[a], g.rcap[a] = int32(v), uv
	g.head[b], g.rcap[b] = int32(u), vu
}

// addTerminal adds capacities from the source and to the sink of node u.
// Only their difference matters for the cut: the common part is flow
// already.
func (g *flowGraph) addTerminal(u int, source, sink int32) {
	g.tcap[u] += source - sink
	g.flow += int64(min(source, sink))
}

// save keeps the capacities as they are now; restore goes back to them.
// A graph whose edges stay while its data costs change (GrabCut's rounds)
// is built once and restored before each cut.
func (g *flowGraph) save() {
	g.saved.rcap = append(g.saved.rcap[:0], g.rcap...)
	g.saved.tcap = append(g.saved.tcap[:0], g.tcap...)
	g.saved.flow = g.flow
}

func (g *flowGraph) restore() {
	copy(g.rcap, g.saved.rcap)
	copy(g.tcap, g.saved.tcap)
	g.flow = g.saved.flow
}

// sourceSide reports whether node u ends on the source's side of the
// minimum cut found by maxflow. Nodes reachable from neither terminal go
// to the sink's side.
func (g *flowGraph) sourceSide(u int) bool { return g.tree[u] == sourceTree }

// maxflow computes the maximum flow, and with it the minimum cut. It
// checks ctx before it starts and every few thousand steps.
func (g *flowGraph) maxflow(ctx context.Context) (int64, error) {
	g.initTrees()
	steps := 0
	var cur int32 = -1
	for {
		if steps&0xfff == 0 { // first at the start, then every 4096 steps
			if err := ctx.Err(); err != nil {
				return 0, err
			}
		}
		steps++
		if cur < 0 || g.parent[cur] == noParent {
			if cur = g.nextActive(); cur < 0 {
				return g.flow, nil
			}
		}
		a := g.grow(cur)
		if a < 0 {
			cur = -1 // exhausted: it stays in its tree but is no longer active
			continue
		}
		g.time++
		g.augment(a)
		g.adoptOrphans()
	}
}

// initTrees puts every node with terminal capacity into its tree as an
// active node.
func (g *flowGraph) initTrees() {
	n := len(g.tcap)
	if len(g.tree) != n {
		g.tree = make([]uint8, n)
		g.parent = make([]int32, n)
		g.ts = make([]int32, n)
		g.dist = make([]int32, n)
		g.queued = make([]bool, n)
	}
	clear(g.tree)
	clear(g.ts)
	clear(g.queued)
	g.active, g.orphans, g.time = g.active[:0], g.orphans[:0], 0
	for i := range n {
		g.parent[i] = noParent
		switch {
		case g.tcap[i] > 0:
			g.tree[i] = sourceTree
		case g.tcap[i] < 0:
			g.tree[i] = sinkTree
		default:
			continue
		}
		g.parent[i], g.dist[i] = terminalArc, 1
		g.activate(int32(i))
	}
}

func (g *flowGraph) activate(i int32) {
	if !g.queued[i] {
		g.queued[i] = true
		g.active = append(g.active, i)
	}
}

// nextActive pops the first active node still in a tree, or returns -1.
func (g *flowGraph) nextActive() int32 {
	for len(g.active) > 0 {
		i := g.active[0]
		g.active = g.active[1:]
		g.queued[i] = false
		if g.parent[i] != noParent {
			if len(g.active) == 0 {
				g.active = g.active[:0:0] // let the consumed prefix be freed
			}
			return i
		}
	}
	return -1
}

// grow extends i's tree to its free neighbours and returns the arc, from
// the source tree's side to the sink tree's, of a path it found, or -1.
func (g *flowGraph) grow(i int32) int32 {
	t := g.tree[i]
	base := i * flowDegree
	for d := int32(0); d < flowDegree; d++ {
		a := base + d
		j := g.head[a]
		if j < 0 {
			continue
		}
		back := j*flowDegree + flowDegree - 1 - d
		// The arc the flow would take: i→j in the source tree, j→i in the sink tree.
		along := a
		if t == sinkTree {
			along = back
		}
		if g.rcap[along] == 0 {
			continue
		}
		switch g.tree[j] {
		case freeTree:
			g.tree[j], g.parent[j] = t, back
			g.ts[j], g.dist[j] = g.ts[i], g.dist[i]+1
			g.activate(j)
		case t:
			// A shorter path to the terminal through i: take it.
			if g.ts[j] <= g.ts[i] && g.dist[j] > g.dist[i] {
				g.parent[j], g.ts[j], g.dist[j] = back, g.ts[i], g.dist[i]+1
			}
		default:
			return along
		}
	}
	return -1
}

// augment pushes the bottleneck along the path through middle (an arc
// from the source tree to the sink tree) and makes orphans of the nodes
// whose parent arc it saturates.
func (g *flowGraph) augment(middle int32) {
	s := g.head[g.sister(middle)]
	t := g.head[middle]
	bottle := g.rcap[middle]
	bottle = min(bottle, g.pathMin(s, true), g.pathMin(t, false))
	g.rcap[middle] -= bottle
	g.rcap[g.sister(middle)] += bottle
	g.pushPath(s, bottle, true)
	g.pushPath(t, bottle, false)
	g.flow += int64(bottle)
}

// pathMin is the smallest residual capacity on the way from i to its
// tree's terminal.
func (g *flowGraph) pathMin(i int32, source bool) int32 {
	m := int32(1<<31 - 1)
	for {
		a := g.parent[i]
		if a == terminalArc {
			if source {
				return min(m, g.tcap[i])
			}
			return min(m, -g.tcap[i])
		}
		if source {
			m = min(m, g.rcap[g.sister(a)])
		} else {
			m = min(m, g.rcap[a])
		}
		i = g.head[a]
	}
}

// pushPath sends f along the path from i to its tree's terminal.
func (g *flowGraph) pushPath(i, f int32, source bool) {
	for {
		a := g.parent[i]
		if a == terminalArc {
			if source {
				g.tcap[i] -= f
			} else {
				g.tcap[i] += f
			}
			if g.tcap[i] == 0 {
				g.makeOrphan(i)
			}
			return
		}
		fwd, rev := a, g.sister(a) // fwd carries the flow in the sink tree
		if source {
			fwd, rev = rev, fwd
		}
		g.rcap[fwd] -= f
		g.rcap[rev] += f
		if g.rcap[fwd] == 0 {
			g.makeOrphan(i)
		}
		i = g.head[a]
	}
}

func (g *flowGraph) makeOrphan(i int32) {
	g.parent[i] = orphanParent
	g.orphans = append(g.orphans, i)
}

// adoptOrphans finds each orphan a new parent in its tree or, failing
// that, frees it and orphans its children.
func (g *flowGraph) adoptOrphans() {
	for len(g.orphans) > 0 {
		n := len(g.orphans) - 1
		i := g.orphans[n]
		g.orphans = g.orphans[:n]
		if !g.adopt(i) {
			g.release(i)
		}
	}
}

// adopt looks for the neighbour of orphan i, in the same tree and rooted
// at the terminal, that is closest to the terminal, and makes it i's
// parent.
func (g *flowGraph) adopt(i int32) bool {
	t := g.tree[i]
	best, bestDist := int32(-1), int32(1<<30)
	for d := int32(0); d < flowDegree; d++ {
		a := i*flowDegree + d
		j := g.head[a]
		if j < 0 || g.tree[j] != t {
			continue
		}
		along := a // i→j carries flow in the sink tree
		if t == sourceTree {
			along = j*flowDegree + flowDegree - 1 - d
		}
		if g.rcap[along] == 0 {
			continue
		}
		if dist, ok := g.rootDistance(j); ok && dist < bestDist {
			best, bestDist = a, dist
		}
	}
	if best < 0 {
		return false
	}
	g.parent[i], g.ts[i], g.dist[i] = best, g.time, bestDist+1
	return true
}

// rootDistance follows parents from j to the terminal and returns the
// number of steps, or false when the way passes an orphan. It marks the
// nodes it passed with the current time so later walks stop early.
func (g *flowGraph) rootDistance(j int32) (int32, bool) {
	d := int32(0)
	k := j
	for {
		if g.ts[k] == g.time {
			d += g.dist[k]
			break
		}
		a := g.parent[k]
		d++
		if a == terminalArc {
			g.ts[k], g.dist[k] = g.time, 1
			break
		}
		if a == orphanParent || a == noParent {
			return 0, false
		}
		k = g.head[a]
	}
	for k, dd := j, d; g.ts[k] != g.time; k = g.head[g.parent[k]] {
		g.ts[k], g.dist[k] = g.time, dd
		dd--
	}
	return d, true
}

// release frees orphan i: neighbours that could feed it become active
// again, and its children become orphans.
func (g *flowGraph) release(i int32) {
	t := g.tree[i]
	for d := int32(0); d < flowDegree; d++ {
		a := i*flowDegree + d
		j := g.head[a]
		if j < 0 || g.tree[j] != t {
			continue
		}
		along := a
		if t == sourceTree {
			along = j*flowDegree + flowDegree - 1 - d
		}
		if g.rcap[along] > 0 {
			g.activate(j)
		}
		if p := g.parent[j]; p >= 0 && g.head[p] == i {
			g.makeOrphan(j)
		}
	}
	g.tree[i], g.parent[i] = freeTree, noParent
}
