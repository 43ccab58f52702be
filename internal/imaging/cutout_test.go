package imaging_test

import (
	"context"
	"errors"
	"image"
	"strings"
	"testing"

	"atelier/internal/imaging"
	"atelier/internal/studio"
)

func TestCutoutFindsTheFigureWithARectangleAlone(t *testing.T) {
	for _, tc := range []struct {
		name     string
		w, h     int
		backdrop int
	}{
		{"plain", 900, 700, plainBackdrop},
		{"textured", 900, 700, texturedBackdrop},
		{"textured in tones near the skin's", 900, 700, warmBackdrop},
		{"plain, small enough to need no reduction", 400, 300, plainBackdrop},
		{"textured, small enough to need no reduction", 400, 300, texturedBackdrop},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sc := newScene(tc.w, tc.h, tc.backdrop, 1)
			mask, _, err := imaging.Cutout(context.Background(), sc.img, imaging.CutoutRequest{Rect: sc.rect})
			if err != nil {
				t.Fatal(err)
			}
			got := iou(mask, sc.truth)
			t.Logf("IoU %.5f", got)
			if got < 0.95 {
				t.Errorf("IoU with the hand-made mask is %.4f, want ≥ 0.95", got)
			}
		})
	}
}

func TestCutoutNeedsTheArtistsStrokesOnClutter(t *testing.T) {
	sc := newScene(900, 700, clutteredBackdrop, 1)
	rectOnly, _, err := imaging.Cutout(context.Background(), sc.img, imaging.CutoutRequest{Rect: sc.rect})
	if err != nil {
		t.Fatal(err)
	}
	before := iou(rectOnly, sc.truth)
	req := imaging.CutoutRequest{Rect: sc.rect, Strokes: []imaging.CutoutStroke{sc.figure, sc.background}}
	mask, _, err := imaging.Cutout(context.Background(), sc.img, req)
	if err != nil {
		t.Fatal(err)
	}
	after := iou(mask, sc.truth)
	t.Logf("IoU %.5f with the rectangle alone, %.5f with two strokes", before, after)
	if after < 0.9 {
		t.Errorf("IoU with two strokes is %.4f, want ≥ 0.9", after)
	}
	if before >= 0.9 {
		t.Errorf("IoU with the rectangle alone is %.4f: the clutter no longer tests the strokes", before)
	}
}

func TestCutoutMaskIsTheImagesSizeAndBinary(t *testing.T) {
	sc := newScene(900, 700, texturedBackdrop, 2)
	// A photo whose bounds do not start at 0,0, as a sub-image has.
	big := image.NewRGBA(image.Rect(-50, -30, 950, 700))
	for y := range 700 {
		copy(big.Pix[big.PixOffset(0, y):], sc.img.Pix[sc.img.PixOffset(0, y):sc.img.PixOffset(900, y)])
	}
	photo := big.SubImage(image.Rect(0, 0, 900, 700))
	mask, area, err := imaging.Cutout(context.Background(), photo, imaging.CutoutRequest{Rect: sc.rect})
	if err != nil {
		t.Fatal(err)
	}
	if mask.Rect != image.Rect(0, 0, 900, 700) {
		t.Fatalf("mask bounds %v, want (0,0)-(900,700)", mask.Rect)
	}
	n := 0
	for _, v := range mask.Pix {
		switch v {
		case 255:
			n++
		case 0:
		default:
			t.Fatalf("mask holds %d; only 0 and 255 are allowed", v)
		}
	}
	if area != n || n == 0 {
		t.Errorf("area %d, the mask has %d figure pixels", area, n)
	}
	if got := iou(mask, sc.truth); got < 0.95 {
		t.Errorf("IoU %.4f on a sub-image, want ≥ 0.95", got)
	}
}

