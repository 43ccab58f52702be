package pdf

import (
	"fmt"
	"io"
	"math"

	"codeberg.org/go-pdf/fpdf"

	"atelier/internal/imaging"
	"atelier/internal/studio"
)

// SilhouetteSheet is a sheet the artist lays the clay figure on: its
// outlines at true size, a ruler, guide lines and a square to check the
// print's scale.
type SilhouetteSheet struct {
	Subject string
	// Date is printed as given, already written for people.
	Date string
	// HeightMM is the figure's height on paper: each view is scaled so
	// that its outline's height (Bottom − Top) is exactly this.
	HeightMM float64
	// Paper is "a4" (the default when empty) or "letter".
	Paper string
	Front SilhouetteView
	// Profile, when there is one, is drawn beside the front at the same
	// height.
	Profile *SilhouetteView
}

// SilhouetteView is one traced view of the figure.
type SilhouetteView struct {
	Outline imaging.Outline
	// Guides are where the artist placed the guide lines on the photo;
	// nil (or all zero) means ClassicGuides.
	Guides *Guides
}

// Guides are the heights of the guide lines as fractions of the figure's
// height from its top, 0 to 1, in this order down the face.
type Guides struct {
	Eyes, NoseBase, Mouth, Chin float64
}

// ClassicGuides are the classic proportions for a portrait miniature,
// which is a head and shoulders: we take the head (crown to chin) as the
// top 60 % of the figure, the neck and shoulders as the rest, and place on
// the head the eyes at half its height, the base of the nose at three
// quarters (halfway from the eyes to the chin) and the mouth a third of the
// way from the nose to the chin.
var ClassicGuides = Guides{Eyes: 0.30, NoseBase: 0.45, Mouth: 0.50, Chin: 0.60}

// Layout of the sheet, in millimetres and points.
const (
	silMargin   = 12.0
	silFigTop   = 38.0 // below the title and the views' captions
	silSquare   = 50.0 // side of the calibration square
	silAboveSq  = 10.0 // space between the figure and the square
	silRulerW   = 7.0  // ruler numbers, right of which the ruler line
	silTicksW   = 8.0  // from the ruler line to the first view
	silGap      = 10.0 // between the views
	silLabelsW  = 25.0 // guide labels, right of the last view
	silLine     = 0.35 // outline stroke
	silGuideCol = 150  // grey of the guide lines, lighter than any outline
)

// Silhouette writes the sheet as a one-page PDF. The outlines are vector
// paths (Béziers), never rasters, scaled so that the figure is exactly
// s.HeightMM tall when printed at 100 %. A bad field, an empty outline or
// a figure too tall to fit the paper is an Invalid *studio.Error naming
// the field ("height_mm" with the largest height that fits); nothing is
// written on error.
func Silhouette(w io.Writer, s SilhouetteSheet) error {
	lay, err := silhouetteLayout(s)
	if err != nil {
		return err
	}
	doc := newDoc(lay.pageW, lay.pageH, "B")
	doc.SetCreationDate(fixedDate)
	doc.SetModificationDate(fixedDate)
	doc.SetCatalogSort(true)
	doc.SetTitle(silTitle(s), true)
	doc.AddPage()
	drawHeader(doc, s, lay)
	drawRuler(doc, lay)
	for _, v := range lay.views {
		drawGuides(doc, v, lay)
		drawOutline(doc, v)
	}
	drawGuideLabels(doc, lay)
	drawSquare(doc, lay)
	if err := doc.Output(w); err != nil {
		return fmt.Errorf("silhouette pdf: %w", err)
	}
	return nil
}

func silTitle(s SilhouetteSheet) string {
	if s.Subject == "" {
		return "Silhouette"
	}
	return s.Subject
}

// silLayout is where everything goes on the page.
type silLayout struct {
	pageW, pageH float64
	paper        string // for people: "A4" or "Letter"
	heightMM     float64
	rulerX       float64 // the ruler's line; ticks go right of it
	views        []silView
	square       silRect
}

// silView is a view placed on the page: the outline's point p prints at
// (x + (p.X − Left)·scale, top + (p.Y − Top)·scale).
type silView struct {
	caption    string
	outline    imaging.Outline
	guides     Guides
	x, top, w  float64
	scale      float64 // mm per mask pixel
	first, end bool    // the leftmost and rightmost views
}

type silRect struct{ x, y, w, h float64 }

func (v silView) pt(p imaging.Point) (float64, float64) {
	return v.x + (p.X-v.outline.Left)*v.scale, v.top + (p.Y-v.outline.Top)*v.scale
}

