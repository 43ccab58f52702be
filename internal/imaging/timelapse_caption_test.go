package imaging

import (
	"image"
	"image/color"
	"image/draw"
	"strings"
	"testing"
)

// luma is a pixel's brightness, 0 to 255 (Rec. 601 weights).
func luma(m *image.RGBA, x, y int) int {
	i := m.PixOffset(x, y)
	return (299*int(m.Pix[i]) + 587*int(m.Pix[i+1]) + 114*int(m.Pix[i+2])) / 1000
}

func TestTimelapseCaptionIsLightTextOnADarkBandAtTheBottom(t *testing.T) {
	for _, shape := range []string{ShapeSquare, ShapePortrait} {
		for _, width := range []int{videoWidth, gifWidth} {
			tl, err := plan(TimelapseOptions{Shape: shape}, width)
			if err != nil {
				t.Fatal(err)
			}
			// A light photo of the frame's proportions, so that it
			// fills the frame and the band has to darken it.
			photo := image.NewRGBA(image.Rect(0, 0, tl.width/2, tl.height/2))
			draw.Draw(photo, photo.Rect, image.NewUniform(color.RGBA{210, 190, 170, 255}), image.Point{}, draw.Src)
			plain := tl.card(TimelapseFrame{Image: photo})
			captioned := tl.card(TimelapseFrame{Image: photo, Caption: "Face sculpted"})

			band := tl.width * 2 / captionScale // the band's height, a pixel short
			var differ, dark, light, n int
			for y := tl.height - band; y < tl.height; y++ {
				for x := range tl.width {
					n++
					if luma(plain, x, y) != luma(captioned, x, y) {
						differ++
					}
					switch l := luma(captioned, x, y); {
					case l < 100:
						dark++
					case l > 200:
						light++
					}
				}
			}
			if differ < n*9/10 {
				t.Errorf("%s %d px: %d of %d pixels of the bottom band differ from the photo without caption", shape, width, differ, n)
			}
			if dark < n*7/10 || light < n/100 {
				t.Errorf("%s %d px: the band has %d dark and %d light pixels of %d; want it mostly dark with light text", shape, width, dark, light, n)
			}
			// Above the band, the caption changes nothing.
			for x := range tl.width {
				if y := tl.height - band - 2; luma(plain, x, y) != luma(captioned, x, y) {
					t.Fatalf("%s %d px: the caption reaches above its band at (%d, %d)", shape, width, x, y)
				}
			}
		}
	}
}

func TestTimelapseCaptionLongOrMessyIsOneLineWithinTheFrame(t *testing.T) {
	if got := captionText("  First\tbake\n(130 °C)\x00 "); got != "First bake (130 °C)" {
		t.Errorf("captionText = %q", got)
	}
	tl, err := plan(TimelapseOptions{}, gifWidth)
	if err != nil {
		t.Fatal(err)
	}
	photo := image.NewRGBA(image.Rect(0, 0, 10, 10))
	draw.Draw(photo, photo.Rect, image.NewUniform(color.RGBA{210, 190, 170, 255}), image.Point{}, draw.Src)
	m := tl.card(TimelapseFrame{Image: photo, Caption: strings.Repeat("Very long stage name ", 20)})
	// The margins left and right of the text stay band-dark.
	margin := tl.width / captionScale
	for y := tl.height - tl.width*2/captionScale; y < tl.height; y++ {
		for _, x := range []int{0, margin / 2, tl.width - 1 - margin/2, tl.width - 1} {
			if l := luma(m, x, y); l > 100 {
				t.Fatalf("text at (%d, %d) (luma %d): the long caption was not shortened to fit", x, y, l)
			}
		}
	}
}
