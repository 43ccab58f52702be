package imaging_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"image"
	"image/color"
	"image/draw"
	"image/gif"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"atelier/internal/imaging"
	"atelier/internal/studio"
)

// stagePhoto is a w×h synthetic process photo: a solid background with a
// lighter disc and a dark bar, different for each seed.
func stagePhoto(w, h, seed int) *image.RGBA {
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	bg := color.RGBA{uint8(40 + 50*seed%200), uint8(120 + 30*seed%120), uint8(200 - 20*seed%150), 255}
	draw.Draw(m, m.Rect, image.NewUniform(bg), image.Point{}, draw.Src)
	cx, cy, r := w/2, h/2, min(w, h)/3
	for y := range h {
		for x := range w {
			if (x-cx)*(x-cx)+(y-cy)*(y-cy) < r*r {
				m.SetRGBA(x, y, color.RGBA{230, 200, 170, 255})
			}
		}
	}
	draw.Draw(m, image.Rect(w/10, h*8/10, w*9/10, h*9/10), image.NewUniform(color.RGBA{30, 20, 10, 255}), image.Point{}, draw.Src)
	return m
}

// stages are n process photos of different sizes and proportions, some
// smaller than the video, in stage order.
func stages(n int) []imaging.TimelapseFrame {
	sizes := [][2]int{{800, 600}, {600, 900}, {1200, 1200}, {300, 200}, {1600, 500}, {480, 640}}
	names := []string{"Armature", "Bulking out", "Face sculpted", "First bake", "Painted", "Finished, with its stand"}
	out := make([]imaging.TimelapseFrame, n)
	for i := range out {
		s := sizes[i%len(sizes)]
		out[i] = imaging.TimelapseFrame{Image: stagePhoto(s[0], s[1], i), Caption: names[i%len(names)]}
	}
	return out
}

// needTool returns the path of a program the test needs. Without it the
// test is skipped, except in CI, where a missing tool is a failure.
func needTool(t testing.TB, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is not installed: %v", name, err)
		}
		t.Skipf("%s is not installed", name)
	}
	return path
}

type probed struct {
	CodecName    string `json:"codec_name"`
	PixFmt       string `json:"pix_fmt"`
	Width        int    `json:"width"`
	Height       int    `json:"height"`
	NbReadFrames string `json:"nb_read_frames"`
}

// ffprobe decodes the whole video at path and says what its first video
// stream is and how many frames it has.
func ffprobe(t *testing.T, path string) probed {
	t.Helper()
	bin := needTool(t, "ffprobe")
	out, err := exec.Command(bin, "-v", "error", "-select_streams", "v:0", "-count_frames",
		"-show_entries", "stream=codec_name,pix_fmt,width,height,nb_read_frames", "-of", "json", path).Output()
	if err != nil {
		t.Fatalf("ffprobe %s: %v", path, err)
	}
	var res struct{ Streams []probed }
	if err := json.Unmarshal(out, &res); err != nil || len(res.Streams) != 1 {
		t.Fatalf("ffprobe said %s (%v)", out, err)
	}
	return res.Streams[0]
}

// topLevelBoxes lists the types of the boxes an MP4 file is made of.
func topLevelBoxes(t *testing.T, path string) []string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var types []string
	for len(data) >= 8 {
		size, kind, head := uint64(binary.BigEndian.Uint32(data)), string(data[4:8]), uint64(8)
		switch size {
		case 0: // to the end of the file
			size = uint64(len(data))
		case 1: // a 64-bit size follows the type
			if len(data) < 16 {
				t.Fatalf("truncated box %q", kind)
			}
			size, head = binary.BigEndian.Uint64(data[8:]), 16
		}
		if size < head || size > uint64(len(data)) {
			t.Fatalf("box %q claims %d bytes, %d left", kind, size, len(data))
		}
		types = append(types, kind)
		data = data[size:]
	}
	return types
}

// dirEntries names what is in dir.
func dirEntries(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func TestTimelapseFrameCountIsHoldsPlusFadesBetween(t *testing.T) {
	for _, tc := range []struct {
		name string
		n    int
		opt  imaging.TimelapseOptions
		want int
	}{
		{"defaults: 18 held, 5 fading", 12, imaging.TimelapseOptions{}, 12*18 + 11*5},
		{"one photo has no fade", 1, imaging.TimelapseOptions{}, 18},
		{"24 fps, 500 ms held, 250 ms fade", 4, imaging.TimelapseOptions{FPS: 24, Hold: 500 * time.Millisecond, Fade: 250 * time.Millisecond}, 4*12 + 3*6},
		{"a negative fade is a cut", 5, imaging.TimelapseOptions{Fade: -1}, 5 * 18},
		{"a hold shorter than a frame is one frame", 3, imaging.TimelapseOptions{FPS: 10, Hold: time.Millisecond, Fade: -1}, 3},
		{"no photos", 0, imaging.TimelapseOptions{}, 0},
		{"an unknown shape", 3, imaging.TimelapseOptions{Shape: "round"}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := imaging.TimelapseFrameCount(tc.n, tc.opt); got != tc.want {
				t.Errorf("TimelapseFrameCount(%d) = %d, want %d", tc.n, got, tc.want)
			}
		})
	}
}

