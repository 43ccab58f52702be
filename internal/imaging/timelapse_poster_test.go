package imaging_test

import (
	"bytes"
	"image"
	"image/jpeg"
	"testing"

	"atelier/internal/imaging"
)

// The poster is a frame of the video: its size in both shapes, a JPEG;
// and a photo without pixels is refused as the video refuses it.
func TestTimelapsePosterIsAFrameOfTheVideo(t *testing.T) {
	f := imaging.TimelapseFrame{Image: stagePhoto(300, 200, 1), Caption: "Paint"}
	for shape, h := range map[string]int{imaging.ShapeSquare: 1080, imaging.ShapePortrait: 1350} {
		var buf bytes.Buffer
		if err := imaging.TimelapsePoster(f, imaging.TimelapseOptions{Shape: shape}, &buf); err != nil {
			t.Fatal(err)
		}
		img, err := jpeg.Decode(&buf)
		if err != nil || img.Bounds() != image.Rect(0, 0, 1080, h) {
			t.Fatalf("%s poster: %v, %v", shape, img.Bounds(), err)
		}
	}
	if err := imaging.TimelapsePoster(imaging.TimelapseFrame{Image: image.NewRGBA(image.Rect(0, 0, 0, 0))}, imaging.TimelapseOptions{}, &bytes.Buffer{}); err == nil {
		t.Fatal("a photo without pixels made a poster")
	}
}
