package jobs

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/riverqueue/river"

	"atelier/internal/files"
	"atelier/internal/imaging"
	"atelier/internal/store"
	"atelier/internal/studio"
)

const (
	// timelapseTimeout bounds one attempt: 60 photos take about 20 s for
	// the MP4 and as long again for the GIF on two busy cores; 500 photos,
	// the most a time-lapse takes, several minutes. River's rescuer leaves
	// a job alone until its own timeout has passed, so a long time-lapse is
	// not taken for a crashed one and run twice.
	timelapseTimeout = 15 * time.Minute
	// maxTimelapseBytes bounds a file of the time-lapse put in the blob
	// store; the 60-photo MP4 is under 10 MB, its GIF a few times that.
	maxTimelapseBytes = 1 << 30
	// progressEvery is how often the job writes its progress: often
	// enough for the page's bar to move, rarely enough not to load the
	// database.
	progressEvery = 500 * time.Millisecond
	// variantWait and variantSnoozes: the job waits for the thumbnail job
	// to make the photos' 1600 px copies (both are enqueued by an upload)
	// by snoozing, up to about a minute, before it counts a failure.
	variantWait    = 2 * time.Second
	variantSnoozes = 30
)

// timelapseWorker makes the making-of time-lapse of a piece from its
// process photos (store.TimelapseJob, enqueued when the studio asks and
// when the photos change).
type timelapseWorker struct {
	river.WorkerDefaults[store.TimelapseJob]
	st     *store.Store
	files  *files.Store
	log    *slog.Logger
	ffmpeg string
}

func newTimelapseWorker(st *store.Store, cfg Config) *timelapseWorker {
	return &timelapseWorker{st: st, files: cfg.Files, log: cfg.Log, ffmpeg: cfg.FFmpeg}
}

// Timeout lets a time-lapse take longer than the other jobs.
func (w *timelapseWorker) Timeout(*river.Job[store.TimelapseJob]) time.Duration {
	return timelapseTimeout
}

// Work is safe to repeat and to run twice at once: the files are written
// to temporary files and put in the blob store (under their hash) only
// when complete, and recorded with the row in one transaction, so a run
// killed half-way leaves the previous files served and nothing half
// written; a run that finds a time-lapse of the same photos ready does
// nothing.
func (w *timelapseWorker) Work(ctx context.Context, job *river.Job[store.TimelapseJob]) error {
	a := job.Args
	photos, fingerprint, err := w.st.TimelapsePhotos(ctx, a.StudioID, a.PieceID)
	if studio.ErrorCode(err) == studio.NotFound {
		w.log.InfoContext(ctx, "time-lapse: the piece was deleted before its time-lapse was made", "piece", a.PieceID)
		return nil
	}
	if err != nil {
		return err
	}
	if len(photos) == 0 {
		err := studio.Errorf(studio.Invalid, "This piece has no process photos any more: add photos of its stages, then make the time-lapse again.")
		w.fail(ctx, job, err, true)
		return river.JobCancel(err)
	}
	for _, p := range photos {
		if p.Variant.SHA256 == "" && snoozes(job) < variantSnoozes {
			return river.JobSnooze(variantWait)
		}
	}
	start, err := w.st.StartTimelapse(ctx, a.StudioID, a.PieceID, fingerprint)
	if err != nil || !start {
		return err
	}
	err = w.make(ctx, job, photos, fingerprint)
	switch {
	case err == nil:
		return nil
	case studio.ErrorCode(err) == studio.Invalid:
		// The photos cannot be made into a video and never will be.
		w.fail(ctx, job, err, true)
		return river.JobCancel(err)
	}
	w.fail(ctx, job, err, job.Attempt >= job.MaxAttempts)
	return err
}

// fail records why the attempt failed: queued again while River will
// retry, failed after the last attempt.
func (w *timelapseWorker) fail(ctx context.Context, job *river.Job[store.TimelapseJob], cause error, final bool) {
	var why string
	if e, ok := errors.AsType[*studio.Error](cause); ok && e.Code == studio.Invalid {
		why = e.Message
	} else {
		why = "The time-lapse could not be made (" + cause.Error() + ")."
		if final {
			why += " Try again later; if it keeps failing, check the server's ffmpeg."
		} else {
			why += fmt.Sprintf(" It will be tried again (attempt %d of %d).", job.Attempt, job.MaxAttempts)
		}
	}
	w.log.WarnContext(ctx, "time-lapse failed", "piece", job.Args.PieceID, "attempt", job.Attempt, "final", final, "err", cause)
	// The job's context may be what ran out; the record is written anyway.
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := w.st.FailTimelapse(rctx, job.Args.StudioID, job.Args.PieceID, why, final); err != nil {
		w.log.ErrorContext(ctx, "time-lapse: recording the failure", "piece", job.Args.PieceID, "err", err)
	}
}

// snoozes is how many times River snoozed the job.
func snoozes(job *river.Job[store.TimelapseJob]) int {
	var m struct {
		Snoozes int `json:"snoozes"`
	}
	json.Unmarshal(job.Metadata, &m)
	return m.Snoozes
}

// made is a file of the time-lapse written whole to a temporary file.
type made struct {
	path, contentType, name string
}