// silhouetteLayout checks s and places the views, or says why not.
func silhouetteLayout(s SilhouetteSheet) (silLayout, error) {
	f := studio.Fields{}
	lay := silLayout{heightMM: s.HeightMM}
	switch s.Paper {
	case "", "a4":
		lay.pageW, lay.pageH, lay.paper = a4W, a4H, "A4"
	case "letter":
		lay.pageW, lay.pageH, lay.paper = letterW, letterH, "Letter"
	default:
		f.Add("paper", `must be "a4" or "letter"`)
	}
	if !(s.HeightMM > 0) || math.IsInf(s.HeightMM, 0) {
		f.Add("height_mm", "must be a height in millimetres above 0")
	}
	views := []namedView{{"Front", "guides", &s.Front}}
	if s.Profile != nil {
		views = append(views, namedView{"Profile", "profile_guides", s.Profile})
	}
	widthPerMM := 0.0 // the views' total width per millimetre of height
	for _, vw := range views {
		o := vw.v.Outline
		if len(o.Curves) == 0 || !(o.Bottom > o.Top) || !(o.Right >= o.Left) {
			f.Add("mask", "is empty: cut the figure out first")
			continue
		}
		g, why := vw.v.guides()
		if why != "" {
			f.Add(vw.field, why)
		}
		widthPerMM += (o.Right - o.Left) / (o.Bottom - o.Top)
		lay.views = append(lay.views, silView{caption: vw.caption, outline: o, guides: g})
	}
	if err := f.Err(); err != nil {
		return silLayout{}, err
	}
	return lay, lay.place(widthPerMM)
}

// namedView is a view with its caption and the field its guides come
// from, for messages.
type namedView struct {
	caption, field string
	v              *SilhouetteView
}

// guides returns the view's guides, the classic ones by default, or why
// they are wrong.
func (v SilhouetteView) guides() (Guides, string) {
	if v.Guides == nil || *v.Guides == (Guides{}) {
		return ClassicGuides, ""
	}
	g := *v.Guides
	prev := 0.0
	for _, x := range []float64{g.Eyes, g.NoseBase, g.Mouth, g.Chin} {
		if !(x >= prev && x <= 1) {
			return g, "must be fractions of the height from 0 to 1, eyes above the nose, the nose above the mouth, the mouth above the chin"
		}
		prev = x
	}
	return g, ""
}

// place sets the views side by side under the title, the ruler left of
// them and the calibration square below, centred across the page; a
// figure too tall or, with its profile, too wide is refused with the
// largest height that fits.
func (lay *silLayout) place(widthPerMM float64) error {
	zoneH := lay.pageH - silMargin - silSquare - silAboveSq - silFigTop
	fixedW := silRulerW + silTicksW + silGap*float64(len(lay.views)-1) + silLabelsW
	availW := lay.pageW - 2*silMargin
	maxH := math.Min(zoneH, (availW-fixedW)/widthPerMM)
	if lay.heightMM > maxH {
		views := "the figure"
		if len(lay.views) > 1 {
			views = "the front and the profile side by side"
		}
		return studio.FieldError("height_mm", fmt.Sprintf("is too tall for %s: %s fit at most %s mm high",
			lay.paper, views, trimFloat(math.Floor(maxH*10)/10)))
	}
	blockW := fixedW + lay.heightMM*widthPerMM
	x := silMargin + (availW-blockW)/2 + silRulerW
	lay.rulerX = x
	x += silTicksW
	for i := range lay.views {
		v := &lay.views[i]
		o := v.outline
		v.scale = lay.heightMM / (o.Bottom - o.Top)
		v.x, v.top, v.w = x, silFigTop, (o.Right-o.Left)*v.scale
		v.first, v.end = i == 0, i == len(lay.views)-1
		x += v.w + silGap
	}
	lay.square = silRect{silMargin, lay.pageH - silMargin - silSquare, silSquare, silSquare}
	return nil
}

func trimFloat(v float64) string { return fmt.Sprintf("%g", v) }

// drawHeader sets the subject, the date and the height, shrinking a long
// subject to the width of the page, and the views' captions.
func drawHeader(doc *fpdf.Fpdf, s SilhouetteSheet, lay silLayout) {
	availW := lay.pageW - 2*silMargin
	title := silTitle(s)
	size := 16.0
	doc.SetFont(Family, "B", size)
	for size > 8 && doc.GetStringWidth(title) > availW {
		size -= 0.5
		doc.SetFont(Family, "B", size)
	}
	for doc.GetStringWidth(title) > availW && len([]rune(title)) > 1 {
		r := []rune(title)
		title = string(r[:len(r)-2]) + "…"
	}
	doc.SetTextColor(0, 0, 0)
	doc.Text(silMargin, silMargin+6, title)
	doc.SetFont(Family, "", 10)
	line := "Silhouette, " + trimFloat(math.Round(lay.heightMM*10)/10) + " mm tall"
	if s.Date != "" {
		line = s.Date + " · " + line
	}
	doc.Text(silMargin, silMargin+12.5, line)
	doc.SetFont(Family, "", 8)
	for _, v := range lay.views {
		doc.Text(v.x, silFigTop-4, v.caption)
	}
}

