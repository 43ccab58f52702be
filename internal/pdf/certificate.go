package pdf

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"sync"
	"time"

	"codeberg.org/go-pdf/fpdf"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/sfnt"

	"atelier/internal/studio"
)

// PageSize is the paper a certificate is printed on: A6 (105 × 148 mm,
// portrait, the default) or A5 (148 × 210 mm).
type PageSize string

const (
	A6 PageSize = "a6"
	A5 PageSize = "a5"
)

// ParsePageSize reads a page size as a form or flag gives it; "" is A6.
func ParsePageSize(s string) (PageSize, error) {
	switch PageSize(strings.ToLower(strings.TrimSpace(s))) {
	case "", A6:
		return A6, nil
	case A5:
		return A5, nil
	}
	return "", studio.Errorf(studio.Invalid, "page size %q is not known: use a6 or a5", s)
}

// mm returns the page's width and height in millimetres.
func (p PageSize) mm() (w, h float64, err error) {
	switch p {
	case A6:
		return 105, 148, nil
	case A5:
		return 148, 210, nil
	}
	_, err = ParsePageSize(string(p))
	return 0, 0, err
}

// CertificatePage is one certificate to print.
type CertificatePage struct {
	Certificate studio.Certificate
	// VerifyURL is ATELIER_BASE_URL/v/{serial}: the QR code's exact content.
	VerifyURL string
	// KeyName is the signing key's name, e.g. atelier/ana/1a2b3c4d.
	KeyName string
	// Fingerprint is the key's fingerprint as it is to be printed.
	Fingerprint string
	// Bundle, when set, is the certificate's bundle (provenance.Bundle:
	// the signed record, its inclusion proof and checkpoint, the key),
	// embedded in the PDF as a file attachment, so that the PDF alone
	// proves the certificate offline.
	Bundle []byte
	// TransferCode, when set, is printed on a stub at the foot of the page
	// to cut off and hand to the next owner: only the first print of a
	// certificate carries it.
	TransferCode string
}

// Certificates writes one page per certificate to w: an edition of 20
// gives one PDF of 20 pages. The same pages give the same bytes: the
// document's dates are the latest IssuedAt among them, never the clock.
func Certificates(w io.Writer, size PageSize, pages []CertificatePage) error {
	pw, ph, err := size.mm()
	if err != nil {
		return err
	}
	if len(pages) == 0 {
		return studio.Errorf(studio.Invalid, "no certificates to print")
	}
	codes := make([]qrCode, len(pages))
	for i, p := range pages {
		if p.VerifyURL == "" {
			return studio.Errorf(studio.Invalid, "certificate %s has no verification address", p.Certificate.Serial)
		}
		if codes[i], err = encodeQR(p.VerifyURL); err != nil {
			return err
		}
	}
	doc := newDoc(pw, ph, "B")
	doc.SetCatalogSort(true) // map order would otherwise change the bytes
	doc.SetCellMargin(0)
	setMetadata(doc, pages)
	attach(doc, pages)
	for i, p := range pages {
		doc.AddPage()
		l := &layout{doc: doc, w: pw, h: ph, s: pw / 105}
		l.left, l.right = 9*l.s, pw-9*l.s
		l.certificate(p, codes[i])
	}
	if err := doc.Error(); err != nil {
		return fmt.Errorf("render certificates: %w", err)
	}
	return doc.Output(w)
}

// setMetadata names the document and fixes its dates, so that output
// depends on the certificates alone.
func setMetadata(doc *fpdf.Fpdf, pages []CertificatePage) {
	first := pages[0].Certificate
	title := "Certificate of Authenticity: " + clean(first.Subject, false)
	if len(pages) > 1 {
		what := clean(first.EditionTitle, false)
		if what == "" {
			what = fmt.Sprintf("%d pieces", len(pages))
		}
		title = "Certificates of Authenticity: " + what
	}
	doc.SetTitle(title, true)
	author := first.Artist
	if author == "" {
		author = first.StudioName
	}
	doc.SetAuthor(clean(author, false), true)
	doc.SetCreator("Atelier", true)
	var at time.Time
	for _, p := range pages {
		if p.Certificate.IssuedAt.After(at) {
			at = p.Certificate.IssuedAt
		}
	}
	if at.IsZero() {
		at = time.Unix(0, 0) // fpdf reads a zero time as "now"
	}
	doc.SetCreationDate(at.UTC())
	doc.SetModificationDate(at.UTC())
}

