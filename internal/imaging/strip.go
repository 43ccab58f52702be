package imaging

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"

	"atelier/internal/studio"
)

// StripMetadata copies the image in r to w without the metadata it may
// carry (EXIF with its GPS position and camera serial, XMP, IPTC, comments,
// text chunks), leaving the pixel data byte for byte as it was. format is
// the Format that Inspect found. What decoding needs stays: the JFIF and
// Adobe segments and the ICC profile. A photo stored sideways keeps an EXIF
// block holding its orientation alone, so that it is still shown upright.
func StripMetadata(r io.Reader, w io.Writer, format string) error {
	switch format {
	case JPEG:
		return copyJPEG(r, w, stripJPEGSegment)
	case PNG:
		return stripPNG(r, w)
	case WebP:
		return stripWebP(r, w)
	}
	return fmt.Errorf("imaging: cannot strip metadata from format %q", format)
}

// stripJPEGSegment keeps the segments that decoding reads and drops the
// application segments and comments that only describe the photo.
func stripJPEGSegment(marker byte, payload []byte) ([]byte, bool) {
	switch {
	case marker == markerAPP0:
		// JFIF sets the pixel aspect; JFXX and the rest carry thumbnails.
		return payload, bytes.HasPrefix(payload, []byte("JFIF\x00"))
	case marker == markerAPP1 && bytes.HasPrefix(payload, []byte(exifHeader)):
		o := exifOrientation(payload)
		return append([]byte(exifHeader), orientationOnlyEXIF(o)...), o != 1
	case marker == markerAPP2:
		return payload, bytes.HasPrefix(payload, []byte("ICC_PROFILE\x00"))
	case marker == markerAPP14:
		// Adobe's segment says how the colour channels are coded.
		return payload, bytes.HasPrefix(payload, []byte("Adobe"))
	case marker >= markerAPP0 && marker <= markerAPP15, marker == markerCOM:
		return nil, false
	}
	return payload, true
}

// PNG chunks that hold text, times and EXIF, none of which decoding needs.
var pngMetadataChunks = map[string]bool{"eXIf": true, "tEXt": true, "zTXt": true, "iTXt": true, "tIME": true}

// maxEXIFChunk bounds the eXIf chunk read to learn the orientation; a
// larger one is dropped unread.
const maxEXIFChunk = 1 << 20

func stripPNG(src io.Reader, w io.Writer) error {
	r := &watched{r: bufio.NewReaderSize(src, 64<<10)}
	return pngError(r, copyPNG(r, w))
}

// pngError explains a failed walk over the chunks of a PNG read from r.
func pngError(r *watched, err error) error {
	if r.err != nil {
		return r.err
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return studio.Errorf(studio.Invalid, "The PNG image is incomplete: it ends before its end chunk. Please send the original file again.")
	}
	return err
}

// pngSignature starts every PNG file.
const pngSignature = "\x89PNG\r\n\x1a\n"

// copyPNG copies chunk by chunk, unchanged (CRC included) or not at all,
// up to and including IEND.
func copyPNG(r io.Reader, w io.Writer) error {
	if _, err := io.WriteString(w, pngSignature); err != nil {
		return err
	}
	return eachPNGChunk(r, func(head [8]byte, length int64, kind string) error {
		return copyPNGChunk(r, w, head, length, kind)
	})
}

// eachPNGChunk checks the signature and calls fn for every chunk up to and
// including IEND; fn must consume the chunk's data and CRC from r.
func eachPNGChunk(r io.Reader, fn func(head [8]byte, length int64, kind string) error) error {
	sig := make([]byte, len(pngSignature))
	if _, err := io.ReadFull(r, sig); err != nil {
		return err
	}
	if string(sig) != pngSignature {
		return studio.Errorf(studio.Invalid, "The file is not a PNG image.")
	}
	for {
		var head [8]byte
		if _, err := io.ReadFull(r, head[:]); err != nil {
			return err
		}
		length, kind := int64(be32(head[:4])), string(head[4:8])
		if length > 1<<31-1 {
			return studio.Errorf(studio.Invalid, "The PNG image is damaged: a chunk has an impossible length.")
		}
		if err := fn(head, length, kind); err != nil {
			return err
		}
		if kind == "IEND" {
			return nil
		}
	}
}

func copyPNGChunk(r io.Reader, w io.Writer, head [8]byte, length int64, kind string) error {
	if kind == "eXIf" && length <= maxEXIFChunk {
		data := make([]byte, length+4) // with the CRC
		if _, err := io.ReadFull(r, data); err != nil {
			return err
		}
		if o := exifOrientation(data[:length]); o != 1 {
			_, err := w.Write(pngChunk("eXIf", orientationOnlyEXIF(o)))
			return err
		}
		return nil
	}
	if pngMetadataChunks[kind] {
		_, err := io.CopyN(io.Discard, r, length+4)
		return err
	}
	if _, err := w.Write(head[:]); err != nil {
		return err
	}
	_, err := io.CopyN(w, r, length+4)
	return err
}
