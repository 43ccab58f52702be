package pdf

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"image"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"atelier/internal/imaging"
	"atelier/internal/studio"
)

// traced paints a mask where in says a pixel's centre is inside and traces
// it.
func traced(t *testing.T, w, h int, in func(x, y float64) bool) imaging.Outline {
	t.Helper()
	m := image.NewGray(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			if in(float64(x)+0.5, float64(y)+0.5) {
				m.Pix[y*m.Stride+x] = 255
			}
		}
	}
	o, err := imaging.TraceOutline(m)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func sq(v float64) float64 { return v * v }

// frontBust is a head and shoulders seen from the front, cut off by the
// bottom of the photo.
func frontBust(t *testing.T) imaging.Outline {
	return traced(t, 300, 300, func(x, y float64) bool {
		head := sq((x-150)/45)+sq((y-95)/58) <= 1
		neck := x > 128 && x < 172 && y > 130 && y < 190
		shoulders := sq((x-150)/115)+sq((y-270)/95) <= 1
		return head || neck || shoulders
	})
}

// profileBust is the same figure from the side, photographed larger: a
// narrower head with a nose, a neck leaning forward and a chest.
func profileBust(t *testing.T) imaging.Outline {
	return traced(t, 380, 420, func(x, y float64) bool {
		head := sq((x-190)/62)+sq((y-130)/80) <= 1
		nose := x > 240 && x < 262 && y > 120 && y < 150 && x-240 < (y-120)*0.8
		neck := x > 160 && x < 215 && y > 180 && y < 300
		chest := sq((x-180)/95)+sq((y-400)/130) <= 1
		return head || nose || neck || chest
	})
}

func silSheet(t *testing.T, paper string, height float64, profile bool) SilhouetteSheet {
	s := SilhouetteSheet{
		Subject: "Grandma Ruth", Date: "1 December 2026", HeightMM: height, Paper: paper,
		Front: SilhouetteView{Outline: frontBust(t)},
	}
	if profile {
		s.Profile = &SilhouetteView{Outline: profileBust(t)}
	}
	return s
}

