package imaging

import (
	"bufio"
	"bytes"
	"compress/zlib"
	"io"
	"slices"
)

// photoMeta is what drawing a photo needs from its metadata. It is read by
// this package's own bounded walkers rather than a general metadata
// library, because those allocate whatever length a hostile header claims.
type photoMeta struct {
	// orientation is the EXIF orientation, 1 (upright) to 8.
	orientation int
	// icc is the embedded colour profile, nil when there is none.
	icc []byte
}

// maxICC bounds an ICC profile; real ones are a few KiB, rarely 1 MiB.
const maxICC = 4 << 20

// readMeta reads the metadata of an image of the given format. A JPEG is
// walked to its EOI marker, so a truncated one is refused here too.
func readMeta(r io.Reader, format string) (photoMeta, error) {
	switch format {
	case JPEG:
		return jpegMeta(r)
	case PNG:
		return pngMeta(r)
	}
	return webpMeta(r)
}

func jpegMeta(r io.Reader) (photoMeta, error) {
	m := photoMeta{orientation: 1}
	var exif []byte
	var icc [][]byte // by sequence number, which starts at 1
	err := copyJPEG(r, io.Discard, func(marker byte, payload []byte) ([]byte, bool) {
		switch {
		case marker == markerAPP1 && exif == nil && bytes.HasPrefix(payload, []byte(exifHeader)):
			exif = payload
		case marker == markerAPP2 && bytes.HasPrefix(payload, []byte("ICC_PROFILE\x00")) && len(payload) >= 14:
			seq := int(payload[12])
			if seq >= len(icc) {
				icc = slices.Grow(icc, seq+1-len(icc))[:seq+1]
			}
			icc[seq] = payload[14:]
		}
		return payload, true
	})
	if exif != nil {
		m.orientation = exifOrientation(exif)
	}
	if len(icc) > 1 && !slices.ContainsFunc(icc[1:], func(b []byte) bool { return b == nil }) {
		m.icc = bytes.Join(icc[1:], nil)
	}
	return m, err
}

func pngMeta(src io.Reader) (photoMeta, error) {
	m := photoMeta{orientation: 1}
	r := &watched{r: bufio.NewReaderSize(src, 64<<10)}
	err := eachPNGChunk(r, func(_ [8]byte, length int64, kind string) error {
		if (kind != "eXIf" && kind != "iCCP") || length > maxICC {
			_, err := io.CopyN(io.Discard, r, length+4)
			return err
		}
		data := make([]byte, length+4)
		if _, err := io.ReadFull(r, data); err != nil {
			return err
		}
		if kind == "eXIf" {
			m.orientation = exifOrientation(data[:length])
		} else {
			m.icc = inflateICCP(data[:length])
		}
		return nil
	})
	return m, pngError(r, err)
}

// inflateICCP unpacks the profile of an iCCP chunk: a name, a NUL, the
// compression method 0 and zlib data. A damaged one is ignored.
func inflateICCP(chunk []byte) []byte {
	i := bytes.IndexByte(chunk, 0)
	if i < 0 || i+2 > len(chunk) || chunk[i+1] != 0 {
		return nil
	}
	z, err := zlib.NewReader(bytes.NewReader(chunk[i+2:]))
	if err != nil {
		return nil
	}
	profile, err := io.ReadAll(io.LimitReader(z, maxICC))
	if err != nil {
		return nil
	}
	return profile
}

func webpMeta(src io.Reader) (photoMeta, error) {
	m := photoMeta{orientation: 1}
	r := &watched{r: src}
	chunks, err := readWebP(r)
	if err != nil {
		return m, webpError(r, err)
	}
	for _, c := range chunks {
		switch c.id {
		case "EXIF":
			m.orientation = exifOrientation(c.data)
		case "ICCP":
			m.icc = c.data
		}
	}
	return m, nil
}