// drawRuler draws a millimetre ruler beside the figure, 0 at its top:
// a tick every millimetre, longer every 5 and 10, numbered every 10.
func drawRuler(doc *fpdf.Fpdf, lay silLayout) {
	x, top, h := lay.rulerX, silFigTop, lay.heightMM
	doc.SetDrawColor(0, 0, 0)
	doc.SetLineWidth(0.15)
	doc.Line(x, top, x, top+h)
	doc.SetFont(Family, "", 6.5)
	for mm := 0; float64(mm) <= h+1e-9; mm++ {
		y := top + float64(mm)
		l := 1.5
		switch {
		case mm%10 == 0:
			l = 4
			label := fmt.Sprint(mm)
			doc.Text(x-1-doc.GetStringWidth(label), y+0.8, label)
		case mm%5 == 0:
			l = 2.8
		}
		doc.Line(x, y, x+l, y)
	}
	doc.Text(x-1-doc.GetStringWidth("mm"), top-4, "mm")
}

// drawOutline draws the view's curves as one filled and stroked path.
func drawOutline(doc *fpdf.Fpdf, v silView) {
	doc.SetDrawColor(0, 0, 0)
	doc.SetFillColor(236, 236, 236)
	doc.SetLineWidth(silLine)
	doc.SetLineJoinStyle("round")
	doc.SetDashPattern(nil, 0)
	for _, c := range v.outline.Curves {
		doc.MoveTo(v.pt(c.Start))
		for _, b := range c.Segments {
			x1, y1 := v.pt(b.C1)
			x2, y2 := v.pt(b.C2)
			x3, y3 := v.pt(b.To)
			doc.CurveBezierCubicTo(x1, y1, x2, y2, x3, y3)
		}
		doc.ClosePath()
	}
	doc.DrawPath("DF")
}

// drawGuides draws the view's guide lines, dashed and light so that the
// outline reads through them; the front's reach the ruler and the last
// view's the labels.
func drawGuides(doc *fpdf.Fpdf, v silView, lay silLayout) {
	doc.SetDrawColor(silGuideCol, silGuideCol, silGuideCol)
	doc.SetLineWidth(0.2)
	doc.SetDashPattern([]float64{1.5, 1}, 0)
	x0, x1 := v.x-3, v.x+v.w+3
	if v.first {
		x0 = lay.rulerX + 4.5
	}
	if v.end {
		x1 = v.x + v.w + 4
	}
	for _, g := range v.guides.list() {
		y := v.top + g.at*lay.heightMM
		doc.Line(x0, y, x1, y)
	}
	doc.SetDashPattern(nil, 0)
}

type guide struct {
	name string
	at   float64
}

func (g Guides) list() []guide {
	return []guide{{"Eyes", g.Eyes}, {"Base of nose", g.NoseBase}, {"Mouth", g.Mouth}, {"Chin", g.Chin}}
}

// drawGuideLabels names the last view's guide lines right of it, nudged
// apart where lines are closer than the text is tall.
func drawGuideLabels(doc *fpdf.Fpdf, lay silLayout) {
	v := lay.views[len(lay.views)-1]
	doc.SetFont(Family, "", 7.5)
	doc.SetTextColor(60, 60, 60)
	prev := math.Inf(-1)
	for _, g := range v.guides.list() {
		y := math.Max(v.top+g.at*lay.heightMM+0.9, prev+2.8)
		doc.Text(v.x+v.w+5, y, g.name)
		prev = y
	}
	doc.SetTextColor(0, 0, 0)
}

// drawSquare draws the 50 mm calibration square and the printing note.
func drawSquare(doc *fpdf.Fpdf, lay silLayout) {
	sq := lay.square
	doc.SetDrawColor(0, 0, 0)
	doc.SetLineWidth(0.3)
	doc.Rect(sq.x, sq.y, sq.w, sq.h, "D")
	x := sq.x + sq.w + 6
	w := lay.pageW - silMargin - x
	doc.SetXY(x, sq.y)
	doc.SetFont(Family, "B", 10)
	doc.MultiCell(w, 5, "50 mm: measure this to check the print is at 100 %", "", "L", false)
	doc.SetX(x)
	doc.SetFont(Family, "", 10)
	doc.MultiCell(w, 5, "Print at 100 % (actual size), not 'fit to page'.", "", "L", false)
	doc.SetX(x)
	doc.SetFont(Family, "", 8.5)
	doc.MultiCell(w, 4, "Each side of the square is 50 mm, and the figure is "+
		trimFloat(math.Round(lay.heightMM*10)/10)+" mm tall from the top of its outline to the bottom, as the ruler shows.", "", "L", false)
}
