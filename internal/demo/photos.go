package demo

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"math"

	"atelier/internal/files"
	"atelier/internal/store"
	"atelier/internal/studio"
)

// Placeholder photos are portrait-shaped, as a phone takes them, and small
// enough that a dozen commissions' worth seeds in well under a second.
const (
	photoW = 480
	photoH = 640
)

// look is what a placeholder shows: a head and shoulders of one hue, seen
// from an angle, either as a reference photo (a person against a soft
// backdrop) or as a process photo (the clay figure on the work mat).
type look struct {
	hue   float64 // 0–360
	angle studio.Angle
	// stage, for process photos, tints the figure: raw clay before paint,
	// the commission's colours from paint on.
	stage studio.Stage
}

// render draws the placeholder. Everything is computed per pixel with soft
// edges, so the thumbnails the jobs make from it look smooth.
func (l look) render() *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, photoW, photoH))
	top, bottom, skin, clothes := l.palette()
	// A profile turns the head aside: the face moves off the centre line.
	shift := 0.0
	switch l.angle {
	case studio.LeftProfile:
		shift = -0.06
	case studio.RightProfile:
		shift = 0.06
	case studio.ThreeQuarter:
		shift = 0.03
	}
	for y := range photoH {
		v := float64(y) / photoH
		bg := mix(top, bottom, v)
		for x := range photoW {
			u := float64(x) / photoW
			// Head and neck: upright ellipses; shoulders: a wide, flat one
			// cut by the frame's bottom edge.
			head := math.Max(ellipse(u, v, 0.5+shift, 0.4, 0.15, 0.19), ellipse(u, v, 0.5+shift/2, 0.63, 0.065, 0.14))
			shoulders := ellipse(u, v, 0.5, 1.0, 0.44, 0.27)
			// A light from the upper left gives the figure some volume.
			shade := 1 - 0.25*math.Max(0, u-0.35)
			c := mix(bg, scale(skin, shade), head)
			img.SetRGBA(x, y, mix(c, scale(clothes, shade), shoulders))
		}
	}
	return img
}

// palette is the backdrop's two ends, the head's colour and the clothes'.
func (l look) palette() (top, bottom, skin, clothes color.RGBA) {
	mat, matLow := hsl(150, 0.12, 0.8), hsl(150, 0.1, 0.68) // a silicone work mat
	switch {
	case l.stage == "": // a reference photo: a person against a backdrop
		figure := hsl(l.hue+180, 0.25, 0.22)
		return hsl(l.hue, 0.35, 0.86), hsl(l.hue+30, 0.45, 0.62), figure, figure
	case l.stage.Index() < studio.Paint.Index(): // unpainted beige clay
		clay := hsl(28, 0.45, 0.78)
		return mat, matLow, clay, clay
	}
	return mat, matLow, hsl(22, 0.55, 0.72), hsl(l.hue, 0.5, 0.45)
}

// ellipse is 1 inside the ellipse centred at (cx, cy) with radii rx, ry, 0
// outside, with a narrow soft edge between.
func ellipse(u, v, cx, cy, rx, ry float64) float64 {
	const edge = 0.04
	dx, dy := (u-cx)/rx, (v-cy)/ry
	d2 := dx*dx + dy*dy
	// Most pixels are clearly in or out; only the rim needs the root.
	switch {
	case d2 >= (1+edge)*(1+edge):
		return 0
	case d2 <= (1-edge)*(1-edge):
		return 1
	}
	return math.Min(1, math.Max(0, (1+edge-math.Sqrt(d2))/(2*edge)))
}

func mix(a, b color.RGBA, t float64) color.RGBA {
	f := func(x, y uint8) uint8 { return uint8(math.Round(float64(x) + (float64(y)-float64(x))*t)) }
	return color.RGBA{f(a.R, b.R), f(a.G, b.G), f(a.B, b.B), 255}
}

func scale(c color.RGBA, k float64) color.RGBA {
	f := func(x uint8) uint8 { return uint8(math.Min(255, float64(x)*k)) }
	return color.RGBA{f(c.R), f(c.G), f(c.B), 255}
}

// hsl converts a hue (degrees), saturation and lightness (0–1) to RGB.
func hsl(h, s, l float64) color.RGBA {
	h = math.Mod(h, 360) / 360
	q := l + s - l*s
	if l < 0.5 {
		q = l * (1 + s)
	}
	p := 2*l - q
	channel := func(t float64) uint8 {
		t = t - math.Floor(t)
		var v float64
		switch {
		case t < 1.0/6:
			v = p + (q-p)*6*t
		case t < 0.5:
			v = q
		case t < 2.0/3:
			v = p + (q-p)*(2.0/3-t)*6
		default:
			v = p
		}
		return uint8(math.Round(v * 255))
	}
	return color.RGBA{channel(h + 1.0/3), channel(h), channel(h - 1.0/3), 255}
}

// photos turns looks into uploads the way a browser's would arrive: each
// JPEG spooled by the file store (hashed, sniffed), then saved together
// with the rows that record them by record, which gets the store's
// NewPhotos. A failed record leaves no file behind, as with an upload.
func photos(ctx context.Context, blobs *files.Store, name string, looks []look, record func([]store.NewPhoto) error) error {
	var sps []*files.Spooled
	defer func() {
		for _, sp := range sps {
			sp.Remove()
		}
	}()
	var nps []store.NewPhoto
	for i, l := range looks {
		var buf bytes.Buffer
		if err := jpeg.Encode(&buf, l.render(), &jpeg.Options{Quality: 82}); err != nil {
			return err
		}
		sp, err := blobs.Spool(&buf, int64(buf.Len()))
		if err != nil {
			return err
		}
		sps = append(sps, sp)
		angle := l.angle
		if l.stage != "" { // a process photo has a stage, not an angle
			angle = ""
		}
		nps = append(nps, store.NewPhoto{Angle: angle, SHA256: sp.SHA256, Size: sp.Size, ContentType: sp.ContentType,
			Name: fmt.Sprintf("%s-%d.jpg", name, i+1), Width: photoW, Height: photoH})
	}
	return blobs.SaveAll(ctx, sps, func() error { return record(nps) })
}
