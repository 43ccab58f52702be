package pdf

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"atelier/internal/studio"
)

// sample is a certificate with every field filled in.
func sample() CertificatePage {
	return CertificatePage{
		Certificate: studio.Certificate{
			Serial:        "ABCDEFGHIJKLMNOP",
			EditionID:     "ed_1",
			StudioSlug:    "ana",
			StudioName:    "Atelier Ana Lima",
			Artist:        "Ana Lima",
			Subject:       "Hedgehog with a lantern",
			EditionTitle:  "Autumn Walkers",
			EditionNumber: 7,
			EditionSize:   20,
			HeightMM:      42,
			WidthMM:       31.5,
			DepthMM:       28,
			Clay:          "Fimo Professional, Cernit Number One",
			Finish:        "matte polyurethane varnish, 2 coats",
			Completed:     "2026-11-20",
			Story:         "Found on a November evening under the old pear tree, lighting the way home for the others.",
			IssuedAt:      time.Date(2026, 11, 21, 10, 30, 0, 0, time.UTC),
		},
		VerifyURL:   "https://atelier.example/v/ABCDEFGHIJKLMNOP",
		KeyName:     "atelier/ana/1a2b3c4d",
		Fingerprint: "1a2b3c4d",
	}
}

// tool returns the path of a command-line tool the test needs. Without
// it the test is skipped, except in CI, where a missing tool is a failure.
func tool(t *testing.T, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is not installed: %v", name, err)
		}
		t.Skipf("%s is not installed", name)
	}
	return path
}

// run runs a tool and returns its standard output.
func run(t *testing.T, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(tool(t, name), args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s%s", name, strings.Join(args, " "), err, out, stderr.String())
	}
	return string(out)
}

// render prints pages and writes the PDF to a file in a temporary folder.
func render(t *testing.T, size PageSize, pages ...CertificatePage) (path string, data []byte) {
	t.Helper()
	var buf bytes.Buffer
	if err := Certificates(&buf, size, pages); err != nil {
		t.Fatalf("Certificates: %v", err)
	}
	path = filepath.Join(t.TempDir(), "certificate.pdf")
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return path, buf.Bytes()
}

func qpdfCheck(t *testing.T, path string) {
	t.Helper()
	run(t, "qpdf", "--check", path)
}

// scanQR renders the first page at 200 dpi and reads its QR code as a
// phone would.
func scanQR(t *testing.T, path string) string {
	t.Helper()
	prefix := filepath.Join(t.TempDir(), "page")
	run(t, "pdftoppm", "-r", "200", "-png", "-f", "1", "-l", "1", "-singlefile", path, prefix)
	return strings.TrimRight(run(t, "zbarimg", "--raw", "-q", prefix+".png"), "\n")
}

func text(t *testing.T, path string) string {
	t.Helper()
	return run(t, "pdftotext", "-enc", "UTF-8", path, "-")
}

func TestParsePageSizeKnowsA6AndA5AndDefaultsToA6(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want PageSize
	}{{"", A6}, {"a6", A6}, {"A5", A5}, {" a5 ", A5}} {
		got, err := ParsePageSize(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("ParsePageSize(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
	_, err := ParsePageSize("letter")
	if studio.ErrorCode(err) != studio.Invalid || !strings.Contains(err.Error(), "a6 or a5") {
		t.Errorf("ParsePageSize(letter) = %v; want an invalid error naming a6 and a5", err)
	}
}

func TestGroupSerialSplitsIntoGroupsOfFour(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"ABCDEFGHIJKLMNOP", "ABCD EFGH IJKL MNOP"},
		{"ABCDEFGHIJKLM", "ABCD EFGH IJKL M"},
		{"ABCD EFGH", "ABCD EFGH"},
		{"ABC", "ABC"},
		{"", ""},
	} {
		if got := GroupSerial(tc.in); got != tc.want {
			t.Errorf("GroupSerial(%q) = %q; want %q", tc.in, got, tc.want)
		}
	}
}

func TestCertificatePassesQpdfCheckAtBothSizes(t *testing.T) {
	for _, size := range []PageSize{A6, A5} {
		t.Run(string(size), func(t *testing.T) {
			path, _ := render(t, size, sample())
			qpdfCheck(t, path)
		})
	}
}

