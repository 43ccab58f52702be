package jobs

import (
	"slices"
	"testing"
	"time"

	"atelier/internal/files/filestest"
	"atelier/internal/store"
	"atelier/internal/store/storetest"
	"atelier/internal/studio"
)

// A bake's cool-down timer, set by a process that ends before it is due,
// fires once in the next process on the same database, and the piece may
// then leave its first bake.
func TestCoolDownTimerFiresAfterRestart(t *testing.T) {
	storetest.EachDialect(t, func(t *testing.T, d store.Dialect) {
		t.Parallel()
		dbCfg := storetest.Config(t, d)
		blobs, _ := filestest.Open(t)

		// The first process's clock is 9 min 55 s behind: the oven goes off
		// "now", and the cool-down is over 5 s from now in real time.
		early := dbCfg
		early.Now = func() time.Time { return time.Now().Add(-(studio.CoolDown - 5*time.Second)) }
		st1 := openStore(t, early)
		s := dryStudio(t, st1)
		thick := 9.0
		p, err := st1.CreatePiece(t.Context(), s.ID, "", studio.NewPieceFields{Subject: "Rose", ClayBrands: []string{"premo"}, TargetHeightMM: 40, MaxThicknessMM: &thick})
		if err != nil {
			t.Fatal(err)
		}
		storetest.WalkPiece(t, st1, s.ID, p.ID, studio.FirstBake)
		oven, err := st1.CreateOven(t.Context(), s.ID, studio.Oven{Name: "Toaster", Kind: "toaster"})
		if err != nil {
			t.Fatal(err)
		}
		b, err := st1.PlanBake(t.Context(), s.ID, "", store.NewBake{OvenID: oven.ID, PieceIDs: []string{p.ID}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st1.StartBake(t.Context(), s.ID, b.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := st1.FinishBake(t.Context(), s.ID, b.ID); err != nil {
			t.Fatal(err)
		}
		d1, err := st1.Piece(t.Context(), s.ID, p.ID)
		if err != nil || len(d1.Timers) != 1 || d1.Timers[0].Label != "Cool-down over" {
			t.Fatalf("timers after the oven went off: %+v %v, want the cool-down", d1.Timers, err)
		}
		if _, err := st1.AdvancePiece(t.Context(), s.ID, p.ID, ""); studio.ErrorCode(err) != studio.Invalid {
			t.Fatalf("advancing while the piece cools: %v", err)
		}
		st1.Close()

		st2 := openStore(t, dbCfg)
		start(t, st2, Config{Files: blobs, Log: testLog(t)})
		waitFor(t, "the cool-down to be over", func() bool {
			d, err := st2.Piece(t.Context(), s.ID, p.ID)
			return err == nil && len(d.Timers) == 0
		})
		// The cool-down's job completed at its first attempt; the bake-done
		// job waits for its time, when it will find its timer fired at the
		// finish and do nothing.
		waitFor(t, "the cool-down's job to complete", func() bool {
			_, _, states := timerJobs(t, st2)
			return slices.Contains(states, "completed")
		})
		if n, attempts, states := timerJobs(t, st2); n != 2 || attempts != 1 || !slices.Contains(states, "scheduled") {
			t.Fatalf("timer jobs: %d with %d attempts in states %v, want the cool-down's completed and the bake's scheduled", n, attempts, states)
		}
		if _, err := st2.AdvancePiece(t.Context(), s.ID, p.ID, ""); err != nil {
			t.Fatalf("advancing once cooled: %v", err)
		}
	})
}
