package imaging

import (
	"context"
	"fmt"
	"image"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"

	"atelier/internal/studio"
)

// PaletteColour is one colour of a suggested palette.
type PaletteColour struct {
	// Hex is the colour as "#rrggbb", Lab the same colour in CIELAB.
	Hex string
	Lab Lab
	// Role is one of studio.PaletteRoles.
	Role string
	// Share is the fraction of the figure's pixels nearest to this colour.
	Share float64
	// Paint names the studio's nearest paint and PaintDeltaE how far it is
	// (ΔE00, to 0.1); both are empty when the studio keeps no paints.
	Paint       string
	PaintDeltaE float64
}

// Palette is a limited palette and the colour error it leaves: the ΔE00
// of the figure's pixels to their nearest palette colour.
type Palette struct {
	Colours               []PaletteColour
	MeanDeltaE, P95DeltaE float64
}

// Paint is one paint the studio keeps.
type Paint struct{ Name, Hex string }

// The tuning of SuggestPalette. 200 000 pixels put a share within about
// 0.2 % of the whole image's, at a small fraction of a 12-megapixel
// photo's cost.
const (
	paletteSamples  = 200_000
	paletteRounds   = 30
	paletteRestarts = 4
	restartSamples  = 20_000
)

// SuggestPalette clusters the figure's pixels: of every image, those where
// the mask (same bounds, may be nil) is ≥ 128. Clustering is k-means in
// CIELAB seeded by k-means++, restarted a few times keeping the tightest;
// the same seed gives the same palette.
func SuggestPalette(ctx context.Context, imgs []image.Image, masks []*image.Gray, count int, paints []Paint, seed uint64) (Palette, error) {
	if err := CheckPaletteCount(count); err != nil {
		return Palette{}, err
	}
	if len(masks) != 0 && len(masks) != len(imgs) {
		return Palette{}, fmt.Errorf("imaging: %d masks for %d images", len(masks), len(imgs))
	}
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	pts, err := samplePixels(imgs, masks, rng)
	if err != nil {
		return Palette{}, err
	}
	centres, err := bestClusters(ctx, pts, count, rng)
	if err != nil {
		return Palette{}, err
	}
	p := judge(pts, centres)
	assignRoles(p.Colours)
	namePaints(p.Colours, paints)
	return p, nil
}

// CheckPaletteCount refuses a palette of other than 3 or 4 colours, so
// that a request can be refused before its photos are decoded.
func CheckPaletteCount(count int) error {
	if count != 3 && count != 4 {
		return studio.FieldError("count", "must be 3 or 4: a figure's palette is limited")
	}
	return nil
}

// samplePixels returns the Lab of up to paletteSamples of the figure's
// pixels, drawn uniformly (with replacement) across all the images.
func samplePixels(imgs []image.Image, masks []*image.Gray, rng *rand.Rand) ([]Lab, error) {
	if len(imgs) == 0 {
		return nil, studio.FieldError("photo_ids", "choose at least one photo of the figure")
	}
	counts := make([]int, len(imgs))
	total := 0
	for i, img := range imgs {
		m := maskOf(masks, i)
		if m != nil && m.Bounds() != img.Bounds() {
			return nil, studio.FieldError("photo_ids", fmt.Sprintf("the mask of photo %d is not the size of the photo", i+1))
		}
		counts[i] = figurePixels(img, m)
		total += counts[i]
	}
	if total == 0 {
		return nil, studio.FieldError("photo_ids", "the figure's mask is empty: there are no pixels to take colours from")
	}
	var ranks []int // which of the figure's pixels to take, in order
	if total > paletteSamples {
		ranks = make([]int, paletteSamples)
		for i := range ranks {
			ranks[i] = rng.IntN(total)
		}
		slices.Sort(ranks)
	}
	pts := make([]Lab, 0, min(total, paletteSamples))
	base := 0
	for i, img := range imgs {
		pts = appendFigure(pts, img, maskOf(masks, i), ranks, base)
		base += counts[i]
	}
	return pts, nil
}

func maskOf(masks []*image.Gray, i int) *image.Gray {
	if i < len(masks) {
		return masks[i]
	}
	return nil
}

// inFigure is the mask's threshold: anti-aliased edges count when mostly in.
func inFigure(v uint8) bool { return v >= 128 }

func figurePixels(img image.Image, m *image.Gray) int {
	if m == nil {
		return img.Bounds().Dx() * img.Bounds().Dy()
	}
	n := 0
	b := m.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		row := m.Pix[m.PixOffset(b.Min.X, y):][:b.Dx()]
		for _, v := range row {
			if inFigure(v) {
				n++
			}
		}
	}
	return n
}

