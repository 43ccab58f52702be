package imaging

import (
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"io"
	"time"

	kimaging "github.com/kovidgoyal/imaging"

	"atelier/internal/studio"
)

// TimelapseFrame is one process photo of the making-of time-lapse: the
// photo, already upright, and the name of the stage it shows.
type TimelapseFrame struct {
	Image   image.Image
	Caption string
}

// The shapes of a time-lapse: what a phone plays full width in a feed.
const (
	ShapeSquare   = "square"   // 1080 × 1080
	ShapePortrait = "portrait" // 1080 × 1350, 4:5
)

// TimelapseOptions says how a time-lapse is made. The zero value is a
// square video at 30 frames a second, each photo held 600 ms with a 150 ms
// cross-fade into the next.
type TimelapseOptions struct {
	// Shape is ShapeSquare (the default when empty) or ShapePortrait.
	Shape string
	// FPS is the video's frame rate, 1 to 60; 0 means 30.
	FPS int
	// Hold is how long each photo is shown on its own; 0 means 600 ms.
	// At least one frame is shown.
	Hold time.Duration
	// Fade is the cross-fade from each photo into the next; 0 means
	// 150 ms, a negative value none (a cut).
	Fade time.Duration
	// FFmpeg is the path of the ffmpeg program; "" looks up "ffmpeg" on
	// PATH. Only TimelapseMP4 uses it.
	FFmpeg string
	// Progress, when set, is called after each frame is written with the
	// number of frames written and the total (video frames for the MP4,
	// GIF frames for the GIF), on the caller's goroutine.
	Progress func(done, total int)
}

// MaxTimelapsePhotos is the most photos one time-lapse takes: 500 photos
// make a video of about five minutes, far longer than anyone watches.
const MaxTimelapsePhotos = 500

// Defaults of TimelapseOptions.
const (
	defaultFPS  = 30
	defaultHold = 600 * time.Millisecond
	defaultFade = 150 * time.Millisecond
)

// studioDark is the studio's dark background (the dark theme's --bg):
// what shows around a letterboxed photo.
var studioDark = color.RGBA{0x17, 0x16, 0x14, 0xFF}

// timeline is a time-lapse's arithmetic, decided once from the options.
type timeline struct {
	width, height int
	fps           int
	hold, fade    int // frames
}

// checkFrames refuses no photos, too many, or a photo without pixels.
func checkFrames(frames []TimelapseFrame) error {
	if len(frames) == 0 {
		return studio.Errorf(studio.Invalid, "A time-lapse needs at least one process photo.")
	}
	if len(frames) > MaxTimelapsePhotos {
		return studio.Errorf(studio.Invalid, "A time-lapse takes at most %d photos; this one has %d.", MaxTimelapsePhotos, len(frames))
	}
	for i, f := range frames {
		if f.Image == nil || f.Image.Bounds().Empty() {
			return fmt.Errorf("imaging: time-lapse photo %d has no pixels", i+1)
		}
	}
	return nil
}

// plan works out from opt the timeline of a time-lapse whose frames are
// width pixels wide.
func plan(opt TimelapseOptions, width int) (timeline, error) {
	tl := timeline{width: width, fps: opt.FPS}
	switch opt.Shape {
	case ShapeSquare, "":
		tl.height = width
	case ShapePortrait:
		tl.height = width * 5 / 4
	default:
		return timeline{}, errors.New("imaging: unknown time-lapse shape " + opt.Shape)
	}
	if tl.fps == 0 {
		tl.fps = defaultFPS
	}
	if tl.fps < 1 || tl.fps > 60 {
		return timeline{}, errors.New("imaging: time-lapse frame rate must be 1 to 60")
	}
	hold, fade := opt.Hold, opt.Fade
	if hold <= 0 {
		hold = defaultHold
	}
	if fade == 0 {
		fade = defaultFade
	}
	tl.hold = max(1, framesOf(hold, tl.fps))
	tl.fade = max(0, framesOf(fade, tl.fps))
	return tl, nil
}

// framesOf is d at fps frames a second, rounded to the nearest frame
// (halves up: 150 ms at 30 fps is 5 frames).
func framesOf(d time.Duration, fps int) int {
	return int((d*time.Duration(fps) + time.Second/2) / time.Second)
}

// total is the number of video frames for n photos: each photo held, then
// a cross-fade into the next, and no fade after the last,
//
//	n × round(Hold × FPS) + (n − 1) × round(Fade × FPS).
func (tl timeline) total(n int) int { return n*tl.hold + (n-1)*tl.fade }

