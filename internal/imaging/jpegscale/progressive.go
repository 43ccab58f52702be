package jpegscale

// Progressive JPEG (SOF2, ITU T.81 annex G), for Check only.
//
// A progressive file sends its coefficients in several scans: DC first
// (Ah = 0) and DC refinements (one bit a block); AC bands of a single
// component, first (with end-of-band runs spanning blocks) and refined
// (a correction bit for every coefficient already nonzero, new ones of
// ±1<<Al). Which bits a refinement scan holds depends on the earlier scans
// only through which coefficients are already nonzero, so checking a file
// exactly as a decoder reads it needs one bit per coefficient — a uint64
// per block — and not the coefficients: 2.3 MB for a 12 MP 4:2:0 photo
// where image/jpeg keeps 72 MB.
//
// The reading follows image/jpeg's, quirks included, so that the two read
// the same bits and a file one refuses the other refuses too: blocks of a
// single-component scan are counted within whole MCUs (those beyond the
// image's width or height in luma samples skipped), restart intervals
// count MCUs of the interleaved layout, and an end-of-band run left over
// at the end of a scan carries into the next one.

import mbits "math/bits"

var (
	errUninitHuff = formatError("uninitialized Huffman table")
	errTooMany    = formatError("too many coefficients")
	errUnexpected = formatError("unexpected Huffman code")
)

// progSOS validates the progressive part of a scan header (its last three
// bytes, spectral selection and successive approximation), then reads the
// scan. order holds the scan's components.
func (d *decoder) progSOS(order []int, ss, se, ahal byte) error {
	zs, ze := int(ss), int(se)
	ah, al := uint(ahal>>4), uint(ahal&15)
	if zs == 0 && ze != 0 || zs > ze || ze > 63 {
		return formatError("bad spectral selection bounds")
	}
	if zs != 0 && len(order) != 1 {
		return formatError("progressive AC coefficients for more than one component")
	}
	if ah != 0 && ah != al+1 {
		return formatError("bad successive approximation values")
	}
	mxx, myy := d.mcus()
	for _, idx := range order {
		if d.nonzero[idx] != nil {
			continue
		}
		c := &d.comps[idx]
		n := int64(mxx) * int64(myy) * int64(c.h*c.v)
		if n*64 > maxPixels {
			return ErrUnsupported // image/jpeg may take it; we do not reserve that much
		}
		d.nonzero[idx] = make([]uint64, n)
	}
	d.scanned = true
	d.resetBits()
	mcu, rst := 0, byte(mRST0)
	var err error
	for my := range myy {
		for mx := range mxx {
			if err := d.restartBefore(mcu, &rst); err != nil {
				return err
			}
			for _, idx := range order {
				c := &d.comps[idx]
				nz := d.nonzero[idx]
				stride := mxx * c.h
				for j := range c.h * c.v {
					var bx, by int
					if len(order) != 1 {
						bx, by = c.h*mx+j%c.h, c.v*my+j/c.h
					} else {
						// image/jpeg's count: the block slots of whole
						// MCUs, left to right, top to bottom.
						n := mcu*c.h*c.v + j
						bx, by = n%stride, n/stride
						if bx*8 >= d.width || by*8 >= d.height {
							continue
						}
					}
					p := &nz[by*stride+bx]
					switch {
					case zs == 0 && ah == 0:
						err = d.progDCFirst(c)
					case zs == 0:
						err = d.progBit()
					case ah == 0:
						err = d.progACFirst(c, p, zs, ze)
					default:
						err = d.progACRefine(c, p, zs, ze)
					}
					if err != nil {
						return err
					}
				}
			}
			mcu++
		}
		if d.overrun() {
			return d.shortErr()
		}
	}
	if d.overrun() {
		return d.shortErr()
	}
	return nil
}

// progSym decodes one Huffman symbol.
func (d *decoder) progSym(t *huffTable) (byte, error) {
	if !t.defined {
		return 0, errUninitHuff
	}
	if d.nbits < 32 {
		d.acc, d.nbits = d.refill(d.acc, d.nbits)
	}
	e := t.look[d.acc>>(64-lookBits)]
	var sym byte
	var l uint
	switch {
	case e&wholeFlag != 0:
		// The entry holds the code and its extra bits; only the code is
		// taken here, and the symbol is made again from the lengths and
		// the run.
		l = uint(e>>4) & 15
		s := byte(e&15) - byte(l)
		sym = byte(e>>8)&15<<4 | s
	case e != 0:
		sym, l = byte(e>>8), uint(e&15)
	default:
		if sym, l = t.slow(d.acc); l == 0 {
			return 0, errBadCode
		}
	}
	d.acc <<= l
	d.nbits -= l
	return sym, nil
}

// progBits consumes n (at most 16) bits and returns them.
func (d *decoder) progBits(n uint) uint32 {
	if n == 0 {
		return 0
	}
	if d.nbits < 32 {
		d.acc, d.nbits = d.refill(d.acc, d.nbits)
	}
	v := uint32(d.acc >> (64 - n))
	d.acc <<= n
	d.nbits -= n
	return v
}