func TestCutoutRequestValidateRefusesBadInput(t *testing.T) {
	line := func(n int) []image.Point {
		pts := make([]image.Point, n)
		for i := range pts {
			pts[i] = image.Pt(i%100, 10)
		}
		return pts
	}
	ok := imaging.CutoutRect{X: 10, Y: 10, W: 50, H: 40}
	stroke := imaging.CutoutStroke{Figure: true, Points: line(3), Width: 5}
	many := make([]imaging.CutoutStroke, 51)
	for i := range many {
		many[i] = stroke
	}
	for _, tc := range []struct {
		name  string
		req   imaging.CutoutRequest
		field string // "" for a valid request
	}{
		{"a rectangle and a stroke inside", imaging.CutoutRequest{Rect: ok, Strokes: []imaging.CutoutStroke{stroke}}, ""},
		{"the whole photo", imaging.CutoutRequest{Rect: imaging.CutoutRect{W: 200, H: 100}}, ""},
		{"past the right edge", imaging.CutoutRequest{Rect: imaging.CutoutRect{X: 150, Y: 0, W: 51, H: 10}}, "rect"},
		{"past the bottom edge", imaging.CutoutRequest{Rect: imaging.CutoutRect{X: 0, Y: 95, W: 10, H: 6}}, "rect"},
		{"negative origin", imaging.CutoutRequest{Rect: imaging.CutoutRect{X: -1, Y: 0, W: 10, H: 10}}, "rect"},
		{"zero width", imaging.CutoutRequest{Rect: imaging.CutoutRect{X: 5, Y: 5, W: 0, H: 10}}, "rect"},
		{"negative height", imaging.CutoutRequest{Rect: imaging.CutoutRect{X: 5, Y: 50, W: 10, H: -10}}, "rect"},
		{"a stroke outside", imaging.CutoutRequest{Rect: ok, Strokes: []imaging.CutoutStroke{
			{Points: []image.Point{{10, 10}, {200, 10}}, Width: 5}}}, "strokes"},
		{"a stroke above", imaging.CutoutRequest{Rect: ok, Strokes: []imaging.CutoutStroke{
			{Points: []image.Point{{10, -1}}, Width: 5}}}, "strokes"},
		{"a stroke of no points", imaging.CutoutRequest{Rect: ok, Strokes: []imaging.CutoutStroke{{Width: 5}}}, "strokes"},
		{"too many points", imaging.CutoutRequest{Rect: ok, Strokes: []imaging.CutoutStroke{{Points: line(2001), Width: 5}}}, "strokes"},
		{"zero width stroke", imaging.CutoutRequest{Rect: ok, Strokes: []imaging.CutoutStroke{{Points: line(2), Width: 0}}}, "strokes"},
		{"too wide a stroke", imaging.CutoutRequest{Rect: ok, Strokes: []imaging.CutoutStroke{{Points: line(2), Width: 501}}}, "strokes"},
		{"too many strokes", imaging.CutoutRequest{Rect: ok, Strokes: many}, "strokes"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.req.Validate(200, 100)
			if tc.field == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			e, isStudio := errors.AsType[*studio.Error](err)
			if !isStudio || e.Code != studio.Invalid || e.Fields[tc.field] == "" {
				t.Fatalf("got %v, want an Invalid error on field %q", err, tc.field)
			}
			if len(e.Fields) != 1 {
				t.Errorf("fields %v, want only %q", e.Fields, tc.field)
			}
		})
	}
}

func TestCutoutRefusesAnInvalidRequest(t *testing.T) {
	sc := newScene(200, 100, plainBackdrop, 1)
	_, _, err := imaging.Cutout(context.Background(), sc.img, imaging.CutoutRequest{Rect: imaging.CutoutRect{X: 150, W: 60, H: 10}})
	if studio.ErrorCode(err) != studio.Invalid || !strings.Contains(err.Error(), "rect") {
		t.Fatalf("got %v, want an Invalid error about rect", err)
	}
}

func TestCutoutStopsWhenCancelled(t *testing.T) {
	sc := newScene(900, 700, texturedBackdrop, 1)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	mask, _, err := imaging.Cutout(ctx, sc.img, imaging.CutoutRequest{Rect: sc.rect})
	if !errors.Is(err, context.Canceled) || mask != nil {
		t.Fatalf("got %v, %v; want no mask and context.Canceled", mask != nil, err)
	}
}

func TestCutoutSurvivesDegenerateRequests(t *testing.T) {
	sc := newScene(900, 700, texturedBackdrop, 3)
	for _, tc := range []struct {
		name string
		img  image.Image
		req  imaging.CutoutRequest
	}{
		{"one pixel", image.NewRGBA(image.Rect(0, 0, 1, 1)), imaging.CutoutRequest{Rect: imaging.CutoutRect{W: 1, H: 1}}},
		{"a rectangle of one pixel", sc.img, imaging.CutoutRequest{Rect: imaging.CutoutRect{X: 451, Y: 233, W: 1, H: 1}}},
		{"the whole photo", sc.img, imaging.CutoutRequest{Rect: imaging.CutoutRect{W: 900, H: 700}}},
		{"a sliver of a photo", image.NewGray(image.Rect(0, 0, 3000, 2)), imaging.CutoutRequest{Rect: imaging.CutoutRect{X: 10, W: 100, H: 2}}},
		{"strokes only of figure", sc.img, imaging.CutoutRequest{Rect: imaging.CutoutRect{W: 900, H: 700},
			Strokes: []imaging.CutoutStroke{{Figure: true, Points: []image.Point{{0, 0}, {899, 699}}, Width: 500}}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mask, area, err := imaging.Cutout(context.Background(), tc.img, tc.req)
			if err != nil {
				t.Fatal(err)
			}
			if mask.Rect.Size() != tc.img.Bounds().Size() {
				t.Fatalf("mask %v for an image of %v", mask.Rect, tc.img.Bounds())
			}
			n := 0
			for _, v := range mask.Pix {
				if v != 0 && v != 255 {
					t.Fatalf("mask holds %d", v)
				}
				if v == 255 {
					n++
				}
			}
			if n != area {
				t.Errorf("area %d, mask %d", area, n)
			}
		})
	}
}
