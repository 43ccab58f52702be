package imaging

import (
	"encoding/binary"
	"errors"
	"hash/crc32"
	"io"

	"atelier/internal/studio"
)

func be32(b []byte) uint32 { return binary.BigEndian.Uint32(b) }

// pngChunk frames data as a PNG chunk of the given kind, with its CRC.
func pngChunk(kind string, data []byte) []byte {
	b := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
	b = append(append(b, kind...), data...)
	return binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(b[4:]))
}

// riffChunk is one chunk of a WebP file.
type riffChunk struct {
	id   string
	data []byte
}

// VP8X flags (WebP container specification).
const (
	vp8xXMP  = 1 << 2
	vp8xEXIF = 1 << 3
)

// maxWebP bounds the WebP file stripWebP holds in memory: the RIFF header
// can claim up to 4 GiB, and uploads are far smaller.
const maxWebP = 256 << 20

// stripWebP drops the EXIF and XMP chunks and clears their flags in VP8X.
// The file is held in memory because the RIFF size in the first bytes
// depends on what is dropped.
func stripWebP(src io.Reader, w io.Writer) error {
	r := &watched{r: src}
	chunks, err := readWebP(r)
	if err != nil {
		return webpError(r, err)
	}
	_, err = w.Write(writeWebP(stripWebPChunks(chunks)))
	return err
}

// webpError explains a failure to read the chunks of a WebP from r.
func webpError(r *watched, err error) error {
	if r.err != nil {
		return r.err
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return studio.Errorf(studio.Invalid, "The WebP image is incomplete: it is shorter than its header says. Please send the original file again.")
	}
	return err
}

func readWebP(r io.Reader) ([]riffChunk, error) {
	head := make([]byte, 12)
	if _, err := io.ReadFull(r, head); err != nil {
		return nil, err
	}
	if sniff(head) != WebP {
		return nil, studio.Errorf(studio.Invalid, "The file is not a WebP image.")
	}
	size := int64(binary.LittleEndian.Uint32(head[4:8])) - 4
	if size < 0 || size > maxWebP {
		return nil, studio.Errorf(studio.Invalid, "The WebP image is damaged: its header claims an impossible size.")
	}
	// Read rather than allocated up front: a header may claim more than
	// the file holds.
	body, err := io.ReadAll(io.LimitReader(r, size))
	if err != nil {
		return nil, err
	}
	if int64(len(body)) < size {
		return nil, io.ErrUnexpectedEOF
	}
	return splitRIFF(body)
}

func splitRIFF(body []byte) ([]riffChunk, error) {
	var chunks []riffChunk
	for len(body) > 0 {
		if len(body) < 8 {
			return nil, io.ErrUnexpectedEOF
		}
		n := int64(binary.LittleEndian.Uint32(body[4:8]))
		if 8+n > int64(len(body)) {
			return nil, io.ErrUnexpectedEOF
		}
		chunks = append(chunks, riffChunk{id: string(body[:4]), data: body[8 : 8+n]})
		body = body[min(8+n+n%2, int64(len(body))):] // odd sizes are padded
	}
	return chunks, nil
}

// stripWebPChunks keeps all but EXIF and XMP; a sideways photo's EXIF is
// replaced by one that holds only the orientation.
func stripWebPChunks(chunks []riffChunk) []riffChunk {
	var out []riffChunk
	hasEXIF := false
	for _, c := range chunks {
		switch c.id {
		case "XMP ":
		case "EXIF":
			if o := exifOrientation(c.data); o != 1 && !hasEXIF {
				out, hasEXIF = append(out, riffChunk{id: "EXIF", data: orientationOnlyEXIF(o)}), true
			}
		default:
			out = append(out, c)
		}
	}
	for i, c := range out {
		if c.id == "VP8X" && len(c.data) > 0 {
			data := append([]byte(nil), c.data...)
			data[0] &^= vp8xXMP | vp8xEXIF
			if hasEXIF {
				data[0] |= vp8xEXIF
			}
			out[i].data = data
		}
	}
	return out
}

func writeWebP(chunks []riffChunk) []byte {
	size := 4
	for _, c := range chunks {
		size += 8 + len(c.data) + len(c.data)%2
	}
	b := append([]byte("RIFF"), binary.LittleEndian.AppendUint32(nil, uint32(size))...)
	b = append(b, "WEBP"...)
	for _, c := range chunks {
		b = append(b, c.id...)
		b = binary.LittleEndian.AppendUint32(b, uint32(len(c.data)))
		b = append(b, c.data...)
		if len(c.data)%2 == 1 {
			b = append(b, 0)
		}
	}
	return b
}
