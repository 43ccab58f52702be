package jpegscale

import "encoding/binary"

// The two loops below are where the time goes: every coefficient of every
// block passes through one of them. The accumulator is copied into locals
// so that it lives in registers, and topped up only when fewer than 32 bits
// remain — enough for the longest code (16 bits) and its extra bits (at
// most 11 for DC, 10 for AC, beyond which the file is left to image/jpeg).
// Both follow image/jpeg's reading of baseline data: a run that passes the
// 63rd coefficient ends the block without reading its extra bits.

// dcDiff decodes the DC difference of a block into c.pred, from and to the
// accumulator acc of nb bits.
func (d *decoder) dcDiff(c *component, acc uint64, nb uint) (uint64, uint, error) {
	if nb < 32 {
		acc, nb = d.refill(acc, nb)
	}
	e := c.dc.look[acc>>(64-lookBits)]
	if e&wholeFlag != 0 {
		n := uint(e & 15)
		c.pred += e >> 17
		return acc << n, nb - n, nil
	}
	sym, l := byte(e>>8), uint(e&15)
	if e == 0 {
		if sym, l = c.dc.slow(acc); l == 0 {
			return acc, nb, errBadCode
		}
	}
	acc <<= l
	nb -= l
	if sym > 11 {
		return acc, nb, ErrUnsupported
	}
	s := uint(sym)
	c.pred += extend(int32(acc>>(64-s)), s)
	return acc << s, nb - s, nil
}

// skipBlock reads a block's coefficients without keeping the AC ones.
func (d *decoder) skipBlock(c *component) error {
	acc, nb, err := d.dcDiff(c, d.acc, d.nbits)
	if err != nil {
		return err
	}
	look := &c.ac.look
	for k := 1; k < 64; {
		if nb < 32 {
			// refill's fast way, written out: the compiler would not
			// inline it.
			fast := false
			if p := d.pos; d.end-p >= 8 {
				v := binary.BigEndian.Uint64(d.buf[p:])
				if y := ^v; (y-ones)&^y&highs == 0 {
					n := (64 - nb) >> 3 // whole bytes that fit
					d.pos = p + int(n)
					acc |= v >> nb
					nb += n << 3
					fast = true
				}
			}
			if !fast {
				acc, nb = d.refill(acc, nb)
			}
		}
		e := look[acc>>(64-lookBits)]
		if e&wholeFlag != 0 {
			k += int(e>>8) & 15
			if k > 63 {
				n := uint(e>>4) & 15
				acc <<= n
				nb -= n
				break
			}
			n := uint(e & 15)
			acc <<= n
			nb -= n
			k++
			continue
		}
		sym, l := byte(e>>8), uint(e&15)
		if e == 0 {
			if sym, l = c.ac.slow(acc); l == 0 {
				d.acc, d.nbits = acc, nb
				return errBadCode
			}
		}
		acc <<= l
		nb -= l
		r, s := int(sym>>4), uint(sym&15)
		if s == 0 {
			if r == 15 {
				k += 16
				continue
			}
			if r == 0 {
				break
			}
			return ErrUnsupported // an end-of-band run, progressive only
		}
		k += r
		if k > 63 {
			break
		}
		if s > 10 {
			return ErrUnsupported
		}
		acc <<= s
		nb -= s
		k++
	}
	d.acc, d.nbits = acc, nb
	return nil
}

// decodeBlock reads a block's coefficients into blk, dequantised, in
// natural order, and returns the zigzag index of the last one set (0 for a
// flat block). blk is all zeros on entry.
func (d *decoder) decodeBlock(c *component, blk *[64]int32) (int, error) {
	acc, nb, err := d.dcDiff(c, d.acc, d.nbits)
	if err != nil {
		return 0, err
	}
	q := &c.q
	blk[0] = c.pred * q[0]
	// Any coefficient outside [-2048, 2048) leaves bits above the 12th
	// in wild; or-ing is cheaper than a branch per coefficient.
	wild := uint32(blk[0]+2048) >> 12
	look := &c.ac.look
	last := 0
	for k := 1; k < 64; {
		if nb < 32 {
			// refill's fast way, written out: the compiler would not
			// inline it.
			fast := false
			if p := d.pos; d.end-p >= 8 {
				v := binary.BigEndian.Uint64(d.buf[p:])
				if y := ^v; (y-ones)&^y&highs == 0 {
					n := (64 - nb) >> 3 // whole bytes that fit
					d.pos = p + int(n)
					acc |= v >> nb
					nb += n << 3
					fast = true
				}
			}
			if !fast {
				acc, nb = d.refill(acc, nb)
			}
		}
		e := look[acc>>(64-lookBits)]
		var v int32
		if e&wholeFlag != 0 {
			k += int(e>>8) & 15
			if k > 63 {
				n := uint(e>>4) & 15
				acc <<= n
				nb -= n
				break
			}
			n := uint(e & 15)
			acc <<= n
			nb -= n
			v = e >> 17
		} else {
			sym, l := byte(e>>8), uint(e&15)
			if e == 0 {
				if sym, l = c.ac.slow(acc); l == 0 {
					d.acc, d.nbits = acc, nb
					return 0, errBadCode
				}
			}
			acc <<= l
			nb -= l
			r, s := int(sym>>4), uint(sym&15)
			if s == 0 {
				if r == 15 {
					k += 16
					continue
				}
				if r == 0 {
					break
				}
				return 0, ErrUnsupported
			}
			k += r
			if k > 63 {
				break
			}
			if s > 10 {
				return 0, ErrUnsupported
			}
			v = extend(int32(acc>>(64-s)), s)
			acc <<= s
			nb -= s
		}
		x := v * q[k&63]
		wild |= uint32(x+2048) >> 12
		blk[zigzag[k&63]] = x
		last = k
		k++
	}
	d.acc, d.nbits = acc, nb
	if wild != 0 {
		d.wild = true
	}
	return last, nil
}
