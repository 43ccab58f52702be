package pdf

import (
	"fmt"
	"io"
	"math"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"

	"atelier/internal/studio"
)

// LabelKind is what a label is for.
type LabelKind string

const (
	// BoxLabel goes on the piece's box: subject, edition, artist,
	// dimensions and the short story.
	BoxLabel LabelKind = "box"
	// PlaqueLabel goes on the piece's base: subject, artist and edition.
	PlaqueLabel LabelKind = "plaque"
)

// LabelText is what a label says. Edition is e.g. "7/20", or "" for a
// unique piece; Dimensions is already formatted (e.g. "42 × 30 × 28 mm").
type LabelText struct {
	Artist, Subject, Dimensions, Story, Edition string
}

// LabelOptions says where and how many labels to print.
type LabelOptions struct {
	// Kind is BoxLabel (the default when empty) or PlaqueLabel.
	Kind LabelKind
	// Start is the 1-based position on the first sheet of the first label,
	// counted along rows, so that a half-used sheet can be used up; 0 means
	// 1. A label printer has one position.
	Start int
	// Copies is how many labels to print, 1 when 0, at most MaxCopies.
	// Labels that do not fit on the first sheet continue on further pages
	// from position 1.
	Copies int
	// OffsetX and OffsetY shift everything printed, in mm (positive: right
	// and down), to correct a printer that shifts; at most MaxOffset.
	OffsetX, OffsetY float64
	// Now is the file's creation date; when zero a fixed date is written,
	// so that the same input always renders the same bytes.
	Now time.Time
}

// Limits of LabelOptions.
const (
	MaxCopies = 1000
	MaxOffset = 10.0 // mm
)

// Type sizes, in points. Text starts at the comfortable size and shrinks in
// half-point steps; below the minimum it is no longer legible to a reader
// at arm's length (box) or up close (a plaque on a miniature's base), and
// Labels refuses rather than print it.
const (
	boxStartPt    = 11.0
	boxMinPt      = 6.0
	plaqueStartPt = 10.0
	plaqueMinPt   = 5.0
	stepPt        = 0.5
)

// fixedDate is the creation date of a file rendered without LabelOptions.Now.
var fixedDate = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// Labels writes opt.Copies labels of the given kind onto stock, from
// position opt.Start, as a PDF at true size. Text is fitted to the label:
// it starts at a comfortable size and shrinks until every line fits; when
// it would not fit even at the minimum legible size, Labels returns an
// Invalid *studio.Error (HTTP 422) saying the stock is too small and what
// did not fit, with the field "stock". Bad options and an invalid stock are
// Invalid errors too, with their fields. Nothing is written on error.
func Labels(w io.Writer, stock Stock, opt LabelOptions, text LabelText) error {
	opt, err := opt.normalize(stock)
	if err != nil {
		return err
	}
	pageW, pageH := firstPageSize(stock)
	doc := newDoc(pageW, pageH, "BI")
	doc.SetCreationDate(opt.creationDate())
	doc.SetModificationDate(opt.creationDate())
	// fpdf lists fonts from a map; sorted, the same input gives the same bytes.
	doc.SetCatalogSort(true)
	lay, err := fitLabel(doc, stock, opt.Kind, text)
	if err != nil {
		return err
	}
	drawLabels(doc, stock, opt, lay)
	if err := doc.Output(w); err != nil {
		return fmt.Errorf("label pdf: %w", err)
	}
	return nil
}

func (opt LabelOptions) creationDate() time.Time {
	if opt.Now.IsZero() {
		return fixedDate
	}
	return opt.Now.UTC()
}

