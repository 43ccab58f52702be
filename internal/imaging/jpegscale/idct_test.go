package jpegscale

import (
	"math"
	"math/rand/v2"
	"testing"
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

// idctByWeights is the reduced IDCT straight from the weights.
func idctByWeights(blk *[64]int32, dst []byte, stride, n int) {
	w := &weights[n]
	var t [8][8]int // t[y][u]
	for u := range 8 {
		for y := range n {
			s := 0
			for v := range 8 {
				s += int(blk[v*8+u]) * w[v][y]
			}
			t[y][u] = (s + round1) >> pass1Drop
		}
	}
	for y := range n {
		for x := range n {
			s := 0
			for u := range 8 {
				s += t[y][u] * w[u][x]
			}
			dst[y*stride+x] = clamp((s + bias2) >> pass2Drop)
		}
	}
}

// idctFloat is the 8×8 IDCT of T.81 A.3.3 in floating point.
func idctFloat(blk *[64]int32, dst []float64) {
	for y := range 8 {
		for x := range 8 {
			s := 0.0
			for v := range 8 {
				for u := range 8 {
					cu, cv := 1.0, 1.0
					if u == 0 {
						cu = 1 / math.Sqrt2
					}
					if v == 0 {
						cv = 1 / math.Sqrt2
					}
					s += cu * cv * float64(blk[v*8+u]) * math.Cos(float64(2*x+1)*float64(u)*math.Pi/16) * math.Cos(float64(2*y+1)*float64(v)*math.Pi/16)
				}
			}
			dst[y*8+x] = s/4 + 128
		}
	}
}

func randomBlock(r *rand.Rand, spread int) *[64]int32 {
	var b [64]int32
	for k := range b {
		if r.IntN(3) == 0 || k == 0 {
			b[k] = int32(r.IntN(2*spread+1) - spread)
		}
	}
	return &b
}

// The written-out reductions are the weights' sums, exactly.
func TestReducedIDCTWeights(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 1))
	for i := range 20000 {
		blk := randomBlock(r, []int{16, 256, 1024, 2048}[i%4])
		for _, n := range []int{4, 2} {
			var got, want [64]byte
			idct(blk, got[:], 8, n)
			idctByWeights(blk, want[:], 8, n)
			if got != want {
				t.Fatalf("n=%d block %v: %v, want %v", n, blk, got[:n*8], want[:n*8])
			}
		}
	}
}

// The full IDCT is within 1 of the exact one, after rounding, as IEEE 1180
// asks, on coefficients in the range of 8-bit samples.
func TestFullIDCTAccuracy(t *testing.T) {
	r := rand.New(rand.NewPCG(2, 2))
	var exact [64]float64
	for i := range 20000 {
		blk := randomBlock(r, []int{16, 300, 1024}[i%3])
		var got [64]byte
		idct(blk, got[:], 8, 8)
		idctFloat(blk, exact[:])
		for k := range got {
			want := math.Round(max(0, min(255, exact[k])))
			if d := math.Abs(float64(got[k]) - want); d > 1 {
				t.Fatalf("block %v sample %d: %d, exact %.2f", blk, k, got[k], exact[k])
			}
		}
	}
}
