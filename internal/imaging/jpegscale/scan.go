package jpegscale

import (
	"image"
	"io"
)

// errShort is entropy-coded data that needs bits beyond its end: the file
// is cut, or a marker stands where data should be.
var errShort = formatError("short Huffman data")

var errBadCode = formatError("bad Huffman code")

// shortErr is the error for data that ran out: the reader's own if it
// failed, rather than blame the file.
func (d *decoder) shortErr() error {
	if d.rerr != nil && d.rerr != io.EOF {
		return d.rerr
	}
	return errShort
}

// zigzag maps the order coefficients are coded in to their place in a block
// (T.81 figure A.6). Masking an index with 63 lets the compiler drop the
// bounds check.
var zigzag = [64]byte{
	0, 1, 8, 16, 9, 2, 3, 10,
	17, 24, 32, 25, 18, 11, 4, 5,
	12, 19, 26, 33, 40, 48, 41, 34,
	27, 20, 13, 6, 7, 14, 21, 28,
	35, 42, 49, 56, 57, 50, 43, 36,
	29, 22, 15, 23, 30, 37, 44, 51,
	58, 59, 52, 45, 38, 31, 39, 46,
	53, 60, 61, 54, 47, 55, 62, 63,
}

// sos reads a scan header, checked as image/jpeg checks it, then the scan.
// Only a single scan holding every component is decoded here; files made
// of several scans (non-interleaved components, or a second pass) are left
// to image/jpeg.
func (d *decoder) sos(n int) error {
	if d.nComp == 0 {
		return formatError("missing SOF marker")
	}
	if n < 6 || 4+2*d.nComp < n || n%2 != 0 {
		return formatError("SOS has wrong length")
	}
	var b [4 + 2*3]byte
	if err := d.readFull(b[:n]); err != nil {
		return err
	}
	ns := int(b[0])
	if n != 4+2*ns {
		return formatError("SOS length inconsistent with number of components")
	}
	var order [3]int
	totalHV := 0
	for i := range ns {
		idx := -1
		for j := range d.nComp {
			if d.comps[j].id == b[1+2*i] {
				idx = j
			}
		}
		if idx < 0 {
			return formatError("unknown component selector")
		}
		for j := range i {
			if order[j] == idx {
				return formatError("repeated component selector")
			}
		}
		order[i] = idx
		c := &d.comps[idx]
		totalHV += c.h * c.v
		td, ta := b[2+2*i]>>4, b[2+2*i]&15
		if td > 3 || d.baseline && td > 1 {
			return formatError("bad Td value")
		}
		if ta > 3 || d.baseline && ta > 1 {
			return formatError("bad Ta value")
		}
		c.dc, c.ac = &d.huff[0][td], &d.huff[1][ta]
	}
	if d.nComp > 1 && totalHV > 10 {
		return formatError("total sampling factors too large")
	}
	if d.progressive {
		return d.progSOS(order[:ns], b[1+2*ns], b[2+2*ns], b[3+2*ns])
	}
	if d.scanned || ns != d.nComp {
		return ErrUnsupported
	}
	for _, idx := range order[:ns] {
		c := &d.comps[idx]
		if !c.dc.defined || !c.ac.defined {
			return formatError("uninitialized Huffman table")
		}
		c.q = d.quant[c.tq]
		c.pred = 0
	}
	d.scanned = true
	if d.out != 0 {
		if err := d.makeImage(); err != nil {
			return err
		}
	}
	return d.scan(order[:ns])
}

// makeImage allocates the output for whole MCUs, as image/jpeg does, so
// that blocks past the right and bottom edges have somewhere to go.
func (d *decoder) makeImage() error {
	mxx, myy := d.mcus()
	w, h := mxx*d.comps[0].h*d.out, myy*d.comps[0].v*d.out
	if int64(w)*int64(h) > maxPixels {
		return formatError("image too large")
	}
	for i := range d.comps[:d.nComp] {
		d.comps[i].out = d.out
	}
	if d.half444 {
		return d.makeHalf444(w, h)
	}
	if d.nComp == 1 {
		d.gray = image.NewGray(image.Rect(0, 0, w, h))
		d.comps[0].pix, d.comps[0].stride = d.gray.Pix, d.gray.Stride
		return nil
	}
	var ratio image.YCbCrSubsampleRatio
	switch (d.comps[0].h/d.comps[1].h)<<4 | d.comps[0].v/d.comps[1].v {
	case 0x11:
		ratio = image.YCbCrSubsampleRatio444
	case 0x12:
		ratio = image.YCbCrSubsampleRatio440
	case 0x21:
		ratio = image.YCbCrSubsampleRatio422
	case 0x22:
		ratio = image.YCbCrSubsampleRatio420
	case 0x41:
		ratio = image.YCbCrSubsampleRatio411
	case 0x42:
		ratio = image.YCbCrSubsampleRatio410
	default:
		return ErrUnsupported // checkSampling allows none other
	}
	d.ycc = image.NewYCbCr(image.Rect(0, 0, w, h), ratio)
	d.comps[0].pix, d.comps[0].stride = d.ycc.Y, d.ycc.YStride
	d.comps[1].pix, d.comps[1].stride = d.ycc.Cb, d.ycc.CStride
	d.comps[2].pix, d.comps[2].stride = d.ycc.Cr, d.ycc.CStride
	return nil
}