// normalize fills defaults and checks opt against stock.
func (opt LabelOptions) normalize(stock Stock) (LabelOptions, error) {
	if err := stock.Validate(); err != nil {
		return opt, err
	}
	if opt.Kind == "" {
		opt.Kind = BoxLabel
	}
	if opt.Start == 0 {
		opt.Start = 1
	}
	if opt.Copies == 0 {
		opt.Copies = 1
	}
	f := studio.Fields{}
	if opt.Kind != BoxLabel && opt.Kind != PlaqueLabel {
		f.Add("kind", `must be "box" or "plaque"`)
	}
	if opt.Start < 1 || opt.Start > stock.PerSheet() {
		f.Add("start", fmt.Sprintf("must be from 1 to %d on %s", stock.PerSheet(), stock.title()))
	}
	if opt.Copies < 1 || opt.Copies > MaxCopies {
		f.Add("copies", fmt.Sprintf("must be from 1 to %d", MaxCopies))
	}
	offset := func(field string, v float64) {
		if !(math.Abs(v) <= MaxOffset) { // also refuses NaN
			f.Add(field, fmt.Sprintf("must be from -%g to %g mm", MaxOffset, MaxOffset))
		}
	}
	offset("offset_x", opt.OffsetX)
	offset("offset_y", opt.OffsetY)
	return opt, f.Err()
}

// title names a stock in messages.
func (s Stock) title() string {
	if s.Name != "" {
		return s.Name
	}
	return fmt.Sprintf("the custom stock (%g × %g mm)", s.LabelW, s.LabelH)
}

// firstPageSize is the page size newDoc starts with; every page is added
// with its own size, so it only matters as a default.
func firstPageSize(s Stock) (w, h float64) {
	if s.Continuous {
		return s.PageW, ContinuousMinH
	}
	return s.PageW, s.PageH
}

// drawLabels places the laid-out label at each position, adding a page at
// the start and whenever a sheet is full.
func drawLabels(doc *fpdf.Fpdf, stock Stock, opt LabelOptions, lay labelLayout) {
	pageW, pageH := stock.PageW, stock.PageH
	if stock.Continuous {
		pageH = lay.labelH
	}
	pos := opt.Start - 1
	for i := range opt.Copies {
		if i == 0 || pos == stock.PerSheet() {
			// "P" keeps w × h as given; fpdf swaps them for "L".
			doc.AddPageFormat("P", fpdf.SizeType{Wd: pageW, Ht: pageH})
			if i > 0 {
				pos = 0
			}
		}
		x, y := stock.cell(pos)
		lay.draw(doc, x+opt.OffsetX, y+opt.OffsetY)
		pos++
	}
}

// line is one line of set text.
type line struct {
	text  string
	style string  // fpdf style: "", "B" or "I"
	size  float64 // points
	gap   float64 // space above, mm
}

// block is one item of the label's text, wrapped onto as many lines as its
// width needs. scale sets its size relative to the body size.
type block struct {
	what  string // names the item in an error: "the subject"
	text  string
	style string
	scale float64
	gap   float64 // space above, in body line heights, unless first
}

// labelLayout is the text of one label, fitted: lines top to bottom, with the
// label's inner box and padding.
type labelLayout struct {
	lines    []line
	pad      float64
	innerW   float64
	innerH   float64 // the height the lines take
	labelH   float64
	centered bool
}

// Go fonts' vertical metrics per em: the baseline sits ascent below a
// line's top, and a line is lineGap ems high, which leaves room for the
// descent (0.21) below the baseline.
const (
	ascent  = 0.93
	lineGap = 1.2
	ptToMM  = 25.4 / 72
)

func blocks(kind LabelKind, t LabelText) []block {
	subject := block{what: "the subject", text: t.Subject, style: "B", scale: 1.25}
	if kind == PlaqueLabel {
		by := t.Artist
		if t.Edition != "" {
			by = joinNonEmpty(" · ", t.Artist, t.Edition)
		}
		return []block{subject, {what: "the artist and edition", text: by, scale: 1}}
	}
	edition := ""
	if t.Edition != "" {
		edition = "Edition " + t.Edition
	}
	return []block{
		subject,
		{what: "the edition", text: edition, scale: 1},
		{what: "the artist", text: t.Artist, scale: 1},
		{what: "the dimensions", text: t.Dimensions, scale: 1},
		{what: "the story", text: t.Story, style: "I", scale: 1, gap: 0.4},
	}
}

func joinNonEmpty(sep string, parts ...string) string {
	var kept []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			kept = append(kept, p)
		}
	}
	return strings.Join(kept, sep)
}

// padding is the blank border inside a label: 2 mm, or 1 mm on a label
// under 15 mm on a side (plaques like L7658's 25.4 × 10 mm).
func padding(s Stock) float64 {
	if s.LabelW < 15 || (!s.Continuous && s.LabelH < 15) {
		return 1
	}
	return 2
}

