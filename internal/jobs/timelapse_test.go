package jobs

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"image/gif"
	"image/jpeg"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"atelier/internal/files"
	"atelier/internal/files/filestest"
	"atelier/internal/imaging"
	"atelier/internal/imaging/imagingtest"
	"atelier/internal/intake"
	"atelier/internal/store"
	"atelier/internal/store/storetest"
	"atelier/internal/studio"
)

// tlSetup is a store with a studio and a piece that has process photos,
// and the runner working its jobs.
type tlSetup struct {
	st           *store.Store
	blobs        *files.Store
	studio       studio.Studio
	other        studio.Studio
	piece        string
	desk         *intake.Desk
	stopRunner   func()
	originalSHAs []string
}

// startTimelapse opens a store of dialect d with a piece and n process
// photos at the first stages, and starts a runner whose ffmpeg is the
// program given.
func startTimelapse(t *testing.T, d store.Dialect, n int, ffmpeg string) *tlSetup {
	t.Helper()
	ctx := t.Context()
	s := &tlSetup{st: storetest.Open(t, d, nil)}
	s.blobs, _ = filestest.Open(t)
	s.studio, _ = s.st.CreateStudio(ctx, studio.NewStudio("ana", "Ana's Minis", "Ana"))
	s.other, _ = s.st.CreateStudio(ctx, studio.NewStudio("ben", "Ben", "Ben"))
	p, err := s.st.CreatePiece(ctx, s.studio.ID, "", studio.NewPieceFields{Subject: "Rose", ClayBrands: []string{"premo"}, TargetHeightMM: 40})
	if err != nil {
		t.Fatal(err)
	}
	s.piece = p.ID
	for i := range n {
		s.addPhoto(t, studio.Concept, 640+40*i, 480)
	}
	s.desk = &intake.Desk{Store: s.st, Files: s.blobs, Log: testLog(t)}
	s.run(t, ffmpeg)
	return s
}

// run starts a runner with the given ffmpeg, stopping the one before.
func (s *tlSetup) run(t *testing.T, ffmpeg string) {
	t.Helper()
	if s.stopRunner != nil {
		s.stopRunner()
	}
	r, err := New(t.Context(), s.st, Config{Files: s.blobs, Log: testLog(t), FFmpeg: ffmpeg})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	var once sync.Once
	s.stopRunner = func() { once.Do(func() { stop(t, r) }) }
	t.Cleanup(s.stopRunner)
}

// addPhoto uploads a synthetic process photo of the piece at stage.
func (s *tlSetup) addPhoto(t *testing.T, stage studio.Stage, w, h int) {
	t.Helper()
	data := imagingtest.JPEG(t, imagingtest.Photo(w, h), 90)
	sha, size, err := s.blobs.Put(t.Context(), bytes.NewReader(data), 1<<30)
	if err != nil {
		t.Fatal(err)
	}
	s.originalSHAs = append(s.originalSHAs, sha)
	_, err = s.st.AddProcessPhotos(t.Context(), s.studio.ID, s.piece, stage, false, "",
		[]store.NewPhoto{{SHA256: sha, Size: size, ContentType: "image/jpeg", Name: "wip.jpg", Width: w, Height: h}})
	if err != nil {
		t.Fatal(err)
	}
}

// waitTimelapse waits until the time-lapse's row satisfies cond.
func (s *tlSetup) waitTimelapse(t *testing.T, what string, cond func(store.Timelapse) bool) store.Timelapse {
	t.Helper()
	var tl store.Timelapse
	waitFor(t, what, func() bool {
		var err error
		tl, err = s.st.Timelapse(t.Context(), s.studio.ID, s.piece)
		if err != nil {
			t.Fatal(err)
		}
		return cond(tl)
	})
	return tl
}

