package jpegscale

// The two loops below are where the time goes: every coefficient of every
// block passes through one of them. The accumulator is copied into locals
// so that it lives in registers, and topped up only when fewer than 32 bits
// remain — enough for the longest code (16 bits) and its extra bits (at
// most 11 for DC, 10 for AC, beyond which the file is left to image/jpeg).
// Both follow image/jpeg's reading of baseline data: a run that passes the
// 63rd coefficient ends the block without reading its extra bits.

// dcDiff decodes the DC difference of a block into c.pred.
func (d *decoder) dcDiff(c *component) error {
	if d.nbits < 32 {
		d.fill()
	}
	e := c.dc.look[d.acc>>(64-lookBits)]
	if e&wholeFlag != 0 {
		n := uint(e & 15)
		d.acc <<= n
		d.nbits -= n
		c.pred += e >> 17
		return nil
	}
	sym, l := byte(e>>8), uint(e&15)
	if e == 0 {
		if sym, l = c.dc.slow(d.acc); l == 0 {
			return errBadCode
		}
	}
	d.acc <<= l
	d.nbits -= l
	if sym > 11 {
		return ErrUnsupported
	}
	s := uint(sym)
	c.pred += extend(int32(d.acc>>(64-s)), s)
	d.acc <<= s
	d.nbits -= s
	return nil
}

// skipBlock reads a block's coefficients without keeping the AC ones.
func (d *decoder) skipBlock(c *component) error {
	if err := d.dcDiff(c); err != nil {
		return err
	}
	look := &c.ac.look
	acc, nb := d.acc, d.nbits
	for k := 1; k < 64; {
		if nb < 32 {
			d.acc, d.nbits = acc, nb
			d.fill()
			acc, nb = d.acc, d.nbits
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
// natural order. blk is all zeros on entry.
func (d *decoder) decodeBlock(c *component, blk *[64]int32) error {
	if err := d.dcDiff(c); err != nil {
		return err
	}
	q := &c.q
	blk[0] = c.pred * q[0]
	wild := uint32(blk[0]+2048) > 4096
	look := &c.ac.look
	acc, nb := d.acc, d.nbits
	for k := 1; k < 64; {
		if nb < 32 {
			d.acc, d.nbits = acc, nb
			d.fill()
			acc, nb = d.acc, d.nbits
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
				return ErrUnsupported
			}
			k += r
			if k > 63 {
				break
			}
			if s > 10 {
				return ErrUnsupported
			}
			v = extend(int32(acc>>(64-s)), s)
			acc <<= s
			nb -= s
		}
		x := v * q[k&63]
		wild = wild || uint32(x+2048) > 4096
		blk[zigzag[k&63]] = x
		k++
	}
	d.acc, d.nbits = acc, nb
	if wild {
		d.wild = true
	}
	return nil
}
