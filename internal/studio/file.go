package studio

import (
	"strings"
	"time"
	"unicode/utf8"
)

// File is an uploaded file of a studio. Its content lives in the blob store
// under SHA256; one studio holds the same content once.
type File struct {
	ID          string
	StudioID    string
	SHA256      string
	Size        int64
	ContentType string
	Name        string
	CreatedAt   time.Time
}

// CleanFileName makes an uploaded file's name safe to store and show: one
// line, no path, at most 200 characters.
func CleanFileName(name string) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, strings.ToValidUTF8(name, ""))
	name = strings.TrimSpace(name)
	for utf8.RuneCountInString(name) > 200 {
		_, size := utf8.DecodeLastRuneInString(name)
		name = name[:len(name)-size]
	}
	return name
}