// make draws the time-lapse into a temporary folder (the MP4 when there is
// ffmpeg, the GIF always, the poster), puts the files in the blob store
// and records them.
func (w *timelapseWorker) make(ctx context.Context, job *river.Job[store.TimelapseJob], photos []store.TimelapsePhoto, fingerprint string) error {
	a := job.Args
	frames, err := w.frames(ctx, photos)
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "atelier-timelapse-*")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)

	rep := &progress{ctx: ctx, st: w.st, log: w.log, a: a}
	opt := imaging.TimelapseOptions{FFmpeg: w.ffmpeg}
	var outs []made
	mp4 := filepath.Join(dir, "timelapse.mp4")
	opt.Progress = rep.phase(0, 0.7)
	_, err = imaging.TimelapseMP4(ctx, frames, opt, mp4)
	switch {
	case errors.Is(err, imaging.ErrNoFFmpeg):
		w.log.WarnContext(ctx, "time-lapse: no ffmpeg, so the time-lapse is a GIF only", "ffmpeg", w.ffmpeg, "err", err)
		opt.Progress = rep.phase(0, 0.95)
	case err != nil:
		return err
	default:
		outs = append(outs, made{mp4, "video/mp4", "timelapse.mp4"})
		opt.Progress = rep.phase(0.7, 0.95)
	}
	gif := filepath.Join(dir, "timelapse.gif")
	if err := writeFile(gif, func(out io.Writer) error { return imaging.TimelapseGIF(ctx, frames, opt, out) }); err != nil {
		return err
	}
	outs = append(outs, made{gif, "image/gif", "timelapse.gif"})
	// The poster is the finished piece: the last photo, as the video ends.
	poster := filepath.Join(dir, "poster.jpg")
	if err := writeFile(poster, func(out io.Writer) error { return imaging.TimelapsePoster(frames[len(frames)-1], opt, out) }); err != nil {
		return err
	}
	outs = append(outs, made{poster, "image/jpeg", "timelapse-poster.jpg"})

	recs, err := w.put(ctx, outs)
	if err != nil {
		return err
	}
	fs := store.TimelapseFiles{GIF: recs["image/gif"], Poster: recs["image/jpeg"], MP4: recs["video/mp4"]}
	_, err = w.st.FinishTimelapse(ctx, a.StudioID, a.PieceID, fingerprint, fs)
	if studio.ErrorCode(err) == studio.NotFound {
		// Deleted while made: the blobs just stored belong to no row, and
		// the sweep removes them after its grace period.
		return nil
	}
	return err
}

// frames decodes the photos' upright 1600 px copies and captions them with
// their stages' names.
func (w *timelapseWorker) frames(ctx context.Context, photos []store.TimelapsePhoto) ([]imaging.TimelapseFrame, error) {
	frames := make([]imaging.TimelapseFrame, 0, len(photos))
	for i, p := range photos {
		if p.Variant.SHA256 == "" {
			return nil, fmt.Errorf("the smaller copy of photo %d is not made yet", i+1)
		}
		img, err := w.decode(ctx, p.Variant)
		if err != nil {
			return nil, fmt.Errorf("reading photo %d: %w", i+1, err)
		}
		frames = append(frames, imaging.TimelapseFrame{Image: img, Caption: p.Stage.Label()})
	}
	return frames, nil
}

// decode reads a stored variant, a JPEG the thumbnail job made.
func (w *timelapseWorker) decode(ctx context.Context, f studio.File) (image.Image, error) {
	rc, err := w.files.Open(ctx, f.SHA256)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	img, _, err := image.Decode(bufio.NewReader(rc))
	return img, err
}

// put stores the files in the blob store, by content type.
func (w *timelapseWorker) put(ctx context.Context, outs []made) (map[string]*studio.File, error) {
	recs := map[string]*studio.File{}
	for _, o := range outs {
		f, err := os.Open(o.path)
		if err != nil {
			return nil, err
		}
		sha, size, err := w.files.Put(ctx, f, maxTimelapseBytes)
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("storing %s: %w", o.name, err)
		}
		recs[o.contentType] = &studio.File{SHA256: sha, Size: size, ContentType: o.contentType, Name: o.name}
	}
	return recs, nil
}

// writeFile creates path and writes it with fn, reporting an error of
// the write or the close.
func writeFile(path string, fn func(io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	err = fn(f)
	return errors.Join(err, f.Close())
}

// progress writes a job's progress into its row, at most every
// progressEvery; a failure to write it is only logged, as progress is
// advisory.
type progress struct {
	ctx  context.Context
	st   *store.Store
	log  *slog.Logger
	a    store.TimelapseJob
	last time.Time
}

// phase is the Progress callback of a part of the work that spans from
// to to of the whole.
func (p *progress) phase(from, to float64) func(done, total int) {
	return func(done, total int) {
		if total <= 0 || time.Since(p.last) < progressEvery {
			return
		}
		p.last = time.Now()
		v := from + (to-from)*float64(done)/float64(total)
		if err := p.st.TimelapseProgress(p.ctx, p.a.StudioID, p.a.PieceID, v); err != nil && p.ctx.Err() == nil {
			p.log.WarnContext(p.ctx, "time-lapse progress not recorded", "piece", p.a.PieceID, "err", err)
		}
	}
}
