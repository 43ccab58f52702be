// Package pdf renders certificates of authenticity and labels as PDF, at
// true physical size in millimetres, to an io.Writer. Text is set in the Go
// fonts, embedded (subset) in each file, so that any Unicode name prints
// on any machine; codes are drawn as vector rectangles, never as rasters.
package pdf

import (
	"strings"

	"codeberg.org/go-pdf/fpdf"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goitalic"
	"golang.org/x/image/font/gofont/goregular"
)

// Family is the font family every document uses.
const Family = "Go"

// newDoc starts a document in millimetres whose pages are w × h, with the
// Go fonts registered under Family: regular, and each style named in
// styles ("B" bold, "I" italic). Each font registered costs a few
// milliseconds (fpdf parses and hashes it), so a document asks only for
// the ones it sets text in.
// The creation date is fixed by the caller through SetCreationDate, so
// that the same input renders the same bytes.
func newDoc(w, h float64, styles string) *fpdf.Fpdf {
	// "P" keeps w × h as given: fpdf's "L" would swap them.
	doc := fpdf.NewCustom(&fpdf.InitType{OrientationStr: "P", UnitStr: "mm", Size: fpdf.SizeType{Wd: w, Ht: h}})
	doc.SetAutoPageBreak(false, 0)
	doc.SetMargins(0, 0, 0)
	doc.AddUTF8FontFromBytes(Family, "", goregular.TTF)
	if strings.Contains(styles, "B") {
		doc.AddUTF8FontFromBytes(Family, "B", gobold.TTF)
	}
	if strings.Contains(styles, "I") {
		doc.AddUTF8FontFromBytes(Family, "I", goitalic.TTF)
	}
	doc.SetCompression(true)
	return doc
}
