package pdf

import (
	"bytes"
	"errors"
	"fmt"
	"html"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"atelier/internal/studio"
)

// renderFile renders labels into a file in a temporary folder.
func renderFile(t *testing.T, stock Stock, opt LabelOptions, text LabelText) string {
	t.Helper()
	var buf bytes.Buffer
	if err := Labels(&buf, stock, opt, text); err != nil {
		t.Fatalf("Labels on %s: %v", stock.Key, err)
	}
	file := filepath.Join(t.TempDir(), "label.pdf")
	if err := os.WriteFile(file, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return file
}

type rect struct{ x0, y0, x1, y1 float64 } // mm, y down

func (r rect) contains(o rect, slack float64) bool {
	return o.x0 >= r.x0-slack && o.y0 >= r.y0-slack && o.x1 <= r.x1+slack && o.y1 <= r.y1+slack
}

func (r rect) String() string {
	return fmt.Sprintf("[%.2f,%.2f – %.2f,%.2f]", r.x0, r.y0, r.x1, r.y1)
}

type word struct {
	page int
	text string
	box  rect
}

var (
	pageRE = regexp.MustCompile(`<page `)
	wordRE = regexp.MustCompile(`<word xMin="([-\d.]+)" yMin="([-\d.]+)" xMax="([-\d.]+)" yMax="([-\d.]+)">([^<]*)</word>`)
)

// words reads the words of a PDF with their boxes in mm, as poppler
// places them.
func words(t *testing.T, file string) []word {
	t.Helper()
	out := filepath.Join(t.TempDir(), "words.html")
	run(t, "pdftotext", "-bbox", file, out)
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var ws []word
	for i, page := range pageRE.Split(string(data), -1)[1:] {
		for _, m := range wordRE.FindAllStringSubmatch(page, -1) {
			var v [4]float64
			for j := range v {
				v[j], _ = strconv.ParseFloat(m[j+1], 64)
			}
			ws = append(ws, word{page: i + 1, text: html.UnescapeString(m[5]),
				box: rect{v[0] * ptMM, v[1] * ptMM, v[2] * ptMM, v[3] * ptMM}})
		}
	}
	return ws
}

var sizeRE = regexp.MustCompile(`Page +\d+ size: +([\d.]+) x ([\d.]+) pts`)

// pageSizes reads every page's size in mm with pdfinfo.
func pageSizes(t *testing.T, file string) [][2]float64 {
	t.Helper()
	var sizes [][2]float64
	for _, m := range sizeRE.FindAllStringSubmatch(run(t, "pdfinfo", "-f", "1", "-l", "9999", file), -1) {
		w, _ := strconv.ParseFloat(m[1], 64)
		h, _ := strconv.ParseFloat(m[2], 64)
		sizes = append(sizes, [2]float64{w * ptMM, h * ptMM})
	}
	return sizes
}

func labelRect(s Stock, pos int, dx, dy float64) rect {
	x, y := s.cell(pos)
	return rect{x + dx, y + dy, x + dx + s.LabelW, y + dy + s.LabelH}
}

func mustStock(t *testing.T, key string) Stock {
	t.Helper()
	s, ok := StockByKey(key)
	if !ok {
		t.Fatalf("no stock %q", key)
	}
	return s
}

var sampleLabel = LabelText{
	Artist:     "Mara Lind",
	Subject:    "Hedgehog with a teacup",
	Dimensions: "42 × 30 × 28 mm",
	Story:      "Found asleep in the studio's spare teacup one rainy morning.",
	Edition:    "7/20",
}

func TestEveryPresetsLabelsLieWithinItsPage(t *testing.T) {
	keys := map[string]bool{}
	for _, s := range Stocks() {
		if keys[s.Key] {
			t.Errorf("key %s twice", s.Key)
		}
		keys[s.Key] = true
		if err := s.Validate(); err != nil {
			t.Errorf("%s: %v", s.Key, err)
		}
		if s.Continuous {
			continue
		}
		page := rect{0, 0, s.PageW, s.PageH}
		for i := range s.PerSheet() {
			if r := labelRect(s, i, 0, 0); !page.contains(r, 0) {
				t.Errorf("%s: label %d %v outside page %v", s.Key, i+1, r, page)
			}
		}
	}
	want := map[string]int{"avery-l7160": 21, "avery-l7163": 14, "avery-l7165": 8, "avery-l7651": 65,
		"avery-l7658": 189, "avery-5160": 30, "avery-5163": 10, "brother-dk-11209": 1, "brother-dk-11204": 1,
		"brother-dk-22205": 1, "dymo-99012": 1, "dymo-11354": 1}
	for key, n := range want {
		if got := mustStock(t, key).PerSheet(); got != n {
			t.Errorf("%s: %d a sheet, want %d", key, got, n)
		}
	}
	if len(keys) != len(want) {
		t.Errorf("%d presets, want %d", len(keys), len(want))
	}
}

func TestEveryPresetRendersAValidPDFAtTheStocksSize(t *testing.T) {
	for _, s := range Stocks() {
		t.Run(s.Key, func(t *testing.T) {
			opt, text := LabelOptions{Kind: BoxLabel}, sampleLabel
			if s.Plaque || s.LabelH < 20 {
				opt.Kind, text = PlaqueLabel, LabelText{Artist: "Mara Lind", Subject: "Hedgehog", Edition: "7/20"}
			}
			file := renderFile(t, s, opt, text)
			run(t, "qpdf", "--check", file)
			sizes := pageSizes(t, file)
			if len(sizes) != 1 {
				t.Fatalf("%d pages, want 1", len(sizes))
			}
			w, h := sizes[0][0], sizes[0][1]
			wantH := s.PageH
			if s.Continuous {
				wantH = ContinuousMinH // the short sampleLabel needs no more
			}
			if !near(w, s.PageW, 0.1) || !near(h, wantH, 0.1) {
				t.Errorf("page %.2f × %.2f mm, want %.2f × %.2f", w, h, s.PageW, wantH)
			}
			if len(words(t, file)) == 0 {
				t.Error("no text on the label")
			}
		})
	}
}

func near(a, b, tol float64) bool { return a-b <= tol && b-a <= tol }

func TestBoxLabelStartingAtPosition5PrintsInsideLabel5(t *testing.T) {
	s := mustStock(t, "avery-l7160")
	for _, off := range [][2]float64{{0, 0}, {3, -2}, {-1.5, 4}} {
		t.Run(fmt.Sprintf("offset %g,%g", off[0], off[1]), func(t *testing.T) {
			file := renderFile(t, s, LabelOptions{Start: 5, OffsetX: off[0], OffsetY: off[1]}, sampleLabel)
			cell := labelRect(s, 4, off[0], off[1])
			ws := words(t, file)
			if len(ws) == 0 {
				t.Fatal("no words")
			}
			for _, w := range ws {
				if !cell.contains(w.box, 0.05) {
					t.Errorf("%q at %v, outside label 5 %v", w.text, w.box, cell)
				}
			}
		})
	}
}

func TestPrinterOffsetShiftsTextByTheOffset(t *testing.T) {
	s := mustStock(t, "avery-l7160")
	plain := words(t, renderFile(t, s, LabelOptions{Start: 5}, sampleLabel))
	moved := words(t, renderFile(t, s, LabelOptions{Start: 5, OffsetX: 3, OffsetY: -2}, sampleLabel))
	if len(plain) != len(moved) || len(plain) == 0 {
		t.Fatalf("%d words, then %d", len(plain), len(moved))
	}
	for i := range plain {
		dx, dy := moved[i].box.x0-plain[i].box.x0, moved[i].box.y0-plain[i].box.y0
		if !near(dx, 3, 0.05) || !near(dy, -2, 0.05) {
			t.Errorf("%q moved by %.2f, %.2f mm, want 3, -2", plain[i].text, dx, dy)
		}
	}
}

const longStory = "She was modelled from the hedgehog that lived under the studio's woodpile for three summers, " +
	"and who came every evening at dusk for a saucer of water. The teacup is a miniature of my grandmother's " +
	"Sunday china, glazed with a thin wash of translucent clay so that it glows when held to the light."

func TestLongButFittingTextStaysInsideItsLabel(t *testing.T) {
	long := sampleLabel
	long.Story = longStory
	long.Subject = "Hedgehog asleep in grandmother's Sunday teacup"
	cases := []struct {
		key  string
		kind LabelKind
		text LabelText
	}{
		{"avery-l7165", BoxLabel, long},
		{"avery-5163", BoxLabel, long},
		{"dymo-99012", BoxLabel, long},
		{"brother-dk-22205", BoxLabel, long},
		{"avery-l7160", BoxLabel, LabelText{Artist: "Mara Lind", Subject: long.Subject, Dimensions: "42 × 30 × 28 mm", Story: longStory[:90]}},
		{"avery-l7651", PlaqueLabel, LabelText{Artist: "Mara Lind", Subject: "Hedgehog asleep in a teacup", Edition: "7/20"}},
		{"avery-l7658", PlaqueLabel, LabelText{Artist: "Mara Lind", Subject: "Hedgehog", Edition: "7/20"}},
	}
	for _, c := range cases {
		t.Run(c.key, func(t *testing.T) {
			s := mustStock(t, c.key)
			file := renderFile(t, s, LabelOptions{Kind: c.kind, Start: s.PerSheet()}, c.text)
			cell := labelRect(s, s.PerSheet()-1, 0, 0)
			if s.Continuous {
				cell.y1 = pageSizes(t, file)[0][1]
			}
			var got []string
			for _, w := range words(t, file) {
				got = append(got, w.text)
				if !cell.contains(w.box, 0.05) {
					t.Errorf("%q at %v, outside the label %v", w.text, w.box, cell)
				}
			}
			want := strings.Fields(strings.Join([]string{c.text.Subject, c.text.Edition, c.text.Artist, c.text.Dimensions, c.text.Story}, " "))
			if len(got) < len(want) {
				t.Errorf("%d words printed, want at least %d: %q", len(got), len(want), got)
			}
		})
	}
}

func TestTextTooLongForTheStockIsRefusedNamingTheStock(t *testing.T) {
	cases := []struct {
		key  string
		kind LabelKind
		text LabelText
	}{
		{"brother-dk-11204", BoxLabel, LabelText{Artist: "Mara Lind", Subject: "Hedgehog", Story: longStory}},
		{"avery-l7658", PlaqueLabel, LabelText{Artist: "Mara Lind", Subject: "Hedgehog asleep in grandmother's Sunday teacup by the woodpile"}},
		{"avery-l7658", PlaqueLabel, LabelText{Artist: "Mara", Subject: "Unbreakablemegalongwordthatcannotwrap"}},
	}
	for _, c := range cases {
		t.Run(c.key, func(t *testing.T) {
			s := mustStock(t, c.key)
			var buf bytes.Buffer
			err := Labels(&buf, s, LabelOptions{Kind: c.kind}, c.text)
			e, ok := errors.AsType[*studio.Error](err)
			if !ok || e.Code != studio.Invalid {
				t.Fatalf("err = %v, want Invalid", err)
			}
			if !strings.Contains(e.Message, s.Name) || !strings.Contains(e.Message, "too small") {
				t.Errorf("message %q does not say %s is too small", e.Message, s.Name)
			}
			if e.Fields["stock"] == "" {
				t.Errorf("fields %v lack stock", e.Fields)
			}
			if buf.Len() != 0 {
				t.Errorf("%d bytes written despite the error", buf.Len())
			}
		})
	}
}

func custom() Stock {
	return Stock{Key: CustomKey, PageW: 100, PageH: 150, LabelW: 40, LabelH: 20, Columns: 2, Rows: 5,
		MarginTop: 10, MarginLeft: 5, PitchX: 45, PitchY: 25}
}

func TestCustomStockValidation(t *testing.T) {
	if err := custom().Validate(); err != nil {
		t.Fatalf("a sound custom stock: %v", err)
	}
	cases := []struct {
		name   string
		change func(*Stock)
		fields []string
	}{
		{"label wider than the page", func(s *Stock) { s.LabelW = 120; s.PitchX = 120 }, []string{"label_width"}},
		{"labels run off the bottom", func(s *Stock) { s.Rows = 6 }, []string{"label_height"}},
		{"zero pitch", func(s *Stock) { s.PitchX, s.PitchY = 0, 0 }, []string{"pitch_x", "pitch_y"}},
		{"pitch smaller than the label", func(s *Stock) { s.PitchY = 15 }, []string{"pitch_y"}},
		{"negative sizes", func(s *Stock) { s.LabelW, s.PageH, s.MarginTop = -40, -1, -3 }, []string{"label_width", "page_height", "margin_top"}},
		{"zero label", func(s *Stock) { s.LabelH = 0 }, []string{"label_height"}},
		{"absurdly large", func(s *Stock) { s.PageW = 5000 }, []string{"page_width"}},
		{"no columns", func(s *Stock) { s.Columns = 0 }, []string{"columns"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := custom()
			c.change(&s)
			err := s.Validate()
			e, ok := errors.AsType[*studio.Error](err)
			if !ok || e.Code != studio.Invalid {
				t.Fatalf("err = %v, want Invalid", err)
			}
			for _, f := range c.fields {
				if e.Fields[f] == "" {
					t.Errorf("fields %v lack %s", e.Fields, f)
				}
			}
			if err := Labels(&bytes.Buffer{}, s, LabelOptions{}, sampleLabel); studio.ErrorCode(err) != studio.Invalid {
				t.Errorf("Labels on the stock: %v, want Invalid", err)
			}
		})
	}
}

func TestCustomStockPrintsWhereItsGeometrySays(t *testing.T) {
	s := custom()
	file := renderFile(t, s, LabelOptions{Start: 4}, LabelText{Subject: "Fox", Artist: "Mara Lind"})
	cell := labelRect(s, 3, 0, 0)
	for _, w := range words(t, file) {
		if !cell.contains(w.box, 0.05) {
			t.Errorf("%q at %v, outside label 4 %v", w.text, w.box, cell)
		}
	}
}

func TestBadLabelOptionsAreRefusedByField(t *testing.T) {
	s := mustStock(t, "avery-l7160")
	cases := []struct {
		opt   LabelOptions
		field string
	}{
		{LabelOptions{Start: 22}, "start"},
		{LabelOptions{Start: -1}, "start"},
		{LabelOptions{Copies: -2}, "copies"},
		{LabelOptions{Copies: MaxCopies + 1}, "copies"},
		{LabelOptions{OffsetX: 10.5}, "offset_x"},
		{LabelOptions{OffsetY: -11}, "offset_y"},
		{LabelOptions{Kind: "sticker"}, "kind"},
	}
	for _, c := range cases {
		err := Labels(&bytes.Buffer{}, s, c.opt, sampleLabel)
		e, ok := errors.AsType[*studio.Error](err)
		if !ok || e.Code != studio.Invalid || e.Fields[c.field] == "" {
			t.Errorf("%+v: err = %v, want Invalid on %s", c.opt, err, c.field)
		}
	}
	if err := Labels(&bytes.Buffer{}, mustStock(t, "dymo-11354"), LabelOptions{Start: 2}, sampleLabel); studio.ErrorCode(err) != studio.Invalid {
		t.Errorf("position 2 on a label printer: %v, want Invalid", err)
	}
}

func TestUnicodeNamesPrint(t *testing.T) {
	text := LabelText{Artist: "Zoë Ørsted", Subject: "Анна и ёжик", Dimensions: "42 × 30 mm", Story: "Ça glisse — 小さな猫"}
	file := renderFile(t, mustStock(t, "avery-l7163"), LabelOptions{}, text)
	got := run(t, "pdftotext", file, "-")
	for _, want := range []string{"Zoë", "Ørsted", "Анна", "ёжик", "×", "Ça"} {
		if !strings.Contains(got, want) {
			t.Errorf("text %q lacks %q", got, want)
		}
	}
}

func TestCopiesBeyondTheSheetContinueOnASecondSheet(t *testing.T) {
	s := mustStock(t, "avery-l7163")
	file := renderFile(t, s, LabelOptions{Start: 13, Copies: 4}, LabelText{Subject: "Fox", Artist: "Mara"})
	if n := len(pageSizes(t, file)); n != 2 {
		t.Fatalf("%d pages, want 2", n)
	}
	run(t, "qpdf", "--check", file)
	perPage := map[int][]rect{}
	for _, w := range words(t, file) {
		if w.text == "Fox" {
			perPage[w.page] = append(perPage[w.page], w.box)
		}
	}
	want := map[int][]int{1: {12, 13}, 2: {0, 1}}
	for page, positions := range want {
		if len(perPage[page]) != len(positions) {
			t.Fatalf("page %d has %d labels, want %d", page, len(perPage[page]), len(positions))
		}
		for i, pos := range positions {
			if cell := labelRect(s, pos, 0, 0); !cell.contains(perPage[page][i], 0.05) {
				t.Errorf("page %d label %d at %v, outside position %d %v", page, i, perPage[page][i], pos+1, cell)
			}
		}
	}
}

func TestLabelPrinterPrintsOneLabelAPage(t *testing.T) {
	file := renderFile(t, mustStock(t, "brother-dk-11209"), LabelOptions{Copies: 3}, sampleLabel)
	sizes := pageSizes(t, file)
	if len(sizes) != 3 {
		t.Fatalf("%d pages, want 3", len(sizes))
	}
	for _, sz := range sizes {
		if !near(sz[0], 62, 0.1) || !near(sz[1], 29, 0.1) {
			t.Errorf("page %.2f × %.2f mm, want 62 × 29", sz[0], sz[1])
		}
	}
}

func TestContinuousRollGrowsWithTheText(t *testing.T) {
	s := mustStock(t, "brother-dk-22205")
	text := sampleLabel
	text.Story = strings.Repeat(longStory+"\n", 2)
	sizes := pageSizes(t, renderFile(t, s, LabelOptions{}, text))
	if len(sizes) != 1 || !near(sizes[0][0], 62, 0.1) || sizes[0][1] <= ContinuousMinH || sizes[0][1] > ContinuousMaxH {
		t.Errorf("pages %v, want one 62 mm wide, longer than %g mm", sizes, ContinuousMinH)
	}
}

func TestSameInputRendersTheSameBytes(t *testing.T) {
	s := mustStock(t, "avery-l7160")
	var a, b bytes.Buffer
	if err := Labels(&a, s, LabelOptions{Copies: 3}, sampleLabel); err != nil {
		t.Fatal(err)
	}
	if err := Labels(&b, s, LabelOptions{Copies: 3}, sampleLabel); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Error("two renderings of the same labels differ")
	}
}

