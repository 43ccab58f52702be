package store_test

import (
	"context"
	"testing"

	"atelier/internal/store"
	"atelier/internal/store/storetest"
	"atelier/internal/studio"
)

// The planner learns from finished pieces only: five collector-grade
// pieces teach it their logged minutes, an open piece teaches nothing, and
// the studio's own defaults hold for the stages not learned.
func TestStageDurations(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		st, _ := s.CreateStudio(ctx, studio.NewStudio("ana", "Ana", "Ana"))
		other, _ := s.CreateStudio(ctx, studio.NewStudio("ben", "Ben", "Ben"))
		for range 5 {
			storetest.CollectorGradeNew(t, s, st.ID)
		}
		open, err := s.CreatePiece(ctx, st.ID, "", studio.NewPieceFields{Subject: "Open", ClayBrands: []string{"premo"}, TargetHeightMM: 40})
		if err != nil {
			t.Fatal(err)
		}
		storetest.WalkPiece(t, s, st.ID, open.ID, studio.Paint)

		samples, err := s.StageSamples(ctx, st.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got := samples[studio.Sculpt]; len(got) != 5 || got[0].Minutes != 25 || got[0].HeightMM != 40 || got[0].FinishedAt.IsZero() {
			t.Fatalf("sculpt samples: %+v", got)
		}
		if len(samples[studio.QC]) != 0 {
			t.Fatalf("QC samples without logged work: %+v", samples[studio.QC])
		}
		if theirs, err := s.StageSamples(ctx, other.ID); err != nil || len(theirs) != 0 {
			t.Fatalf("another studio's samples: %v, %v", theirs, err)
		}

		if err := s.SetStageDefaults(ctx, st.ID, map[studio.Stage]int{studio.QC: 20, studio.Sculpt: 300}); err != nil {
			t.Fatal(err)
		}
		if err := s.SetStageDefaults(ctx, st.ID, map[studio.Stage]int{studio.QC: 30, "polish": 10}); studio.ErrorCode(err) != studio.Invalid {
			t.Fatalf("an unknown stage: %v", err)
		}
		d, err := s.StageDurations(ctx, st.ID)
		if err != nil {
			t.Fatal(err)
		}
		if e := d.Estimate(studio.Sculpt); !e.Learned || e.Median != 25 || e.DefaultMinutes != 300 {
			t.Errorf("sculpt: %+v", e)
		}
		if e := d.Estimate(studio.QC); e.Learned || e.Median != 20 {
			t.Errorf("QC, with nothing written by the refused change: %+v", e)
		}
	})
}
