package studio

import (
	"fmt"
	"strings"
	"time"
)

// Certificate is a certificate of authenticity of one finished piece: what
// the studio signs, prints and lets anyone verify. Its fields are fixed
// when it is issued and never change; a change would break its signature.
type Certificate struct {
	// Serial is the certificate's random name: at least 64 bits, written as
	// upper-case base32 without separators or padding.
	Serial string
	// StudioSlug and StudioName name the studio that signs it; Artist is
	// the studio's artist.
	StudioSlug string
	StudioName string
	Artist     string
	Subject    string
	// EditionID, EditionTitle, EditionNumber and EditionSize place the
	// piece in its edition, n of N; all are empty for a unique piece.
	EditionID     string
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

// CheckCertifiable says whether a piece may have a certificate: only one
// that passed quality control, collector-grade or since delivered.
func CheckCertifiable(p Piece) error {
	if p.Stage == CollectorGrade || p.Stage == Delivered {
		return nil
	}
	return Errorf(Conflict, "A certificate is issued for a collector-grade piece: this piece is at the %s stage.", p.Stage.Label())
}

// CertificateStory is the story a certificate prints: the one given with
// the request, else the commission's. It is checked as a story.
func CertificateStory(given *string, commission string) (string, error) {
	story := commission
	if given != nil {
		story = strings.TrimSpace(*given)
	}
	if err := TextError("story", story, StoryText); err != nil {
		return "", err
	}
	return story, nil
}

// DescribeFinish names a piece's finish coats for its certificate, kind by
// kind in the order first applied: "matte polyurethane, 2 coats".
func DescribeFinish(coats []CoatKind) string {
	var order []CoatKind
	n := map[CoatKind]int{}
	for _, k := range coats {
		if n[k] == 0 {
			order = append(order, k)
		}
		n[k]++
	}
	parts := make([]string, 0, len(order))
	for _, k := range order {
		name := strings.ReplaceAll(string(k), "_", " ")
		if n[k] == 1 {
			parts = append(parts, name+", 1 coat")
		} else {
			parts = append(parts, fmt.Sprintf("%s, %d coats", name, n[k]))
		}
	}
	return strings.Join(parts, "; ")
}
