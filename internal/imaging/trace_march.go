package imaging

import "math"

// Marching squares. The grid's cells have corners a (top left), b (top
// right), c (bottom right) and d (bottom left); a contour vertex lies on a
// cell edge where the field crosses 0.5, and is named by that edge: the
// horizontal edge from sample (i, j) to (i+1, j) is 2·(j·w+i), the vertical
// one from (i, j) to (i, j+1) is 2·(j·w+i)+1. Each crossed edge is shared by
// two cells, each of which joins it to one other edge, so every vertex has
// two neighbours and the segments close into loops.

const level = 0.5

// side names a cell's edges in the segment table.
type side uint8

const (
	top side = iota
	right
	bottom
	left
)

// segments is, for each case (a=8, b=4, c=2, d=1 set when inside), the
// pairs of edges joined. The saddles 5 and 10 are listed as for an outside
// centre; an inside centre swaps them (see cellSegments).
var segments = [16][][2]side{
	1:  {{left, bottom}},
	2:  {{bottom, right}},
	3:  {{left, right}},
	4:  {{top, right}},
	5:  {{top, right}, {left, bottom}},
	6:  {{top, bottom}},
	7:  {{left, top}},
	8:  {{left, top}},
	9:  {{top, bottom}},
	10: {{left, top}, {bottom, right}},
	11: {{top, right}},
	12: {{left, right}},
	13: {{bottom, right}},
	14: {{left, bottom}},
}

// cellSegments returns the edge pairs of cell (i, j). A saddle is decided
// by the mean of its corners: when the centre is inside, the two inside
// corners are joined.
func (f field) cellSegments(i, j int) [][2]side {
	a, b, c, d := f.at(i, j), f.at(i+1, j), f.at(i+1, j+1), f.at(i, j+1)
	k := 0
	for n, v := range [4]float32{a, b, c, d} {
		if v >= level {
			k |= 8 >> n
		}
	}
	centreIn := (a+b+c+d)/4 >= level
	switch {
	case k == 5 && centreIn:
		return segments[10]
	case k == 10 && centreIn:
		return segments[5]
	}
	return segments[k]
}

// edgeID names the side s of cell (i, j).
func (f field) edgeID(i, j int, s side) int {
	switch s {
	case top:
		return 2 * (j*f.w + i)
	case right:
		return 2*(j*f.w+i+1) + 1
	case bottom:
		return 2 * ((j+1)*f.w + i)
	}
	return 2*(j*f.w+i) + 1
}

// vertex is the crossing of the edge id, linearly interpolated.
func (f field) vertex(id int) Point {
	s := id / 2
	i, j := s%f.w, s/f.w
	i2, j2 := i+1, j
	if id%2 == 1 {
		i2, j2 = i, j+1
	}
	v0, v1 := float64(f.at(i, j)), float64(f.at(i2, j2))
	t := 0.5
	if v1 != v0 {
		t = math.Min(1, math.Max(0, (level-v0)/(v1-v0)))
	}
	return f.point(float64(i)+t*float64(i2-i), float64(j)+t*float64(j2-j))
}

// outerLoop traces every contour of f and returns the one enclosing the
// largest area, which is the region's outer boundary (its holes and any
// specks lie inside it or are smaller), oriented clockwise on screen.
func (f field) outerLoop() []Point {
	next := map[int][2]int{}
	link := func(p, q int) {
		for _, e := range [2][2]int{{p, q}, {q, p}} {
			n, ok := next[e[0]]
			if !ok {
				n = [2]int{-1, -1}
			}
			if n[0] < 0 {
				n[0] = e[1]
			} else {
				n[1] = e[1]
			}
			next[e[0]] = n
		}
	}
	for j := 0; j+1 < f.h; j++ {
		for i := 0; i+1 < f.w; i++ {
			for _, s := range f.cellSegments(i, j) {
				link(f.edgeID(i, j, s[0]), f.edgeID(i, j, s[1]))
			}
		}
	}
	var best []int
	bestArea := 0.0
	seen := map[int]bool{}
	for start := range next {
		if seen[start] {
			continue
		}
		loop := walk(next, start, seen)
		if a := math.Abs(f.area(loop)); a > bestArea {
			best, bestArea = loop, a
		}
	}
	pts := make([]Point, len(best))
	for n, id := range best {
		pts[n] = f.vertex(id)
	}
	if signedArea(pts) < 0 {
		for l, r := 0, len(pts)-1; l < r; l, r = l+1, r-1 {
			pts[l], pts[r] = pts[r], pts[l]
		}
	}
	return pts
}

// walk follows the loop through start, marking its vertices seen.
func walk(next map[int][2]int, start int, seen map[int]bool) []int {
	loop := []int{start}
	seen[start] = true
	prev, cur := start, next[start][0]
	for cur >= 0 && cur != start && !seen[cur] {
		seen[cur] = true
		loop = append(loop, cur)
		n := next[cur]
		nxt := n[0]
		if nxt == prev {
			nxt = n[1]
		}
		prev, cur = cur, nxt
	}
	return loop
}

func (f field) area(loop []int) float64 {
	pts := make([]Point, len(loop))
	for n, id := range loop {
		pts[n] = f.vertex(id)
	}
	return signedArea(pts)
}

// signedArea is the shoelace area of a closed polygon: positive when it
// turns clockwise on screen (y down).
func signedArea(p []Point) float64 {
	s := 0.0
	for i := range p {
		q := p[(i+1)%len(p)]
		s += p[i].X*q.Y - q.X*p[i].Y
	}
	return s / 2
}
