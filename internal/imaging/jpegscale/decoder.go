package jpegscale

import (
	"image"
	"io"
	"sync"
)

// Markers (ITU T.81 table B.1).
const (
	mSOF0  = 0xC0
	mSOF1  = 0xC1
	mSOF2  = 0xC2
	mDHT   = 0xC4
	mRST0  = 0xD0
	mRST7  = 0xD7
	mSOI   = 0xD8
	mEOI   = 0xD9
	mSOS   = 0xDA
	mDQT   = 0xDB
	mDRI   = 0xDD
	mAPP0  = 0xE0
	mAPP14 = 0xEE
	mAPP15 = 0xEF
	mCOM   = 0xFE
)

// component is one of the image's colour components.
type component struct {
	id   byte
	h, v int  // sampling factors
	tq   byte // quantisation table selector
	// Set by the scan:
	dc, ac *huffTable
	pred   int32     // the previous block's DC value
	q      [64]int32 // its quantisation table, in zigzag order
	pix    []byte    // its plane of the output, when drawing
	stride int
	out    int // output samples per block side for this component; 0 when only checking
}

// decoder reads one file. Its Huffman tables and buffer are some 70 kB, so
// decoders are pooled: a server checks many uploads.
type decoder struct {
	source
	out int // output samples per block side: 8, 4, 2 or 1; 0 when only checking
	// half444 draws a 4:2:0 file's luma at out (4) but its chroma at
	// full scale, into a 4:4:4 image of the luma's size.
	half444 bool

	width, height int
	nComp         int
	comps         [3]component
	baseline      bool // the frame is SOF0: at most two tables of each class
	progressive   bool // the frame is SOF2; only when checking
	// For a progressive file: which coefficients of each block are
	// nonzero so far, a bit per zigzag index, per component; and the
	// end-of-band run still to go.
	nonzero  [3][]uint64
	eobRun   uint16
	quant    [4][64]int32
	huff     [2][4]huffTable // DC, AC
	ri       int             // restart interval in MCUs, 0 for none
	scanned  bool
	jfif     bool
	adobe    bool
	adobeRGB bool

	gray *image.Gray
	ycc  *image.YCbCr
	// wild records a dequantised coefficient outside what an 8-bit
	// encoder produces; where one occurs, two correct IDCTs may disagree
	// by more than rounding, so the tests compare pixels only without.
	wild bool
	blk  [64]int32
}

var decoders = sync.Pool{New: func() any { return &decoder{source: source{buf: make([]byte, bufSize)}} }}

func newDecoder(r io.Reader) *decoder {
	d := decoders.Get().(*decoder)
	buf := d.buf
	*d = decoder{source: source{r: r, buf: buf}}
	return d
}

// release returns d to the pool without holding on to the caller's reader
// or image.
func (d *decoder) release() {
	d.r, d.gray, d.ycc = nil, nil, nil
	d.nonzero = [3][]uint64{}
	for i := range d.comps {
		d.comps[i].pix = nil
	}
	decoders.Put(d)
}

// run reads the file from SOI to EOI. Its marker loop follows image/jpeg's
// so that the two accept the same files: bytes between segments that are
// not a marker are skipped, as libjpeg skips them, fill bytes 0xFF before a
// marker are allowed, and a stray RSTn between segments is ignored.
func (d *decoder) run() error {
	var tmp [2]byte
	if err := d.readFull(tmp[:]); err != nil {
		return err
	}
	if tmp[0] != 0xFF || tmp[1] != mSOI {
		return formatError("missing SOI marker")
	}
	for {
		if err := d.readFull(tmp[:]); err != nil {
			return err
		}
		for tmp[0] != 0xFF {
			b, err := d.readByte()
			if err != nil {
				return err
			}
			tmp[0], tmp[1] = tmp[1], b
		}
		marker := tmp[1]
		if marker == 0 {
			continue // 0xFF 0x00 outside a scan: more skipped bytes
		}
		for marker == 0xFF {
			b, err := d.readByte()
			if err != nil {
				return err
			}
			marker = b
		}
		if marker == mEOI {
			break
		}
		if marker >= mRST0 && marker <= mRST7 {
			continue
		}
		if err := d.readFull(tmp[:]); err != nil {
			return err
		}
		n := int(tmp[0])<<8 | int(tmp[1]) - 2
		if n < 0 {
			return formatError("short segment length")
		}
		if err := d.segment(marker, n); err != nil {
			return err
		}
	}
	if !d.scanned {
		return formatError("missing SOS marker")
	}
	if d.nComp == 3 && d.isRGB() {
		return ErrUnsupported
	}
	return nil
}

// segment reads the n bytes after the length of a marker segment.
func (d *decoder) segment(marker byte, n int) error {
	switch marker {
	case mSOF0, mSOF1:
		d.baseline = marker == mSOF0
		return d.sof(n)
	case mSOF2:
		d.progressive = true
		if d.out != 0 {
			return ErrUnsupported // only Check reads progressive files
		}
		return d.sof(n)
	case mDHT:
		return d.dht(n)
	case mDQT:
		return d.dqt(n)
	case mSOS:
		return d.sos(n)
	case mDRI:
		return d.dri(n)
	case mAPP0:
		return d.app0(n)
	case mAPP14:
		return d.app14(n)
	}
	switch {
	case marker >= mAPP0 && marker <= mAPP15 || marker == mCOM:
		return d.skip(n)
	case marker < mSOF0:
		return formatError("unknown marker")
	}
	// SOF2 (progressive), the other SOFn (lossless, arithmetic coding,
	// hierarchical), DAC, DNL...: image/jpeg's business.
	return ErrUnsupported
}

