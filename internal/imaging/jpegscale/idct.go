package jpegscale

import "math"

// The inverse DCT, at full size or reduced.
//
// A reduced IDCT gives each output sample the mean of the full IDCT over
// the box of 2×2, 4×4 or 8×8 samples it stands for. Because the IDCT is
// linear, that mean is itself a weighted sum of the coefficients, with the
// cosine of each frequency averaged over the box; it is separable, so a
// block is done in two passes, columns then rows. This is what libjpeg's
// jidctred.c computes (the weight of frequency 4 for 2×2 boxes comes out
// as zero, which is why libjpeg's 4×4 IDCT never reads coefficient 4),
// though it factors the sums differently. Boxes mirror each other about
// the block's centre, where odd frequencies change sign and even ones do
// not, so each pass computes the even and odd halves once for two outputs.
//
// Weights are 13-bit fixed point (as libjpeg's CONST_BITS); the first pass
// keeps 3 fractional bits, the second rounds to a sample.

const (
	wBits     = 13
	pass1Keep = 3
	pass1Drop = wBits - pass1Keep
	pass2Drop = wBits + pass1Keep
)

// weights[n][u][i] is the weight of frequency u in output sample i of n
// (n = 2, 4 or 8) along one axis.
var weights = makeWeights()

func makeWeights() *[9][8][8]int {
	var w [9][8][8]int
	for _, n := range []int{2, 4, 8} {
		box := 8 / n
		for u := range 8 {
			cu := 0.5
			if u == 0 {
				cu = 0.5 / math.Sqrt2
			}
			for i := range n {
				sum := 0.0
				for x := i * box; x < (i+1)*box; x++ {
					sum += math.Cos(float64(2*x+1) * float64(u) * math.Pi / 16)
				}
				w[n][u][i] = int(math.Round(cu * sum / float64(box) * (1 << wBits)))
			}
		}
	}
	return &w
}

// idct turns the dequantised coefficients of blk (natural order) into n×n
// samples at dst, rows stride apart.
func idct(blk *[64]int32, dst []byte, stride, n int) {
	w := &weights[n]
	half := n / 2
	var t [8 * 8]int // t[y*8+u]: column u after the first pass
	for u := range 8 {
		if blk[8+u]|blk[16+u]|blk[24+u]|blk[32+u]|blk[40+u]|blk[48+u]|blk[56+u] == 0 {
			// A column with its DC alone, the common case: flat.
			dc := (int(blk[u])*w[0][0] + 1<<(pass1Drop-1)) >> pass1Drop
			for y := range n {
				t[y*8+u] = dc
			}
			continue
		}
		for y := range half {
			e := int(blk[u])*w[0][y] + int(blk[16+u])*w[2][y] + int(blk[32+u])*w[4][y] + int(blk[48+u])*w[6][y]
			o := int(blk[8+u])*w[1][y] + int(blk[24+u])*w[3][y] + int(blk[40+u])*w[5][y] + int(blk[56+u])*w[7][y]
			t[y*8+u] = (e + o + 1<<(pass1Drop-1)) >> pass1Drop
			t[(n-1-y)*8+u] = (e - o + 1<<(pass1Drop-1)) >> pass1Drop
		}
	}
	const bias = 128<<pass2Drop + 1<<(pass2Drop-1)
	for y := range n {
		r := t[y*8 : y*8+8 : y*8+8]
		out := dst[y*stride : y*stride+n : y*stride+n]
		for x := range half {
			e := r[0]*w[0][x] + r[2]*w[2][x] + r[4]*w[4][x] + r[6]*w[6][x]
			o := r[1]*w[1][x] + r[3]*w[3][x] + r[5]*w[5][x] + r[7]*w[7][x]
			out[x] = clamp((e + o + bias) >> pass2Drop)
			out[n-1-x] = clamp((e - o + bias) >> pass2Drop)
		}
	}
}

// dcOnly draws the 1×1 reduction of a block: its mean, which is its DC
// coefficient over 8, rounded.
func dcOnly(dc int32, dst []byte) {
	dst[0] = clamp(int((dc+4)>>3) + 128)
}

func clamp(x int) byte {
	if uint(x) <= 255 {
		return byte(x)
	}
	if x < 0 {
		return 0
	}
	return 255
}
