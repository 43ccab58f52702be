package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"atelier/internal/httpx"
	"atelier/internal/studio"
)

// writeJSON encodes v into a buffer before writing the status, so that an
// encoding failure is still a clean 500.
func writeJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	if err := json.NewEncoder(&buf).Encode(v); err != nil {
		status = http.StatusInternalServerError
		buf.Reset()
		buf.WriteString(`{"error":{"code":"internal","message":"The response could not be encoded."}}` + "\n")
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// decode reads one JSON object from the body into dst. The body is walked
// token by token against dst's type before it is decoded, so that what
// encoding/json would let pass or answer vaguely is refused and named:
// a string that is not UTF-8 or holds a lone surrogate (json would store
// U+FFFD), a value of the wrong type or a malformed time (422 naming the
// field), and a key given twice, a bare null or trailing data (400). No
// message echoes more than a few dozen bytes of the input.
func decode(r *http.Request, dst any) error {
	data, err := readBody(r, "The request body is too large.")
	if err != nil {
		return err
	}
	if err := walkJSON(data, reflect.TypeOf(dst).Elem()); err != nil {
		return err
	}
	if err := json.Unmarshal(data, dst); err != nil {
		// The walk has checked what Unmarshal checks; this is a bug, not
		// the client's error, but it must not echo the input either.
		return malformed("The request body could not be decoded.")
	}
	return nil
}

// walkJSON walks data as one JSON object shaped like t.
func walkJSON(data []byte, t reflect.Type) error {
	w := &walker{dec: json.NewDecoder(bytes.NewReader(data)), data: data}
	w.dec.UseNumber()
	tok, _, err := w.token()
	switch {
	case errors.Is(err, io.EOF):
		return malformed("The request body is empty; send a JSON object.")
	case err != nil:
		return w.syntax(err)
	case tok != json.Delim('{'):
		return malformed("The request body must be a JSON object, not " + jsonWord(tok) + ".")
	}
	if err := w.object(t, ""); err != nil {
		return err
	}
	if _, _, err := w.token(); !errors.Is(err, io.EOF) {
		return malformed("The request body must hold exactly one JSON object.")
	}
	return nil
}

// walker reads the tokens of a JSON document, each with its raw bytes.
type walker struct {
	dec  *json.Decoder
	data []byte
}

// token returns the next token and the bytes it was read from (with any
// separator before it).
func (w *walker) token() (json.Token, []byte, error) {
	start := w.dec.InputOffset()
	tok, err := w.dec.Token()
	return tok, w.data[start:w.dec.InputOffset()], err
}

func (w *walker) syntax(err error) error {
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return malformed("The request body is not valid JSON: it ends too early.")
	}
	msg := strings.TrimPrefix(err.Error(), "json: ")
	if se, ok := errors.AsType[*json.SyntaxError](err); ok {
		msg = fmt.Sprintf("%s at byte %d", clip(se.Error(), 60), se.Offset)
	}
	return malformed(fmt.Sprintf("The request body is not valid JSON (%s).", clip(msg, 80)))
}

var (
	timeType        = reflect.TypeFor[time.Time]()
	unmarshalerType = reflect.TypeFor[json.Unmarshaler]()
)

// value checks the value that follows, to be decoded into t (nil: any)
// at path.
func (w *walker) value(t reflect.Type, path string) error {
	tok, raw, err := w.token()
	if err != nil {
		return w.syntax(err)
	}
	if tok == nil {
		return nil // null leaves the field as it is, as encoding/json does
	}
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if s, ok := tok.(string); ok && !validJSONString(raw) {
		return studio.FieldError(path, "must be text: it holds bytes that are not UTF-8 or an unpaired surrogate escape")
	} else if ok && t == timeType {
		if _, err := time.Parse(time.RFC3339, s); err != nil {
			return studio.FieldError(path, "must be a time such as 2026-03-01T14:30:00Z")
		}
		return nil
	}
	if t != nil && t != timeType && (t.Implements(unmarshalerType) || reflect.PointerTo(t).Implements(unmarshalerType)) {
		t = nil // a type that reads itself: check only the JSON
	}
	if d, ok := tok.(json.Delim); ok {
		return w.nested(d, t, path)
	}
	if t == nil || fits(tok, t) {
		return nil
	}
	return studio.FieldError(path, "must be "+typeWord(t))
}