func TestCertificateQRCodeScansToTheVerificationURL(t *testing.T) {
	long := sample()
	long.VerifyURL = "https://certificates.studio-of-a-very-long-name.example.org/atelier/verification/v/ABCDEFGHIJKLMNOP"
	for _, tc := range []struct {
		name string
		size PageSize
		page CertificatePage
	}{
		{"a6", A6, sample()},
		{"a5", A5, sample()},
		{"a6 long base", A6, long},
		{"a5 long base", A5, long},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path, _ := render(t, tc.size, tc.page)
			if got := scanQR(t, path); got != tc.page.VerifyURL {
				t.Errorf("QR code reads %q; want %q", got, tc.page.VerifyURL)
			}
		})
	}
}

func TestCertificateTextShowsSubjectEditionSerialAndArtist(t *testing.T) {
	path, _ := render(t, A6, sample())
	got := text(t, path)
	for _, want := range []string{
		"Certificate of Authenticity", "Hedgehog with a lantern", "7/20", "Autumn Walkers",
		"ABCD EFGH IJKL MNOP", "Ana Lima", "Atelier Ana Lima", "42 × 31.5 × 28 mm",
		"1.65 × 1.24 × 1.1 in", "Fimo Professional", "matte polyurethane varnish", "20 November 2026",
		"pear tree", "Signature", "atelier/ana/1a2b3c4d", "1a2b3c4d",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("text lacks %q:\n%s", want, got)
		}
	}
}

func TestCertificatePageIsA6OrA5InPoints(t *testing.T) {
	for _, tc := range []struct {
		size PageSize
		w, h float64 // points: mm × 72 / 25.4
	}{{A6, 297.638, 419.528}, {A5, 419.528, 595.276}} {
		t.Run(string(tc.size), func(t *testing.T) {
			path, _ := render(t, tc.size, sample())
			info := run(t, "pdfinfo", "-box", path)
			var x0, y0, x1, y1 float64
			i := strings.Index(info, "MediaBox:")
			if i < 0 {
				t.Fatalf("pdfinfo shows no MediaBox:\n%s", info)
			}
			if _, err := fmt.Sscan(info[i+len("MediaBox:"):], &x0, &y0, &x1, &y1); err != nil {
				t.Fatalf("read MediaBox: %v\n%s", err, info)
			}
			if x0 != 0 || y0 != 0 || math.Abs(x1-tc.w) > 0.01 || math.Abs(y1-tc.h) > 0.01 {
				t.Errorf("MediaBox = %.2f %.2f %.2f %.2f; want 0 0 %.2f %.2f", x0, y0, x1, y1, tc.w, tc.h)
			}
		})
	}
}

func TestEditionOf20GivesOnePDFOf20Pages(t *testing.T) {
	path, _ := render(t, A6, edition(20)...)
	qpdfCheck(t, path)
	if n := strings.TrimSpace(run(t, "qpdf", "--show-npages", path)); n != "20" {
		t.Fatalf("pages = %s; want 20", n)
	}
	got := text(t, path)
	for _, want := range []string{"1/20", "7/20", "20/20"} {
		if !strings.Contains(got, want) {
			t.Errorf("text lacks %q", want)
		}
	}
}

// edition is n certificates of one edition, numbered 1 to n.
func edition(n int) []CertificatePage {
	pages := make([]CertificatePage, n)
	for i := range pages {
		p := sample()
		p.Certificate.EditionNumber = i + 1
		p.Certificate.EditionSize = n
		p.Certificate.Serial = "EDITION" + strconv.Itoa(1000+i) + "XYZAB"
		p.VerifyURL = "https://atelier.example/v/" + p.Certificate.Serial
		pages[i] = p
	}
	return pages
}

func TestCertificatePrintsUnicodeNames(t *testing.T) {
	p := sample()
	p.Certificate.Artist = "Zoë Ørsted"
	p.Certificate.Subject = "Grandma Rose «Kipferl»"
	p.Certificate.StudioName = "Студия Анна"
	path, _ := render(t, A6, p)
	qpdfCheck(t, path)
	got := text(t, path)
	for _, want := range []string{"Zoë Ørsted", "Grandma Rose «Kipferl»", "Студия Анна"} {
		if !strings.Contains(got, want) {
			t.Errorf("text lacks %q:\n%s", want, got)
		}
	}
}