// get serves a file of the time-lapse through the desk, as the API does.
func (s *tlSetup) get(t *testing.T, studioID, kind, rangeHeader string) (*httptest.ResponseRecorder, error) {
	t.Helper()
	r := httptest.NewRequest(http.MethodGet, "/timelapse", nil)
	if rangeHeader != "" {
		r.Header.Set("Range", rangeHeader)
	}
	w := httptest.NewRecorder()
	return w, s.desk.ServeTimelapseFile(w, r, studioID, s.piece, kind)
}

// blobCount is the number of blobs stored.
func (s *tlSetup) blobCount(t *testing.T) int {
	t.Helper()
	n := 0
	if err := s.blobs.List(t.Context(), func(files.Blob) error { n++; return nil }); err != nil {
		t.Fatal(err)
	}
	return n
}

// needFFmpeg skips a test that checks the MP4 where ffmpeg is missing,
// except in CI, whose image has it.
func needFFmpeg(t *testing.T) {
	t.Helper()
	for _, bin := range []string{"ffmpeg", "ffprobe"} {
		if _, err := exec.LookPath(bin); err != nil {
			if os.Getenv("CI") != "" {
				t.Fatalf("%s is missing in CI: %v", bin, err)
			}
			t.Skipf("%s is not installed", bin)
		}
	}
}

// The time-lapse end to end: asked for, made by the job with progress on
// the way, an MP4 phones play (H.264, yuv420p, its index first, the
// frames the photos make), the GIF and the poster; served with ranges to
// its studio and to no other; remade after a photo is added.
func TestTimelapseJobMakesTheVideo(t *testing.T) {
	needFFmpeg(t)
	storetest.EachDialect(t, func(t *testing.T, d store.Dialect) {
		s := startTimelapse(t, d, 3, "ffmpeg")
		if _, err := s.desk.TimelapseStatus(t.Context(), s.studio.ID, s.piece); err != nil {
			t.Fatal(err)
		}
		tl, err := s.st.RequestTimelapse(t.Context(), s.studio.ID, s.piece)
		if err != nil || tl.Status != store.TimelapseQueued {
			t.Fatalf("requested: %+v, %v", tl, err)
		}
		if _, err := s.get(t, s.studio.ID, intake.TimelapseMP4, ""); studio.ErrorCode(err) != studio.NotFound {
			t.Fatalf("the MP4 before it is made: %v", err)
		}
		tl = s.waitTimelapse(t, "the time-lapse ready", func(tl store.Timelapse) bool { return tl.Status == store.TimelapseReady })
		if tl.MP4 == nil || tl.GIF == nil || tl.Poster == nil || tl.Progress != 1 || tl.Error != "" || tl.Stale() {
			t.Fatalf("ready: %+v", tl)
		}

		w, err := s.get(t, s.studio.ID, intake.TimelapseMP4, "")
		if err != nil || w.Code != http.StatusOK || w.Header().Get("Content-Type") != "video/mp4" || w.Body.Len() != int(tl.MP4.Size) {
			t.Fatalf("the MP4: %d %v %d bytes, %v", w.Code, w.Header(), w.Body.Len(), err)
		}
		mp4 := w.Body.Bytes()
		checkMP4(t, mp4, imaging.TimelapseFrameCount(3, imaging.TimelapseOptions{}))
		// A phone asks for byte ranges to play a video inline.
		part, err := s.get(t, s.studio.ID, intake.TimelapseMP4, "bytes=100-199")
		if err != nil || part.Code != http.StatusPartialContent || !bytes.Equal(part.Body.Bytes(), mp4[100:200]) {
			t.Fatalf("a range of the MP4: %d, %d bytes, %v", part.Code, part.Body.Len(), err)
		}

		w, _ = s.get(t, s.studio.ID, intake.TimelapseGIF, "")
		g, err := gif.DecodeAll(bytes.NewReader(w.Body.Bytes()))
		if err != nil || len(g.Image) < 3 || g.Config.Width != 480 || g.Config.Height != 480 || w.Header().Get("Content-Type") != "image/gif" {
			t.Fatalf("the GIF: %d frames, %v, %v", len(g.Image), g.Config, err)
		}
		w, _ = s.get(t, s.studio.ID, intake.TimelapsePoster, "")
		poster, err := jpeg.Decode(bytes.NewReader(w.Body.Bytes()))
		if err != nil || poster.Bounds().Dx() != 1080 || poster.Bounds().Dy() != 1080 {
			t.Fatalf("the poster: %v, %v", poster.Bounds(), err)
		}

		if _, err := s.get(t, s.other.ID, intake.TimelapseMP4, ""); studio.ErrorCode(err) != studio.NotFound {
			t.Fatalf("another studio's piece: %v", err)
		}
		if _, err := s.desk.TimelapseStatus(t.Context(), s.other.ID, s.piece); studio.ErrorCode(err) != studio.NotFound {
			t.Fatalf("another studio's status: %v", err)
		}

		// A new photo: remade from the four, the old video served meanwhile.
		s.addPhoto(t, studio.Concept, 480, 640)
		if tl, _ := s.desk.TimelapseStatus(t.Context(), s.studio.ID, s.piece); !tl.Busy() && tl.Fingerprint == tl.Current {
			t.Fatalf("a new photo did not remake the time-lapse: %+v", tl)
		}
		if w, err := s.get(t, s.studio.ID, intake.TimelapseMP4, ""); err != nil || !bytes.Equal(w.Body.Bytes(), mp4) {
			// (unless the remake was quicker than this look)
			if tl, _ := s.st.Timelapse(t.Context(), s.studio.ID, s.piece); tl.Status != store.TimelapseReady {
				t.Fatalf("the previous MP4 is not served while the new one is made: %v", err)
			}
		}
		tl = s.waitTimelapse(t, "the time-lapse remade", func(tl store.Timelapse) bool {
			return tl.Status == store.TimelapseReady && tl.Photos == 4 && tl.Fingerprint == tl.Current
		})
		w, _ = s.get(t, s.studio.ID, intake.TimelapseMP4, "")
		checkMP4(t, w.Body.Bytes(), imaging.TimelapseFrameCount(4, imaging.TimelapseOptions{}))
	})
}

