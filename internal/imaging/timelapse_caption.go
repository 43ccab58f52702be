package imaging

import (
	"image"
	"image/color"
	"image/draw"
	"strings"
	"sync"
	"unicode"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gomedium"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

// captionFont is Go Medium: a humanist sans-serif whose medium weight
// stays legible small, on a phone, over video compression; embedded in
// the binary, so the time-lapse looks the same on any machine.
var captionFont = sync.OnceValue(func() *opentype.Font {
	f, err := opentype.Parse(gomedium.TTF)
	if err != nil {
		panic("imaging: the embedded Go Medium font does not parse: " + err.Error())
	}
	return f
})

// captionBand is the band behind a caption: the studio's dark at about
// 70 %, so white text is legible over any photo and the photo still shows.
var captionBand = color.NRGBA{0x17, 0x16, 0x14, 0xB4}

// The caption's proportions, relative to the frame's width so that the
// 480-pixel GIF looks like the 1080-pixel video: text 1/22 of the width
// (49 px in the video), the band twice the text's size high.
const (
	captionScale = 22
	captionBandX = 2.0
	maxCaption   = 120 // runes; a stage name is a few words
)

// drawCaption draws caption in white on a translucent dark band across
// the bottom of m, shortened with an ellipsis when it is too wide. An
// empty caption draws nothing.
func drawCaption(m *image.RGBA, caption string) {
	text := captionText(caption)
	if text == "" {
		return
	}
	w := m.Rect.Dx()
	size := float64(w) / captionScale
	face, err := opentype.NewFace(captionFont(), &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingFull})
	if err != nil {
		return // a positive size on a parsed font: cannot happen
	}
	defer face.Close()
	bandH := int(size*captionBandX + 0.5)
	band := image.Rect(m.Rect.Min.X, m.Rect.Max.Y-bandH, m.Rect.Max.X, m.Rect.Max.Y)
	draw.Draw(m, band, image.NewUniform(captionBand), image.Point{}, draw.Over)

	d := &font.Drawer{Dst: m, Src: image.White, Face: face}
	margin := fixed.I(int(size))
	text = fitWidth(d, text, fixed.I(w)-2*margin)
	adv := d.MeasureString(text)
	capHeight := face.Metrics().CapHeight
	if capHeight <= 0 {
		capHeight = face.Metrics().Ascent * 7 / 10
	}
	// Centred across, and the capitals centred in the band.
	d.Dot = fixed.Point26_6{
		X: fixed.I(m.Rect.Min.X) + (fixed.I(w)-adv)/2,
		Y: fixed.I(band.Min.Y) + (fixed.I(bandH)+capHeight)/2,
	}
	d.DrawString(text)
}

// captionText is caption on one line: runs of white space and control
// characters become one space, and it is cut to maxCaption runes.
func captionText(caption string) string {
	clean := strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, caption)
	text := strings.Join(strings.Fields(clean), " ")
	if r := []rune(text); len(r) > maxCaption {
		text = string(r[:maxCaption]) + "…"
	}
	return text
}

// fitWidth shortens text rune by rune, ending it with an ellipsis, until
// d draws it within width.
func fitWidth(d *font.Drawer, text string, width fixed.Int26_6) string {
	if d.MeasureString(text) <= width {
		return text
	}
	r := []rune(strings.TrimSuffix(text, "…"))
	for len(r) > 0 {
		r = r[:len(r)-1]
		s := strings.TrimRight(string(r), " ") + "…"
		if d.MeasureString(s) <= width {
			return s
		}
	}
	return "…"
}
