package store_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"atelier/internal/files/filestest"
	"atelier/internal/jobs"
	"atelier/internal/store"
	"atelier/internal/store/storetest"
	"atelier/internal/studio"
)

// TestJobsCommitWithTheirTransaction enqueues a job together with a row:
// both are there after a commit and neither after a rollback.
func TestJobsCommitWithTheirTransaction(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		err := s.WriteTx(ctx, func(tx *store.Tx) error {
			return s.InsertJob(ctx, tx, jobs.SweepArgs{}, store.JobOpts{})
		})
		wantCode(t, err, studio.Internal) // no inserter yet: an error, not a lost job

		attachJobs(t, s)
		runAt := time.Now().Add(time.Hour)
		if err := enqueueWithRow(s, "committed", runAt, nil); err != nil {
			t.Fatal(err)
		}
		boom := errors.New("boom")
		if err := enqueueWithRow(s, "rolled back", time.Time{}, boom); !errors.Is(err, boom) {
			t.Fatalf("want the caller's error, got %v", err)
		}
		if n := throttleRows(t, s, "committed"); n != 1 {
			t.Fatalf("%d committed rows, want 1", n)
		}
		if n := throttleRows(t, s, "rolled back"); n != 0 {
			t.Fatalf("%d rolled-back rows, want none", n)
		}
		// Only the committed job, which waits for its time.
		if states := sweepJobStates(t, s); states != "scheduled" {
			t.Fatalf("sweep jobs in states %q, want only the scheduled one", states)
		}
	})
}

// attachJobs lets s enqueue jobs. The runner is not started, so the jobs
// stay in the table to be looked at.
func attachJobs(t *testing.T, s *store.Store) {
	t.Helper()
	if err := jobs.Migrate(ctx, s); err != nil {
		t.Fatal(err)
	}
	blobs, _ := filestest.Open(t)
	r, err := jobs.New(ctx, s, jobs.Config{Files: blobs})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Stop(ctx) })
}

// enqueueWithRow writes a throttle event named key and a sweep job in one
// transaction, which fails with fail when that is not nil.
func enqueueWithRow(s *store.Store, key string, runAt time.Time, fail error) error {
	return s.WriteTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO throttle_events (key, at) VALUES ($1, $2)`, key, time.Now().UTC()); err != nil {
			return err
		}
		if err := s.InsertJob(ctx, tx, jobs.SweepArgs{}, store.JobOpts{RunAt: runAt}); err != nil {
			return err
		}
		return fail
	})
}

func throttleRows(t *testing.T, s *store.Store, key string) (n int) {
	t.Helper()
	if err := s.DB().QueryRowContext(ctx, `SELECT count(*) FROM throttle_events WHERE key = $1`, key).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func sweepJobStates(t *testing.T, s *store.Store) string {
	t.Helper()
	rows, err := s.DB().QueryContext(ctx, `SELECT state FROM river_job WHERE kind = $1`, jobs.SweepArgs{}.Kind())
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var states []string
	for rows.Next() {
		var st string
		if err := rows.Scan(&st); err != nil {
			t.Fatal(err)
		}
		states = append(states, st)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return strings.Join(states, ",")
}