// isRGB tells, as image/jpeg decides it, whether three components are R, G
// and B rather than YCbCr.
func (d *decoder) isRGB() bool {
	if d.jfif {
		return false
	}
	if d.adobe && d.adobeRGB {
		return true
	}
	return d.comps[0].id == 'R' && d.comps[1].id == 'G' && d.comps[2].id == 'B'
}

func (d *decoder) sof(n int) error {
	if d.nComp != 0 {
		return formatError("multiple SOF markers")
	}
	switch n {
	case 6 + 3*1, 6 + 3*3:
	default:
		return ErrUnsupported // CMYK and YCCK have 4
	}
	var b [6 + 3*3]byte
	if err := d.readFull(b[:n]); err != nil {
		return err
	}
	if b[0] != 8 {
		return ErrUnsupported // 12-bit samples
	}
	nc := (n - 6) / 3
	if int(b[5]) != nc {
		return formatError("SOF has wrong length")
	}
	d.height = int(b[1])<<8 | int(b[2])
	d.width = int(b[3])<<8 | int(b[4])
	if d.width == 0 || d.height == 0 {
		return formatError("zero width or height")
	}
	for i := range nc {
		c := &d.comps[i]
		c.id, c.tq = b[6+3*i], b[8+3*i]
		for j := range i {
			if d.comps[j].id == c.id {
				return formatError("repeated component identifier")
			}
		}
		if c.tq > 3 {
			return formatError("bad Tq value")
		}
		h, v := int(b[7+3*i]>>4), int(b[7+3*i]&15)
		if h < 1 || h > 4 || v < 1 || v > 4 {
			return formatError("bad sampling factors")
		}
		if h == 3 || v == 3 {
			return ErrUnsupported
		}
		if err := d.checkSampling(i, h, v); err != nil {
			return err
		}
		c.h, c.v = h, v
		if nc == 1 {
			// A single component is never interleaved: its MCU is one
			// block whatever its factors say (T.81 A.2).
			c.h, c.v = 1, 1
		}
	}
	d.nComp = nc
	return nil
}

// checkSampling allows the YCbCr layouts image/jpeg allows, which are the
// ones image.YCbCr can hold: chroma factors divide luma's, Cb and Cr alike,
// luma at most 4×2.
func (d *decoder) checkSampling(i, h, v int) error {
	switch i {
	case 0:
		if v == 4 {
			return ErrUnsupported
		}
	case 1:
		if d.comps[0].h%h != 0 || d.comps[0].v%v != 0 {
			return ErrUnsupported
		}
	case 2:
		if d.comps[1].h != h || d.comps[1].v != v {
			return ErrUnsupported
		}
	}
	return nil
}

func (d *decoder) dqt(n int) error {
	var b [128]byte
	for n > 0 {
		n--
		x, err := d.readByte()
		if err != nil {
			return err
		}
		tq := x & 15
		if tq > 3 {
			return formatError("bad Tq value")
		}
		size := 64
		switch x >> 4 {
		case 0:
		case 1:
			size = 128
		default:
			return formatError("bad Pq value")
		}
		if n < size {
			break
		}
		n -= size
		if err := d.readFull(b[:size]); err != nil {
			return err
		}
		for k := range 64 {
			if size == 64 {
				d.quant[tq][k] = int32(b[k])
			} else {
				d.quant[tq][k] = int32(b[2*k])<<8 | int32(b[2*k+1])
			}
		}
	}
	if n != 0 {
		return formatError("DQT has wrong length")
	}
	return nil
}

func (d *decoder) dht(n int) error {
	var b [17]byte
	var vals [256]byte
	for n > 0 {
		if n < 17 {
			return formatError("DHT has wrong length")
		}
		if err := d.readFull(b[:]); err != nil {
			return err
		}
		tc, th := b[0]>>4, b[0]&15
		if tc > 1 {
			return formatError("bad Tc value")
		}
		if th > 3 || d.baseline && th > 1 {
			return formatError("bad Th value")
		}
		total := 0
		for _, c := range b[1:] {
			total += int(c)
		}
		if total == 0 {
			return formatError("Huffman table has zero length")
		}
		if total > 256 {
			return formatError("Huffman table has excessive length")
		}
		n -= total + 17
		if n < 0 {
			return formatError("DHT has wrong length")
		}
		if err := d.readFull(vals[:total]); err != nil {
			return err
		}
		if err := d.huff[tc][th].build(b[1:], vals[:total], tc == 0); err != nil {
			return err
		}
	}
	return nil
}

func (d *decoder) dri(n int) error {
	if n != 2 {
		return formatError("DRI has wrong length")
	}
	var b [2]byte
	if err := d.readFull(b[:]); err != nil {
		return err
	}
	d.ri = int(b[0])<<8 | int(b[1])
	return nil
}

// app0 notes a JFIF header, which says the components are YCbCr.
func (d *decoder) app0(n int) error {
	if n < 5 {
		return d.skip(n)
	}
	var b [5]byte
	if err := d.readFull(b[:]); err != nil {
		return err
	}
	d.jfif = string(b[:]) == "JFIF\x00"
	return d.skip(n - 5)
}

// app14 notes Adobe's colour transform: 0 means RGB (or CMYK) as stored.
func (d *decoder) app14(n int) error {
	if n < 12 {
		return d.skip(n)
	}
	var b [12]byte
	if err := d.readFull(b[:]); err != nil {
		return err
	}
	if string(b[:5]) == "Adobe" {
		d.adobe, d.adobeRGB = true, b[11] == 0
	}
	return d.skip(n - 12)
}
