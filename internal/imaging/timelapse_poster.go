package imaging

import (
	"image/jpeg"
	"io"
)

// posterQuality is the poster's JPEG quality: it is shown before the
// video plays and in link previews, at the video's size.
const posterQuality = 85

// TimelapsePoster writes f as the time-lapse's poster: the frame the video
// shows for that photo (same size, letterboxing and caption), as a JPEG,
// so that the picture before the video plays is the video's own.
func TimelapsePoster(f TimelapseFrame, opt TimelapseOptions, w io.Writer) error {
	if err := checkFrames([]TimelapseFrame{f}); err != nil {
		return err
	}
	tl, err := plan(opt, videoWidth)
	if err != nil {
		return err
	}
	return jpeg.Encode(w, tl.card(f), &jpeg.Options{Quality: posterQuality})
}
