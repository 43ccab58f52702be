package jpegscale

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
// keeps 3 fractional bits, the second rounds to a sample. idct_test.go
// computes the weights from their definition and checks the ones written
// out below.

const (
	wBits     = 13
	pass1Keep = 3
	pass1Drop = wBits - pass1Keep
	pass2Drop = wBits + pass1Keep
)

// idct turns the dequantised coefficients of blk (natural order) into n×n
// samples at dst, rows stride apart.
func idct(blk *[64]int32, dst []byte, stride, n int) {
	switch n {
	case 8:
		idct8(blk, dst, stride)
	case 4:
		idct4(blk, dst, stride)
	default:
		idct2(blk, dst, stride)
	}
}

const (
	round1 = 1 << (pass1Drop - 1)
	bias2  = 128<<pass2Drop + 1<<(pass2Drop-1) // level shift and rounding
)

// idct4 is the 4×4 reduction, weights[4] written out: the weight of
// frequency 4 is zero, and of frequencies 2 and 6 the same for both
// samples of a half but for the sign.
func idct4(blk *[64]int32, dst []byte, stride int) {
	var t [4 * 8]int // t[y*8+u]
	for u := range 8 {
		f0, f1, f2, f3 := int(blk[u]), int(blk[8+u]), int(blk[16+u]), int(blk[24+u])
		f5, f6, f7 := int(blk[40+u]), int(blk[48+u]), int(blk[56+u])
		if f1|f2|f3|f5|f6|f7 == 0 {
			dc := (f0*2896 + round1) >> pass1Drop
			t[u], t[8+u], t[16+u], t[24+u] = dc, dc, dc, dc
			continue
		}
		a, b := f0*2896+round1, f2*2676-f6*1108
		o0 := f1*3711 + f3*1303 - f5*871 - f7*738
		o1 := f1*1537 - f3*3146 + f5*2102 - f7*306
		t[u] = (a + b + o0) >> pass1Drop
		t[24+u] = (a + b - o0) >> pass1Drop
		t[8+u] = (a - b + o1) >> pass1Drop
		t[16+u] = (a - b - o1) >> pass1Drop
	}
	for y := range 4 {
		r := (*[8]int)(t[y*8:])
		out := dst[y*stride : y*stride+4 : y*stride+4]
		a, b := r[0]*2896+bias2, r[2]*2676-r[6]*1108
		o0 := r[1]*3711 + r[3]*1303 - r[5]*871 - r[7]*738
		o1 := r[1]*1537 - r[3]*3146 + r[5]*2102 - r[7]*306
		out[0] = clamp((a + b + o0) >> pass2Drop)
		out[3] = clamp((a + b - o0) >> pass2Drop)
		out[1] = clamp((a - b + o1) >> pass2Drop)
		out[2] = clamp((a - b - o1) >> pass2Drop)
	}
}

// idct2 is the 2×2 reduction, weights[2] written out: over a box of four
// samples every even frequency but DC averages to zero.
func idct2(blk *[64]int32, dst []byte, stride int) {
	var t [2 * 8]int
	for u := range 8 {
		f0, f1, f3, f5, f7 := int(blk[u]), int(blk[8+u]), int(blk[24+u]), int(blk[40+u]), int(blk[56+u])
		a := f0*2896 + round1
		o := f1*2624 - f3*922 + f5*616 - f7*522
		t[u], t[8+u] = (a+o)>>pass1Drop, (a-o)>>pass1Drop
	}
	for y := range 2 {
		r := (*[8]int)(t[y*8:])
		out := dst[y*stride : y*stride+2 : y*stride+2]
		a := r[0]*2896 + bias2
		o := r[1]*2624 - r[3]*922 + r[5]*616 - r[7]*522
		out[0], out[1] = clamp((a+o)>>pass2Drop), clamp((a-o)>>pass2Drop)
	}
}

// The full 8×8 IDCT is the Loeffler–Ligtenberg–Moschytz factorisation
// ("Practical fast 1-D DCT algorithms with 11 multiplications", ICASSP
// 1989) in the integer form of libjpeg's jidctint.c: 12 multiplications
// per 8 samples with 13-bit constants, 2 extra bits kept between passes.
// Each pass computes √8 times the 1-D IDCT, hence the 3 more bits dropped
// at the end. The constants are the cosines it needs, times 2^13.
const (
	fix0298 = 2446  // 0.298631336
	fix0390 = 3196  // 0.390180644
	fix0541 = 4433  // 0.541196100
	fix0765 = 6270  // 0.765366865
	fix0899 = 7373  // 0.899976223
	fix1175 = 9633  // 1.175875602
	fix1501 = 12299 // 1.501321110
	fix1847 = 15137 // 1.847759065
	fix1961 = 16069 // 1.961570560
	fix2053 = 16819 // 2.053119869
	fix2562 = 20995 // 2.562915447
	fix3072 = 25172 // 3.072711026

	llmPass1Bits = 2
	llmDrop1     = wBits - llmPass1Bits
	llmDrop2     = wBits + llmPass1Bits + 3
	llmBias2     = 128<<llmDrop2 + 1<<(llmDrop2-1)
)