// appendFigure appends the figure's pixels of img whose rank (counted in
// reading order from base) is in ranks, sorted; every pixel when ranks is
// nil.
func appendFigure(pts []Lab, img image.Image, m *image.Gray, ranks []int, base int) []Lab {
	at := readerOf(img)
	b := img.Bounds()
	next, _ := slices.BinarySearch(ranks, base)
	rank := base
	for y := b.Min.Y; y < b.Max.Y; y++ {
		if ranks != nil && m == nil { // skip whole rows no rank falls in
			if next == len(ranks) {
				return pts
			}
			if ranks[next] >= rank+b.Dx() {
				rank += b.Dx()
				continue
			}
		}
		for x := b.Min.X; x < b.Max.X; x++ {
			if m != nil && !inFigure(m.Pix[m.PixOffset(x, y)]) {
				continue
			}
			for ranks == nil || (next < len(ranks) && ranks[next] == rank) {
				r, g, bl := at(x, y)
				pts = append(pts, labOf8(r, g, bl))
				if ranks == nil {
					break
				}
				next++
			}
			rank++
		}
	}
	return pts
}

// bestClusters runs k-means from paletteRestarts k-means++ seedings on a
// spread-out tenth of the pixels, keeps the seeding that ends with the
// least squared error, and finishes that one on all the pixels: the
// restarts only have to find the right basin, which a tenth shows as well.
func bestClusters(ctx context.Context, pts []Lab, k int, rng *rand.Rand) ([]Lab, error) {
	sub := pts
	if step := len(pts) / restartSamples; step > 1 {
		sub = make([]Lab, 0, len(pts)/step+1)
		for i := 0; i < len(pts); i += step {
			sub = append(sub, pts[i])
		}
	}
	var best []Lab
	bestErr := math.Inf(1)
	labels := make([]uint8, len(pts))
	for range paletteRestarts {
		centres, sse, err := kmeans(ctx, sub, seedCentres(sub, k, rng), labels[:len(sub)])
		if err != nil {
			return nil, err
		}
		if sse < bestErr {
			best, bestErr = centres, sse
		}
	}
	if len(sub) == len(pts) {
		return best, nil
	}
	best, _, err := kmeans(ctx, pts, best, labels)
	return best, err
}

// seedCentres is k-means++: each next centre drawn with probability
// proportional to its squared distance from the nearest chosen one, so
// the seeds spread over the colours instead of piling into the commonest.
func seedCentres(pts []Lab, k int, rng *rand.Rand) []Lab {
	centres := []Lab{pts[rng.IntN(len(pts))]}
	d2 := make([]float64, len(pts))
	for i, p := range pts {
		d2[i] = dist2(p, centres[0])
	}
	for len(centres) < k {
		sum := 0.0
		for _, d := range d2 {
			sum += d
		}
		pick := rng.IntN(len(pts)) // all points alike: any will do
		if sum > 0 {
			pick = len(pts) - 1
			target := rng.Float64() * sum
			for i, d := range d2 {
				if target -= d; target < 0 {
					pick = i
					break
				}
			}
		}
		c := pts[pick]
		centres = append(centres, c)
		for i, p := range pts {
			d2[i] = min(d2[i], dist2(p, c))
		}
	}
	return centres
}

// kmeans runs Lloyd's rounds from centres until no pixel changes cluster
// or paletteRounds have passed, and returns the centres and the summed
// squared distance of the pixels to them.
func kmeans(ctx context.Context, pts []Lab, centres []Lab, labels []uint8) ([]Lab, float64, error) {
	k := len(centres)
	for i := range labels {
		labels[i] = uint8(k) // no cluster yet
	}
	sums := make([]Lab, k)
	ns := make([]int, k)
	var sse float64
	for range paletteRounds {
		if err := ctx.Err(); err != nil {
			return nil, 0, err
		}
		changed := false
		sse = 0
		clear(sums)
		clear(ns)
		for i, p := range pts {
			j, d := nearestLab(p, centres)
			if labels[i] != uint8(j) {
				labels[i], changed = uint8(j), true
			}
			sse += d
			sums[j].L += p.L
			sums[j].A += p.A
			sums[j].B += p.B
			ns[j]++
		}
		if !changed {
			break
		}
		for j := range centres {
			if ns[j] > 0 {
				n := float64(ns[j])
				centres[j] = Lab{sums[j].L / n, sums[j].A / n, sums[j].B / n}
			}
		}
	}
	return centres, sse, nil
}

