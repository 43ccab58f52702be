package jpegscale

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"math"
)

// A small baseline encoder for the tests, because image/jpeg's writes only
// 4:2:0 colour and gray: this one writes any sampling factors and restart
// intervals. It borrows the standard Huffman tables (T.81 annex K) from a
// file image/jpeg writes, and is slow and simple on purpose: a float DCT
// straight from the definition.

type testOptions struct {
	factors [][2]int // h, v per component; one entry for gray
	quality int      // 1..100, scales a ramp of quantisation steps
	restart int      // MCUs per restart interval, 0 for none
}

// standardTables returns the DHT segments' payloads image/jpeg writes.
func standardTables() [][]byte {
	var b bytes.Buffer
	jpeg.Encode(&b, image.NewRGBA(image.Rect(0, 0, 8, 8)), nil)
	data := b.Bytes()
	var out [][]byte
	for i := 2; i+4 <= len(data); {
		marker, n := data[i+1], int(data[i+2])<<8|int(data[i+3])
		if marker == mSOS {
			break
		}
		if marker == mDHT {
			out = append(out, data[i+4:i+2+n])
		}
		i += 2 + n
	}
	return out
}

// code is a Huffman code: its bits, right-aligned, and length.
type code struct {
	bits uint32
	len  uint
}

// parseDHT gives the codes of each table in a DHT payload, by class and id.
func parseDHT(p []byte, into *[2][4][256]code) {
	for len(p) > 0 {
		tc, th := p[0]>>4, p[0]&15
		counts, vals := p[1:17], p[17:]
		c, k := uint32(0), 0
		for l := 1; l <= 16; l++ {
			for range counts[l-1] {
				into[tc][th][vals[k]] = code{c, uint(l)}
				c++
				k++
			}
			c <<= 1
		}
		p = vals[k:]
	}
}

type bitWriter struct {
	out  []byte
	acc  uint32
	nacc uint
}

func (w *bitWriter) put(bits uint32, n uint) {
	for i := int(n) - 1; i >= 0; i-- {
		w.acc = w.acc<<1 | bits>>uint(i)&1
		w.nacc++
		if w.nacc == 8 {
			w.out = append(w.out, byte(w.acc))
			if byte(w.acc) == 0xFF {
				w.out = append(w.out, 0)
			}
			w.acc, w.nacc = 0, 0
		}
	}
}

// flush pads the last byte with ones, as T.81 F.1.2.3 asks.
func (w *bitWriter) flush() {
	for w.nacc != 0 {
		w.put(1, 1)
	}
}

func magnitude(v int) (uint32, uint) {
	a := v
	if a < 0 {
		a = -a
	}
	s := uint(0)
	for a>>s != 0 {
		s++
	}
	if v < 0 {
		v += 1<<s - 1
	}
	return uint32(v), s
}