// makeHalf444 allocates the output of DecodeHalf444: luma at d.out (4)
// per block side, w×h for whole MCUs, and chroma at 8 per block, which in a
// 4:2:0 file (one chroma block per 2×2 luma blocks) is again w×h: the
// three planes make a 4:4:4 image.
func (d *decoder) makeHalf444(w, h int) error {
	if d.nComp != 3 || d.comps[0].h != 2 || d.comps[0].v != 2 || d.comps[1].h != 1 || d.comps[1].v != 1 {
		return ErrUnsupported
	}
	d.ycc = image.NewYCbCr(image.Rect(0, 0, w, h), image.YCbCrSubsampleRatio444)
	d.comps[0].pix, d.comps[0].stride = d.ycc.Y, d.ycc.YStride
	d.comps[1].pix, d.comps[1].stride, d.comps[1].out = d.ycc.Cb, d.ycc.CStride, 8
	d.comps[2].pix, d.comps[2].stride, d.comps[2].out = d.ycc.Cr, d.ycc.CStride, 8
	return nil
}

// mcus is the number of MCUs across and down.
func (d *decoder) mcus() (int, int) {
	h0, v0 := d.comps[0].h, d.comps[0].v
	return (d.width + 8*h0 - 1) / (8 * h0), (d.height + 8*v0 - 1) / (8 * v0)
}

// scan decodes the entropy-coded data of the scan, components in order.
func (d *decoder) scan(order []int) error {
	mxx, myy := d.mcus()
	d.resetBits()
	mcu, rst := 0, byte(mRST0)
	for my := range myy {
		for mx := range mxx {
			if err := d.restartBefore(mcu, &rst); err != nil {
				return err
			}
			mcu++
			for _, idx := range order {
				c := &d.comps[idx]
				for by := my * c.v; by < (my+1)*c.v; by++ {
					for bx := mx * c.h; bx < (mx+1)*c.h; bx++ {
						if err := d.block(c, bx, by); err != nil {
							return err
						}
					}
				}
			}
		}
		// Not needed for the verdict (the error sticks) but a cut file
		// stops here rather than decoding zeros to its last row.
		if d.overrun() {
			return d.shortErr()
		}
	}
	return nil
}

// block decodes one block and, when drawing, puts it in place.
func (d *decoder) block(c *component, bx, by int) error {
	switch c.out {
	case 0:
		return d.skipBlock(c)
	case 1:
		if err := d.skipBlock(c); err != nil {
			return err
		}
		dcOnly(c.pred*c.q[0], c.pix[by*c.stride+bx:])
		if c.pred*c.q[0] > 2048 || c.pred*c.q[0] < -2048 {
			d.wild = true
		}
		return nil
	}
	last, err := d.decodeBlock(c, &d.blk)
	if err != nil {
		return err
	}
	n := c.out
	dst := c.pix[by*n*c.stride+bx*n:]
	if last == 0 {
		// Flat, as large smooth areas are: no IDCT needed.
		flat(d.blk[0], dst, c.stride, n)
		d.blk[0] = 0
		return nil
	}
	idct(&d.blk, dst, c.stride, n)
	d.blk = [64]int32{}
	return nil
}

// restartBefore ends a restart interval when one is due before MCU mcu
// (counted from the scan's start), and moves rst on to the marker expected
// after it: RST0 to RST7, then RST0 again. Baseline and progressive scans
// alike.
func (d *decoder) restartBefore(mcu int, rst *byte) error {
	if d.ri == 0 || mcu == 0 || mcu%d.ri != 0 {
		return nil
	}
	if err := d.restart(*rst); err != nil {
		return err
	}
	*rst = mRST0 + (*rst-mRST0+1)&7
	return nil
}

// restart ends a restart interval: the bits left over are padding, and
// the next marker must be the expected RSTn. Bytes that are not a marker
// before it are skipped, as image/jpeg skips them; any other marker is an
// error. The DC predictions and a progressive scan's end-of-band run
// start again after it.
func (d *decoder) restart(want byte) error {
	if d.overrun() {
		return d.shortErr()
	}
	var t [2]byte
	if err := d.readFull(t[:]); err != nil {
		return err
	}
	for t[0] != 0xFF || t[1] != want {
		i := 0
		switch {
		case t[0] == 0xFF && t[1] == 0xFF:
			i = 1
		case t[0] == 0xFF && t[1] != 0:
			return formatError("bad RST marker")
		case t[0] != 0xFF && t[1] == 0xFF:
			t[0], i = 0xFF, 1
		}
		if err := d.readFull(t[i:]); err != nil {
			return err
		}
	}
	d.resetBits()
	for i := range d.comps[:d.nComp] {
		d.comps[i].pred = 0
	}
	d.eobRun = 0
	return nil
}