// fitLabel finds the largest body size at which the text fits the stock's
// label, or explains what does not fit at the minimum size.
func fitLabel(doc *fpdf.Fpdf, stock Stock, kind LabelKind, t LabelText) (labelLayout, error) {
	start, minimum := boxStartPt, boxMinPt
	if kind == PlaqueLabel {
		start, minimum = plaqueStartPt, plaqueMinPt
	}
	pad := padding(stock)
	innerW := stock.LabelW - 2*pad
	maxH := stock.LabelH - 2*pad
	if stock.Continuous {
		maxH = ContinuousMaxH - 2*pad
	}
	bs := blocks(kind, t)
	var miss string
	for size := start; size >= minimum-1e-9; size -= stepPt {
		lay, what := setText(doc, bs, size, innerW, maxH)
		if what == "" {
			lay.pad, lay.innerW, lay.centered = pad, innerW, kind == PlaqueLabel
			lay.labelH = stock.LabelH
			if stock.Continuous {
				lay.labelH = max(ContinuousMinH, lay.innerH+2*pad)
			}
			return lay, nil
		}
		miss = what
	}
	return labelLayout{}, tooSmall(stock, miss, minimum)
}

func tooSmall(stock Stock, what string, minimum float64) error {
	msg := fmt.Sprintf("The label stock %s is too small for the text: %s does not fit even at %g pt, the smallest legible size. Choose a larger stock or shorten the text.",
		stock.title(), what, minimum)
	return &studio.Error{Code: studio.Invalid, Message: msg,
		Fields: map[string]string{"stock": "is too small for the text: " + what + " does not fit"}}
}

// setText sets the blocks at body size pt within width w and height h. It
// returns what does not fit ("" when all does): a word wider than the
// label, or the first block that runs past its bottom.
func setText(doc *fpdf.Fpdf, bs []block, pt, w, h float64) (labelLayout, string) {
	var lay labelLayout
	for _, b := range bs {
		text := strings.TrimSpace(b.text)
		if text == "" {
			continue
		}
		size := pt * b.scale
		doc.SetFont(Family, b.style, size)
		wrapped, ok := wrap(doc, text, w)
		if !ok {
			return labelLayout{}, b.what + " (a word wider than the label)"
		}
		for i, s := range wrapped {
			gap := 0.0
			if i == 0 && len(lay.lines) > 0 {
				gap = b.gap * pt * ptToMM * lineGap
			}
			lay.innerH += gap + size*ptToMM*lineGap
			lay.lines = append(lay.lines, line{text: s, style: b.style, size: size, gap: gap})
		}
		if lay.innerH > h+1e-9 {
			return labelLayout{}, b.what
		}
	}
	return lay, ""
}

// wrap breaks text into lines no wider than w in the current font,
// keeping the writer's paragraphs. It fails when one word alone is wider.
func wrap(doc *fpdf.Fpdf, text string, w float64) ([]string, bool) {
	var out []string
	for para := range strings.SplitSeq(text, "\n") {
		cur := ""
		for _, word := range strings.Fields(para) {
			if doc.GetStringWidth(word) > w {
				return nil, false
			}
			next := word
			if cur != "" {
				next = cur + " " + word
			}
			if doc.GetStringWidth(next) <= w {
				cur = next
				continue
			}
			out = append(out, cur)
			cur = word
		}
		if cur != "" {
			out = append(out, cur)
		}
	}
	return out, true
}

// draw sets the label whose top-left corner is at x, y, its text block
// centred vertically in the label.
func (lay labelLayout) draw(doc *fpdf.Fpdf, x, y float64) {
	top := y + lay.pad + (lay.labelH-2*lay.pad-lay.innerH)/2
	for _, l := range lay.lines {
		doc.SetFont(Family, l.style, l.size)
		top += l.gap
		left := x + lay.pad
		if lay.centered {
			left += (lay.innerW - doc.GetStringWidth(l.text)) / 2
		}
		doc.Text(left, top+ascent*l.size*ptToMM, l.text)
		top += l.size * ptToMM * lineGap
	}
}
