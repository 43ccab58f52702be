package jobs

import (
	"database/sql"
	"testing"
	"time"

	"atelier/internal/files/filestest"
	"atelier/internal/store"
	"atelier/internal/store/storetest"
	"atelier/internal/studio"
)

// dryStudio creates a studio whose matte coats dry in a minute, the
// shortest dry time there is; the tests log coats in the past to bring the
// dry time within seconds.
func dryStudio(t *testing.T, st *store.Store) studio.Studio {
	t.Helper()
	s, err := st.CreateStudio(t.Context(), studio.NewStudio("ana", "Ana's Miniatures", "Ana Petrova"))
	if err != nil {
		t.Fatal(err)
	}
	s, err = st.UpdateStudio(t.Context(), s.ID, studio.StudioUpdate{CoatDryMinutes: map[studio.CoatKind]int{studio.MattePolyurethane: 1}})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// pieceAtFinish creates a piece and walks it to the finish stage the way
// an artist would, without a coat yet.
func pieceAtFinish(t *testing.T, st *store.Store, s studio.Studio) string {
	t.Helper()
	thick := 9.0
	d, err := st.CreatePiece(t.Context(), s.ID, "", studio.NewPieceFields{Subject: "Grandma Rose", ClayBrands: []string{"premo"}, TargetHeightMM: 40, MaxThicknessMM: &thick})
	if err != nil {
		t.Fatal(err)
	}
	return storetest.WalkPiece(t, st, s.ID, d.ID, studio.Finish).ID
}

// timerRow is a timer as the table holds it.
type timerRow struct {
	id           string
	due, created time.Time
	fired        sql.NullTime
}

func timerRows(t *testing.T, st *store.Store, pieceID string) []timerRow {
	t.Helper()
	rows, err := st.DB().QueryContext(t.Context(), `SELECT id, due_at, created_at, fired_at FROM timers WHERE piece_id = $1 AND kind = 'coat_dry'`, pieceID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []timerRow
	for rows.Next() {
		var r timerRow
		if err := rows.Scan(&r.id, &r.due, &r.created, &r.fired); err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// timerJobs counts River's timer jobs and the attempts made at them.
func timerJobs(t *testing.T, st *store.Store) (jobs, attempts int, states []string) {
	t.Helper()
	rows, err := st.DB().QueryContext(t.Context(), `SELECT attempt, state FROM river_job WHERE kind = 'timer'`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var a int
		var s string
		if err := rows.Scan(&a, &s); err != nil {
			t.Fatal(err)
		}
		jobs, attempts, states = jobs+1, attempts+a, append(states, s)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return jobs, attempts, states
}

// finishCard is the piece's card in the board's finish column.
func finishCard(t *testing.T, st *store.Store, studioID, pieceID string) store.BoardCard {
	t.Helper()
	cols, err := st.Board(t.Context(), studioID)
	if err != nil {
		t.Fatal(err)
	}
	for _, col := range cols {
		for _, c := range col.Cards {
			if c.ID != pieceID {
				continue
			}
			if col.Stage != studio.Finish {
				t.Fatalf("the piece is in the %s column, want finish", col.Stage)
			}
			return c
		}
	}
	t.Fatalf("the piece is not on the board")
	return store.BoardCard{}
}

func TestDryTimerFiresAfterRestart(t *testing.T) {
	storetest.EachDialect(t, func(t *testing.T, d store.Dialect) {
		t.Parallel()
		dbCfg := storetest.Config(t, d)
		blobs, _ := filestest.Open(t)
		cfg := Config{Files: blobs, Log: testLog(t)}

		// The first process enqueues the timer's job but never works
		// it, as if it ended before the coat was dry.
		st1 := openStore(t, dbCfg)
		s := dryStudio(t, st1)
		pieceID := pieceAtFinish(t, st1, s)
		applied := time.Now().Add(-55 * time.Second) // dry in 5 s
		p, err := st1.LogCoat(t.Context(), s.ID, pieceID, "", studio.MattePolyurethane, false, &applied)
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Timers) != 1 || p.Timers[0].Label != "Coat 1 dry" || p.Timers[0].FiredAt != nil {
			t.Fatalf("timers after the coat = %+v, want one open timer “Coat 1 dry”", p.Timers)
		}
		timer := p.Timers[0]
		if wait := time.Until(timer.DueAt); wait <= 0 || wait > 6*time.Second {
			t.Fatalf("the timer is due in %v, want about 5 s", wait)
		}
		card := finishCard(t, st1, s.ID, pieceID)
		if len(card.Timers) != 1 || card.Timers[0].ID != timer.ID || card.WaitsOn != "Coat 1 dry" {
			t.Fatalf("board card before the timer fired: timers %+v, waits on %q; want the coat's timer", card.Timers, card.WaitsOn)
		}
		if n, _, states := timerJobs(t, st1); n != 1 || states[0] != "scheduled" {
			t.Fatalf("timer jobs committed with the coat: %d in states %v, want one scheduled", n, states)
		}
		st1.Close()

		// The second server, on the same database, fires it once, at
		// its time.
		st2 := openStore(t, dbCfg)
		start(t, st2, cfg)
		waitFor(t, "the timer to fire", func() bool {
			p, err := st2.Piece(t.Context(), s.ID, pieceID)
			return err == nil && len(p.Timers) == 0
		})
		rows := timerRows(t, st2, pieceID)
		if len(rows) != 1 || !rows[0].fired.Valid {
			t.Fatalf("timers = %+v, want the one timer, fired", rows)
		}
		fired := rows[0].fired.Time
		if fired.Before(rows[0].due) {
			t.Errorf("fired at %v, before it was due at %v", fired, rows[0].due)
		}
		// River is done with the job after one attempt: the timer cannot
		// fire again.
		if ends := finishedJobs(t, st2, "timer"); ends != "completed after 1" {
			t.Fatalf("timer jobs ended %q, want one completed after 1 attempt", ends)
		}
		if rows := timerRows(t, st2, pieceID); !rows[0].fired.Time.Equal(fired) {
			t.Errorf("fired_at moved from %v to %v: the timer fired twice", fired, rows[0].fired.Time)
		}
		if n, attempts, states := timerJobs(t, st2); n != 1 || attempts != 1 || states[0] != "completed" {
			t.Errorf("timer jobs: %d with %d attempts in states %v, want one completed at the first attempt", n, attempts, states)
		}
		if card := finishCard(t, st2, s.ID, pieceID); len(card.Timers) != 0 || card.WaitsOn != "" {
			t.Errorf("board card after the timer fired: timers %+v, waits on %q; want none", card.Timers, card.WaitsOn)
		}
	})
}

func TestTimerAlreadyDueFiresAtOnce(t *testing.T) {
	storetest.EachDialect(t, func(t *testing.T, d store.Dialect) {
		t.Parallel()
		st := openStore(t, storetest.Config(t, d))
		s := dryStudio(t, st)
		pieceID := pieceAtFinish(t, st, s)
		// The store would enqueue a job if one were needed; no runner
		// works here, so only startTimer can fire the timer.

		applied := time.Now().Add(-2 * time.Minute) // dry a minute ago
		p, err := st.LogCoat(t.Context(), s.ID, pieceID, "", studio.MattePolyurethane, false, &applied)
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Timers) != 0 {
			t.Fatalf("open timers = %+v, want none: the coat is dry already", p.Timers)
		}
		rows := timerRows(t, st, pieceID)
		if len(rows) != 1 || !rows[0].fired.Valid || !rows[0].fired.Time.Equal(rows[0].created) {
			t.Fatalf("timers = %+v, want one fired when it was logged", rows)
		}
		if !rows[0].due.Before(rows[0].created) {
			t.Errorf("due at %v, not before it was logged at %v", rows[0].due, rows[0].created)
		}
		if n, _, _ := timerJobs(t, st); n != 0 {
			t.Errorf("%d timer jobs enqueued for a timer fired already, want none", n)
		}
		if card := finishCard(t, st, s.ID, pieceID); len(card.Timers) != 0 || card.WaitsOn != "" {
			t.Errorf("board card: timers %+v, waits on %q; want none", card.Timers, card.WaitsOn)
		}
	})
}
