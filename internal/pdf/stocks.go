package pdf

import (
	"fmt"
	"math"

	"atelier/internal/studio"
)

// Stock is a label stock: a sheet of labels in a grid, or the labels of a
// label printer, where each page is one label. All lengths are millimetres,
// measured on the page as it is printed (x to the right, y down).
type Stock struct {
	// Key names the stock in settings and in the ?stock= parameter.
	Key string
	// Name is what a person picks from, with the published size.
	Name string
	// PageW and PageH are the page. For a label printer the page is one
	// label. For a continuous roll PageH is 0: each label is as long as its
	// text needs, at least ContinuousMinH and at most ContinuousMaxH.
	PageW, PageH float64
	// LabelW and LabelH are one label; LabelH is 0 on a continuous roll.
	LabelW, LabelH float64
	// Columns and Rows lay the labels out on a sheet; 1 × 1 on a printer.
	Columns, Rows int
	// MarginTop and MarginLeft run from the page's corner to the first
	// label's corner.
	MarginTop, MarginLeft float64
	// PitchX and PitchY run from one label's start to the next one's.
	PitchX, PitchY float64
	// Continuous marks a roll cut to length by the printer.
	Continuous bool
	// Plaque marks a stock meant for base plaques; a form offers the plaque
	// kind first on it. Any kind can be printed on any stock.
	Plaque bool
}

// Continuous rolls: a label is at least as long as the printer's standard
// 62 × 29 mm label, so that a short text still makes a label one can peel
// and place, and at most ContinuousMaxH, beyond which text is shrunk.
const (
	ContinuousMinH = 29.0
	ContinuousMaxH = 200.0
)

// MaxStockMM bounds every length of a custom stock: nothing a printer
// takes is a metre long, and a bound keeps the arithmetic sane.
const MaxStockMM = 1000.0

// Paper sizes, in millimetres.
const (
	a4W, a4H         = 210.0, 297.0
	letterW, letterH = 215.9, 279.4
)

// sheet describes a sheet stock from its published geometry.
func sheet(key, name string, pageW, pageH, w, h float64, cols, rows int, top, left, pitchX, pitchY float64, plaque bool) Stock {
	return Stock{Key: key, Name: name, PageW: pageW, PageH: pageH, LabelW: w, LabelH: h,
		Columns: cols, Rows: rows, MarginTop: top, MarginLeft: left, PitchX: pitchX, PitchY: pitchY, Plaque: plaque}
}

// printer describes a die-cut label of a label printer, w × h as printed:
// the page is the label, with text running along its width.
func printer(key, name string, w, h float64) Stock {
	return Stock{Key: key, Name: name, PageW: w, PageH: h, LabelW: w, LabelH: h,
		Columns: 1, Rows: 1, PitchX: w, PitchY: h}
}

// Stocks returns the preset stocks: A4 sheets, then US Letter sheets, then
// label printers, each group from the largest label to the smallest.
//
// Sheet geometry is Avery's published template data (label size, top and
// side margins, pitch); the Letter sheets are specified in inches and
// converted exactly (5160: 2⅝ × 1 in, margins ½ and 3⁄16 in, pitch 2¾ in;
// 5163: 4 × 2 in, margins ½ and 5⁄32 in, pitch 4⅛ in).
//
// Label printers print each label as one page. The page is laid out so that
// text runs along the label's long side: the drivers (Brother P-touch, Dymo
// LabelWriter) rotate a landscape page onto the label. DK-11204 (17 × 54)
// is therefore 54 × 17, Dymo 99012 (36 × 89) 89 × 36 and 11354 (32 × 57)
// 57 × 32. DK-22205 is a 62 mm roll: text runs across its 62 mm width and
// the printer cuts the label to the page's length.
func Stocks() []Stock {
	return []Stock{
		sheet("avery-l7165", "Avery L7165 (99.1 × 67.7 mm, 8 a sheet)", a4W, a4H, 99.1, 67.7, 2, 4, 13.1, 4.65, 101.6, 67.7, false),
		sheet("avery-l7163", "Avery L7163 (99.1 × 38.1 mm, 14 a sheet)", a4W, a4H, 99.1, 38.1, 2, 7, 15.15, 4.65, 101.6, 38.1, false),
		sheet("avery-l7160", "Avery L7160 (63.5 × 38.1 mm, 21 a sheet)", a4W, a4H, 63.5, 38.1, 3, 7, 15.15, 7.2, 66.0, 38.1, false),
		sheet("avery-l7651", "Avery L7651 (38.1 × 21.2 mm, 65 a sheet)", a4W, a4H, 38.1, 21.2, 5, 13, 10.7, 4.75, 40.6, 21.2, true),
		sheet("avery-l7658", "Avery L7658 (25.4 × 10 mm, 189 a sheet)", a4W, a4H, 25.4, 10, 7, 27, 13.5, 8.5, 27.9, 10, true),
		sheet("avery-5163", "Avery 5163 (101.6 × 50.8 mm, 10 a sheet)", letterW, letterH, 101.6, 50.8, 2, 5, 12.7, 3.96875, 104.775, 50.8, false),
		sheet("avery-5160", "Avery 5160 (66.7 × 25.4 mm, 30 a sheet)", letterW, letterH, 66.675, 25.4, 3, 10, 12.7, 4.7625, 69.85, 25.4, false),
		printer("dymo-99012", "Dymo 99012 (36 × 89 mm)", 89, 36),
		printer("brother-dk-11209", "Brother DK-11209 (62 × 29 mm)", 62, 29),
		printer("dymo-11354", "Dymo 11354 (32 × 57 mm)", 57, 32),
		printer("brother-dk-11204", "Brother DK-11204 (17 × 54 mm)", 54, 17),
		{Key: "brother-dk-22205", Name: "Brother DK-22205 (62 mm continuous)", PageW: 62, LabelW: 62,
			Columns: 1, Rows: 1, PitchX: 62, Continuous: true},
	}
}

