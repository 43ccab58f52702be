package store_test

import (
	"slices"
	"testing"
	"time"

	"atelier/internal/plan"
	"atelier/internal/store"
	"atelier/internal/store/storetest"
	"atelier/internal/studio"
)

// planStore opens a store whose clock the test moves, with a studio.
func planStore(t *testing.T, d store.Dialect) (*store.Store, *movableClock, studio.Studio) {
	t.Helper()
	clock := &movableClock{at: time.Now().UTC().Truncate(time.Second)}
	s := storetest.Open(t, d, clock.now)
	return s, clock, mustStudio(t, s, "ana")
}

func mustProblem(t *testing.T, s *store.Store, studioID string) plan.Problem {
	t.Helper()
	pr, err := s.PlanProblem(ctx, studioID)
	if err != nil {
		t.Fatal(err)
	}
	return pr
}

// planPiece is the problem's piece of the id; the test fails without it.
func planPiece(t *testing.T, pr plan.Problem, id string) plan.Piece {
	t.Helper()
	for _, p := range pr.Pieces {
		if p.ID == id {
			return p
		}
	}
	t.Fatalf("piece %s is not in the problem: %+v", id, pr.Pieces)
	return plan.Piece{}
}

func newPlanPiece(t *testing.T, s *store.Store, studioID, subject string, brands ...string) string {
	t.Helper()
	p, err := s.CreatePiece(ctx, studioID, "", studio.NewPieceFields{Subject: subject, ClayBrands: brands, TargetHeightMM: 40})
	if err != nil {
		t.Fatal(err)
	}
	return p.ID
}

// A studio without pieces plans nothing, at the store's now, with the
// default week of its owner, the built-in durations and the default dry
// time, in its own time zone; its own dry time and zone are taken once set.
func TestPlanProblemOfAnEmptyStudio(t *testing.T) {
	storetest.EachDialect(t, func(t *testing.T, d store.Dialect) {
		s, clock, st := planStore(t, d)
		owner, err := s.CreateUser(ctx, studio.NewUser{StudioSlug: "ana", Email: "ana@example.com", Name: "Ana", Role: studio.Owner, Password: "a long password"})
		if err != nil {
			t.Fatal(err)
		}
		pr := mustProblem(t, s, st.ID)
		if len(pr.Pieces) != 0 || len(pr.Ovens) != 0 || !pr.Now.Equal(clock.now()) || pr.Now.Location() != time.UTC || pr.Location.String() != "UTC" {
			t.Fatalf("an empty studio's problem: %+v", pr)
		}
		if pr.Capacity.Week.Minutes() != 5*8*60 || len(pr.Capacity.Workers) != 1 || pr.Capacity.Workers[0].UserID != owner.ID {
			t.Errorf("the default capacity: %+v", pr.Capacity)
		}
		if e := pr.Durations.Estimate(studio.Sculpt); e.Learned || e.Median != 240 {
			t.Errorf("sculpt without samples: %+v", e)
		}
		if pr.DryMinutes != 30 {
			t.Errorf("the default dry time: %d", pr.DryMinutes)
		}

		zone := "Europe/Vienna"
		if _, err := s.UpdateStudio(ctx, st.ID, studio.StudioUpdate{Timezone: &zone, CoatDryMinutes: map[studio.CoatKind]int{studio.MattePolyurethane: 45}}); err != nil {
			t.Fatal(err)
		}
		if err := s.SetStageDefaults(ctx, st.ID, map[studio.Stage]int{studio.Sculpt: 300}); err != nil {
			t.Fatal(err)
		}
		pr = mustProblem(t, s, st.ID)
		if pr.DryMinutes != 45 || pr.Location.String() != zone || pr.Durations.Estimate(studio.Sculpt).Median != 300 {
			t.Errorf("the studio's own settings: dry %d, zone %s, sculpt %+v", pr.DryMinutes, pr.Location, pr.Durations.Estimate(studio.Sculpt))
		}
		if _, err := s.PlanProblem(ctx, "no-such-studio"); studio.ErrorCode(err) != studio.NotFound {
			t.Errorf("an unknown studio: %v", err)
		}
	})
}

