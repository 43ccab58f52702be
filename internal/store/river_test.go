package store_test

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"atelier/internal/jobs"
	"atelier/internal/store"
	"atelier/internal/store/storetest"
)

// TestJobsCommitWithTheirTransaction enqueues a job together with a row:
// both are there after a commit and neither after a rollback. The store
// enqueues by itself, with no job runner in the process, as the CLI does.
func TestJobsCommitWithTheirTransaction(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
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

// Processes starting together wait for each other's migration, River's
// tables included, and migrating again changes nothing.
func TestMigrateIsSerialised(t *testing.T) {
	storetest.EachDialect(t, func(t *testing.T, d store.Dialect) {
		t.Parallel()
		s := storetest.Open(t, d, nil)
		if d == store.Postgres {
			var wg sync.WaitGroup
			for range 4 {
				wg.Go(func() {
					if _, err := s.Migrate(ctx); err != nil {
						t.Error(err)
					}
				})
			}
			wg.Wait()
		}
		if _, err := s.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		if states := sweepJobStates(t, s); states != "" {
			t.Fatalf("River's tables hold jobs %q after migrating, want none", states)
		}
	})
}

// enqueueWithRow writes a throttle event named key and a sweep job in one
// transaction, which fails with fail when that is not nil.
func enqueueWithRow(s *store.Store, key string, runAt time.Time, fail error) error {
	return s.WriteTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO throttle_events (key, at) VALUES ($1, $2)`, key, time.Now().UTC()); err != nil {
			return err
		}
		if err := s.InsertJob(ctx, tx, jobs.SweepArgs{}, runAt); err != nil {
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
