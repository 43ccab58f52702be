package api

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"atelier/internal/httpx"
	"atelier/internal/studio"
)

type colourBody struct {
	Name string `json:"name"`
	Hex  string `json:"hex"`
}

type strictBody struct {
	Name    string           `json:"name"`
	Note    *string          `json:"note"`
	Count   int              `json:"count"`
	Small   int8             `json:"small"`
	Price   *int64           `json:"price"`
	Height  float64          `json:"height"`
	Done    *bool            `json:"done"`
	At      *time.Time       `json:"at"`
	Tags    []string         `json:"tags"`
	Colors  []colourBody     `json:"colors"`
	Checks  map[string]*bool `json:"checks"`
	Minutes map[string]int   `json:"minutes"`
}

func decodeString(t *testing.T, body string) (strictBody, error) {
	t.Helper()
	var dst strictBody
	err := decode(httptest.NewRequest("POST", "/", strings.NewReader(body)), &dst)
	return dst, err
}

// The strict reader refuses what encoding/json lets pass or answers
// vaguely: each case with its status and, for a 422, the field it names.
func TestDecodeIsStrict(t *testing.T) {
	big := strings.Repeat("x", 1<<20)
	cases := []struct {
		name, body string
		status     int
		field      string
	}{
		{"a lone high surrogate", `{"name":"a\ud800b"}`, 422, "name"},
		{"a lone low surrogate", `{"name":"\udc00"}`, 422, "name"},
		{"a high surrogate at the end", `{"name":"\ud83d"}`, 422, "name"},
		{"two high surrogates", `{"name":"\ud83d\ud83d"}`, 422, "name"},
		{"a surrogate deep inside", `{"colors":[{"name":"ok"},{"name":"\uDFFF"}]}`, 422, "colors[1].name"},
		{"invalid UTF-8", "{\"name\":\"a\xffb\"}", 422, "name"},
		{"invalid UTF-8 in a map value", "{\"tags\":[\"\xc3\x28\"]}", 422, "tags[0]"},
		{"a number for a string", `{"name":5}`, 422, "name"},
		{"a string for a number", `{"count":"5"}`, 422, "count"},
		{"a fraction for a whole number", `{"count":1.5}`, 422, "count"},
		{"too big for the field", `{"small":300}`, 422, "small"},
		{"a huge number", `{"price":1e400}`, 422, "price"},
		{"an object for a string", `{"note":{"a":1}}`, 422, "note"},
		{"a string for a bool in a map", `{"checks":{"eyes":"yes"}}`, 422, "checks.eyes"},
		{"an array for an object", `{"colors":[[]]}`, 422, "colors[0]"},
		{"a number for a time", `{"at":5}`, 422, "at"},
		{"a malformed time", `{"at":"yesterday"}`, 422, "at"},
		{"a date for a time", `{"at":"2026-03-01"}`, 422, "at"},
		{"an unknown field", `{"nmae":"x"}`, 422, "nmae"},
		{"an unknown nested field", `{"colors":[{"name":"x","rgb":1}]}`, 422, "colors[0].rgb"},
		{"a bare null", `null`, 400, ""},
		{"null with spaces", " \n null \n", 400, ""},
		{"an array", `[]`, 400, ""},
		{"a string", `"x"`, 400, ""},
		{"empty", ``, 400, ""},
		{"a duplicate key", `{"name":"a","name":"b"}`, 400, ""},
		{"a duplicate key in other case", `{"name":"a","Name":"b"}`, 400, ""},
		{"a duplicate nested key", `{"checks":{"eyes":true,"eyes":false}}`, 400, ""},
		{"trailing data", `{"name":"a"} {}`, 400, ""},
		{"trailing garbage", `{"name":"a"}x`, 400, ""},
		{"a syntax error", `{"name":"a",}`, 400, ""},
		{"cut short", `{"name":"a`, 400, ""},
		{"cut short after a value", `{"count":1`, 400, ""},
		{"cut short inside an array", `{"tags":["a"`, 400, ""},
		{"an invalid key", "{\"\xff\":1}", 400, ""},
		{"a surrogate key", `{"\ud800":1}`, 400, ""},
		{"a megabyte of unknown key", `{"` + big + `":1}`, 422, ""},
		{"a megabyte of duplicate key", `{"checks":{"` + big + `":true,"` + big + `":true}}`, 400, ""},
		{"a megabyte of garbage", `{"name":` + big + `}`, 400, ""},
		{"a megabyte of number", `{"count":1` + strings.Repeat("0", 1<<20) + `}`, 422, "count"},
	}
	for _, c := range cases {
		_, err := decodeString(t, c.body)
		e, ok := errors.AsType[*studio.Error](err)
		if !ok {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if got := httpx.Status(err); got != c.status {
			t.Errorf("%s: status %d, want %d: %v", c.name, got, c.status, err)
		}
		if c.field != "" && e.Fields[c.field] == "" {
			t.Errorf("%s: fields %v, want %q named", c.name, e.Fields, c.field)
		}
		// No answer echoes more than 100 bytes of the input.
		if size := len(e.Message) + fieldsSize(e.Fields); size > 400 || strings.Contains(e.Message, strings.Repeat("x", 101)) {
			t.Errorf("%s: %d bytes of error: %.200s", c.name, size, e.Message)
		}
	}
}

func fieldsSize(f map[string]string) int {
	n := 0
	for k, v := range f {
		n += len(k) + len(v)
	}
	return n
}

// What the reader accepts decodes as encoding/json would: paired
// surrogates, escapes, nulls for absent values, keys in another case.
func TestDecodeAccepts(t *testing.T) {
	dst, err := decodeString(t, `{"Name":"Rose \ud83c\udf39 \u00e9\n\"q\"","note":null,"count":-3,"price":45000,"height":41.5,"done":false,
		"at":"2026-03-01T14:30:00+01:00","tags":["a","b"],"colors":[{"name":"Ochre","hex":"#aa8800"}],"checks":{"eyes":true},"minutes":{"epoxy":60}}`)
	if err != nil {
		t.Fatal(err)
	}
	if dst.Name != "Rose 🌹 é\n\"q\"" || dst.Note != nil || dst.Count != -3 || *dst.Price != 45000 || dst.Height != 41.5 || *dst.Done ||
		!dst.At.Equal(time.Date(2026, 3, 1, 13, 30, 0, 0, time.UTC)) || len(dst.Tags) != 2 || dst.Colors[0].Hex != "#aa8800" ||
		!*dst.Checks["eyes"] || dst.Minutes["epoxy"] != 60 {
		t.Fatalf("%+v", dst)
	}
	if _, err := decodeString(t, `{}`); err != nil {
		t.Fatal(err)
	}
}

// A body over the route's limit is 413, not a syntax error.
func TestDecodeTooLarge(t *testing.T) {
	rec := httptest.NewRecorder()
	r := httptest.NewRequest("POST", "/", strings.NewReader(`{"name":"`+strings.Repeat("x", 100)+`"}`))
	r.Body = http.MaxBytesReader(rec, r.Body, 10)
	var dst strictBody
	if err := decode(r, &dst); httpx.Status(err) != http.StatusRequestEntityTooLarge {
		t.Fatalf("%v → %d", err, httpx.Status(err))
	}
}
