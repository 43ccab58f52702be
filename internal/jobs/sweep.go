package jobs

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"

	"atelier/internal/files"
	"atelier/internal/store"
)

// SweepArgs is the periodic clean-up: expired sessions, old throttle
// events, blobs that no row refers to, and what interrupted writes left.
type SweepArgs struct{}

// Kind names the job in River's table.
func (SweepArgs) Kind() string { return "sweep" }

// InsertOpts keeps a failing sweep from retrying for days: the next
// periodic run comes soon anyway.
func (SweepArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{MaxAttempts: 3} }

func sweepPeriodically(every time.Duration) *river.PeriodicJob {
	return river.NewPeriodicJob(river.PeriodicInterval(every),
		func() (river.JobArgs, *river.InsertOpts) { return SweepArgs{}, nil },
		&river.PeriodicJobOpts{ID: "sweep", RunOnStart: true})
}

type sweepWorker struct {
	river.WorkerDefaults[SweepArgs]
	st    *store.Store
	files *files.Store
	grace time.Duration
	every time.Duration
	now   func() time.Time
	log   *slog.Logger
}

func newSweepWorker(st *store.Store, cfg Config) *sweepWorker {
	return &sweepWorker{st: st, files: cfg.Files, grace: cfg.OrphanGrace, every: cfg.SweepEvery, now: cfg.Now, log: cfg.Log}
}

// Timeout lifts River's default of one minute, too short to list a large
// bucket. A sweep that outlasts its period is cut off; the next one, which
// is due by then, carries on where it stopped.
func (w *sweepWorker) Timeout(*river.Job[SweepArgs]) time.Duration { return w.every }

func (w *sweepWorker) Work(ctx context.Context, _ *river.Job[SweepArgs]) error {
	sessions, events, err := w.st.SweepExpired(ctx)
	if err != nil {
		return fmt.Errorf("sweeping expired sessions and throttle events: %w", err)
	}
	blobs, bytes, err := w.sweepOrphans(ctx)
	// What was removed before a failure is still worth logging.
	w.log.InfoContext(ctx, "sweep", "sessions", sessions, "throttle_events", events,
		"orphan_blobs", blobs, "orphan_bytes", bytes)
	if err != nil {
		return fmt.Errorf("sweeping orphan blobs: %w", err)
	}
	return w.sweepLeftovers(ctx)
}

// sweepLeftovers removes the spool files and temporary blobs that writes
// cut short left behind, after the same grace as orphans: an upload still
// arriving, or a blob still being written, is younger than that.
func (w *sweepWorker) sweepLeftovers(ctx context.Context) error {
	left, err := w.files.RemoveLeftovers(ctx, w.now().Add(-w.grace))
	for _, l := range left {
		w.log.InfoContext(ctx, "deleted leftover of an interrupted write", "name", l.Name, "size", l.Size, "modified", l.ModTime)
	}
	if err != nil {
		return fmt.Errorf("sweeping leftovers of interrupted writes: %w", err)
	}
	return nil
}

// sweepOrphans deletes the blobs older than the grace period that no row
// refers to. The candidates are listed first and each is checked just
// before it goes, so that the check is as fresh as it can be and the
// listing is never disturbed by deletions.
func (w *sweepWorker) sweepOrphans(ctx context.Context) (n, bytes int64, err error) {
	old, err := w.oldBlobs(ctx)
	if err != nil {
		return 0, 0, err
	}
	for _, b := range old {
		used, err := w.st.BlobInUse(ctx, b.SHA256)
		if err != nil {
			return n, bytes, err
		}
		if used {
			continue
		}
		if err := w.files.Delete(ctx, b.SHA256); err != nil {
			return n, bytes, fmt.Errorf("deleting blob %s: %w", b.SHA256, err)
		}
		w.log.InfoContext(ctx, "deleted orphan blob", "sha256", b.SHA256, "size", b.Size, "modified", b.ModTime)
		n, bytes = n+1, bytes+b.Size
	}
	return n, bytes, nil
}

// oldBlobs lists the blobs last written before the grace period.
func (w *sweepWorker) oldBlobs(ctx context.Context) ([]files.Blob, error) {
	cutoff := w.now().Add(-w.grace)
	var old []files.Blob
	err := w.files.List(ctx, func(b files.Blob) error {
		if b.ModTime.Before(cutoff) {
			old = append(old, b)
		}
		return nil
	})
	return old, err
}
