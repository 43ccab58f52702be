package jobs

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"atelier/internal/files/filestest"
	"atelier/internal/store"
	"atelier/internal/store/storetest"
)

// testLog shows River's and the workers' logs with the test's output.
func testLog(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(t.Output(), nil))
}

// openStore opens and migrates the database cfg names, River's tables
// included, as `atelier serve` does on every start.
func openStore(t *testing.T, cfg store.Config) *store.Store {
	t.Helper()
	st, err := store.Open(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := st.Migrate(t.Context()); err != nil {
		t.Fatal(err)
	}
	return st
}

// start starts a runner that is stopped when the test ends, before the
// store closes.
func start(t *testing.T, st *store.Store, cfg Config) *Runner {
	t.Helper()
	r, err := New(t.Context(), st, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { stop(t, r) })
	if err := r.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	return r
}

func stop(t *testing.T, r *Runner) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := r.Stop(ctx); err != nil {
		t.Error(err)
	}
}

// waitFor polls cond until it holds or the time is up. River's scheduler and
// leader election tick every few seconds when polling.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// finishedJobs waits until River is done with every job of the kind
// (completed, cancelled or discarded: it never runs them again) and
// returns how each ended, oldest first, as "state after attempts", so
// that a test can tell that nothing more will happen without waiting for
// it not to.
func finishedJobs(t *testing.T, st *store.Store, kind string) string {
	t.Helper()
	var ends []string
	waitFor(t, "River to finish the "+kind+" jobs", func() bool {
		ends = ends[:0]
		rows, err := st.DB().QueryContext(t.Context(), `SELECT state, attempt, finalized_at IS NOT NULL FROM river_job WHERE kind = $1 ORDER BY id`, kind)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		done := true
		for rows.Next() {
			var state string
			var attempt int
			var final bool
			if err := rows.Scan(&state, &attempt, &final); err != nil {
				t.Fatal(err)
			}
			ends, done = append(ends, fmt.Sprintf("%s after %d", state, attempt)), done && final
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		return done
	})
	return strings.Join(ends, ", ")
}

type countArgs struct{}

func (countArgs) Kind() string { return "test_count" }

// countWorker counts its runs across runners, so that a run by the runner
// that was stopped would show.
type countWorker struct {
	river.WorkerDefaults[countArgs]
	runs *atomic.Int32
}

func (w *countWorker) Work(context.Context, *river.Job[countArgs]) error {
	w.runs.Add(1)
	return nil
}

func TestScheduledJobRunsOnceAfterRestart(t *testing.T) {
	storetest.EachDialect(t, func(t *testing.T, d store.Dialect) {
		t.Parallel()
		dbCfg := storetest.Config(t, d)
		blobs, _ := filestest.Open(t)
		var runs atomic.Int32
		cfg := Config{Files: blobs, Log: testLog(t), register: func(w *river.Workers) {
			river.AddWorker(w, &countWorker{runs: &runs})
		}}

		// The first process enqueues the job and ends before it is due.
		st1 := openStore(t, dbCfg)
		r1 := start(t, st1, cfg)
		res, err := r1.client.Insert(t.Context(), countArgs{}, &river.InsertOpts{ScheduledAt: time.Now().Add(2 * time.Second)})
		if err != nil {
			t.Fatal(err)
		}
		stop(t, r1)
		st1.Close()
		if n := runs.Load(); n != 0 {
			t.Fatalf("the job ran %d times before it was due", n)
		}

		// The second process, on the same database, runs it, and River
		// is done with it after one attempt: no second run can follow.
		st2 := openStore(t, dbCfg)
		r2 := start(t, st2, cfg)
		waitFor(t, "the job to complete", func() bool {
			job, err := r2.client.JobGet(t.Context(), res.Job.ID)
			return err == nil && job.State == rivertype.JobStateCompleted
		})
		if ends := finishedJobs(t, st2, countArgs{}.Kind()); ends != "completed after 1" {
			t.Fatalf("jobs ended %q, want one completed after 1 attempt", ends)
		}
		if n := runs.Load(); n != 1 {
			t.Fatalf("the job ran %d times, want once", n)
		}
	})
}
