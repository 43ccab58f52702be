package imaging

import (
	"bufio"
	"errors"
	"io"

	"atelier/internal/studio"
)

// JPEG markers this file tells apart (ITU T.81, table B.1).
const (
	markerSOI   = 0xD8
	markerEOI   = 0xD9
	markerSOS   = 0xDA
	markerRST0  = 0xD0
	markerRST7  = 0xD7
	markerTEM   = 0x01
	markerAPP0  = 0xE0
	markerAPP1  = 0xE1
	markerAPP2  = 0xE2
	markerAPP14 = 0xEE
	markerAPP15 = 0xEF
	markerCOM   = 0xFE
)

// segmentEdit decides the fate of one marker segment: it returns the
// payload to write (the same or a replacement) and whether to write it.
type segmentEdit func(marker byte, payload []byte) (out []byte, keep bool)

// errJPEGEnds is the verdict on a JPEG that stops before its EOI marker,
// which is how a truncated upload shows; the standard decoder forgives some
// of those, so the walk below is what refuses them.
var errJPEGEnds = studio.Errorf(studio.Invalid, "The JPEG image is incomplete: it ends before its end marker. Please send the original file again.")

// copyJPEG copies the JPEG in r to w up to and including its EOI marker,
// passing every marker segment through edit and the entropy-coded data of
// each scan unchanged. Anything after EOI is not copied. With edit nil
// every segment is kept: a walk that only checks the structure.
func copyJPEG(src io.Reader, dst io.Writer, edit segmentEdit) error {
	wr := &watched{r: src}
	r, w := bufio.NewReaderSize(wr, 64<<10), bufio.NewWriterSize(dst, 64<<10)
	err := walkJPEG(r, w, edit)
	if wr.err != nil {
		return wr.err
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return errJPEGEnds
	}
	if err != nil {
		return err
	}
	return w.Flush()
}

func walkJPEG(r *bufio.Reader, w *bufio.Writer, edit segmentEdit) error {
	var soi [2]byte
	if _, err := io.ReadFull(r, soi[:]); err != nil {
		return err
	}
	if soi != [2]byte{0xFF, markerSOI} {
		return invalidJPEG("it does not start with a JPEG start marker")
	}
	w.Write(soi[:])
	marker, err := nextMarker(r)
	for err == nil {
		switch {
		case marker == markerEOI:
			_, err = w.Write([]byte{0xFF, markerEOI})
			return err
		case marker == markerSOI:
			return invalidJPEG("it holds a second start marker")
		case marker == markerTEM || (marker >= markerRST0 && marker <= markerRST7):
			// Standalone markers without a length.
			w.WriteByte(0xFF)
			w.WriteByte(marker)
			marker, err = nextMarker(r)
		default:
			if err = copySegment(r, w, marker, edit); err != nil {
				return err
			}
			if marker == markerSOS {
				marker, err = copyScan(r, w)
			} else {
				marker, err = nextMarker(r)
			}
		}
	}
	return err
}

func invalidJPEG(why string) error {
	return studio.Errorf(studio.Invalid, "The JPEG image is damaged: %s. Please send the original file again.", why)
}

// nextMarker reads up to and including the next marker byte. Stray bytes
// before it are skipped, as libjpeg does, and so are fill bytes (0xFF).
func nextMarker(r *bufio.Reader) (byte, error) {
	for {
		b, err := r.ReadByte()
		for err == nil && b != 0xFF {
			b, err = r.ReadByte()
		}
		for err == nil && b == 0xFF {
			b, err = r.ReadByte()
		}
		if err != nil || b != 0x00 {
			return b, err
		}
	}
}

// copySegment reads the length and payload of a marker segment and writes
// what edit keeps of it. A payload is at most 65533 bytes.
func copySegment(r *bufio.Reader, w *bufio.Writer, marker byte, edit segmentEdit) error {
	var n [2]byte
	if _, err := io.ReadFull(r, n[:]); err != nil {
		return err
	}
	length := int(n[0])<<8 | int(n[1])
	if length < 2 {
		return invalidJPEG("a segment has an impossible length")
	}
	payload := make([]byte, length-2)
	if _, err := io.ReadFull(r, payload); err != nil {
		return err
	}
	out, keep := payload, true
	if edit != nil {
		out, keep = edit(marker, payload)
	}
	if !keep {
		return nil
	}
	if len(out) > 65533 {
		return errors.New("imaging: a replaced JPEG segment is too long")
	}
	_, err := w.Write([]byte{0xFF, marker, byte((len(out) + 2) >> 8), byte(len(out) + 2)})
	if err == nil {
		_, err = w.Write(out)
	}
	return err
}

// copyScan copies entropy-coded data up to the marker that ends the scan
// and returns that marker. Inside a scan 0xFF is followed by 0x00 (a
// stuffed data byte), by a restart marker, or by more 0xFF fill bytes
// before a marker.
func copyScan(r *bufio.Reader, w *bufio.Writer) (byte, error) {
	for {
		chunk, err := r.ReadSlice(0xFF)
		if errors.Is(err, bufio.ErrBufferFull) {
			w.Write(chunk)
			continue
		}
		if err != nil {
			return 0, err
		}
		w.Write(chunk[:len(chunk)-1])
		b, err := r.ReadByte()
		for err == nil && b == 0xFF {
			b, err = r.ReadByte()
		}
		if err != nil {
			return 0, err
		}
		if b != 0x00 && (b < markerRST0 || b > markerRST7) {
			return b, nil
		}
		w.WriteByte(0xFF)
		w.WriteByte(b)
	}
}
