package imaging

import (
	"bytes"
	"encoding/binary"
)

// exifHeader starts the EXIF payload of a JPEG APP1 segment (and, by some
// writers' habit, of a WebP EXIF chunk) before the TIFF structure.
const exifHeader = "Exif\x00\x00"

const tagOrientation = 0x0112

// exifOrientation reads the Orientation tag of IFD0 from an EXIF block: 1
// (upright) to 8. A missing, odd or damaged tag counts as 1, because a
// broken camera block must not cost the photo its thumbnails. Only the
// first IFD is read, with every offset checked, so that no hostile offset
// can send the reader anywhere.
func exifOrientation(b []byte) int {
	b = bytes.TrimPrefix(b, []byte(exifHeader))
	order := tiffByteOrder(b)
	if order == nil {
		return 1
	}
	ifd := int64(order.Uint32(b[4:8]))
	if ifd+2 > int64(len(b)) {
		return 1
	}
	count := int64(order.Uint16(b[ifd:]))
	for i := range count {
		e := ifd + 2 + 12*i
		if e+12 > int64(len(b)) {
			return 1
		}
		const typeShort = 3
		if order.Uint16(b[e:]) == tagOrientation && order.Uint16(b[e+2:]) == typeShort {
			if o := int(order.Uint16(b[e+8:])); o >= 1 && o <= 8 {
				return o
			}
			return 1
		}
	}
	return 1
}

func tiffByteOrder(b []byte) binary.ByteOrder {
	switch {
	case len(b) < 8:
		return nil
	case string(b[:4]) == "II*\x00":
		return binary.LittleEndian
	case string(b[:4]) == "MM\x00*":
		return binary.BigEndian
	}
	return nil
}

// orientationOnlyEXIF is a TIFF structure with one tag, Orientation. A
// stripped original that is stored sideways keeps this much EXIF so that it
// is still shown upright; nothing else (no place, no camera) survives.
func orientationOnlyEXIF(o int) []byte {
	b := []byte("MM\x00*\x00\x00\x00\x08") // big-endian, IFD0 at offset 8
	b = binary.BigEndian.AppendUint16(b, 1)
	b = binary.BigEndian.AppendUint16(b, tagOrientation)
	b = binary.BigEndian.AppendUint16(b, 3) // SHORT
	b = binary.BigEndian.AppendUint32(b, 1) // one value, held in place
	b = binary.BigEndian.AppendUint16(b, uint16(o))
	b = binary.BigEndian.AppendUint16(b, 0) // padding of the value field
	return binary.BigEndian.AppendUint32(b, 0)
}