// checkMP4 checks with ffprobe what a phone needs of the video: H.264 in
// yuv420p, 1080 px square, the 'moov' index before the media data, and
// frames frames.
func checkMP4(t *testing.T, mp4 []byte, frames int) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "timelapse.mp4")
	if err := os.WriteFile(path, mp4, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("ffprobe", "-v", "error", "-select_streams", "v:0", "-count_frames",
		"-show_entries", "stream=codec_name,pix_fmt,width,height,nb_read_frames", "-of", "json", path).Output()
	if err != nil {
		t.Fatalf("ffprobe: %v", err)
	}
	var probe struct {
		Streams []struct {
			Codec  string `json:"codec_name"`
			PixFmt string `json:"pix_fmt"`
			Width  int    `json:"width"`
			Height int    `json:"height"`
			Frames string `json:"nb_read_frames"`
		} `json:"streams"`
	}
	if err := json.Unmarshal(out, &probe); err != nil || len(probe.Streams) != 1 {
		t.Fatalf("ffprobe said %s (%v)", out, err)
	}
	v := probe.Streams[0]
	if v.Codec != "h264" || v.PixFmt != "yuv420p" || v.Width != 1080 || v.Height != 1080 || v.Frames != strconv.Itoa(frames) {
		t.Errorf("the video is %+v, want h264 yuv420p 1080×1080 of %d frames", v, frames)
	}
	if boxes := topBoxes(mp4); slices.Index(boxes, "moov") < 0 || slices.Index(boxes, "moov") > slices.Index(boxes, "mdat") {
		t.Errorf("the boxes are %q: the index ('moov') must come before the media ('mdat')", boxes)
	}
}

