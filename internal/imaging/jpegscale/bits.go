package jpegscale

import (
	"encoding/binary"
	"io"
)

// source is the file being read: a window of it in buf[pos:end], refilled
// from r. Marker segments are read from it byte by byte; the entropy-coded
// data through the bit accumulator below.
type source struct {
	r         io.Reader
	buf       []byte
	pos, end  int
	rerr      error // the reader's error once it has returned one (io.EOF at the end)
	zeroReads int

	// acc holds nbits not-yet-used bits of entropy-coded data, the first
	// in its most significant bit. Once the data has reached a marker (or
	// the end of the file), stopped is set and zero bits are fed instead;
	// pad counts them, so that using any of them — reading beyond the data,
	// which image/jpeg refuses — shows as nbits < pad.
	acc     uint64
	nbits   uint
	pad     uint
	stopped bool
}

const bufSize = 32 << 10

// more makes at least k bytes available in buf[pos:end] unless the file
// ends first, and reports whether it did.
func (s *source) more(k int) bool {
	if s.end-s.pos >= k {
		return true
	}
	if s.pos > 0 {
		s.end = copy(s.buf, s.buf[s.pos:s.end])
		s.pos = 0
	}
	for s.end < k && s.rerr == nil {
		n, err := s.r.Read(s.buf[s.end:])
		s.end += n
		if err != nil {
			s.rerr = err
		} else if n == 0 {
			// A reader that keeps returning nothing would spin us forever.
			s.zeroReads++
			if s.zeroReads > 100 {
				s.rerr = io.ErrNoProgress
			}
		}
	}
	return s.end >= k
}

// readErr is the error for a file that ends where more bytes were needed.
func (s *source) readErr() error {
	if s.rerr == nil || s.rerr == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return s.rerr
}

func (s *source) readByte() (byte, error) {
	if !s.more(1) {
		return 0, s.readErr()
	}
	b := s.buf[s.pos]
	s.pos++
	return b, nil
}

// readFull reads len(p) bytes (at most bufSize).
func (s *source) readFull(p []byte) error {
	if !s.more(len(p)) {
		return s.readErr()
	}
	s.pos += copy(p, s.buf[s.pos:s.end])
	return nil
}

func (s *source) skip(n int) error {
	for n > 0 {
		if !s.more(1) {
			return s.readErr()
		}
		k := min(n, s.end-s.pos)
		s.pos += k
		n -= k
	}
	return nil
}

// resetBits starts the entropy-coded data of a scan or restart interval.
func (s *source) resetBits() {
	s.acc, s.nbits, s.pad, s.stopped = 0, 0, 0, false
}

// overrun reports whether more bits were used than the data held.
func (s *source) overrun() bool { return s.nbits < s.pad }

const (
	ones  = 0x0101010101010101
	highs = 0x8080808080808080
)

// refill tops up the accumulator acc holding nb bits (a copy the caller
// keeps in registers) to more than 56 bits. Eight bytes free of 0xFF —
// nearly always — go in with one load and one shift, in code small enough
// to be inlined; a 0xFF is either a stuffed 0xFF 0x00, standing for a data
// byte 0xFF, or the marker that ends the data, and takes the slow way.
// After the data has stopped, buf[pos] is 0xFF or the file has ended, so
// the fast way is never taken.
func (s *source) refill(acc uint64, nb uint) (uint64, uint) {
	if s.end-s.pos >= 8 {
		v := binary.BigEndian.Uint64(s.buf[s.pos:])
		// The classic has-a-zero-byte test applied to ^v: is any byte 0xFF?
		if y := ^v; (y-ones)&^y&highs == 0 {
			k := (64 - nb) >> 3
			s.pos += int(k)
			return acc | v>>nb, nb + k<<3
		}
	}
	s.acc, s.nbits = acc, nb
	s.fill()
	return s.acc, s.nbits
}

// fill is refill's slow way, byte by byte.
func (s *source) fill() {
	for s.nbits <= 56 {
		s.acc |= uint64(s.nextDataByte()) << (56 - s.nbits)
		s.nbits += 8
	}
}

// nextDataByte returns the next byte of entropy-coded data, or a zero
// counted in pad once the data has ended.
func (s *source) nextDataByte() byte {
	if !s.stopped {
		if s.more(2) || s.more(1) {
			b := s.buf[s.pos]
			if b != 0xFF {
				s.pos++
				return b
			}
			if s.end-s.pos >= 2 && s.buf[s.pos+1] == 0x00 {
				s.pos += 2
				return 0xFF
			}
			// A marker (or a 0xFF the file ends on): the data ends here,
			// and the marker stays for the marker loop to read.
		}
		s.stopped = true
	}
	s.pad += 8
	return 0
}