func dist2(a, b Lab) float64 {
	l, x, y := a.L-b.L, a.A-b.A, a.B-b.B
	return l*l + x*x + y*y
}

// nearestLab is the index of the centre nearest p in Lab, and the squared
// distance to it.
func nearestLab(p Lab, centres []Lab) (int, float64) {
	best, bestD := 0, math.Inf(1)
	for j, c := range centres {
		if d := dist2(p, c); d < bestD {
			best, bestD = j, d
		}
	}
	return best, bestD
}

// nearest00 is the index of the colour nearest p by ΔE00, and the ΔE00.
func nearest00(p Lab, colours []Lab) (int, float64) {
	best, bestD := 0, math.Inf(1)
	for j, c := range colours {
		if d := DeltaE00(p, c); d < bestD {
			best, bestD = j, d
		}
	}
	return best, bestD
}

// judge turns the centres into the colours an artist can mix (8-bit sRGB)
// and measures, against those, each colour's share and the ΔE00 the
// palette leaves.
func judge(pts []Lab, centres []Lab) Palette {
	labs := make([]Lab, len(centres))
	for j, c := range centres {
		rgb := c.RGBA()
		labs[j] = labOf8(rgb.R, rgb.G, rgb.B)
	}
	des := make([]float64, len(pts))
	near := make([]uint8, len(pts))
	parallel(len(pts), func(lo, hi int) {
		for i := lo; i < hi; i++ {
			j, d := nearest00(pts[i], labs)
			near[i], des[i] = uint8(j), d
		}
	})
	ns := make([]int, len(labs))
	sum := 0.0
	for i, d := range des {
		ns[near[i]]++
		sum += d
	}
	slices.Sort(des)
	p := Palette{
		MeanDeltaE: sum / float64(len(pts)),
		P95DeltaE:  des[int(math.Ceil(0.95*float64(len(des))))-1],
	}
	for j, l := range labs {
		p.Colours = append(p.Colours, PaletteColour{Hex: l.Hex(), Lab: l, Share: float64(ns[j]) / float64(len(pts))})
	}
	return p
}

// parallel calls work on n items split in one run per CPU; ΔE00 to each
// palette colour is most of the palette's time.
func parallel(n int, work func(lo, hi int)) {
	parts := min(runtime.GOMAXPROCS(0), max(1, n/4096))
	var wg sync.WaitGroup
	for p := range parts {
		wg.Go(func() { work(p*n/parts, (p+1)*n/parts) })
	}
	wg.Wait()
}

// assignRoles gives each colour its job: the darkest is the shadow, the
// lightest the highlight, the commonest of those between is the base, and
// of four the most chromatic left over is the accent (so a saturated
// shirt is the accent even when it is the darkest colour, and the shadow
// is the darkest of the rest). The colours end up in role order.
func assignRoles(cs []PaletteColour) {
	byL := make([]int, len(cs))
	for i := range byL {
		byL[i] = i
	}
	slices.SortStableFunc(byL, func(a, b int) int { return cmpFloat(cs[a].Lab.L, cs[b].Lab.L) })
	mids := byL[1 : len(byL)-1]
	base := mids[0]
	for _, i := range mids {
		if cs[i].Share > cs[base].Share {
			base = i
		}
	}
	rest := slices.DeleteFunc(slices.Clone(byL), func(i int) bool { return i == base })
	cs[base].Role = "base"
	if len(rest) == 3 {
		acc := rest[0]
		for _, i := range rest {
			if cs[i].Lab.Chroma() > cs[acc].Lab.Chroma() {
				acc = i
			}
		}
		cs[acc].Role = "accent"
		rest = slices.DeleteFunc(rest, func(i int) bool { return i == acc })
	}
	cs[rest[0]].Role, cs[rest[1]].Role = "shadow", "highlight" // rest stays sorted by L
	slices.SortStableFunc(cs, func(a, b PaletteColour) int {
		return slices.Index(studio.PaletteRoles, a.Role) - slices.Index(studio.PaletteRoles, b.Role)
	})
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// namePaints names, for each colour, the studio's nearest paint by ΔE00.
// Paints whose colour cannot be read are passed over.
func namePaints(cs []PaletteColour, paints []Paint) {
	var names []string
	var labs []Lab
	for _, p := range paints {
		if l, ok := ParseHex(p.Hex); ok {
			names, labs = append(names, p.Name), append(labs, l)
		}
	}
	if len(labs) == 0 {
		return
	}
	for i := range cs {
		j, d := nearest00(cs[i].Lab, labs)
		cs[i].Paint, cs[i].PaintDeltaE = names[j], math.Round(d*10)/10
	}
}
