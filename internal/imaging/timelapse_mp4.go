package imaging

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// ErrNoFFmpeg is returned by TimelapseMP4 when the ffmpeg program cannot
// be found, so that the caller can make the GIF instead.
var ErrNoFFmpeg = errors.New("imaging: ffmpeg is not installed")

// videoWidth is the time-lapse video's width: 1080 px, what a phone's
// feed shows full width.
const videoWidth = 1080

// The encoder's settings: veryfast is a few times faster than the default
// preset for a little more size, and CRF 23 (x264's default) has no
// visible loss on a phone.
const (
	x264Preset = "veryfast"
	x264CRF    = "23"
)

// TimelapseMP4 makes the making-of video of frames, in order, and writes
// it to finalPath: H.264 in MP4, yuv420p, its index ('moov') first so that
// a phone starts playing before the download ends, 1080 px wide, square or
// 4:5. Each photo is letterboxed on the studio's dark background with its
// caption drawn along the bottom, held for opt.Hold and cross-faded into
// the next for opt.Fade: TimelapseFrameCount frames in all.
//
// The frames are drawn here and piped to ffmpeg as raw RGB. ffmpeg writes
// to a temporary file next to finalPath, which is renamed to finalPath
// only when ffmpeg succeeded: finalPath never holds a partial video. On
// failure or cancellation of ctx the temporary file is removed and
// ffmpeg killed. It returns the video's size in bytes, and ErrNoFFmpeg
// when there is no ffmpeg to run.
func TimelapseMP4(ctx context.Context, frames []TimelapseFrame, opt TimelapseOptions, finalPath string) (int64, error) {
	if err := checkFrames(frames); err != nil {
		return 0, err
	}
	tl, err := plan(opt, videoWidth)
	if err != nil {
		return 0, err
	}
	bin, err := findFFmpeg(opt.FFmpeg)
	if err != nil {
		return 0, err
	}
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	tmp, err := os.CreateTemp(filepath.Dir(finalPath), "."+filepath.Base(finalPath)+".*.tmp")
	if err != nil {
		return 0, err
	}
	tmpPath := tmp.Name()
	tmp.Close()
	done := false
	defer func() {
		if !done {
			os.Remove(tmpPath)
		}
	}()
	if err := tl.encode(ctx, bin, frames, opt.Progress, tmpPath); err != nil {
		return 0, err
	}
	size, err := publish(tmpPath, finalPath)
	if err != nil {
		return 0, err
	}
	done = true
	return size, nil
}

// findFFmpeg is the path of the ffmpeg to run: path, or "ffmpeg" on PATH
// when path is empty.
func findFFmpeg(path string) (string, error) {
	if path == "" {
		path = "ffmpeg"
	}
	bin, err := exec.LookPath(path)
	if err != nil {
		return "", fmt.Errorf("%w (%v)", ErrNoFFmpeg, err)
	}
	return bin, nil
}

// ffmpegArgs are ffmpeg's arguments for tl, reading raw frames from its
// standard input and writing an MP4 to out. The RGB frames are converted
// with the BT.709 matrix and the video tagged as BT.709, which is what
// players assume of HD video; swscale's default (BT.601, untagged) shifts
// the colours of skin and clay slightly on a phone.
func (tl timeline) ffmpegArgs(out string) []string {
	return []string{
		"-hide_banner", "-loglevel", "error",
		"-f", "rawvideo", "-pix_fmt", "rgb24",
		"-s", strconv.Itoa(tl.width) + "x" + strconv.Itoa(tl.height),
		"-r", strconv.Itoa(tl.fps), "-i", "-",
		"-vf", "scale=out_color_matrix=bt709:out_range=tv",
		"-c:v", "libx264", "-preset", x264Preset, "-crf", x264CRF,
		"-pix_fmt", "yuv420p",
		"-colorspace", "bt709", "-color_primaries", "bt709", "-color_trc", "bt709", "-color_range", "tv",
		"-movflags", "+faststart", "-an",
		"-f", "mp4", "-y", out,
	}
}

// encode runs ffmpeg on the frames of tl, writing the video to out.
func (tl timeline) encode(ctx context.Context, bin string, frames []TimelapseFrame, progress func(int, int), out string) error {
	cmd := exec.CommandContext(ctx, bin, tl.ffmpegArgs(out)...)
	var stderr tail
	cmd.Stderr = &stderr
	cmd.WaitDelay = 5 * time.Second
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("imaging: starting ffmpeg: %w", err)
	}
	werr := tl.writeVideo(ctx, stdin, frames, progress)
	if werr != nil {
		// Whatever went wrong, ffmpeg must not finish a video from
		// the frames it has.
		cmd.Process.Kill()
	}
	stdin.Close()
	err = cmd.Wait()
	switch {
	case ctx.Err() != nil:
		return ctx.Err()
	case werr != nil && !errors.Is(werr, syscall.EPIPE):
		return werr
	case err != nil:
		// This includes the pipe breaking: ffmpeg's exit says why.
		return fmt.Errorf("imaging: ffmpeg: %w: %s", err, stderr.String())
	}
	return werr
}

// publish moves the finished video at tmp to final, once it is on disk,
// and returns its size.
func publish(tmp, final string) (int64, error) {
	f, err := os.Open(tmp)
	if err != nil {
		return 0, err
	}
	info, err := f.Stat()
	if err == nil {
		err = f.Sync()
	}
	f.Close()
	if err != nil {
		return 0, err
	}
	if info.Size() == 0 {
		return 0, errors.New("imaging: ffmpeg succeeded but wrote nothing")
	}
	// os.CreateTemp made it private to us; a published video is not.
	if err := os.Chmod(tmp, 0o644); err != nil {
		return 0, err
	}
	if err := os.Rename(tmp, final); err != nil {
		return 0, err
	}
	return info.Size(), nil
}

// tail keeps the last bytes written to it: the end of ffmpeg's error
// output, which says why it failed.
type tail struct{ b []byte }

const tailMax = 2048

func (t *tail) Write(p []byte) (int, error) {
	t.b = append(t.b, p...)
	if len(t.b) > tailMax {
		t.b = t.b[len(t.b)-tailMax:]
	}
	return len(p), nil
}

func (t *tail) String() string { return strings.TrimSpace(string(t.b)) }