// TimelapseFrameCount is the number of video frames TimelapseMP4 writes
// for n photos with opt (see timeline.total for the formula), or 0 when
// the options are not valid.
func TimelapseFrameCount(n int, opt TimelapseOptions) int {
	tl, err := plan(opt, videoWidth)
	if err != nil || n <= 0 {
		return 0
	}
	return tl.total(n)
}

// card draws one photo as a frame of the time-lapse: letterboxed, never
// cropped, on the studio's dark background, with its caption along the
// bottom. Letterboxing rather than cover-cropping because a process photo
// is framed by the artist: cropping a 3:4 photo to a square would cut the
// head or the base off the figure the time-lapse is about.
func (tl timeline) card(f TimelapseFrame) *image.RGBA {
	canvas := image.NewRGBA(image.Rect(0, 0, tl.width, tl.height))
	draw.Draw(canvas, canvas.Rect, image.NewUniform(studioDark), image.Point{}, draw.Src)
	photo := scaleInto(f.Image, tl.width, tl.height)
	b := photo.Bounds()
	at := image.Pt((tl.width-b.Dx())/2, (tl.height-b.Dy())/2)
	draw.Draw(canvas, b.Sub(b.Min).Add(at), photo, b.Min, draw.Over)
	drawCaption(canvas, f.Caption)
	return canvas
}

// scaleInto scales img to the largest size that fits w × h with its
// proportions kept (enlarging a small photo: the video has one size), as
// an image draw.Draw has a fast path for.
func scaleInto(img image.Image, w, h int) image.Image {
	sw, sh := img.Bounds().Dx(), img.Bounds().Dy()
	// Compare sw/sh with w/h without division: fit the width or the height.
	fw, fh := w, max(1, (sh*w+sw/2)/sw)
	if sw*h < sh*w {
		fw, fh = max(1, (sw*h+sh/2)/sh), h
	}
	if fw != sw || fh != sh {
		img = resize(img, fw, fh)
	}
	switch img.(type) {
	case *image.RGBA, *image.NRGBA, *image.YCbCr, *image.Gray:
		return img
	}
	return kimaging.Clone(img)
}

// writeVideo writes the time-lapse of frames to w as raw 24-bit RGB
// frames, one after the other: each photo's card tl.hold times, then
// tl.fade frames fading into the next. Only three cards are held at a
// time, so 500 photos take no more memory than a few.
func (tl timeline) writeVideo(ctx context.Context, w io.Writer, frames []TimelapseFrame, progress func(int, int)) error {
	total, done := tl.total(len(frames)), 0
	put := func(frame []byte) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		if _, err := w.Write(frame); err != nil {
			return err
		}
		done++
		if progress != nil {
			progress(done, total)
		}
		return nil
	}
	cur := rgb24(tl.card(frames[0]))
	mix := make([]byte, len(cur))
	for i := range frames {
		// The next card is drawn while ffmpeg encodes this one's
		// frames: the two take turns otherwise, and each waits.
		ahead := make(chan []byte, 1)
		if i < len(frames)-1 {
			go func() { ahead <- rgb24(tl.card(frames[i+1])) }()
		}
		for range tl.hold {
			if err := put(cur); err != nil {
				if i < len(frames)-1 {
					<-ahead // the caller's photo is not read after we return
				}
				return err
			}
		}
		if i == len(frames)-1 {
			break
		}
		next := <-ahead
		for k := 1; k <= tl.fade; k++ {
			blend(mix, cur, next, k, tl.fade+1)
			if err := put(mix); err != nil {
				return err
			}
		}
		cur = next
	}
	return nil
}

// rgb24 is m's pixels as ffmpeg's rgb24: three bytes a pixel, row after
// row. The cards are opaque, so the premultiplied RGB is the colour.
func rgb24(m *image.RGBA) []byte {
	w, h := m.Rect.Dx(), m.Rect.Dy()
	out := make([]byte, 0, 3*w*h)
	for y := range h {
		row := m.Pix[y*m.Stride : y*m.Stride+4*w]
		for x := 0; x < len(row); x += 4 {
			out = append(out, row[x], row[x+1], row[x+2])
		}
	}
	return out
}

// blend sets dst to the mix of a and b that is k/n of the way from a to b,
// rounded; dst, a and b have the same length.
func blend(dst, a, b []byte, k, n int) {
	for i := range dst {
		dst[i] = uint8((int(a[i])*(n-k) + int(b[i])*k + n/2) / n)
	}
}