// progBit consumes one bit: a DC refinement.
func (d *decoder) progBit() error {
	d.progBits(1)
	return nil
}

func (d *decoder) progDCFirst(c *component) error {
	sym, err := d.progSym(c.dc)
	if err != nil {
		return err
	}
	if sym > 16 {
		return ErrUnsupported // image/jpeg: "excessive DC component"
	}
	d.progBits(uint(sym))
	return nil
}

// progACFirst reads a block's first pass over the band zs..ze, marking in
// *nz the coefficients it sets.
func (d *decoder) progACFirst(c *component, nz *uint64, zs, ze int) error {
	if d.eobRun > 0 {
		d.eobRun--
		return nil
	}
	for k := zs; k <= ze; k++ {
		sym, err := d.progSym(c.ac)
		if err != nil {
			return err
		}
		r, s := int(sym>>4), uint(sym&15)
		if s == 0 {
			if r != 15 {
				d.eobRun = uint16(1)<<r | uint16(d.progBits(uint(r)))
				d.eobRun--
				return nil
			}
			k += 15
			continue
		}
		k += r
		if k > ze {
			return nil
		}
		d.progBits(s)
		*nz |= 1 << uint(k)
	}
	return nil
}

// progACRefine reads a block's refinement of the band zs..ze: a
// correction bit for each coefficient already nonzero, new coefficients
// after runs of zero ones, or an end-of-band run. The accumulator is kept
// in locals, as in skipBlock: this is where a progressive file's time goes.
func (d *decoder) progACRefine(c *component, nz *uint64, zs, ze int) error {
	k := zs
	if d.eobRun == 0 {
		t := c.ac
		if !t.defined {
			return errUninitHuff
		}
		acc, nb, m := d.acc, d.nbits, *nz
		for ; k <= ze; k++ {
			if nb < 32 {
				acc, nb = d.refill(acc, nb)
			}
			e := t.look[acc>>(64-lookBits)]
			var r, l, s uint
			switch {
			case e&wholeFlag != 0:
				l = uint(e>>4) & 15
				r, s = uint(e>>8)&15, uint(e&15)-l
			case e != 0:
				l = uint(e & 15)
				r, s = uint(e>>12)&15, uint(e>>8)&15
			default:
				var sym byte
				if sym, l = t.slow(acc); l == 0 {
					d.acc, d.nbits = acc, nb
					return errBadCode
				}
				r, s = uint(sym>>4), uint(sym&15)
			}
			// At least 16 bits remain after the code: enough for the
			// sign bit or an end-of-band run's 14 bits.
			acc <<= l
			nb -= l
			set := false
			switch s {
			case 0:
				if r != 15 {
					run := uint16(0)
					if r > 0 {
						run = uint16(acc >> (64 - r))
						acc <<= r
						nb -= r
					}
					d.eobRun = 1<<r | run
					d.acc, d.nbits, *nz = acc, nb, m
					goto eob
				}
			case 1:
				acc <<= 1 // the sign
				nb--
				set = true
			default:
				d.acc, d.nbits = acc, nb
				return errUnexpected
			}
			var n int
			k, n = passZeros(m, k, ze, int(r))
			for n > 0 {
				if nb < 32 {
					acc, nb = d.refill(acc, nb)
				}
				j := uint(min(n, 32))
				acc <<= j
				nb -= j
				n -= int(j)
			}
			if k > ze {
				d.acc, d.nbits = acc, nb
				return errTooMany
			}
			if set {
				m |= 1 << uint(k)
			}
		}
		d.acc, d.nbits, *nz = acc, nb, m
		return nil
	}
eob:
	if d.eobRun > 0 {
		d.eobRun--
		_, n := passZeros(*nz, k, ze, -1)
		d.skipBits(n)
	}
	return nil
}

// passZeros finds, in the band from k to ze of a block whose nonzero
// coefficients are nz, where a run of zeros zero coefficients ends: the
// index of the next zero coefficient after them (all of them when zeros is
// negative: ze+1, as when the band has too few), and how many nonzero
// coefficients lie before it, each of which has a correction bit.
func passZeros(nz uint64, k, ze, zeros int) (end, nonzero int) {
	if k > ze {
		return k, 0
	}
	span := ^uint64(0) >> (63 - uint(ze)) &^ (1<<uint(k) - 1)
	end = ze + 1
	if zeros >= 0 {
		z := ^nz & span
		for ; zeros > 0 && z != 0; zeros-- {
			z &= z - 1
		}
		if z != 0 {
			end = mbits.TrailingZeros64(z)
			span &= 1<<uint(end) - 1
		}
	}
	return end, mbits.OnesCount64(nz & span)
}

// skipBits consumes n bits.
func (d *decoder) skipBits(n int) {
	for n > 0 {
		if d.nbits < 32 {
			d.acc, d.nbits = d.refill(d.acc, d.nbits)
		}
		m := uint(min(n, 32))
		d.acc <<= m
		d.nbits -= m
		n -= int(m)
	}
}