func renderSilhouette(t *testing.T, s SilhouetteSheet) string {
	t.Helper()
	var buf bytes.Buffer
	if err := Silhouette(&buf, s); err != nil {
		t.Fatalf("Silhouette: %v", err)
	}
	path := filepath.Join(t.TempDir(), "silhouette.pdf")
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// raster is a page rendered in grey, 0 black to 255 white.
type raster struct {
	w, h  int
	pix   []byte
	pxPer float64 // pixels per millimetre
}

const dpi = 600

// rasterize renders the first page of the PDF at 600 dpi in grey.
func rasterize(t *testing.T, path string) raster {
	t.Helper()
	prefix := filepath.Join(t.TempDir(), "page")
	run(t, "pdftoppm", "-r", strconv.Itoa(dpi), "-gray", "-f", "1", "-l", "1", "-singlefile", path, prefix)
	f, err := os.Open(prefix + ".pgm")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := bufio.NewReader(f)
	var magic string
	var w, h, maxV int
	if _, err := fmt.Fscan(r, &magic, &w, &h, &maxV); err != nil || magic != "P5" || maxV != 255 {
		t.Fatalf("not an 8-bit PGM: %q %d %v", magic, maxV, err)
	}
	if _, err := r.ReadByte(); err != nil { // the single space after the header
		t.Fatal(err)
	}
	pix := make([]byte, w*h)
	if _, err := io.ReadFull(r, pix); err != nil {
		t.Fatal(err)
	}
	return raster{w: w, h: h, pix: pix, pxPer: dpi / 25.4}
}

// extent returns the first and last rows and columns, in the box given in
// millimetres, of pixels darker than mid-grey: the outer edges of what is
// drawn in black there, strokes included.
func (r raster) extent(x0, y0, x1, y1 float64) (top, bottom, left, right int, ok bool) {
	top, left = math.MaxInt, math.MaxInt
	for y := max(0, int(y0*r.pxPer)); y < min(r.h, int(y1*r.pxPer)); y++ {
		for x := max(0, int(x0*r.pxPer)); x < min(r.w, int(x1*r.pxPer)); x++ {
			if r.pix[y*r.w+x] < 128 {
				top, bottom = min(top, y), max(bottom, y)
				left, right = min(left, x), max(right, x)
				ok = true
			}
		}
	}
	return top, bottom, left, right, ok
}

// mm is the length in millimetres of a run of pixels from a to b
// inclusive, less the width of the stroke drawn along both its ends: the
// distance between the strokes' centres, which is the drawn path's size.
func (r raster) mm(a, b int, stroke float64) float64 {
	return float64(b-a+1)/r.pxPer - stroke
}

func TestSilhouetteFigureAndSquarePrintAtTrueSize(t *testing.T) {
	for _, tc := range []struct {
		paper          string
		profile        bool
		pageW, pageH   float64
		wantPageWidth  float64
		wantPageHeight float64
	}{
		{"a4", true, a4W, a4H, 210, 297},
		{"letter", true, letterW, letterH, 215.9, 279.4},
		{"a4", false, a4W, a4H, 210, 297},
	} {
		name := fmt.Sprintf("%s/profile=%v", tc.paper, tc.profile)
		t.Run(name, func(t *testing.T) {
			s := silSheet(t, tc.paper, 60, tc.profile)
			lay, err := silhouetteLayout(s)
			if err != nil {
				t.Fatal(err)
			}
			r := rasterize(t, renderSilhouette(t, s))
			if w, h := float64(r.w)/r.pxPer, float64(r.h)/r.pxPer; math.Abs(w-tc.wantPageWidth) > 0.2 || math.Abs(h-tc.wantPageHeight) > 0.2 {
				t.Fatalf("page %.1f × %.1f mm, want %g × %g", w, h, tc.wantPageWidth, tc.wantPageHeight)
			}
			wantViews := 1
			if tc.profile {
				wantViews = 2
			}
			if len(lay.views) != wantViews {
				t.Fatalf("%d views, want %d", len(lay.views), wantViews)
			}
			for _, v := range lay.views {
				// The view's box, with room for the stroke, clear of the
				// ruler, the captions and the guide labels.
				top, bottom, left, right, ok := r.extent(v.x-1.5, v.top-2.5, v.x+v.w+1.5, v.top+60+2.5)
				if !ok {
					t.Fatalf("%s: no outline found", v.caption)
				}
				h := r.mm(top, bottom, silLine)
				w := r.mm(left, right, silLine)
				t.Logf("%s on %s: figure %.3f mm tall (%.3f mm wide)", v.caption, tc.paper, h, w)
				if math.Abs(h-60) > 0.5 {
					t.Errorf("%s: figure %.3f mm tall, want 60 within 0.5", v.caption, h)
				}
				if math.Abs(w-v.w) > 0.5 {
					t.Errorf("%s: figure %.3f mm wide, want %.3f within 0.5", v.caption, w, v.w)
				}
				checkGuides(t, r, v, lay)
			}
			sq := lay.square
			top, bottom, left, right, ok := r.extent(sq.x-3, sq.y-3, sq.x+sq.w+3, sq.y+sq.h+3)
			if !ok {
				t.Fatal("no calibration square found")
			}
			sw, sh := r.mm(left, right, 0.3), r.mm(top, bottom, 0.3)
			t.Logf("square on %s: %.3f × %.3f mm", tc.paper, sw, sh)
			if math.Abs(sw-50) > 0.5 || math.Abs(sh-50) > 0.5 {
				t.Errorf("square %.3f × %.3f mm, want 50 × 50 within 0.5", sw, sh)
			}
		})
	}
}

// checkGuides looks for each guide line, light grey, beside the view at
// its classic height.
func checkGuides(t *testing.T, r raster, v silView, lay silLayout) {
	t.Helper()
	x0, x1 := v.x+v.w+0.5, v.x+v.w+2.5 // right of the outline, left of the labels
	for _, g := range ClassicGuides.list() {
		want := v.top + g.at*lay.heightMM
		found := false
		for y := int((want - 0.3) * r.pxPer); y <= int((want+0.3)*r.pxPer); y++ {
			for x := int(x0 * r.pxPer); x < int(x1*r.pxPer); x++ {
				if p := r.pix[y*r.w+x]; p >= 130 && p <= 200 {
					found = true
				}
			}
		}
		if !found {
			t.Errorf("%s: no %s guide line at %.1f mm", v.caption, g.name, want)
		}
	}
}

func TestSilhouetteIsVectorsWithItsWords(t *testing.T) {
	path := renderSilhouette(t, silSheet(t, "a4", 60, true))
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(data, []byte("/Subtype /Image")) {
		t.Error("the PDF has an image XObject: the outline must be vector paths")
	}
	// pdfimages lists two header lines and then one line per image.
	if lines := strings.Split(strings.TrimSpace(run(t, "pdfimages", "-list", path)), "\n"); len(lines) != 2 {
		t.Errorf("pdfimages lists images:\n%s", strings.Join(lines, "\n"))
	}
	txt := text(t, path)
	for _, want := range []string{
		"Grandma Ruth", "1 December 2026", "Front", "Profile",
		"Eyes", "Base of nose", "Mouth", "Chin",
		"50 mm: measure this to check the print is at 100 %",
		"Print at 100 % (actual size), not 'fit to page'",
	} {
		if !strings.Contains(txt, want) {
			t.Errorf("the sheet does not say %q:\n%s", want, txt)
		}
	}
}

func TestSilhouetteRefusesAFigureTooTallNamingTheLargestThatFits(t *testing.T) {
	for _, paper := range []string{"a4", "letter"} {
		s := silSheet(t, paper, 400, true)
		err := Silhouette(&bytes.Buffer{}, s)
		var e *studio.Error
		if !errors.As(err, &e) || e.Code != studio.Invalid || !strings.Contains(e.Fields["height_mm"], "at most") {
			t.Fatalf("%s: err = %v, want an Invalid error on height_mm", paper, err)
		}
		// The height named fits, and a millimetre more does not.
		why := e.Fields["height_mm"]
		numStr := why[strings.Index(why, "at most ")+len("at most ") : strings.LastIndex(why, " mm")]
		most, perr := strconv.ParseFloat(numStr, 64)
		if perr != nil {
			t.Fatalf("%s: no height in %q", paper, why)
		}
		t.Logf("%s: %s", paper, why)
		s.HeightMM = most
		if err := Silhouette(&bytes.Buffer{}, s); err != nil {
			t.Errorf("%s: at the %g mm it names: %v", paper, most, err)
		}
		s.HeightMM = most + 1
		if err := Silhouette(&bytes.Buffer{}, s); err == nil {
			t.Errorf("%s: %g mm accepted, above the %g it names", paper, most+1, most)
		}
	}
}

func TestSilhouetteRefusesBadInput(t *testing.T) {
	for _, tc := range []struct {
		name, field string
		change      func(*SilhouetteSheet)
	}{
		{"zero height", "height_mm", func(s *SilhouetteSheet) { s.HeightMM = 0 }},
		{"negative height", "height_mm", func(s *SilhouetteSheet) { s.HeightMM = -5 }},
		{"NaN height", "height_mm", func(s *SilhouetteSheet) { s.HeightMM = math.NaN() }},
		{"unknown paper", "paper", func(s *SilhouetteSheet) { s.Paper = "legal" }},
		{"no outline", "mask", func(s *SilhouetteSheet) { s.Front.Outline = imaging.Outline{} }},
		{"guides out of order", "guides", func(s *SilhouetteSheet) {
			s.Front.Guides = &Guides{Eyes: 0.5, NoseBase: 0.4, Mouth: 0.6, Chin: 0.7}
		}},
		{"profile guides below the figure", "profile_guides", func(s *SilhouetteSheet) {
			s.Profile.Guides = &Guides{Eyes: 0.3, NoseBase: 0.4, Mouth: 0.6, Chin: 1.2}
		}},
	} {
		s := silSheet(t, "a4", 60, true)
		tc.change(&s)
		var buf bytes.Buffer
		err := Silhouette(&buf, s)
		var e *studio.Error
		if !errors.As(err, &e) || e.Code != studio.Invalid || e.Fields[tc.field] == "" {
			t.Errorf("%s: err = %v, want an Invalid error on %s", tc.name, err, tc.field)
		}
		if buf.Len() != 0 {
			t.Errorf("%s: %d bytes written on error", tc.name, buf.Len())
		}
	}
}

func TestSilhouettePlacesTheArtistsGuides(t *testing.T) {
	s := silSheet(t, "a4", 60, false)
	s.Front.Guides = &Guides{Eyes: 0.25, NoseBase: 0.4, Mouth: 0.47, Chin: 0.55}
	lay, err := silhouetteLayout(s)
	if err != nil {
		t.Fatal(err)
	}
	if g := lay.views[0].guides; g != *s.Front.Guides {
		t.Errorf("guides %+v, want the artist's %+v", g, *s.Front.Guides)
	}
	s.Front.Guides = &Guides{}
	if lay, _ := silhouetteLayout(s); lay.views[0].guides != ClassicGuides {
		t.Errorf("zero guides give %+v, want the classic %+v", lay.views[0].guides, ClassicGuides)
	}
}
