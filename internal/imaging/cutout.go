package imaging

import (
	"context"
	"fmt"
	"image"

	"atelier/internal/studio"
)

// The interactive cut-out: the artist drags a rectangle around the figure
// on a reference photo and, where the result is wrong, draws a few strokes
// over figure or background and runs it again. It is GrabCut (Rother,
// Kolmogorov and Blake, 2004): colour models of figure and background,
// each a mixture of Gaussians, alternate with a minimum graph cut that
// balances them against the image's edges. It runs on a reduced copy of
// the photo; a second graph cut at full size then decides the pixels of a
// narrow band along the edge it found.

// CutoutRect is the artist's rectangle around the figure, in pixels of the
// upright image.
type CutoutRect struct{ X, Y, W, H int }

// CutoutStroke is a line the artist drew: Figure true marks figure, false
// background. Points are in pixels of the upright image; Width is the
// brush's diameter in pixels.
type CutoutStroke struct {
	Figure bool
	Points []image.Point
	Width  int
}

// CutoutRequest is what the artist asks for: the rectangle, and the strokes
// drawn so far (none on the first run).
type CutoutRequest struct {
	Rect    CutoutRect
	Strokes []CutoutStroke
}

// The limits on strokes: generous for a hand on a screen, and small enough
// that drawing them costs nothing next to the cut.
const (
	maxStrokes      = 50
	maxStrokePoints = 2000
	maxStrokeWidth  = 500
)

// Validate checks the request against an image of w × h: a rectangle
// inside the image and of positive size (field "rect"), strokes with
// 1–2000 points each inside the image, width 1–500 px, at most 50 strokes
// (field "strokes").
func (r CutoutRequest) Validate(w, h int) error {
	f := studio.Fields{}
	if why := r.Rect.problem(w, h); why != "" {
		f.Add("rect", why)
	}
	if why := strokesProblem(r.Strokes, w, h); why != "" {
		f.Add("strokes", why)
	}
	return f.Err()
}

// problem says what is wrong with the rectangle on a w × h image, or "".
func (c CutoutRect) problem(w, h int) string {
	switch {
	case c.W <= 0 || c.H <= 0:
		return fmt.Sprintf("must have a positive width and height (it is %d × %d)", c.W, c.H)
	case c.X < 0 || c.Y < 0 || c.X > w-c.W || c.Y > h-c.H:
		return fmt.Sprintf("must lie inside the photo of %d × %d pixels", w, h)
	}
	return ""
}

// strokesProblem says what is wrong with the first faulty stroke, or "".
func strokesProblem(strokes []CutoutStroke, w, h int) string {
	if len(strokes) > maxStrokes {
		return fmt.Sprintf("may be at most %d (there are %d)", maxStrokes, len(strokes))
	}
	for i, s := range strokes {
		n := i + 1
		switch {
		case len(s.Points) == 0 || len(s.Points) > maxStrokePoints:
			return fmt.Sprintf("must have 1 to %d points each (stroke %d has %d)", maxStrokePoints, n, len(s.Points))
		case s.Width < 1 || s.Width > maxStrokeWidth:
			return fmt.Sprintf("must be 1 to %d pixels wide (stroke %d is %d)", maxStrokeWidth, n, s.Width)
		}
		for _, p := range s.Points {
			if p.X < 0 || p.Y < 0 || p.X >= w || p.Y >= h {
				return fmt.Sprintf("must lie inside the photo (stroke %d has the point %d,%d)", n, p.X, p.Y)
			}
		}
	}
	return ""
}

// Cutout returns the figure's mask, the size of img, 255 inside and 0
// outside (an *image.Gray whose bounds start at 0,0), and its area in
// pixels. Coordinates in req are relative to img's top-left corner. An
// invalid request is refused with the studio's Invalid error; a cancelled
// ctx stops the work and returns ctx's error.
func Cutout(ctx context.Context, img image.Image, req CutoutRequest) (*image.Gray, int, error) {
	b := img.Bounds()
	if err := req.Validate(b.Dx(), b.Dy()); err != nil {
		return nil, 0, err
	}
	src := newPixelSource(img)
	small := reduce(src, cutoutTargetPixels)
	if err := ctx.Err(); err != nil {
		return nil, 0, err
	}
	cut, err := grabCut(ctx, small, req)
	if err != nil {
		return nil, 0, err
	}
	cut.clean()
	mask, err := refine(ctx, src, small, cut, req)
	if err != nil {
		return nil, 0, err
	}
	return mask, countFigure(mask), nil
}

// cutoutTargetPixels is about the size of the reduced copy the colour
// models and the first cut work on: fine enough for a figure's outline,
// small enough for a few rounds of graph cuts well inside the time budget.
const cutoutTargetPixels = 250_000

// countFigure is the number of figure pixels in mask.
func countFigure(mask *image.Gray) int {
	n := 0
	for _, v := range mask.Pix {
		if v != 0 {
			n++
		}
	}
	return n
}