func TestTimelapseMP4IsH264Yuv420pFaststartWithEveryFrame(t *testing.T) {
	needTool(t, "ffmpeg")
	for _, tc := range []struct {
		name          string
		photos        int
		opt           imaging.TimelapseOptions
		width, height int
		frames        int
	}{
		{"square at the defaults", 3, imaging.TimelapseOptions{}, 1080, 1080, 3*18 + 2*5},
		{"portrait 4:5 at 24 fps", 4, imaging.TimelapseOptions{Shape: imaging.ShapePortrait, FPS: 24, Hold: 500 * time.Millisecond, Fade: 250 * time.Millisecond}, 1080, 1350, 4*12 + 3*6},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "making-of.mp4")
			var calls, lastDone, lastTotal int
			tc.opt.Progress = func(done, total int) { calls, lastDone, lastTotal = calls+1, done, total }
			size, err := imaging.TimelapseMP4(t.Context(), stages(tc.photos), tc.opt, path)
			if err != nil {
				t.Fatal(err)
			}
			if info, err := os.Stat(path); err != nil || info.Size() != size {
				t.Fatalf("returned size %d, file: %v %v", size, info, err)
			}
			if names := dirEntries(t, dir); !slices.Equal(names, []string{"making-of.mp4"}) {
				t.Errorf("the directory holds %q, want the video alone", names)
			}
			got := ffprobe(t, path)
			want := probed{CodecName: "h264", PixFmt: "yuv420p", Width: tc.width, Height: tc.height, NbReadFrames: strconv.Itoa(tc.frames)}
			if got != want {
				t.Errorf("ffprobe: %+v, want %+v", got, want)
			}
			boxes := topLevelBoxes(t, path)
			moov, mdat := slices.Index(boxes, "moov"), slices.Index(boxes, "mdat")
			if moov < 0 || mdat < 0 || moov > mdat {
				t.Errorf("top-level boxes %q: want moov before mdat (faststart)", boxes)
			}
			if calls != tc.frames || lastDone != tc.frames || lastTotal != tc.frames {
				t.Errorf("progress called %d times, last (%d, %d); want %d times, last (%[4]d, %[4]d)", calls, lastDone, lastTotal, tc.frames)
			}
		})
	}
}

func TestTimelapseMP4WithoutFFmpegIsErrNoFFmpegAndWritesNothing(t *testing.T) {
	dir := t.TempDir()
	_, err := imaging.TimelapseMP4(t.Context(), stages(2), imaging.TimelapseOptions{FFmpeg: "/nonexistent/ffmpeg"}, filepath.Join(dir, "v.mp4"))
	if !errors.Is(err, imaging.ErrNoFFmpeg) {
		t.Fatalf("err = %v, want ErrNoFFmpeg", err)
	}
	if names := dirEntries(t, dir); len(names) != 0 {
		t.Errorf("the directory holds %q, want nothing", names)
	}
}