// llm computes the eight outputs of one pass from eight inputs, scaled by
// 2^13, before rounding.
func llm(i0, i1, i2, i3, i4, i5, i6, i7 int) (o0, o1, o2, o3, o4, o5, o6, o7 int) {
	// Even part: inputs 0, 2, 4, 6.
	z1 := (i2 + i6) * fix0541
	t2 := z1 - i6*fix1847
	t3 := z1 + i2*fix0765
	t0 := (i0 + i4) << wBits
	t1 := (i0 - i4) << wBits
	e10, e13 := t0+t3, t0-t3
	e11, e12 := t1+t2, t1-t2
	// Odd part: inputs 7, 5, 3, 1.
	a0, a1, a2, a3 := i7, i5, i3, i1
	y1, y2, y3, y4 := a0+a3, a1+a2, a0+a2, a1+a3
	z5 := (y3 + y4) * fix1175
	a0 *= fix0298
	a1 *= fix2053
	a2 *= fix3072
	a3 *= fix1501
	y1 *= -fix0899
	y2 *= -fix2562
	y3 = y3*-fix1961 + z5
	y4 = y4*-fix0390 + z5
	a0 += y1 + y3
	a1 += y2 + y4
	a2 += y2 + y3
	a3 += y1 + y4
	return e10 + a3, e11 + a2, e12 + a1, e13 + a0, e13 - a0, e12 - a1, e11 - a2, e10 - a3
}

func idct8(blk *[64]int32, dst []byte, stride int) {
	var t [64]int
	for u := range 8 {
		c := func(v int) int { return int(blk[v*8+u]) }
		if blk[8+u]|blk[16+u]|blk[24+u]|blk[32+u]|blk[40+u]|blk[48+u]|blk[56+u] == 0 {
			dc := c(0) << llmPass1Bits
			for y := range 8 {
				t[y*8+u] = dc
			}
			continue
		}
		o0, o1, o2, o3, o4, o5, o6, o7 := llm(c(0), c(1), c(2), c(3), c(4), c(5), c(6), c(7))
		const r = 1 << (llmDrop1 - 1)
		t[u], t[8+u], t[16+u], t[24+u] = (o0+r)>>llmDrop1, (o1+r)>>llmDrop1, (o2+r)>>llmDrop1, (o3+r)>>llmDrop1
		t[32+u], t[40+u], t[48+u], t[56+u] = (o4+r)>>llmDrop1, (o5+r)>>llmDrop1, (o6+r)>>llmDrop1, (o7+r)>>llmDrop1
	}
	for y := range 8 {
		r := (*[8]int)(t[y*8:])
		out := (*[8]byte)(dst[y*stride : y*stride+8])
		o0, o1, o2, o3, o4, o5, o6, o7 := llm(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7])
		out[0], out[1] = clamp((o0+llmBias2)>>llmDrop2), clamp((o1+llmBias2)>>llmDrop2)
		out[2], out[3] = clamp((o2+llmBias2)>>llmDrop2), clamp((o3+llmBias2)>>llmDrop2)
		out[4], out[5] = clamp((o4+llmBias2)>>llmDrop2), clamp((o5+llmBias2)>>llmDrop2)
		out[6], out[7] = clamp((o6+llmBias2)>>llmDrop2), clamp((o7+llmBias2)>>llmDrop2)
	}
}

// dcOnly draws the 1×1 reduction of a block: its mean, which is its DC
// coefficient over 8, rounded.
func dcOnly(dc int32, dst []byte) {
	dst[0] = clamp(int((dc+4)>>3) + 128)
}

// flat draws a block whose coefficients but DC are all zero: n×n samples
// of its mean.
func flat(dc int32, dst []byte, stride, n int) {
	v := clamp(int((dc+4)>>3) + 128)
	for y := range n {
		row := dst[y*stride : y*stride+n]
		for x := range row {
			row[x] = v
		}
	}
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
