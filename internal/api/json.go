package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

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

// decode reads one JSON object from the body into dst, refusing unknown
// fields, values of the wrong type and trailing data, each with a message
// that names the field.
func decode(r *http.Request, dst any) error {
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	err := dec.Decode(dst)
	if err == nil {
		if dec.More() || dec.Decode(&struct{}{}) != io.EOF {
			return malformed("The request body must hold exactly one JSON object.")
		}
		return nil
	}
	if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
		return studio.Errorf(studio.TooLarge, "The request body is too large.")
	}
	if te, ok := errors.AsType[*json.UnmarshalTypeError](err); ok {
		if te.Field == "" {
			return malformed("The request body must be a JSON object.")
		}
		return studio.FieldError(te.Field, "must be "+jsonKind(te.Type.Kind().String()))
	}
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		return studio.FieldError(strings.Trim(name, `"`), "is not a field this endpoint accepts")
	}
	if errors.Is(err, io.EOF) {
		return malformed("The request body is empty; send a JSON object.")
	}
	return malformed(fmt.Sprintf("The request body is not valid JSON (%s).", strings.TrimPrefix(err.Error(), "json: ")))
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
