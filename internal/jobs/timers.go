package jobs

import (
	"context"

	"github.com/riverqueue/river"

	"atelier/internal/store"
	"atelier/internal/studio"
)

// timerWorker fires a piece's timer (a coat dry, later a bake done or a
// cool-down over) when it is due. River keeps the job through restarts
// and runs it once, on whichever instance is up.
type timerWorker struct {
	river.WorkerDefaults[store.TimerJob]
	st  *store.Store
	cfg Config
}

func newTimerWorker(st *store.Store, cfg Config) *timerWorker { return &timerWorker{st: st, cfg: cfg} }

func (w *timerWorker) Work(ctx context.Context, job *river.Job[store.TimerJob]) error {
	t, err := w.st.FireTimer(ctx, job.Args.TimerID)
	if studio.ErrorCode(err) == studio.NotFound {
		return nil // the piece was deleted since
	}
	if err != nil {
		return err
	}
	w.cfg.Log.InfoContext(ctx, "timer fired", "timer", t.ID, "piece", t.PieceID, "label", t.Label)
	return nil
}
