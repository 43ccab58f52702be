package imaging

// clean keeps the figure whole and alone: of the figure's connected
// pieces it keeps the largest and those under a figure stroke (a stray
// patch of skin-coloured clutter goes), and it fills the holes in it
// that hold no background stroke (a shadow in a fold of clothing stays
// figure; a gap the artist marked stays open).
func (c *cutState) clean() {
	w, h := c.s.w, c.s.h
	comp, sizes := components(c.fig, w, h, true)
	keep := make([]bool, len(sizes))
	largest := 0
	for k, n := range sizes {
		if n > sizes[largest] {
			largest = k
		}
	}
	if len(sizes) > 0 {
		keep[largest] = true
	}
	for p, k := range comp {
		if k >= 0 && c.hard[p] == hardFigure {
			keep[k] = true
		}
	}
	for p, k := range comp {
		if k >= 0 && !keep[k] {
			c.fig[p] = false
		}
	}
	c.fillHoles()
}

// fillHoles turns into figure every background piece that holds no
// certain background pixel; the region outside the rectangle is certain
// background, so only pieces enclosed by the figure qualify.
func (c *cutState) fillHoles() {
	comp, sizes := components(c.fig, c.s.w, c.s.h, false)
	open := make([]bool, len(sizes))
	for p, k := range comp {
		if k >= 0 && c.hard[p] == hardBackground {
			open[k] = true
		}
	}
	for p, k := range comp {
		if k >= 0 && !open[k] {
			c.fig[p] = true
		}
	}
}

// components numbers the 4-connected pieces of the pixels whose value in
// fig equals want, and returns each pixel's piece (−1 for the others) and
// the pieces' sizes.
func components(fig []bool, w, h int, want bool) ([]int32, []int) {
	comp := make([]int32, len(fig))
	for i := range comp {
		comp[i] = -1
	}
	var sizes []int
	var stack []int
	for start, v := range fig {
		if v != want || comp[start] >= 0 {
			continue
		}
		k := int32(len(sizes))
		n := 0
		comp[start] = k
		stack = append(stack[:0], start)
		for len(stack) > 0 {
			p := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			n++
			x, y := p%w, p/w
			for _, q := range [4]int{p - 1, p + 1, p - w, p + w} {
				if (q == p-1 && x == 0) || (q == p+1 && x == w-1) || (q < 0) || (q >= w*h) || (q == p-w && y == 0) {
					continue
				}
				if fig[q] == want && comp[q] < 0 {
					comp[q] = k
					stack = append(stack, q)
				}
			}
		}
		sizes = append(sizes, n)
	}
	return comp, sizes
}
