// Package intake is what the public side and the studio both do with a
// client's input: taking an inquiry and its photos, the client's portal,
// process photos, and serving photos back. The web pages and the JSON API
// both go through it, so that a photo or an inquiry is checked one way.
package intake

import (
	"log/slog"
	"time"

	"atelier/internal/files"
	"atelier/internal/store"
)

// Limits of one inquiry or portal upload.
const (
	MaxPhotos     = 20
	MaxPhotoBytes = 10 << 20
	// MaxInquiryBytes bounds the whole multipart body: every photo at its
	// largest, plus room for the text fields.
	MaxInquiryBytes = MaxPhotos*MaxPhotoBytes + 1<<20
	maxFieldBytes   = 64 << 10
	// MaxRequestPixels bounds the photos of one request together: twenty
	// 12-megapixel phone photos; checked from their headers, before any is
	// decoded.
	MaxRequestPixels = 240_000_000
	// DecodeWait is how long a request waits for its turn to decode before
	// it is told to come back.
	DecodeWait = 5 * time.Second
)

// DefaultInquiriesPerHour bounds inquiries from one address.
const DefaultInquiriesPerHour = 10

// Desk takes a client's input and serves their photos.
type Desk struct {
	Store *store.Store
	Files *files.Store
	Log   *slog.Logger
	// Now is the clock, the server's; nil means the wall clock.
	Now func() time.Time
	// InquiriesPerHour bounds inquiries per address; zero means the default.
	InquiriesPerHour int
}

func (d *Desk) now() time.Time {
	clock := d.Now
	if clock == nil {
		clock = time.Now
	}
	return clock()
}

func (d *Desk) inquiryLimit() int {
	if d.InquiriesPerHour > 0 {
		return d.InquiriesPerHour
	}
	return DefaultInquiriesPerHour
}