// CustomKey is the key of a stock the studio measures itself.
const CustomKey = "custom"

// StockByKey returns the preset named key.
func StockByKey(key string) (Stock, bool) {
	for _, s := range Stocks() {
		if s.Key == key {
			return s, true
		}
	}
	return Stock{}, false
}

// PerSheet is how many labels one page holds.
func (s Stock) PerSheet() int { return s.Columns * s.Rows }

// cell returns the top-left corner of the label at 0-based position i on
// its page, counting along rows.
func (s Stock) cell(i int) (x, y float64) {
	col, row := i%s.Columns, i/s.Columns
	return s.MarginLeft + float64(col)*s.PitchX, s.MarginTop + float64(row)*s.PitchY
}

// Validate checks a stock, presets and custom ones alike: positive,
// bounded sizes, a pitch no smaller than the label, and every label
// inside the page. It returns an Invalid error naming each field at fault.
func (s Stock) Validate() error {
	f := studio.Fields{}
	length := func(field string, v float64, zeroOK bool) {
		switch {
		case math.IsNaN(v) || math.IsInf(v, 0):
			f.Add(field, "must be a number")
		case v < 0 || (v == 0 && !zeroOK):
			f.Add(field, "must be more than 0 mm")
		case v > MaxStockMM:
			f.Add(field, fmt.Sprintf("must be at most %g mm", MaxStockMM))
		}
	}
	length("page_width", s.PageW, false)
	length("page_height", s.PageH, s.Continuous)
	length("label_width", s.LabelW, false)
	length("label_height", s.LabelH, s.Continuous)
	length("margin_top", s.MarginTop, true)
	length("margin_left", s.MarginLeft, true)
	s.validateGrid(f)
	if len(f) == 0 {
		s.validateFit(f)
	}
	return f.Err()
}

// maxGrid bounds columns and rows: the densest real sheet has 27 rows.
const maxGrid = 100

func (s Stock) validateGrid(f studio.Fields) {
	if s.Columns < 1 || s.Columns > maxGrid {
		f.Add("columns", fmt.Sprintf("must be from 1 to %d", maxGrid))
	}
	if s.Rows < 1 || s.Rows > maxGrid {
		f.Add("rows", fmt.Sprintf("must be from 1 to %d", maxGrid))
	}
	if s.Continuous && s.Rows != 1 {
		f.Add("rows", "must be 1 on a continuous roll")
	}
	if s.Columns > 1 && (s.PitchX < s.LabelW || s.PitchX > MaxStockMM) {
		f.Add("pitch_x", "must be at least the label width")
	}
	if s.Rows > 1 && (s.PitchY < s.LabelH || s.PitchY > MaxStockMM) {
		f.Add("pitch_y", "must be at least the label height")
	}
}

// validateFit checks that the last label ends inside the page, allowing
// for rounding in published sizes.
func (s Stock) validateFit(f studio.Fields) {
	const slack = 0.05
	right := s.MarginLeft + float64(s.Columns-1)*s.PitchX + s.LabelW
	if right > s.PageW+slack {
		f.Add("label_width", fmt.Sprintf("labels reach %.1f mm across a page %.1f mm wide", right, s.PageW))
	}
	if s.Continuous {
		return
	}
	bottom := s.MarginTop + float64(s.Rows-1)*s.PitchY + s.LabelH
	if bottom > s.PageH+slack {
		f.Add("label_height", fmt.Sprintf("labels reach %.1f mm down a page %.1f mm high", bottom, s.PageH))
	}
}
