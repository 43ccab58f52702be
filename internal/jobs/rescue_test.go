package jobs

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"atelier/internal/files/filestest"
	"atelier/internal/imaging/imagingtest"
	"atelier/internal/mail"
	"atelier/internal/mail/mailtest"
	"atelier/internal/store"
	"atelier/internal/store/storetest"
	"atelier/internal/studio"
)

// markRunning makes a job look as a killed process left it: running, its
// attempt counted, started long before any timeout.
func markRunning(t *testing.T, st *store.Store, id int64) {
	t.Helper()
	q := `UPDATE river_job SET state = 'running', attempt = 1, attempted_at = now() - interval '1 hour' WHERE id = $1`
	if st.Dialect() == store.SQLite {
		q = `UPDATE river_job SET state = 'running', attempt = 1, attempted_at = strftime('%Y-%m-%d %H:%M:%f', 'now', '-1 hour') WHERE id = $1`
	}
	if _, err := st.DB().ExecContext(t.Context(), q, id); err != nil {
		t.Fatal(err)
	}
}

// A job left running by a process that died runs again after the next
// start (SQLite hands it back at start, PostgreSQL's rescuer finds it),
// unless that was its last attempt.
func TestJobLeftRunningRunsAgainAfterRestart(t *testing.T) {
	storetest.EachDialect(t, func(t *testing.T, d store.Dialect) {
		t.Parallel()
		st := openStore(t, storetest.Config(t, d))
		blobs, _ := filestest.Open(t)
		var runs atomic.Int32
		cfg := Config{Files: blobs, Log: testLog(t), register: func(w *river.Workers) {
			river.AddWorker(w, &countWorker{runs: &runs})
		}}

		// The crashed process: it took both jobs and never finished them.
		crashed, err := New(t.Context(), st, cfg)
		if err != nil {
			t.Fatal(err)
		}
		for _, opts := range []*river.InsertOpts{nil, {MaxAttempts: 1}} {
			res, err := crashed.client.Insert(t.Context(), countArgs{}, opts)
			if err != nil {
				t.Fatal(err)
			}
			markRunning(t, st, res.Job.ID)
		}
		stop(t, crashed)

		start(t, st, cfg)
		if ends := finishedJobs(t, st, countArgs{}.Kind()); ends != "completed after 2, discarded after 1" {
			t.Fatalf("jobs ended %q, want the first run again and the one at its last attempt given up", ends)
		}
		if n := runs.Load(); n != 1 {
			t.Fatalf("the jobs ran %d times, want once", n)
		}
	})
}

// River's validation holds the limits together: no job kind's timeout,
// but the sweep's, may outlast the rescue time.
func TestTimeoutsStayBelowTheRescueTime(t *testing.T) {
	if jobTimeout >= RescueAfter || mailTimeout >= RescueAfter {
		t.Fatalf("job timeout %v, mail timeout %v: both must be below the rescue time %v", jobTimeout, mailTimeout, RescueAfter)
	}
}

// Every worker may run twice, even at once (a job rescued while the first
// run was still at work): the work is done once.
func TestWorkersAreSafeToRunTwice(t *testing.T) {
	storetest.EachDialect(t, func(t *testing.T, d store.Dialect) {
		t.Parallel()
		t.Run("timer", func(t *testing.T) {
			st := openStore(t, storetest.Config(t, d))
			s := dryStudio(t, st)
			pieceID := pieceAtFinish(t, st, s)
			applied := time.Now().Add(-30 * time.Second)
			p, err := st.LogCoat(t.Context(), s.ID, pieceID, "", studio.MattePolyurethane, false, &applied)
			if err != nil || len(p.Timers) != 1 {
				t.Fatalf("timers %+v, %v", p.Timers, err)
			}
			w := newTimerWorker(st, Config{Log: testLog(t)}.withDefaults())
			job := &river.Job[store.TimerJob]{Args: store.TimerJob{TimerID: p.Timers[0].ID}}
			twiceAtOnce(t, func() error { return w.Work(t.Context(), job) })
			rows := timerRows(t, st, pieceID)
			if len(rows) != 1 || !rows[0].fired.Valid {
				t.Fatalf("timers %+v, want one fired", rows)
			}
			if err := w.Work(t.Context(), job); err != nil {
				t.Fatal(err)
			}
			if again := timerRows(t, st, pieceID); !again[0].fired.Time.Equal(rows[0].fired.Time) {
				t.Errorf("a third run moved fired_at from %v to %v", rows[0].fired.Time, again[0].fired.Time)
			}
		})
		t.Run("thumbnails", func(t *testing.T) {
			s := startThumbnails(t, d, testLog(t))
			photo := s.photo(t, imagingtest.JPEG(t, imagingtest.Photo(800, 600), 90), 800, 600)
			w := newThumbnailWorker(s.st, Config{Files: s.blobs, Log: testLog(t)}.withDefaults())
			job := &river.Job[store.ThumbnailJob]{Args: store.ThumbnailJob{StudioID: s.studio.ID, PhotoID: photo}}
			twiceAtOnce(t, func() error { return w.Work(t.Context(), job) })
			vs, err := s.st.PhotoVariants(t.Context(), s.studio.ID, photo)
			if err != nil || len(vs) != len(studio.VariantSizes) {
				t.Fatalf("variants %+v, %v", vs, err)
			}
			if err := w.Work(t.Context(), job); err != nil {
				t.Fatal(err)
			}
			again, _ := s.st.PhotoVariants(t.Context(), s.studio.ID, photo)
			for i := range again {
				if again[i] != vs[i] {
					t.Errorf("a third run changed variant %d: %+v, then %+v", vs[i].Size, vs[i], again[i])
				}
			}
		})
		t.Run("mail", func(t *testing.T) {
			srv := mailtest.Start(t, mailtest.Options{})
			m := startMail(t, d, nil, quickly) // mail off: only the direct runs send
			o := m.queue(t)
			mc, err := mail.ParseURL(srv.URL("Atelier Ana <studio@example.com>"))
			if err != nil {
				t.Fatal(err)
			}
			w := newMailWorker(m.st, Config{Log: testLog(t), Mailer: mail.NewSender(mc, nil)}.withDefaults())
			job := &river.Job[store.SendMailJob]{JobRow: &rivertype.JobRow{Attempt: 1, MaxAttempts: DefaultMailAttempts}, Args: store.SendMailJob{OutboxID: o.ID}}
			for range 2 {
				if err := w.Work(t.Context(), job); err != nil {
					t.Fatal(err)
				}
			}
			if n := len(srv.Received()); n != 1 {
				t.Fatalf("%d copies arrived, want 1", n)
			}
		})
	})
}

// twiceAtOnce runs fn in two goroutines at once and fails on any error.
func twiceAtOnce(t *testing.T, fn func() error) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i := range errs {
		wg.Go(func() { errs[i] = fn() })
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatalf("a run failed: %v", err)
		}
	}
}