// GroupSerial writes a serial in groups of four, "ABCD EFGH IJKL MNOP",
// so that a person can read it off paper and type it without losing place.
func GroupSerial(serial string) string {
	r := []rune(strings.Join(strings.Fields(serial), ""))
	var b strings.Builder
	for i, c := range r {
		if i > 0 && i%4 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// ptMM is one typographic point in millimetres.
const ptMM = 25.4 / 72

// minStoryPt is the smallest size the story is set in before it is cut:
// still legible on paper held in the hand.
const minStoryPt = 6.5

// Greys of the text: ink for what matters, a soft grey for labels.
const (
	ink   = 34
	muted = 120
)

// style is a face of the Go fonts at a size in points as set on A6; the
// layout scales it with the page.
type style struct {
	face string
	pt   float64
	grey int
}

var (
	titleStyle    = style{"", 8.5, muted}
	subjectStyle  = style{"B", 15, ink}
	editionStyle  = style{"B", 30, ink}
	uniqueStyle   = style{"B", 15, ink}
	edTitleStyle  = style{"", 9, ink}
	artistStyle   = style{"", 10, ink}
	studioStyle   = style{"", 8, muted}
	labelStyle    = style{"", 6.5, muted}
	valueStyle    = style{"", 7.5, ink}
	serialStyle   = style{"B", 7.5, ink}
	smallStyle    = style{"", 5.5, muted}
	signatureLine = style{"", 6.5, muted}
)

// layout places one certificate on a page, top to bottom, every measure
// relative to the page's width so that A5 is A6 enlarged.
type layout struct {
	doc         *fpdf.Fpdf
	w, h        float64 // page, mm
	s           float64 // scale from A6
	left, right float64 // content edges, mm
}

func (l *layout) certificate(p CertificatePage, code qrCode) {
	c := p.Certificate
	// A stub takes the foot of the page: the space between the parts
	// closes up to leave the story and the details their room.
	base, gap := l.h-9*l.s, l.s
	if p.TransferCode != "" {
		base, gap = l.stub(p)-3*l.s, 0.6*l.s
	}
	bottomTop := l.footer(p, code, base)
	y := 9 * gap
	y = l.centred(y, titleStyle, "Certificate of Authenticity", 1)
	y += 2 * gap
	l.rule(l.w/2-10*l.s, l.w/2+10*l.s, y)
	y += 5 * gap
	y = l.centred(y, subjectStyle, c.Subject, 2)
	y += 3 * gap
	y = l.edition(y, c)
	y += 4 * gap
	y = l.centred(y, artistStyle, c.Artist, 1)
	y = l.centred(y, studioStyle, c.StudioName, 1)
	y += 4 * gap
	y = l.details(y, c)
	y += 3 * gap
	l.story(c.Story, y, bottomTop-3*l.s)
}

// edition writes "7/20" large with the edition's title, or "Unique piece".
func (l *layout) edition(y float64, c studio.Certificate) float64 {
	if c.Unique() {
		return l.centred(y, uniqueStyle, "Unique piece", 1)
	}
	y = l.centred(y, editionStyle, c.EditionLabel(), 1)
	return l.centred(y, edTitleStyle, c.EditionTitle, 2)
}

// details writes the measured size, materials and completion date as a
// table of a grey label and its value; empty rows are left out.
func (l *layout) details(y float64, c studio.Certificate) float64 {
	label, size := dimensions(c.HeightMM, c.WidthMM, c.DepthMM)
	rows := [][2]string{
		{label, size},
		{"Clay", c.Clay},
		{"Finish", c.Finish},
		{"Completed", completedOn(c.Completed)},
	}
	labelW := 20 * l.s
	for _, row := range rows {
		value := clean(row[1], false)
		if value == "" {
			continue
		}
		l.set(valueStyle)
		lines := l.wrap(value, l.right-l.left-labelW, 2)
		l.set(labelStyle)
		l.doc.Text(l.left, y+0.95*l.size(valueStyle), row[0])
		y = l.lines(y, valueStyle, lines, l.left+labelW, l.right-l.left-labelW, false, 1.3)
		y += 0.6 * l.s
	}
	return y
}

// story sets the artist's story in the box from top to bottom, in the
// largest size that fits, down to minStoryPt; below that it is cut at
// the box's last line with an ellipsis.
func (l *layout) story(text string, top, bottom float64) {
	text = clean(text, true)
	if text == "" || bottom <= top {
		return
	}
	const lead = 1.35
	width := l.right - l.left
	for pt := 8.5 * l.s; ; pt -= 0.5 {
		pt = max(pt, minStoryPt)
		st := style{"", pt / l.s, ink}
		l.set(st)
		lines := l.doc.SplitText(text, width)
		fit := int(math.Floor((bottom - top) / (lead * l.size(st))))
		if len(lines) <= fit || pt == minStoryPt {
			if len(lines) > fit {
				lines = l.cut(lines, fit, width)
			}
			l.lines(top, st, lines, l.left, width, false, lead)
			return
		}
	}
}

// footer draws the signature line, serial, key and QR code at the foot of
// the page and returns the top of what it drew (QR quiet zone included).
func (l *layout) footer(p CertificatePage, code qrCode, base float64) float64 {
	module := l.qrModule(code)
	side := module * float64(code.size)
	quiet := quietZone * module
	urlW := side + 2*quiet
	l.set(smallStyle)
	url := l.urlLines(clean(p.VerifyURL, false), urlW)
	urlH := float64(len(url)) * 1.25 * l.size(smallStyle)
	codeX := l.right - side
	codeY := base - urlH - quiet - side
	code.draw(l.doc, codeX, codeY, module)
	// The address goes below the quiet zone, which must stay blank.
	l.lines(codeY+side+quiet, smallStyle, url, codeX-quiet, urlW, true, 1.25)

	colW := codeX - quiet - 3*l.s - l.left
	y := codeY + 10*l.s
	l.doc.SetDrawColor(ink, ink, ink)
	l.doc.SetLineWidth(0.2 * l.s)
	l.doc.Line(l.left, y, l.left+colW, y)
	y = l.lines(y+1*l.s, signatureLine, []string{"Signature"}, l.left, colW, false, 1.3)
	y += 2.5 * l.s
	l.set(serialStyle)
	serial := l.wrap(GroupSerial(clean(p.Certificate.Serial, false)), colW, 2)
	y = l.lines(y, serialStyle, serial, l.left, colW, false, 1.3)
	l.set(smallStyle)
	var keys []string
	if name := clean(p.KeyName, false); name != "" {
		keys = append(keys, l.wrap("Signed with key "+name, colW, 2)...)
	}
	if fp := clean(p.Fingerprint, false); fp != "" {
		keys = append(keys, l.wrap("Fingerprint "+fp, colW, 1)...)
	}
	l.lines(y, smallStyle, keys, l.left, colW, false, 1.3)
	return codeY - quiet
}

// stubHeightA6 is the height of the transfer stub on A6, from its cut
// line to the foot of the page.
const stubHeightA6 = 17

var (
	stubLabelStyle = style{"", 5.5, muted}
	stubCodeStyle  = style{"B", 12, ink}
)

// stub draws the detachable transfer stub across the foot of the page:
// a dashed cut line with scissors, what the code is for, the code large
// and grouped, and where to transfer. It returns the cut line's y.
func (l *layout) stub(p CertificatePage) float64 {
	top := l.h - stubHeightA6*l.s
	l.doc.SetDrawColor(muted, muted, muted)
	l.doc.SetLineWidth(0.2 * l.s)
	l.doc.SetDashPattern([]float64{1.5 * l.s, 1 * l.s}, 0)
	l.doc.Line(l.left+5*l.s, top, l.w-4*l.s, top)
	l.doc.SetDashPattern(nil, 0)
	// The scissors are in a core font, which no file embeds.
	l.doc.SetFont("ZapfDingbats", "", 9*l.s)
	l.doc.SetTextColor(muted, muted, muted)
	l.doc.Text(l.left, top+1.1*l.s, "\x22") // ✂ in ZapfDingbats
	width := l.right - l.left
	l.set(stubLabelStyle)
	label := l.wrap("Cut here · Transfer code — hand this to the next owner to transfer the certificate", width, 2)
	y := l.lines(top+2*l.s, stubLabelStyle, label, l.left, width, false, 1.25)
	y = l.lines(y+0.5*l.s, stubCodeStyle, []string{clean(p.TransferCode, false)}, l.left, width, false, 1.15)
	l.set(stubLabelStyle)
	where := l.urlLines("Transfer at "+clean(p.VerifyURL, false), width)
	l.lines(y+0.5*l.s, stubLabelStyle, where[:min(len(where), 2)], l.left, width, false, 1.25)
	return top
}

// urlLines breaks a verification address that is wider than width after
// its last slash, so that the serial stands whole on a line of its own,
// and wraps anything still too wide; three lines at most.
func (l *layout) urlLines(url string, width float64) []string {
	i := strings.LastIndexByte(url, '/')
	if l.doc.GetStringWidth(url) <= width || i < 0 || i == len(url)-1 {
		return l.wrap(url, width, 3)
	}
	lines := append(l.doc.SplitText(url[:i+1], width), l.doc.SplitText(url[i+1:], width)...)
	return l.cut(lines, 3, width)
}

// qrSideA6 is the width of the QR symbol on A6, quiet zone not included:
// phone cameras read a symbol of 22 mm or more at arm's length.
const qrSideA6 = 24

// qrModule is the width of one module of code on this page, in mm.
func (l *layout) qrModule(code qrCode) float64 {
	return qrSideA6 * l.s / float64(code.size)
}

// set selects st, scaled to the page.
func (l *layout) set(st style) {
	l.doc.SetFont(Family, st.face, st.pt*l.s)
	l.doc.SetTextColor(st.grey, st.grey, st.grey)
}

// size is st's em in millimetres on this page.
func (l *layout) size(st style) float64 { return st.pt * l.s * ptMM }

// centred writes text centred on the page in at most maxLines lines and
// returns the y below it; empty text takes no room.
func (l *layout) centred(y float64, st style, text string, maxLines int) float64 {
	l.set(st)
	lines := l.wrap(clean(text, false), l.right-l.left, maxLines)
	return l.lines(y, st, lines, l.left, l.right-l.left, true, 1.3)
}

// lines writes lines from top y in the box [x, x+width], each line lead
// ems below the last, and returns the y below the last.
func (l *layout) lines(y float64, st style, lines []string, x, width float64, centre bool, lead float64) float64 {
	l.set(st)
	em := l.size(st)
	for _, line := range lines {
		lx := x
		if centre {
			lx = x + (width-l.doc.GetStringWidth(line))/2
		}
		l.doc.Text(lx, y+0.95*em, line)
		y += lead * em
	}
	return y
}

// wrap breaks text into lines no wider than width in the current font,
// keeping at most maxLines and marking a cut with an ellipsis.
func (l *layout) wrap(text string, width float64, maxLines int) []string {
	if text == "" {
		return nil
	}
	return l.cut(l.doc.SplitText(text, width), maxLines, width)
}

// cut keeps the first n lines; when some are dropped, the last kept one
// ends in an ellipsis and still fits width.
func (l *layout) cut(lines []string, n int, width float64) []string {
	if len(lines) <= n {
		return lines
	}
	if n <= 0 {
		return nil
	}
	lines = lines[:n]
	last := []rune(strings.TrimRight(lines[n-1], " "))
	for len(last) > 0 && l.doc.GetStringWidth(string(last)+"…") > width {
		last = last[:len(last)-1]
	}
	lines[n-1] = strings.TrimRight(string(last), " ") + "…"
	return lines
}

// rule draws a thin grey horizontal line.
func (l *layout) rule(x1, x2, y float64) {
	l.doc.SetDrawColor(180, 180, 180)
	l.doc.SetLineWidth(0.15 * l.s)
	l.doc.Line(x1, y, x2, y)
}

// dimensions returns the label and value of the measured size, as
// "H × W × D" and "120 × 80 × 45 mm (4.72 × 3.15 × 1.77 in)". A dimension
// that was not measured (zero) is left out of both; none gives "", "".
func dimensions(h, w, d float64) (label, value string) {
	var names, mm, in []string
	for _, dim := range []struct {
		name string
		v    float64
	}{{"H", h}, {"W", w}, {"D", d}} {
		if dim.v <= 0 {
			continue
		}
		names = append(names, dim.name)
		mm = append(mm, decimal(dim.v, 1))
		in = append(in, decimal(studio.MMToInches(dim.v), 2))
	}
	if len(names) == 0 {
		return "", ""
	}
	return strings.Join(names, " × "),
		strings.Join(mm, " × ") + " mm (" + strings.Join(in, " × ") + " in)"
}

// decimal writes v rounded to at most places decimals, without trailing
// zeros: miniatures are measured to a tenth of a millimetre, and a
// hundredth of an inch is the nearest an inch ruler reads.
func decimal(v float64, places int) string {
	p := math.Pow(10, float64(places))
	return strconv.FormatFloat(math.Round(v*p)/p, 'f', -1, 64)
}

// completedOn writes a YYYY-MM-DD date as "20 November 2026"; anything
// else is printed as given.
func completedOn(day string) string {
	t, err := time.Parse(time.DateOnly, day)
	if err != nil {
		return day
	}
	return t.Format("2 January 2006")
}

// clean makes text safe to set: runes the Go fonts lack become "?" (fpdf
// would print nothing, or fail on some runes outside the BMP), tabs become
// spaces, and other control characters go. Line breaks are kept only
// where asked for (the story's paragraphs); elsewhere they become spaces.
func clean(text string, keepLines bool) string {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	var b strings.Builder
	for _, r := range text {
		switch {
		case r == '\n' && keepLines:
			b.WriteRune(r)
		case r == '\n' || r == '\t' || r == '\r':
			b.WriteByte(' ')
		case r < ' ' || r == 0x7f:
		case !covered()(r):
			b.WriteByte('?')
		default:
			b.WriteRune(r)
		}
	}
	return strings.TrimSpace(b.String())
}

// covered returns whether the Go fonts have a glyph for a rune. The table
// is built once, from the regular face: the bold and italic faces cover
// the same characters.
var covered = sync.OnceValue(func() func(rune) bool {
	font, err := sfnt.Parse(goregular.TTF)
	if err != nil {
		panic("pdf: the Go regular font does not parse: " + err.Error())
	}
	var buf sfnt.Buffer
	var has [0x10000 / 64]uint64
	for r := rune(0); r < 0x10000; r++ {
		if g, err := font.GlyphIndex(&buf, r); err == nil && g != 0 {
			has[r/64] |= 1 << (r % 64)
		}
	}
	return func(r rune) bool {
		return r >= 0 && r < 0x10000 && has[r/64]&(1<<(r%64)) != 0
	}
})

// BundleName is the name a certificate's bundle is attached under.
func BundleName(serial string) string { return "atelier-certificate-" + serial + ".json" }

// attach embeds each page's bundle as a file attachment of the document.
func attach(doc *fpdf.Fpdf, pages []CertificatePage) {
	var as []fpdf.Attachment
	for _, p := range pages {
		if p.Bundle != nil {
			as = append(as, fpdf.Attachment{Content: p.Bundle, Filename: BundleName(p.Certificate.Serial),
				Description: "The signed certificate with its proof of inclusion in the studio's log"})
		}
	}
	if len(as) > 0 {
		doc.SetAttachments(as)
	}
}