// fakeFFmpeg writes a shell script to stand in for ffmpeg.
func fakeFFmpeg(t *testing.T, body string) string {
	t.Helper()
	needTool(t, "sh")
	path := filepath.Join(t.TempDir(), "ffmpeg")
	if err := os.WriteFile(path, []byte("#!/bin/sh\n"+body), 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestTimelapseMP4WhenFFmpegFailsLeavesNoFile(t *testing.T) {
	// It reads two frames' worth, writes a partial file where it was told
	// to, and fails.
	bin := fakeFFmpeg(t, `head -c 7000000 >/dev/null
for out; do :; done
echo partial > "$out"
echo "simulated encoder failure" >&2
exit 1
`)
	dir := t.TempDir()
	final := filepath.Join(dir, "v.mp4")
	_, err := imaging.TimelapseMP4(t.Context(), stages(3), imaging.TimelapseOptions{FFmpeg: bin}, final)
	if err == nil || errors.Is(err, imaging.ErrNoFFmpeg) || !strings.Contains(err.Error(), "simulated encoder failure") {
		t.Fatalf("err = %v, want ffmpeg's failure with its message", err)
	}
	if names := dirEntries(t, dir); len(names) != 0 {
		t.Errorf("the directory holds %q, want nothing", names)
	}
}

func TestTimelapseMP4CancelledKillsFFmpegAndLeavesNoFile(t *testing.T) {
	real := needTool(t, "ffmpeg")
	pidFile := filepath.Join(t.TempDir(), "pid")
	bin := fakeFFmpeg(t, "echo $$ > "+pidFile+"\nexec "+real+` "$@"`+"\n")
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	opt := imaging.TimelapseOptions{FFmpeg: bin, Progress: func(done, _ int) {
		if done == 30 {
			cancel()
		}
	}}
	_, err := imaging.TimelapseMP4(ctx, stages(4), opt, filepath.Join(dir, "v.mp4"))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if names := dirEntries(t, dir); len(names) != 0 {
		t.Errorf("the directory holds %q, want nothing", names)
	}
	data, err := os.ReadFile(pidFile)
	if err != nil {
		t.Fatal(err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(data)))
	if err != nil {
		t.Fatal(err)
	}
	if err := syscall.Kill(pid, 0); !errors.Is(err, syscall.ESRCH) {
		t.Errorf("ffmpeg (pid %d) is still there: kill -0 gave %v", pid, err)
	}
}

func TestTimelapseRefusesNoPhotosAndTooMany(t *testing.T) {
	tooMany := make([]imaging.TimelapseFrame, imaging.MaxTimelapsePhotos+1)
	for i := range tooMany {
		tooMany[i] = imaging.TimelapseFrame{Image: image.NewGray(image.Rect(0, 0, 1, 1))}
	}
	for _, frames := range [][]imaging.TimelapseFrame{nil, tooMany} {
		dir := t.TempDir()
		_, err := imaging.TimelapseMP4(t.Context(), frames, imaging.TimelapseOptions{}, filepath.Join(dir, "v.mp4"))
		if studio.ErrorCode(err) != studio.Invalid {
			t.Errorf("MP4 of %d photos: err = %v, want invalid", len(frames), err)
		}
		var buf bytes.Buffer
		if err := imaging.TimelapseGIF(t.Context(), frames, imaging.TimelapseOptions{}, &buf); studio.ErrorCode(err) != studio.Invalid || buf.Len() != 0 {
			t.Errorf("GIF of %d photos: err = %v and %d bytes, want invalid and nothing", len(frames), err, buf.Len())
		}
		if names := dirEntries(t, dir); len(names) != 0 {
			t.Errorf("the directory holds %q, want nothing", names)
		}
	}
}

func TestTimelapseGIFDecodesWithItsFramesDelaysAndLoop(t *testing.T) {
	for _, tc := range []struct {
		name          string
		opt           imaging.TimelapseOptions
		width, height int
		delays        []int // for three photos
	}{
		{"square at the defaults", imaging.TimelapseOptions{}, 480, 480, []int{60, 5, 5, 5, 60, 5, 5, 5, 60}},
		{"portrait, a 1 s hold and a 100 ms fade", imaging.TimelapseOptions{Shape: imaging.ShapePortrait, Hold: time.Second, Fade: 100 * time.Millisecond}, 480, 600, []int{100, 3, 3, 4, 100, 3, 3, 4, 100}},
		{"a 30 ms fade has one step", imaging.TimelapseOptions{Fade: 30 * time.Millisecond}, 480, 480, []int{60, 3, 60, 3, 60}},
		{"a cut", imaging.TimelapseOptions{Fade: -1}, 480, 480, []int{60, 60, 60}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := imaging.TimelapseGIF(t.Context(), stages(3), tc.opt, &buf); err != nil {
				t.Fatal(err)
			}
			g, err := gif.DecodeAll(&buf)
			if err != nil {
				t.Fatal(err)
			}
			if g.LoopCount != 0 {
				t.Errorf("LoopCount = %d, want 0 (forever)", g.LoopCount)
			}
			if g.Config.Width != tc.width || g.Config.Height != tc.height {
				t.Errorf("screen %d×%d, want %d×%d", g.Config.Width, g.Config.Height, tc.width, tc.height)
			}
			if !slices.Equal(g.Delay, tc.delays) || len(g.Image) != len(tc.delays) {
				t.Errorf("%d frames with delays %v, want %v", len(g.Image), g.Delay, tc.delays)
			}
			for i, m := range g.Image {
				if m.Rect != image.Rect(0, 0, tc.width, tc.height) {
					t.Errorf("frame %d covers %v", i, m.Rect)
				}
			}
		})
	}
}

func TestTimelapseGIFStopsWhenCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	opt := imaging.TimelapseOptions{Progress: func(done, _ int) {
		if done == 2 {
			cancel()
		}
	}}
	if err := imaging.TimelapseGIF(ctx, stages(3), opt, io.Discard); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}
