package imaging

import (
	"math"
	"math/rand/v2"
)

// gmmComponents is the number of Gaussians in each colour model, as in
// the GrabCut paper: enough for skin, hair and a garment or two.
const gmmComponents = 5

// gmmMinVariance is added to every variance (in 0–255 units, squared) so
// that a flat colour, common on a backdrop, still gives an invertible
// covariance.
const gmmMinVariance = 2.0

// gaussian is one component of a colour model, ready to evaluate.
type gaussian struct {
	mean [3]float64
	inv  [9]float64 // the inverse covariance
	// logWeight is log(weight) − ½ log det Σ − (3/2) log 2π.
	logWeight float64
}

// gmm is a colour model: a mixture of Gaussians in RGB.
type gmm struct{ parts []gaussian }

// logTerms writes each component's log weighted density at c into dst.
func (g *gmm) logTerms(c []float32, dst *[gmmComponents]float64) {
	for k := range g.parts {
		p := &g.parts[k]
		d0, d1, d2 := float64(c[0])-p.mean[0], float64(c[1])-p.mean[1], float64(c[2])-p.mean[2]
		q := d0*(p.inv[0]*d0+p.inv[1]*d1+p.inv[2]*d2) +
			d1*(p.inv[3]*d0+p.inv[4]*d1+p.inv[5]*d2) +
			d2*(p.inv[6]*d0+p.inv[7]*d1+p.inv[8]*d2)
		dst[k] = p.logWeight - 0.5*q
	}
}

// nll is −log p(c), the cost of saying c was drawn from this model.
func (g *gmm) nll(c []float32) float64 {
	var t [gmmComponents]float64
	g.logTerms(c, &t)
	m := math.Inf(-1)
	for k := range g.parts {
		m = max(m, t[k])
	}
	sum := 0.0
	for k := range g.parts {
		sum += math.Exp(t[k] - m)
	}
	return -(m + math.Log(sum))
}

// component is the index of the component most likely to have drawn c.
func (g *gmm) component(c []float32) int {
	var t [gmmComponents]float64
	g.logTerms(c, &t)
	best := 0
	for k := 1; k < len(g.parts); k++ {
		if t[k] > t[best] {
			best = k
		}
	}
	return best
}

// gmmStats accumulates the moments of the colours given to each
// component.
type gmmStats struct {
	n    [gmmComponents]float64
	sum  [gmmComponents][3]float64
	prod [gmmComponents][6]float64 // xx, xy, xz, yy, yz, zz
}

func (s *gmmStats) add(k int, c []float32) {
	x, y, z := float64(c[0]), float64(c[1]), float64(c[2])
	s.n[k]++
	s.sum[k][0] += x
	s.sum[k][1] += y
	s.sum[k][2] += z
	p := &s.prod[k]
	p[0] += x * x
	p[1] += x * y
	p[2] += x * z
	p[3] += y * y
	p[4] += y * z
	p[5] += z * z
}

func (s *gmmStats) merge(o *gmmStats) {
	for k := range gmmComponents {
		s.n[k] += o.n[k]
		for i := range 3 {
			s.sum[k][i] += o.sum[k][i]
		}
		for i := range 6 {
			s.prod[k][i] += o.prod[k][i]
		}
	}
}

// model turns the moments into a mixture; components that received no
// colour are left out. It returns false when no colour was given at all.
func (s *gmmStats) model() (gmm, bool) {
	total := 0.0
	for _, n := range s.n {
		total += n
	}
	var g gmm
	if total == 0 {
		return g, false
	}
	for k := range gmmComponents {
		if s.n[k] == 0 {
			continue
		}
		g.parts = append(g.parts, s.gaussian(k, total))
	}
	return g, true
}

// gaussian is component k's maximum-likelihood fit.
func (s *gmmStats) gaussian(k int, total float64) gaussian {
	n := s.n[k]
	var p gaussian
	for i := range 3 {
		p.mean[i] = s.sum[k][i] / n
	}
	m := p.mean
	pr := s.prod[k]
	cov := [9]float64{
		pr[0]/n - m[0]*m[0] + gmmMinVariance, pr[1]/n - m[0]*m[1], pr[2]/n - m[0]*m[2],
		0, pr[3]/n - m[1]*m[1] + gmmMinVariance, pr[4]/n - m[1]*m[2],
		0, 0, pr[5]/n - m[2]*m[2] + gmmMinVariance,
	}
	cov[3], cov[6], cov[7] = cov[1], cov[2], cov[5]
	det := invert3(&cov, &p.inv)
	p.logWeight = math.Log(n/total) - 0.5*math.Log(det) - 1.5*math.Log(2*math.Pi)
	return p
}