func TestVeryLongTextStaysInsideThePage(t *testing.T) {
	story := sample()
	story.Certificate.Story = strings.Repeat("She sat on the windowsill all winter and watched the snow. ", 85)[:5000]
	every := story
	long := strings.Repeat("Longwordwithoutanyspaces", 12)
	c := &every.Certificate
	c.Subject = strings.Repeat("A very long subject name ", 8)
	c.Artist, c.StudioName, c.EditionTitle = long, long, long
	c.Clay, c.Finish = strings.Repeat("Fimo Soft, ", 20), long
	c.Story = strings.Repeat("Paragraph.\n\n", 50) + long
	every.KeyName, every.Fingerprint = "atelier/"+long, long
	for _, tc := range []struct {
		name string
		page CertificatePage
	}{{"story of 5000 characters", story}, {"every field long", every}} {
		for _, size := range []PageSize{A6, A5} {
			t.Run(tc.name+"/"+string(size), func(t *testing.T) {
				path, _ := render(t, size, tc.page)
				qpdfCheck(t, path)
				checkWordsInsidePage(t, path)
				got := text(t, path)
				if !strings.Contains(got, "…") || !strings.Contains(got, "ABCD EFGH IJKL MNOP") {
					t.Errorf("want long text cut with an ellipsis and the serial still printed:\n%s", got)
				}
				if code := scanQR(t, path); code != tc.page.VerifyURL {
					t.Errorf("QR code reads %q; want %q", code, tc.page.VerifyURL)
				}
			})
		}
	}
}

// checkWordsInsidePage reads every word's box with pdftotext -bbox and
// fails for any that reaches beyond its page.
func checkWordsInsidePage(t *testing.T, path string) {
	t.Helper()
	var doc struct {
		Pages []struct {
			Width  float64 `xml:"width,attr"`
			Height float64 `xml:"height,attr"`
			Words  []struct {
				XMin float64 `xml:"xMin,attr"`
				YMin float64 `xml:"yMin,attr"`
				XMax float64 `xml:"xMax,attr"`
				YMax float64 `xml:"yMax,attr"`
				Text string  `xml:",chardata"`
			} `xml:"word"`
		} `xml:"body>doc>page"`
	}
	out := run(t, "pdftotext", "-bbox", "-enc", "UTF-8", path, "-")
	dec := xml.NewDecoder(strings.NewReader(out))
	dec.Strict = false
	dec.AutoClose = xml.HTMLAutoClose
	dec.Entity = xml.HTMLEntity
	if err := dec.Decode(&doc); err != nil {
		t.Fatalf("read pdftotext -bbox: %v", err)
	}
	if len(doc.Pages) == 0 || len(doc.Pages[0].Words) == 0 {
		t.Fatalf("pdftotext -bbox found no words:\n%s", out)
	}
	for _, page := range doc.Pages {
		for _, w := range page.Words {
			if w.XMin < 0 || w.YMin < 0 || w.XMax > page.Width || w.YMax > page.Height {
				t.Errorf("word %q at (%.1f,%.1f)–(%.1f,%.1f) lies outside the %.1f × %.1f page",
					w.Text, w.XMin, w.YMin, w.XMax, w.YMax, page.Width, page.Height)
			}
		}
	}
}

func TestCertificateOfOnePieceIsUnder60kB(t *testing.T) {
	for _, size := range []PageSize{A6, A5} {
		var buf bytes.Buffer
		if err := Certificates(&buf, size, []CertificatePage{sample()}); err != nil {
			t.Fatal(err)
		}
		if buf.Len() >= 60_000 {
			t.Errorf("%s certificate is %d bytes; want < 60 kB", size, buf.Len())
		}
	}
}

func TestSameCertificateGivesTheSameBytes(t *testing.T) {
	var a, b bytes.Buffer
	pages := edition(3)
	if err := Certificates(&a, A6, pages); err != nil {
		t.Fatal(err)
	}
	if err := Certificates(&b, A6, pages); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Error("two renderings of the same certificates differ")
	}
}

