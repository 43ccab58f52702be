package pdf

import (
	"strconv"
	"strings"

	"atelier/internal/provenance"
	"atelier/internal/studio"
)

// PageOf is the page that prints a certificate: its QR code opens
// baseURL/v/{serial}, and its key is named and fingerprinted from the
// studio's verifier key.
func PageOf(c studio.Certificate, baseURL, verifierKey string) (CertificatePage, error) {
	fp, err := provenance.Fingerprint(verifierKey)
	if err != nil {
		return CertificatePage{}, err
	}
	name, _, _ := strings.Cut(verifierKey, "+")
	return CertificatePage{Certificate: c, VerifyURL: VerifyURL(baseURL, c.Serial), KeyName: name, Fingerprint: fp}, nil
}

// VerifyURL is the public address that verifies a certificate.
func VerifyURL(baseURL, serial string) string {
	return strings.TrimRight(baseURL, "/") + "/v/" + serial
}

// LabelTextOf is what a piece's box label and plaque print: the facts its
// certificate holds (or would hold), with the story's first paragraph as
// the label's short story.
func LabelTextOf(c studio.Certificate) LabelText {
	story := strings.TrimSpace(c.Story)
	if i := strings.Index(story, "\n"); i >= 0 {
		story = strings.TrimSpace(story[:i])
	}
	t := LabelText{Artist: c.Artist, Subject: c.Subject, Dimensions: Dimensions(c), Story: story}
	if !c.Unique() {
		t.Edition = c.EditionLabel()
	}
	return t
}

// Dimensions writes a piece's measured size in mm and in inches,
// "41 × 22 × 19 mm (1.61 × 0.87 × 0.75 in)", leaving out what was not
// measured; "" when nothing was.
func Dimensions(c studio.Certificate) string {
	var mm, in []string
	for _, v := range []float64{c.HeightMM, c.WidthMM, c.DepthMM} {
		if v > 0 {
			mm = append(mm, strconv.FormatFloat(v, 'f', -1, 64))
			in = append(in, strconv.FormatFloat(studio.MMToInches(v), 'f', 2, 64))
		}
	}
	if len(mm) == 0 {
		return ""
	}
	return strings.Join(mm, " × ") + " mm (" + strings.Join(in, " × ") + " in)"
}
