package studio

import (
	"fmt"
	"time"
)

// Certificate is a certificate of authenticity of one finished piece: what
// the studio signs, prints and lets anyone verify. Its fields are fixed
// when it is issued and never change; a change would break its signature.
type Certificate struct {
	// Serial is the certificate's random name: at least 64 bits, written as
	// upper-case base32 without separators or padding.
	Serial  string
	PieceID string
	// StudioSlug and StudioName name the studio that signs it; Artist is
	// the studio's artist.
	StudioSlug string
	StudioName string
	Artist     string
	Subject    string
	// EditionTitle, EditionNumber and EditionSize place the piece in its
	// edition, n of N; all are empty for a unique piece.
	EditionTitle  string
	EditionNumber int
	EditionSize   int
	// HeightMM, WidthMM and DepthMM are the finished piece's measured size.
	HeightMM float64
	WidthMM  float64
	DepthMM  float64
	// Clay and Finish are the materials: the clays' names, and the finish
	// coats (e.g. "matte polyurethane varnish, 2 coats").
	Clay   string
	Finish string
	// Completed is the day the piece was judged collector-grade, in the
	// studio's time zone (YYYY-MM-DD).
	Completed string
	Story     string
	IssuedAt  time.Time
}

// Unique reports whether the piece belongs to no edition.
func (c Certificate) Unique() bool { return c.EditionSize == 0 }

// EditionLabel is "7/20", or "unique".
func (c Certificate) EditionLabel() string {
	if c.Unique() {
		return "unique"
	}
	return fmt.Sprintf("%d/%d", c.EditionNumber, c.EditionSize)
}

// MMToInches converts a length in millimetres to inches.
func MMToInches(mm float64) float64 { return mm / 25.4 }
