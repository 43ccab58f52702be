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
	for rest := data; ; {
		i := bytes.Index(rest, []byte("/EmbeddedFile"))
		if i < 0 {
			return out
		}
		rest = rest[i+len("/EmbeddedFile"):]
		// The stream that follows this object's dictionary.
		end := bytes.Index(rest, []byte("endobj"))
		s := bytes.Index(rest, []byte("stream"))
		if s < 0 || (end >= 0 && s > end) {
			continue
		}
		dict := rest[:s]
		body := rest[s+len("stream"):]
		body = bytes.TrimPrefix(body, []byte("\r"))
		body = bytes.TrimPrefix(body, []byte("\n"))
		e := bytes.Index(body, []byte("endstream"))
		if e < 0 {
			return out
		}
		raw := bytes.TrimRight(body[:e], "\r\n")
		if content, err := inflate(dict, raw); err == nil {
			out = append(out, content)
		}
		rest = body[e:]
	}
}

func inflate(dict, raw []byte) ([]byte, error) {
	if !bytes.Contains(dict, []byte("/FlateDecode")) {
		return raw, nil
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