// invert3 writes the inverse of the symmetric positive 3×3 matrix a into
// inv and returns a's determinant.
func invert3(a, inv *[9]float64) float64 {
	c0 := a[4]*a[8] - a[5]*a[7]
	c1 := a[5]*a[6] - a[3]*a[8]
	c2 := a[3]*a[7] - a[4]*a[6]
	det := a[0]*c0 + a[1]*c1 + a[2]*c2
	if det <= 1e-9 { // cannot happen with the added variance; stay finite anyway
		det = 1e-9
	}
	inv[0], inv[3], inv[6] = c0/det, c1/det, c2/det
	inv[1] = (a[2]*a[7] - a[1]*a[8]) / det
	inv[4] = (a[0]*a[8] - a[2]*a[6]) / det
	inv[7] = (a[1]*a[6] - a[0]*a[7]) / det
	inv[2] = (a[1]*a[5] - a[2]*a[4]) / det
	inv[5] = (a[2]*a[3] - a[0]*a[5]) / det
	inv[8] = (a[0]*a[4] - a[1]*a[3]) / det
	return det
}

// kmeansInit clusters colours (three values each) into gmmComponents
// groups with k-means++ seeding and a few Lloyd rounds, and returns the
// mixture fitted to the groups: the starting model of GrabCut. It looks at
// no more than kmeansSample colours.
func kmeansInit(colours []float32, rng *rand.Rand) (gmm, bool) {
	pts := subsample(colours, kmeansSample)
	n := len(pts) / 3
	if n == 0 {
		return gmm{}, false
	}
	centres := seedRGBCentres(pts, rng)
	assign := make([]int, n)
	for range kmeansRounds {
		for i := range n {
			assign[i] = nearest(centres, pts[3*i:3*i+3])
		}
		centres = recentre(pts, assign, centres)
	}
	var st gmmStats
	for i := range n {
		st.add(assign[i], pts[3*i:3*i+3])
	}
	return st.model()
}

const (
	kmeansSample = 20_000
	kmeansRounds = 8
)

// subsample keeps at most limit colours of colours, evenly spaced.
func subsample(colours []float32, limit int) []float32 {
	n := len(colours) / 3
	if n <= limit {
		return colours
	}
	out := make([]float32, 0, 3*limit)
	for i := range limit {
		j := 3 * (i * n / limit)
		out = append(out, colours[j:j+3]...)
	}
	return out
}

// seedRGBCentres picks the starting centres the k-means++ way: each next one
// far from those already chosen, with probability ∝ squared distance.
func seedRGBCentres(pts []float32, rng *rand.Rand) [][3]float32 {
	n := len(pts) / 3
	first := rng.IntN(n)
	centres := [][3]float32{{pts[3*first], pts[3*first+1], pts[3*first+2]}}
	d := make([]float64, n)
	for len(centres) < gmmComponents {
		total := 0.0
		for i := range n {
			c := centres[nearest(centres, pts[3*i:3*i+3])]
			d[i] = rgbDist2(c, pts[3*i:3*i+3])
			total += d[i]
		}
		if total == 0 {
			break // fewer distinct colours than components
		}
		r := rng.Float64() * total
		i := 0
		for ; i < n-1 && r >= d[i]; i++ {
			r -= d[i]
		}
		centres = append(centres, [3]float32{pts[3*i], pts[3*i+1], pts[3*i+2]})
	}
	return centres
}

func rgbDist2(c [3]float32, p []float32) float64 {
	a, b, e := float64(c[0]-p[0]), float64(c[1]-p[1]), float64(c[2]-p[2])
	return a*a + b*b + e*e
}

func nearest(centres [][3]float32, p []float32) int {
	best, bd := 0, math.Inf(1)
	for k, c := range centres {
		if d := rgbDist2(c, p); d < bd {
			best, bd = k, d
		}
	}
	return best
}

// recentre moves each centre to the mean of its points; a centre with no
// points stays where it was.
func recentre(pts []float32, assign []int, centres [][3]float32) [][3]float32 {
	sums := make([][4]float64, len(centres))
	for i, k := range assign {
		sums[k][0] += float64(pts[3*i])
		sums[k][1] += float64(pts[3*i+1])
		sums[k][2] += float64(pts[3*i+2])
		sums[k][3]++
	}
	out := make([][3]float32, len(centres))
	for k, s := range sums {
		out[k] = centres[k]
		if s[3] > 0 {
			out[k] = [3]float32{float32(s[0] / s[3]), float32(s[1] / s[3]), float32(s[2] / s[3])}
		}
	}
	return out
}
