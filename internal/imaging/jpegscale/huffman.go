package jpegscale

// lookBits is how many bits of the stream index a table's lookahead: codes
// up to this long — almost every code in a photo — decode with one load.
const lookBits = 10

// A lookahead entry (int32), 0 when the code is longer than lookBits:
//
//	bits 0-3   bits to consume
//	bits 4-7   length of the Huffman code alone
//	bits 8-15  the symbol; for a whole entry only its run (AC) or nothing (DC)
//	bit 16     whole: the entry also holds the extra bits' value
//	bits 17-31 that value, signed
//
// A whole entry decodes a coefficient in one step — the symbol and the
// magnitude bits that follow it — when code and extra bits fit in
// lookBits together, the idea of libjpeg-turbo's and stb_image's combined
// "fast AC" tables.
const wholeFlag = 1 << 16

// huffTable is one Huffman table of a DHT segment, in the canonical form of
// ITU T.81 annex C: codes of each length are consecutive numbers, so a code
// of length l that is not longer than maxcode[l] is symbol
// vals[valptr[l]+code-mincode[l]] (the method of section F.2.2.3).
type huffTable struct {
	defined bool
	look    [1 << lookBits]int32
	maxcode [17]int32
	mincode [17]int32
	valptr  [17]int32
	vals    [256]byte
}

// build makes the table from a DHT's 16 code counts and its symbols.
// A table with more codes than its lengths allow (not a prefix code) is
// left to image/jpeg, which decodes it its own way.
func (t *huffTable) build(counts []byte, vals []byte, dc bool) error {
	*t = huffTable{defined: true}
	copy(t.vals[:], vals)
	code, k := int32(0), int32(0)
	for l := 1; l <= 16; l++ {
		n := int32(counts[l-1])
		t.mincode[l], t.valptr[l], t.maxcode[l] = code, k, -1
		if n > 0 {
			t.maxcode[l] = code + n - 1
		}
		for j := int32(0); j < n; j++ {
			if code >= 1<<l {
				return ErrUnsupported
			}
			if l <= lookBits {
				t.fillLook(code, l, vals[k], dc)
			}
			code++
			k++
		}
		code <<= 1
	}
	return nil
}

// fillLook writes the lookahead entries of every bit string that starts
// with the code of length l for sym.
func (t *huffTable) fillLook(code int32, l int, sym byte, dc bool) {
	free := lookBits - l
	base := int(code) << free
	s := int(sym & 15)
	whole := s+l <= lookBits && (dc && sym < 16 || !dc && s != 0)
	for i := 0; i < 1<<free; i++ {
		if !whole {
			t.look[base+i] = int32(sym)<<8 | int32(l)<<4 | int32(l)
			continue
		}
		extra := int32(i>>(free-s)) & (1<<s - 1)
		run := int32(sym >> 4)
		if dc {
			run = 0
		}
		t.look[base+i] = extend(extra, uint(s))<<17 | wholeFlag | run<<8 | int32(l)<<4 | int32(l+s)
	}
}

// extend turns s magnitude bits into the coefficient they stand for (ITU
// T.81 figure F.12): the lower half of the range is negative.
func extend(x int32, s uint) int32 {
	if s == 0 {
		return 0
	}
	if x < 1<<(s-1) {
		return x - (1 << s) + 1
	}
	return x
}

// slow decodes a code longer than lookBits from the top of acc; length 0
// means no code matches.
func (t *huffTable) slow(acc uint64) (sym byte, length uint) {
	for l := lookBits + 1; l <= 16; l++ {
		code := int32(acc >> (64 - l))
		if code <= t.maxcode[l] {
			return t.vals[(t.valptr[l]+code-t.mincode[l])&0xff], uint(l)
		}
	}
	return 0, 0
}