// encodeTest writes img as a baseline JPEG with the given options.
func encodeTest(img image.Image, o testOptions) []byte {
	b := img.Bounds()
	W, H := b.Dx(), b.Dy()
	nc := len(o.factors)
	hmax, vmax := 1, 1
	for _, f := range o.factors {
		hmax, vmax = max(hmax, f[0]), max(vmax, f[1])
	}
	// Full-resolution planes.
	full := make([][]float64, nc)
	for c := range full {
		full[c] = make([]float64, W*H)
	}
	for y := range H {
		for x := range W {
			r, g, bb, _ := img.At(b.Min.X+x, b.Min.Y+y).RGBA()
			if nc == 1 {
				full[0][y*W+x] = float64(color.GrayModel.Convert(img.At(b.Min.X+x, b.Min.Y+y)).(color.Gray).Y)
				continue
			}
			yy, cb, cr := color.RGBToYCbCr(uint8(r>>8), uint8(g>>8), uint8(bb>>8))
			full[0][y*W+x], full[1][y*W+x], full[2][y*W+x] = float64(yy), float64(cb), float64(cr)
		}
	}
	// Quantisation: one table, a ramp scaled by quality.
	var q [64]int
	scale := 1.0
	if o.quality > 0 {
		scale = float64(101-o.quality) / 25
	}
	for k := range q {
		q[k] = max(1, min(255, int(math.Round((2+float64(k))*scale))))
	}
	var codes [2][4][256]code
	tables := standardTables()
	for _, t := range tables {
		parseDHT(t, &codes)
	}

	var out []byte
	seg := func(marker byte, p []byte) {
		out = append(out, 0xFF, marker, byte((len(p)+2)>>8), byte(len(p)+2))
		out = append(out, p...)
	}
	out = append(out, 0xFF, mSOI)
	dqt := []byte{0}
	for k := range 64 {
		dqt = append(dqt, byte(q[k]))
	}
	seg(mDQT, dqt)
	sof := []byte{8, byte(H >> 8), byte(H), byte(W >> 8), byte(W), byte(nc)}
	for c, f := range o.factors {
		sof = append(sof, byte(c+1), byte(f[0]<<4|f[1]), 0)
	}
	seg(mSOF0, sof)
	for _, t := range tables {
		seg(mDHT, t)
	}
	if o.restart > 0 {
		seg(mDRI, []byte{byte(o.restart >> 8), byte(o.restart)})
	}
	sos := []byte{byte(nc)}
	for c := range nc {
		t := byte(0)
		if c > 0 {
			t = 0x11
		}
		sos = append(sos, byte(c+1), t)
	}
	seg(mSOS, append(sos, 0, 63, 0))

	// Component planes at their own resolution, edges replicated.
	sample := func(c, x, y int) float64 {
		f := o.factors[c]
		if nc == 1 {
			f = [2]int{hmax, vmax}
		}
		sx, sy := hmax/f[0], vmax/f[1]
		cw, ch := (W*f[0]+hmax-1)/hmax, (H*f[1]+vmax-1)/vmax
		x, y = min(x, cw-1), min(y, ch-1)
		sum, n := 0.0, 0
		for yy := y * sy; yy < (y+1)*sy; yy++ {
			for xx := x * sx; xx < (x+1)*sx; xx++ {
				sum += full[c][min(yy, H-1)*W+min(xx, W-1)]
				n++
			}
		}
		return sum / float64(n)
	}
	w := &bitWriter{}
	preds := make([]int, nc)
	mh, mv := hmax, vmax
	if nc == 1 {
		mh, mv = 1, 1
	}
	mxx, myy := (W+8*mh-1)/(8*mh), (H+8*mv-1)/(8*mv)
	mcu, rst := 0, 0
	for my := range myy {
		for mx := range mxx {
			if o.restart > 0 && mcu > 0 && mcu%o.restart == 0 {
				w.flush()
				w.out = append(w.out, 0xFF, byte(mRST0+rst))
				rst = (rst + 1) & 7
				clear(preds)
			}
			mcu++
			for c := range nc {
				h, v := o.factors[c][0], o.factors[c][1]
				if nc == 1 {
					h, v = 1, 1
				}
				t := 0
				if c > 0 {
					t = 1
				}
				for by := my * v; by < (my+1)*v; by++ {
					for bx := mx * h; bx < (mx+1)*h; bx++ {
						var blk [64]int
						fdct(func(x, y int) float64 { return sample(c, bx*8+x, by*8+y) }, &q, &blk)
						encodeBlock(w, &blk, &preds[c], &codes[0][t], &codes[1][t])
					}
				}
			}
		}
	}
	w.flush()
	out = append(out, w.out...)
	return append(out, 0xFF, mEOI)
}

// fdct quantises the DCT of the 8×8 block f (T.81 A.3.3), into zigzag order.
func fdct(f func(x, y int) float64, q *[64]int, blk *[64]int) {
	var s [8][8]float64
	for y := range 8 {
		for x := range 8 {
			s[y][x] = f(x, y) - 128
		}
	}
	for k := range 64 {
		u, v := int(zigzag[k]%8), int(zigzag[k]/8)
		sum := 0.0
		for y := range 8 {
			for x := range 8 {
				sum += s[y][x] * math.Cos(float64(2*x+1)*float64(u)*math.Pi/16) * math.Cos(float64(2*y+1)*float64(v)*math.Pi/16)
			}
		}
		cu, cv := 1.0, 1.0
		if u == 0 {
			cu = 1 / math.Sqrt2
		}
		if v == 0 {
			cv = 1 / math.Sqrt2
		}
		blk[k] = int(math.Round(sum * cu * cv / 4 / float64(q[k])))
	}
}

func encodeBlock(w *bitWriter, blk *[64]int, pred *int, dc, ac *[256]code) {
	bits, s := magnitude(blk[0] - *pred)
	*pred = blk[0]
	w.put(dc[s].bits, dc[s].len)
	w.put(bits, s)
	run := 0
	for k := 1; k < 64; k++ {
		if blk[k] == 0 {
			run++
			continue
		}
		for run >= 16 {
			w.put(ac[0xF0].bits, ac[0xF0].len)
			run -= 16
		}
		bits, s := magnitude(blk[k])
		sym := byte(run<<4) | byte(s)
		w.put(ac[sym].bits, ac[sym].len)
		w.put(bits, s)
		run = 0
	}
	if run > 0 {
		w.put(ac[0].bits, ac[0].len)
	}
}