// fontPt estimates a word's type size from its box: poppler makes a box
// as tall as the Go fonts' ascent plus descent, 1.154 em.
func fontPt(w word) float64 { return (w.box.y1 - w.box.y0) / ptMM / 1.154 }

func TestTextShrinksToFitButNotBelowTheLegibleMinimum(t *testing.T) {
	s := mustStock(t, "avery-l7160")
	sizeOf := func(text LabelText) (first, smallest float64) {
		ws := words(t, renderFile(t, s, LabelOptions{}, text))
		smallest = 1e9
		for _, w := range ws {
			smallest = min(smallest, fontPt(w))
		}
		return fontPt(ws[0]), smallest
	}
	short := LabelText{Subject: "Fox", Artist: "Mara Lind"}
	long := short
	long.Story = longStory[:150]
	roomy, _ := sizeOf(short)
	tight, smallest := sizeOf(long)
	if !near(roomy, boxStartPt*1.25, 0.2) {
		t.Errorf("a short subject set at %.1f pt, want the comfortable %.1f", roomy, boxStartPt*1.25)
	}
	if tight >= roomy {
		t.Errorf("with a long story the subject stays at %.1f pt", tight)
	}
	if smallest < boxMinPt-0.2 {
		t.Errorf("text set at %.1f pt, below the %.1f pt minimum", smallest, boxMinPt)
	}
}