func TestEmptyOptionalFieldsAreLeftOut(t *testing.T) {
	p := sample()
	c := &p.Certificate
	c.EditionTitle, c.EditionNumber, c.EditionSize = "", 0, 0
	c.Finish, c.Story = "", ""
	c.HeightMM, c.WidthMM, c.DepthMM = 0, 0, 0
	path, _ := render(t, A6, p)
	qpdfCheck(t, path)
	got := text(t, path)
	if !strings.Contains(got, "Unique piece") {
		t.Errorf("a unique piece does not say so:\n%s", got)
	}
	for _, absent := range []string{"0/0", "Finish", " mm", " in)", "H × W", "pear tree"} {
		if strings.Contains(got, absent) {
			t.Errorf("text shows %q for an empty field:\n%s", absent, got)
		}
	}
}

func TestCertificateLeavesOutAnUnmeasuredDimension(t *testing.T) {
	label, value := dimensions(40, 25.25, 0)
	if label != "H × W" || value != "40 × 25.3 mm (1.57 × 0.99 in)" {
		t.Errorf("dimensions = %q, %q", label, value)
	}
}

func TestCertificatesRefusesBadInput(t *testing.T) {
	noURL := sample()
	noURL.VerifyURL = ""
	for _, tc := range []struct {
		name  string
		size  PageSize
		pages []CertificatePage
	}{
		{"unknown size", "letter", []CertificatePage{sample()}},
		{"no pages", A6, nil},
		{"no verification address", A6, []CertificatePage{noURL}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			err := Certificates(&buf, tc.size, tc.pages)
			if studio.ErrorCode(err) != studio.Invalid {
				t.Errorf("err = %v; want invalid", err)
			}
			if buf.Len() != 0 {
				t.Errorf("wrote %d bytes for bad input", buf.Len())
			}
		})
	}
}

func TestUncoveredCharactersPrintAsQuestionMarks(t *testing.T) {
	got := clean("Mouse 🐭\tand\x00 cat\n", false)
	if got != "Mouse ? and cat" {
		t.Errorf("clean = %q", got)
	}
}

func TestQRRunsCoverExactlyTheDarkModules(t *testing.T) {
	code, err := encodeQR("https://atelier.example/v/ABCDEFGHIJKLMNOP")
	if err != nil {
		t.Fatal(err)
	}
	painted := make([]bool, len(code.dark))
	for _, r := range code.runs() {
		for x := r.x; x < r.x+r.n; x++ {
			if painted[r.y*code.size+x] {
				t.Fatalf("module (%d,%d) painted twice", x, r.y)
			}
			painted[r.y*code.size+x] = true
		}
	}
	for i := range painted {
		if painted[i] != code.dark[i] {
			t.Fatalf("module (%d,%d): painted %v, dark %v", i%code.size, i/code.size, painted[i], code.dark[i])
		}
	}
}

func TestQRCodeIsAtLeast22mmOnA6WithItsQuietZoneOnThePage(t *testing.T) {
	l := &layout{w: 105, h: 148, s: 1}
	for _, url := range []string{
		"https://atelier.example/v/ABCDEFGHIJKLMNOP",
		"https://certificates.studio-of-a-very-long-name.example.org/atelier/verification/v/ABCDEFGHIJKLMNOP",
	} {
		code, err := encodeQR(url)
		if err != nil {
			t.Fatal(err)
		}
		module := l.qrModule(code)
		if side := module * float64(code.size); side < 22 {
			t.Errorf("%s: symbol is %.1f mm wide; want ≥ 22 mm", url, side)
		}
		if quiet := quietZone * module; 105-9+quiet > 105 {
			t.Errorf("%s: quiet zone of %.1f mm runs off the page", url, quiet)
		}
	}
}

func TestConcurrentCertificatesGiveTheSameBytes(t *testing.T) {
	var want bytes.Buffer
	if err := Certificates(&want, A6, []CertificatePage{sample()}); err != nil {
		t.Fatal(err)
	}
	got := make([]bytes.Buffer, 4)
	var wg sync.WaitGroup
	for i := range got {
		wg.Go(func() {
			if err := Certificates(&got[i], A6, []CertificatePage{sample()}); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	for i := range got {
		if !bytes.Equal(got[i].Bytes(), want.Bytes()) {
			t.Errorf("rendering %d differs from the one made alone", i)
		}
	}
}