// topBoxes lists the types of an MP4's top-level boxes in order.
func topBoxes(b []byte) []string {
	var out []string
	for len(b) >= 8 {
		size := int(binary.BigEndian.Uint32(b))
		out = append(out, string(b[4:8]))
		if size == 1 && len(b) >= 16 {
			size = int(binary.BigEndian.Uint64(b[8:]))
		}
		if size < 8 || size > len(b) {
			break
		}
		b = b[size:]
	}
	return out
}

// script writes an executable shell script and returns its path.
func script(t *testing.T, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "ffmpeg")
	if err := os.WriteFile(path, []byte("#!/bin/sh\n"+body+"\n"), 0o700); err != nil {
		t.Fatal(err)
	}
	return path
}

// ffmpeg failing, or killed half-way through writing its output: the
// attempt fails and River will retry it, the row says queued with why,
// nothing of the attempt is stored or served, and a video made before
// stays served. After the last attempt the row says failed.
func TestTimelapseJobWhenFFmpegFails(t *testing.T) {
	failing := script(t, "exit 1")
	// Reads some frames, writes half a file where the video goes (its last
	// argument), and dies as an out-of-memory kill would end it.
	killed := script(t, `for a; do out="$a"; done
head -c 3000000 >/dev/null
printf 'half a video' > "$out"
kill -9 $$`)
	storetest.EachDialect(t, func(t *testing.T, d store.Dialect) {
		s := startTimelapse(t, d, 2, failing)
		before := s.blobCount(t)
		waitFor(t, "the thumbnails", func() bool { return s.blobCount(t) == before+2*len(studio.VariantSizes) })
		before = s.blobCount(t)
		if _, err := s.st.RequestTimelapse(t.Context(), s.studio.ID, s.piece); err != nil {
			t.Fatal(err)
		}
		tl := s.waitTimelapse(t, "the failed attempt", func(tl store.Timelapse) bool { return tl.Error != "" })
		if tl.Status != store.TimelapseQueued || tl.MP4 != nil || tl.GIF != nil || !bytes.Contains([]byte(tl.Error), []byte("attempt 1 of 4")) {
			t.Fatalf("after ffmpeg failed: %+v", tl)
		}
		if _, err := s.get(t, s.studio.ID, intake.TimelapseMP4, ""); studio.ErrorCode(err) != studio.NotFound {
			t.Fatalf("the MP4 after ffmpeg failed: %v", err)
		}
		if n := s.blobCount(t); n != before {
			t.Fatalf("%d blobs after ffmpeg failed, %d before", n, before)
		}
		if job := lastTimelapseJob(t, s.st); job.state != "retryable" && job.state != "available" && job.state != "running" {
			t.Fatalf("the job after ffmpeg failed: %+v", job)
		}

		// A video made with a working ffmpeg, then a remake killed half-way.
		if _, err := exec.LookPath("ffmpeg"); err != nil {
			return
		}
		s.stopRunner()
		if _, err := s.st.DB().ExecContext(t.Context(), `DELETE FROM river_job WHERE kind = 'timelapse'`); err != nil {
			t.Fatal(err)
		}
		if err := s.st.FailTimelapse(t.Context(), s.studio.ID, s.piece, "", true); err != nil {
			t.Fatal(err)
		}
		s.run(t, "ffmpeg")
		if _, err := s.st.RequestTimelapse(t.Context(), s.studio.ID, s.piece); err != nil {
			t.Fatal(err)
		}
		made := s.waitTimelapse(t, "the time-lapse ready", func(tl store.Timelapse) bool { return tl.Status == store.TimelapseReady })
		s.stopRunner()
		before = s.blobCount(t)
		// Asked again with the same photos: made again (the studio's button).
		if _, err := s.st.RequestTimelapse(t.Context(), s.studio.ID, s.piece); err != nil {
			t.Fatal(err)
		}
		s.run(t, killed)
		tl = s.waitTimelapse(t, "the killed attempt", func(tl store.Timelapse) bool { return tl.Error != "" })
		if tl.Status != store.TimelapseQueued || tl.MP4 == nil || tl.MP4.SHA256 != made.MP4.SHA256 || !bytes.Contains([]byte(tl.Error), []byte("killed")) {
			t.Fatalf("after ffmpeg was killed: %+v", tl)
		}
		if w, err := s.get(t, s.studio.ID, intake.TimelapseMP4, ""); err != nil || int64(w.Body.Len()) != made.MP4.Size {
			t.Fatalf("the previous MP4 is not served after a killed remake: %v", err)
		}
		if n := s.blobCount(t); n != before {
			t.Fatalf("%d blobs after ffmpeg was killed, %d before", n, before)
		}
	})
}