// nested checks an object or array whose opening delimiter d is read.
func (w *walker) nested(d json.Delim, t reflect.Type, path string) error {
	switch {
	case d == '{' && (t == nil || t.Kind() == reflect.Struct || t.Kind() == reflect.Map):
		return w.object(t, path)
	case d == '[' && (t == nil || t.Kind() == reflect.Slice || t.Kind() == reflect.Array):
		var elem reflect.Type
		if t != nil {
			elem = t.Elem()
		}
		for i := 0; w.dec.More(); i++ {
			if err := w.value(elem, fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
		if _, _, err := w.token(); err != nil {
			return w.syntax(err) // a body that ends inside the array
		}
		return nil
	}
	return studio.FieldError(path, "must be "+typeWord(t))
}

// object checks the members of an object whose "{" is read: each key
// once, each a field of t (a struct) or any key (a map, or t nil).
func (w *walker) object(t reflect.Type, path string) error {
	seen := map[string]bool{}
	for w.dec.More() {
		tok, raw, err := w.token()
		if err != nil {
			return w.syntax(err)
		}
		key, _ := tok.(string)
		if !validJSONString(raw) {
			return malformed("The request body has a key that is not UTF-8 or holds an unpaired surrogate escape.")
		}
		// encoding/json matches keys without regard to case: "Name" after
		// "name" would overwrite it just as silently.
		folded := strings.ToLower(key)
		if seen[folded] {
			return malformed(fmt.Sprintf("The request body gives the key %s twice.", quoted(joinPath(path, key))))
		}
		seen[folded] = true
		var vt reflect.Type
		switch {
		case t != nil && t.Kind() == reflect.Struct:
			f, ok := fieldByKey(t, key)
			if !ok {
				return studio.FieldError(clip(joinPath(path, key), 80), "is not a field this endpoint accepts")
			}
			vt = f.Type
		case t != nil:
			vt = t.Elem()
		}
		if err := w.value(vt, joinPath(path, key)); err != nil {
			return err
		}
	}
	if _, _, err := w.token(); err != nil {
		return w.syntax(err) // a body that ends inside the object
	}
	return nil
}

// fieldByKey finds the field encoding/json would decode key into: the
// exact name first, then one equal without regard to case.
func fieldByKey(t reflect.Type, key string) (reflect.StructField, bool) {
	var folded *reflect.StructField
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if !f.IsExported() || name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		if name == key {
			return f, true
		}
		if folded == nil && strings.EqualFold(name, key) {
			folded = &f
		}
	}
	if folded != nil {
		return *folded, true
	}
	return reflect.StructField{}, false
}

// fits says whether the scalar tok decodes into t.
func fits(tok json.Token, t reflect.Type) bool {
	switch v := tok.(type) {
	case string:
		return t.Kind() == reflect.String || t.Kind() == reflect.Interface
	case bool:
		return t.Kind() == reflect.Bool || t.Kind() == reflect.Interface
	case json.Number:
		switch t.Kind() {
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			_, err := strconv.ParseInt(string(v), 10, t.Bits())
			return err == nil
		case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
			_, err := strconv.ParseUint(string(v), 10, t.Bits())
			return err == nil
		case reflect.Float32, reflect.Float64:
			_, err := strconv.ParseFloat(string(v), t.Bits())
			return err == nil
		case reflect.Interface:
			return true
		}
	}
	return false
}

// validJSONString says whether raw, the bytes a string token was read
// from, is UTF-8 and pairs every surrogate escape.
func validJSONString(raw []byte) bool {
	i := bytes.IndexByte(raw, '"')
	j := bytes.LastIndexByte(raw, '"')
	if i < 0 || j <= i {
		return true
	}
	s := raw[i+1 : j]
	if !utf8.Valid(s) {
		return false
	}
	for k := 0; k < len(s); k++ {
		if s[k] != '\\' {
			continue
		}
		k++ // the decoder has checked the escape: \uXXXX has its four digits
		if s[k] != 'u' {
			continue
		}
		r := hex4(s[k+1:])
		k += 4
		switch {
		case r >= 0xDC00 && r <= 0xDFFF:
			return false
		case r >= 0xD800 && r <= 0xDBFF:
			rest := s[k+1:]
			if len(rest) < 6 || rest[0] != '\\' || rest[1] != 'u' {
				return false
			}
			if lo := hex4(rest[2:]); lo < 0xDC00 || lo > 0xDFFF {
				return false
			}
			k += 6
		}
	}
	return true
}

// hex4 reads four hexadecimal digits, -1 when they are not.
func hex4(b []byte) rune {
	if len(b) < 4 {
		return -1
	}
	n, err := strconv.ParseUint(string(b[:4]), 16, 32)
	if err != nil {
		return -1
	}
	return rune(n)
}

func joinPath(path, key string) string {
	if path == "" {
		return clip(key, 60)
	}
	return path + "." + clip(key, 60)
}

// clip shortens s to at most n bytes of whole characters, so that no
// message echoes much of the input.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

func quoted(s string) string { return strconv.Quote(s) }

func jsonWord(tok json.Token) string {
	switch tok.(type) {
	case nil:
		return "null"
	case json.Delim:
		return "an array"
	case string:
		return "a string"
	case bool:
		return "true or false"
	}
	return "a number"
}

func typeWord(t reflect.Type) string {
	if t == timeType {
		return "a time such as 2026-03-01T14:30:00Z"
	}
	return jsonKind(t.Kind().String())
}

func malformed(msg string) error {
	return httpx.WithStatus(studio.Errorf(studio.Invalid, "%s", msg), http.StatusBadRequest)
}

func jsonKind(kind string) string {
	switch kind {
	case "string":
		return "a string"
	case "bool":
		return "true or false"
	case "slice", "array":
		return "an array"
	case "map", "struct":
		return "an object"
	case "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64":
		return "a whole number"
	case "float32", "float64":
		return "a number"
	}
	return "of another type"
}

func itoa(n int) string { return strconv.Itoa(n) }

// readBody reads a request's body whole: a body over the route's limit is
// TooLarge with the message given, one that cannot be read is malformed.
func readBody(r *http.Request, tooLarge string) ([]byte, error) {
	data, err := io.ReadAll(r.Body)
	if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
		return nil, studio.Errorf(studio.TooLarge, "%s", tooLarge)
	}
	if err != nil {
		return nil, malformed("The request body could not be read.")
	}
	return data, nil
}