// The open pieces come in the order they were started, with their stage,
// clays and baking figures, thickness and promised date; finished,
// delivered and other studios' pieces are left out.
func TestPlanProblemListsOpenPieces(t *testing.T) {
	storetest.EachDialect(t, func(t *testing.T, d store.Dialect) {
		s, clock, st := planStore(t, d)
		other := mustStudio(t, s, "ben")

		c := todayInquiry(t, s, st.ID, "Grandma Rose")
		price, deposit := int64(45000), int64(0)
		if _, err := s.MoveCommission(ctx, st.ID, c.ID, "", studio.Move{To: studio.Quoted, PriceCents: &price, DepositCents: &deposit, PromisedDate: "2099-03-04"}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.MoveCommission(ctx, st.ID, c.ID, "", studio.Move{To: studio.Accepted}); err != nil {
			t.Fatal(err)
		}
		rose, err := s.PieceOfCommission(ctx, st.ID, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		thick, brands := 8.0, []string{"premo", "fimo-soft"}
		if _, err := s.UpdatePiece(ctx, st.ID, rose.ID, studio.PieceUpdate{ClayBrands: &brands, MaxThicknessMM: &thick}); err != nil {
			t.Fatal(err)
		}
		clock.add(time.Minute)
		finished := storetest.CollectorGradeNew(t, s, st.ID)
		clock.add(time.Minute)
		delivered := storetest.CollectorGradeNew(t, s, st.ID)
		if _, err := s.AdvancePiece(ctx, st.ID, delivered, ""); err != nil {
			t.Fatal(err)
		}
		clock.add(time.Minute)
		rex := newPlanPiece(t, s, st.ID, "Rex the dog")
		storetest.WalkPiece(t, s, st.ID, rex, studio.Sculpt)
		want := []string{rose.ID, rex}
		for _, subject := range []string{"Tom", "Ida", "Max"} {
			clock.add(time.Minute)
			want = append(want, newPlanPiece(t, s, st.ID, subject))
		}
		newPlanPiece(t, s, other.ID, "Not ours", "premo")

		pr := mustProblem(t, s, st.ID)
		var got []string
		for _, p := range pr.Pieces {
			got = append(got, p.ID)
		}
		if !slices.Equal(got, want) {
			t.Fatalf("open pieces in the order started %v (not %s, %s): %+v", want, finished, delivered, pr.Pieces)
		}
		p := pr.Pieces[0]
		if p.Subject != "Grandma Rose" || p.CommissionID != c.ID || p.EditionID != "" || p.Stage != studio.Concept || p.Promised != "2099-03-04" ||
			p.ThicknessMM != 8 || p.TargetHeightMM != rose.TargetHeightMM {
			t.Errorf("the commissioned piece: %+v", p)
		}
		if len(p.Clays) != 2 || p.Clays[0].Key != "premo" || p.Clays[0].TemperatureC != 130 || p.Clays[1].Key != "fimo-soft" || p.Clays[1].TemperatureC != 110 ||
			p.Clays[1].MinutesPer6mm != 30 {
			t.Errorf("its clays: %+v", p.Clays)
		}
		if p := pr.Pieces[1]; p.Stage != studio.Sculpt || p.Promised != "" || p.CommissionID != "" || p.ThicknessMM != 9 || p.TargetHeightMM != 40 {
			t.Errorf("the studio's own piece: %+v", p)
		}
	})
}

// Work counts on the current stage's current pass: booked by hand or by a
// timer still running, not on earlier stages nor on an earlier pass of the
// same stage.
func TestPlanProblemCountsWorkOfTheCurrentPass(t *testing.T) {
	storetest.EachDialect(t, func(t *testing.T, d store.Dialect) {
		s, clock, st := planStore(t, d)
		id := newPlanPiece(t, s, st.ID, "Rex the dog", "premo")
		clock.add(time.Hour)
		storetest.WalkPiece(t, s, st.ID, id, studio.Sculpt) // 25 minutes on concept and on armature
		clock.add(time.Hour)
		if got := planPiece(t, mustProblem(t, s, st.ID), id); got.Stage != studio.Sculpt || got.WorkedMinutes != 0 {
			t.Fatalf("work on earlier stages counted: %+v", got)
		}
		if _, err := s.AddWork(ctx, st.ID, id, "", "", 40); err != nil {
			t.Fatal(err)
		}
		if _, err := s.AddWork(ctx, st.ID, id, "", studio.Concept, 15); err != nil {
			t.Fatal(err)
		}
		if got := planPiece(t, mustProblem(t, s, st.ID), id); got.WorkedMinutes != 40 {
			t.Errorf("40 minutes on sculpt, 15 more on concept: %v", got.WorkedMinutes)
		}
		if _, err := s.StartWork(ctx, st.ID, id, ""); err != nil {
			t.Fatal(err)
		}
		clock.add(30 * time.Minute)
		if got := planPiece(t, mustProblem(t, s, st.ID), id); got.WorkedMinutes != 70 {
			t.Errorf("with a timer running for 30 minutes: %v", got.WorkedMinutes)
		}
		if _, err := s.StopWork(ctx, st.ID, id); err != nil {
			t.Fatal(err)
		}

		// Back to armature and on to sculpt again: a new pass, nothing done.
		clock.add(time.Hour)
		if _, err := s.ReturnPiece(ctx, st.ID, id, "", studio.Armature, "the wire shows"); err != nil {
			t.Fatal(err)
		}
		clock.add(time.Hour)
		storetest.WalkPiece(t, s, st.ID, id, studio.Sculpt)
		if got := planPiece(t, mustProblem(t, s, st.ID), id); got.Stage != studio.Sculpt || got.WorkedMinutes != 0 {
			t.Errorf("the earlier pass's work counted: %+v", got)
		}
	})
}

// A piece in its finish with one coat on has one coat done and is ready
// when the coat is dry; once it is, nothing holds it. A later pass of the
// finish starts with no coats.
func TestPlanProblemCoatDrying(t *testing.T) {
	storetest.EachDialect(t, func(t *testing.T, d store.Dialect) {
		s, clock, st := planStore(t, d)
		id := newPlanPiece(t, s, st.ID, "Grandpa Joe", "premo")
		storetest.WalkPiece(t, s, st.ID, id, studio.Finish)
		if got := planPiece(t, mustProblem(t, s, st.ID), id); got.CoatsDone != 0 || !got.ReadyAt.IsZero() || got.Baked {
			t.Fatalf("before the first coat: %+v", got)
		}
		if _, err := s.LogCoat(ctx, st.ID, id, "", studio.MattePolyurethane, false, nil); err != nil {
			t.Fatal(err)
		}
		dry := clock.now().Add(30 * time.Minute)
		if got := planPiece(t, mustProblem(t, s, st.ID), id); got.CoatsDone != 1 || !got.ReadyAt.Equal(dry) {
			t.Errorf("one coat drying until %s: %+v", dry, got)
		}
		clock.add(31 * time.Minute)
		if got := planPiece(t, mustProblem(t, s, st.ID), id); got.CoatsDone != 1 || !got.ReadyAt.IsZero() {
			t.Errorf("the coat dry: %+v", got)
		}

		// Back to paint and on to finish again: a new pass, no coats yet.
		if _, err := s.ReturnPiece(ctx, st.ID, id, "", studio.Paint, "a smudge on the cheek"); err != nil {
			t.Fatal(err)
		}
		storetest.WalkPiece(t, s, st.ID, id, studio.Finish)
		if got := planPiece(t, mustProblem(t, s, st.ID), id); got.Stage != studio.Finish || got.CoatsDone != 0 {
			t.Errorf("the earlier pass's coat counted: %+v", got)
		}
	})
}

// A piece in its first bake is baked once its bake starts, ready when the
// bake's time and the cool-down are over; a bake planned and not started
// does not count. The studio's ovens come in the order they were made.
func TestPlanProblemRunningBake(t *testing.T) {
	storetest.EachDialect(t, func(t *testing.T, d store.Dialect) {
		s, clock, st := planStore(t, d)
		id := newPlanPiece(t, s, st.ID, "Aunt May", "premo")
		storetest.WalkPiece(t, s, st.ID, id, studio.FirstBake)
		if _, err := s.CreateOven(ctx, st.ID, studio.Oven{Name: "Toaster oven", Kind: "toaster"}); err != nil {
			t.Fatal(err)
		}
		clock.add(time.Minute)
		big, err := s.CreateOven(ctx, st.ID, studio.Oven{Name: "Big oven", Kind: "convection", CapacityPieces: 12})
		if err != nil {
			t.Fatal(err)
		}
		pr := mustProblem(t, s, st.ID)
		if len(pr.Ovens) != 2 || pr.Ovens[0].Name != "Toaster oven" || pr.Ovens[0].Capacity != 6 || pr.Ovens[1] != (plan.Oven{ID: big.ID, Name: "Big oven", Capacity: 12}) {
			t.Errorf("ovens: %+v", pr.Ovens)
		}

		b, err := s.PlanBake(ctx, st.ID, "", store.NewBake{OvenID: big.ID, PieceIDs: []string{id}})
		if err != nil {
			t.Fatal(err)
		}
		if got := planPiece(t, mustProblem(t, s, st.ID), id); got.Baked || !got.ReadyAt.IsZero() {
			t.Errorf("a bake planned, not started: %+v", got)
		}
		if b, err = s.StartBake(ctx, st.ID, b.ID); err != nil {
			t.Fatal(err)
		}
		ready := b.StartedAt.Add(time.Duration(b.Minutes)*time.Minute + 10*time.Minute)
		if got := planPiece(t, mustProblem(t, s, st.ID), id); !got.Baked || !got.ReadyAt.Equal(ready) || b.Minutes <= 0 {
			t.Errorf("a bake of %d minutes running, ready at %s: %+v", b.Minutes, ready, got)
		}
		clock.add(5 * time.Minute)
		if b, err = s.FinishBake(ctx, st.ID, b.ID); err != nil {
			t.Fatal(err)
		}
		if got := planPiece(t, mustProblem(t, s, st.ID), id); !got.Baked || !got.ReadyAt.Equal(clock.now().Add(10*time.Minute)) {
			t.Errorf("the bake finished early, cooling: %+v", got)
		}
	})
}