// The last attempt failing leaves the time-lapse failed, with the files
// made before still served. The worker is called as River calls it on
// the job's last attempt, rather than waiting out River's backoff.
func TestTimelapseJobLastAttemptFails(t *testing.T) {
	storetest.EachDialect(t, func(t *testing.T, d store.Dialect) {
		s := startTimelapse(t, d, 1, "ffmpeg")
		s.stopRunner()
		w := &timelapseWorker{st: s.st, files: s.blobs, log: testLog(t), ffmpeg: script(t, "exit 1")}
		// An earlier video, whatever it showed.
		gifFile := &studio.File{SHA256: s.originalSHAs[0], Size: 1, ContentType: "image/gif"}
		if _, err := s.st.FinishTimelapse(t.Context(), s.studio.ID, s.piece, "older photos", store.TimelapseFiles{GIF: gifFile}); err != nil {
			t.Fatal(err)
		}
		// Its variants, so that the job does not wait for them.
		for _, p := range mustPhotos(t, s) {
			if p.Variant.SHA256 == "" {
				vs := []store.PhotoVariant{{Size: 1600, Width: 640, Height: 480, File: studio.File{StudioID: s.studio.ID, SHA256: s.originalSHAs[0], ContentType: "image/jpeg"}}}
				if err := s.st.AddPhotoVariants(t.Context(), s.studio.ID, p.ID, vs); err != nil {
					t.Fatal(err)
				}
			}
		}
		job := &river.Job[store.TimelapseJob]{JobRow: &rivertype.JobRow{Attempt: store.TimelapseAttempts, MaxAttempts: store.TimelapseAttempts},
			Args: store.TimelapseJob{StudioID: s.studio.ID, PieceID: s.piece}}
		if err := w.Work(t.Context(), job); err == nil {
			t.Fatal("the last attempt with a failing ffmpeg succeeded")
		}
		tl, err := s.st.Timelapse(t.Context(), s.studio.ID, s.piece)
		if err != nil || tl.Status != store.TimelapseFailed || tl.GIF == nil || tl.MP4 != nil || !strings.Contains(tl.Error, "Try again later") {
			t.Fatalf("after the last attempt: %+v, %v", tl, err)
		}
		if _, err := s.get(t, s.studio.ID, intake.TimelapseGIF, ""); err != nil {
			t.Fatalf("the earlier GIF is not served: %v", err)
		}
	})
}

func mustPhotos(t *testing.T, s *tlSetup) []store.TimelapsePhoto {
	t.Helper()
	ps, _, err := s.st.TimelapsePhotos(t.Context(), s.studio.ID, s.piece)
	if err != nil {
		t.Fatal(err)
	}
	return ps
}

type jobState struct {
	state   string
	attempt int
}

// lastTimelapseJob is the state of the newest time-lapse job.
func lastTimelapseJob(t *testing.T, st *store.Store) jobState {
	t.Helper()
	var j jobState
	err := st.DB().QueryRowContext(t.Context(), `SELECT state, attempt FROM river_job WHERE kind = 'timelapse' ORDER BY id DESC LIMIT 1`).Scan(&j.state, &j.attempt)
	if err != nil {
		t.Fatal(err)
	}
	return j
}
