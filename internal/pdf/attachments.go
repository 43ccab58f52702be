package pdf

import (
	"bytes"
	"compress/zlib"
	"errors"
	"io"
)

// maxAttachment bounds an embedded file read back: a bundle is a few
// kilobytes, its story at most 40.
const maxAttachment = 1 << 20

// EmbeddedFiles reads back the contents of the files embedded in a PDF
// (the /EmbeddedFile streams, deflated or not), in the order they appear:
// enough to find a certificate's bundle in a PDF Atelier printed, or one
// a tool has rewritten keeping its attachments. It is not a PDF parser:
// it never fails on what it does not understand, it only finds less.
func EmbeddedFiles(data []byte) [][]byte {
	var out [][]byte
	for at := 0; ; {
		i := bytes.Index(data[at:], []byte("/EmbeddedFile"))
		if i < 0 {
			return out
		}
		i += at
		at = i + len("/EmbeddedFile")
		// The object's dictionary runs from its "obj" to its stream, in
		// whatever order its keys come.
		start := bytes.LastIndex(data[:i], []byte("obj"))
		end := bytes.Index(data[at:], []byte("endobj"))
		s := bytes.Index(data[at:], []byte("stream"))
		if start < 0 || s < 0 || (end >= 0 && s > end) {
			continue
		}
		dict := data[start : at+s]
		body := data[at+s+len("stream"):]
		body = bytes.TrimPrefix(body, []byte("\r"))
		body = bytes.TrimPrefix(body, []byte("\n"))
		e := bytes.Index(body, []byte("endstream"))
		if e < 0 {
			return out
		}
		// A deflated stream ends itself (zlib reads up to its checksum and
		// no further); a raw one loses the end of line before endstream.
		if content, err := inflate(dict, body[:e]); err == nil {
			out = append(out, content)
		}
		at = len(data) - len(body) + e
	}
}

func inflate(dict, raw []byte) ([]byte, error) {
	if !bytes.Contains(dict, []byte("/FlateDecode")) {
		return bytes.TrimRight(raw, "\r\n"), nil
	}
	r, err := zlib.NewReader(bytes.NewReader(raw))
	if err != nil {
		return nil, err
	}
	content, err := io.ReadAll(io.LimitReader(r, maxAttachment+1))
	if err == nil && len(content) > maxAttachment {
		err = errors.New("pdf: an embedded file is too large")
	}
	return content, err
}
