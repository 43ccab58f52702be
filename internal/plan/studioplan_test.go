package plan

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"atelier/internal/cure"
	"atelier/internal/studio"
)

var (
	paris = mustZone("Europe/Paris")
	// monday9 is Monday 7 December 2026, 09:00 in Paris.
	monday9 = time.Date(2026, 12, 7, 9, 0, 0, 0, paris)
	fimo    = studio.DefaultClays[0]
	premo   = studio.DefaultClays[2]
	// cool and hot share no temperature: 100–115 °C against 120–140 °C.
	cool = studio.Clay{Key: "cool", Name: "Cool clay", Baking: studio.Baking{TemperatureC: 110, TemperatureF: 230, MinC: 100, MaxC: 115, MinutesPer6mm: 30, MinimumMinutes: 30}}
	hot  = studio.Clay{Key: "hot", Name: "Hot clay", Baking: studio.Baking{TemperatureC: 130, TemperatureF: 266, MinC: 120, MaxC: 140, MinutesPer6mm: 30, MinimumMinutes: 30}}
)

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// studioAt is a studio of the default week with the given people and one
// oven of the given capacity.
func studioAt(now time.Time, people []string, ovenCapacity int, pieces ...Piece) Problem {
	c := studio.Capacity{Week: studio.DefaultWeek()}
	for _, p := range people {
		c.Workers = append(c.Workers, studio.Worker{UserID: p})
	}
	return Problem{Now: now, Location: paris, Capacity: c, Ovens: []Oven{{ID: "oven-1", Name: "Toaster", Capacity: ovenCapacity}},
		Durations: EstimateDurations(nil, nil, now), DryMinutes: 30, Pieces: pieces}
}

func piece(id string, stage studio.Stage, clays ...studio.Clay) Piece {
	if len(clays) == 0 {
		clays = []studio.Clay{fimo}
	}
	return Piece{ID: id, Subject: "Portrait " + id, Stage: stage, TargetHeightMM: 40, ThicknessMM: 6, Clays: clays}
}

func planned(t *testing.T, p Problem) Result {
	t.Helper()
	r, err := p.Plan(context.Background(), StudioOptions{Seed: 1, Samples: 40, Workers: 2})
	if err != nil {
		t.Fatalf("Plan: %v", err)
	}
	checkPlan(t, p, r)
	return r
}

// checkPlan checks every rule a plan must keep: each piece's steps in
// pipeline order, one after another, none before now or the piece's ready
// time; work inside its person's hours and nobody doing two things at
// once; bakes inside the studio's hours, one at a time per oven, within
// its capacity, of clays that share a temperature.
func checkPlan(t *testing.T, p Problem, r Result) {
	t.Helper()
	loc := p.Location
	if len(r.Pieces) != len(p.Pieces) {
		t.Fatalf("%d forecasts for %d pieces", len(r.Pieces), len(p.Pieces))
	}
	inHours := func(week studio.Week, at time.Time, end bool) bool {
		l := at.In(loc)
		m := l.Hour()*60 + l.Minute()
		if l.Second() > 0 {
			m++ // rounding to the second: allow the minute
		}
		if slices.Contains(p.Capacity.DaysOff, l.Format(time.DateOnly)) {
			return false
		}
		for _, s := range week[l.Weekday()] {
			if (!end && m >= s.Start && m <= s.End) || (end && m > s.Start && m <= s.End+1) {
				return true
			}
		}
		return false
	}
	weekOf := map[string]studio.Week{}
	for _, w := range p.Capacity.Workers {
		weekOf[w.UserID] = p.Capacity.Week
		if w.Week != nil {
			weekOf[w.UserID] = *w.Week
		}
	}
	type span struct {
		a, b time.Time
		what string
	}
	busy := map[string][]span{}
	for i, f := range r.Pieces {
		pc := p.Pieces[i]
		if f.PieceID != pc.ID {
			t.Fatalf("forecast %d is for %s, not %s", i, f.PieceID, pc.ID)
		}
		prevEnd, prevStage := p.Now, pc.Stage
		if pc.ReadyAt.After(prevEnd) {
			prevEnd = pc.ReadyAt
		}
		for _, s := range f.Steps {
			what := fmt.Sprintf("%s %s %s %s–%s", pc.ID, s.Stage, s.Kind, s.Start.In(loc).Format("Mon 15:04"), s.End.In(loc).Format("Mon 15:04"))
			if s.Start.Before(prevEnd.Add(-time.Second)) {
				t.Errorf("%s starts before the piece's previous step ends (%s)", what, prevEnd.In(loc).Format("Mon 15:04"))
			}
			if s.End.Before(s.Start) {
				t.Errorf("%s ends before it starts", what)
			}
			if s.Stage.Index() < prevStage.Index() {
				t.Errorf("%s comes after stage %s", what, prevStage)
			}
			prevEnd, prevStage = s.End, s.Stage
			switch s.Kind {
			case Work:
				week, ok := weekOf[s.Who]
				if !ok {
					t.Errorf("%s is done by %q, who does not work here", what, s.Who)
				}
				if s.End.After(s.Start) && (!inHours(week, s.Start, false) || !inHours(week, s.End, true)) {
					t.Errorf("%s starts or ends outside %s's hours", what, s.Who)
				}
				busy[s.Who] = append(busy[s.Who], span{s.Start, s.End, what})
			case Baking:
				if s.Bake < 0 || s.Bake >= len(r.Bakes) || !slices.Contains(r.Bakes[s.Bake].PieceIDs, pc.ID) {
					t.Errorf("%s is not in its bake", what)
				}
			}
		}
		if !f.Finish.Equal(prevEnd) && len(f.Steps) > 0 {
			t.Errorf("%s finishes at %s, its last step ends at %s", pc.ID, f.Finish, prevEnd)
		}
		if f.P90.Before(f.P50) {
			t.Errorf("%s: p90 %s before p50 %s", pc.ID, f.P90, f.P50)
		}
	}
	for who, spans := range busy {
		slices.SortFunc(spans, func(a, b span) int { return a.a.Compare(b.a) })
		for k := 1; k < len(spans); k++ {
			if spans[k].a.Before(spans[k-1].b) {
				t.Errorf("%s does two things at once: %s and %s", who, spans[k-1].what, spans[k].what)
			}
		}
	}
	clays := map[string][]studio.Clay{}
	capacity := map[string]int{}
	for _, pc := range p.Pieces {
		clays[pc.ID] = pc.Clays
	}
	for _, o := range p.Ovens {
		capacity[o.ID] = o.Capacity
	}
	byOven := map[string][]Bake{}
	for _, b := range r.Bakes {
		var all []studio.Clay
		for _, id := range b.PieceIDs {
			all = append(all, clays[id]...)
		}
		if _, err := cure.ChooseBatch(all); err != nil && len(b.PieceIDs) > 1 {
			t.Errorf("bake at %s holds %v, which cannot share a temperature: %v", b.Start, b.PieceIDs, err)
		}
		if c, ok := capacity[b.OvenID]; ok && len(b.PieceIDs) > c {
			t.Errorf("bake at %s holds %d pieces in an oven of %d", b.Start, len(b.PieceIDs), c)
		}
		if !inHours(p.Capacity.Week, b.Start, false) {
			t.Errorf("bake at %s starts outside the studio's hours", b.Start.In(loc))
		}
		byOven[b.OvenID] = append(byOven[b.OvenID], b)
	}
	for oven, bs := range byOven {
		for k := 1; k < len(bs); k++ {
			if bs[k].Start.Before(bs[k-1].End) {
				t.Errorf("oven %s bakes twice at once: %s and %s", oven, bs[k-1].Start, bs[k].Start)
			}
		}
	}
}

func TestPlanWorkPausesOutsideWorkingHours(t *testing.T) {
	friday3pm := time.Date(2026, 12, 11, 15, 0, 0, 0, paris)
	p := studioAt(friday3pm, []string{"ana"}, 6, piece("a", studio.Sculpt))
	r := planned(t, p)
	sculpt := r.Pieces[0].Steps[0]
	if sculpt.Stage != studio.Sculpt || !sculpt.Start.Equal(friday3pm) {
		t.Fatalf("first step %s at %s, want sculpt at once", sculpt.Stage, sculpt.Start)
	}
	// 240 minutes: two on Friday, two on Monday morning.
	if want := time.Date(2026, 12, 14, 11, 0, 0, 0, paris); !sculpt.End.Equal(want) {
		t.Errorf("sculpt ends %s, want %s", sculpt.End.In(paris), want)
	}
}

func TestPlanSkipsDaysOff(t *testing.T) {
	p := studioAt(monday9, []string{"ana"}, 6, piece("a", studio.Paint))
	p.Capacity.DaysOff = []string{"2026-12-07"}
	r := planned(t, p)
	if got := r.Pieces[0].Steps[0].Start; !got.Equal(time.Date(2026, 12, 8, 9, 0, 0, 0, paris)) {
		t.Errorf("paint starts %s, want Tuesday 09:00 (Monday is a day off)", got.In(paris))
	}
}

func TestPlanWaitsForCoatsToDry(t *testing.T) {
	p := studioAt(monday9, []string{"ana"}, 6, piece("a", studio.Finish))
	p.DryMinutes = 120
	r := planned(t, p)
	var coats, dries []Step
	for _, s := range r.Pieces[0].Steps {
		switch {
		case s.Stage == studio.Finish && s.Kind == Work:
			coats = append(coats, s)
		case s.Kind == Drying:
			dries = append(dries, s)
		}
	}
	if len(coats) != 2 || len(dries) != 2 {
		t.Fatalf("%d coats and %d dryings, want 2 and 2", len(coats), len(dries))
	}
	if gap := coats[1].Start.Sub(coats[0].End); gap < 120*time.Minute {
		t.Errorf("second coat %s after the first: it is not dry", gap)
	}
}

func TestPlanLeavesAFinishedCoatAlone(t *testing.T) {
	pc := piece("a", studio.Finish)
	pc.CoatsDone, pc.ReadyAt = 2, monday9.Add(30*time.Minute)
	r := planned(t, studioAt(monday9, []string{"ana"}, 6, pc))
	first := r.Pieces[0].Steps[0]
	if first.Stage != studio.Mount || first.Start.Before(pc.ReadyAt) {
		t.Errorf("first step %s at %s, want mount once the last coat is dry at %s", first.Stage, first.Start, pc.ReadyAt)
	}
}

func TestPlanUsesThePersonWhileAPieceWaits(t *testing.T) {
	drying := piece("drying", studio.Finish)
	drying.CoatsDone, drying.ReadyAt = 1, monday9.Add(24*time.Hour)
	r := planned(t, studioAt(monday9, []string{"ana"}, 6, drying, piece("other", studio.Paint)))
	if s := r.Pieces[1].Steps[0]; !s.Start.Equal(monday9) {
		t.Errorf("the other piece's paint starts %s: the artist should work on it while the coat dries", s.Start.In(paris))
	}
}

// loaded is a piece on the bench for its bake, loading done, whose bake
// is long (30 mm: two and a half hours of FIMO), so that baking together
// saves hours and the planner must see it.
func loaded(pc Piece) Piece {
	pc.ThicknessMM, pc.WorkedMinutes = 30, 15
	return pc
}

func TestPlanBatchesBakesThatShareATemperature(t *testing.T) {
	// Three people: after the bake each piece has hands of its own, so a
	// piece left out of the bake waits hours for nothing.
	p := studioAt(monday9, []string{"ana", "ben", "cy"}, 6,
		loaded(piece("a", studio.FirstBake, fimo)), loaded(piece("b", studio.FirstBake, fimo, premo)), loaded(piece("c", studio.FirstBake, fimo)))
	r := planned(t, p)
	if len(r.Bakes) != 1 || len(r.Bakes[0].PieceIDs) != 3 {
		t.Fatalf("bakes %+v, want the three pieces in one", r.Bakes)
	}
	if r.Bakes[0].TargetC != 120 {
		t.Errorf("batch at %d °C, want 120 (FIMO's highest, Premo!'s lowest)", r.Bakes[0].TargetC)
	}
}

func TestPlanNeverBakesClaysThatCannotShareATemperature(t *testing.T) {
	p := studioAt(monday9, []string{"ana"}, 6,
		piece("a", studio.FirstBake, cool), piece("b", studio.FirstBake, hot), piece("c", studio.FirstBake, cool))
	r := planned(t, p)
	if len(r.Bakes) != 2 {
		t.Fatalf("%d bakes, want 2 (cool together, hot alone)", len(r.Bakes))
	}
	for _, b := range r.Bakes {
		if slices.Contains(b.PieceIDs, "b") && len(b.PieceIDs) != 1 {
			t.Errorf("the hot clay shares a bake: %v", b.PieceIDs)
		}
	}
}

func TestPlanKeepsBakesWithinTheOvensCapacity(t *testing.T) {
	var ps []Piece
	for k := range 8 {
		ps = append(ps, loaded(piece(fmt.Sprint(k), studio.FirstBake)))
	}
	r := planned(t, studioAt(monday9, []string{"a", "b", "c", "d", "e", "f", "g", "h"}, 3, ps...))
	if len(r.Bakes) != 3 {
		t.Errorf("%d bakes for 8 pieces in an oven of 3, want 3", len(r.Bakes))
	}
}

func TestPlanSharesWorkAmongPeople(t *testing.T) {
	p := studioAt(monday9, []string{"ana", "ben"}, 6, piece("a", studio.Sculpt), piece("b", studio.Sculpt))
	r := planned(t, p)
	a, b := r.Pieces[0].Steps[0], r.Pieces[1].Steps[0]
	if !a.Start.Equal(monday9) || !b.Start.Equal(monday9) || a.Who == b.Who {
		t.Errorf("sculpts %s by %s and %s by %s: two people should sculpt both at once", a.Start, a.Who, b.Start, b.Who)
	}
}

func TestPlanHonoursAPersonsOwnHours(t *testing.T) {
	var mornings studio.Week
	mornings[time.Wednesday] = []studio.Span{{Start: 8 * 60, End: 12 * 60}}
	p := studioAt(monday9, nil, 6, piece("a", studio.Paint))
	p.Capacity.Workers = []studio.Worker{{UserID: "cy", Week: &mornings}}
	r := planned(t, p)
	s := r.Pieces[0].Steps[0]
	if want := time.Date(2026, 12, 9, 8, 0, 0, 0, paris); !s.Start.Equal(want) {
		t.Errorf("paint starts %s, want Wednesday 08:00", s.Start.In(paris))
	}
}

func TestPlanMakesEditionArmaturesTogether(t *testing.T) {
	a, b := piece("a", studio.Armature), piece("b", studio.Armature)
	a.EditionID, b.EditionID = "ed", "ed"
	r := planned(t, studioAt(monday9, []string{"ana"}, 6, a, b))
	first, second := r.Pieces[0].Steps[0], r.Pieces[1].Steps[0]
	if second.Start.Before(first.Start) {
		first, second = second, first
	}
	if !second.Start.Equal(first.End) {
		t.Fatalf("second armature at %s, want right after the first (%s)", second.Start, first.End)
	}
	if got, want := second.End.Sub(second.Start), first.End.Sub(first.Start)/4; got != want {
		t.Errorf("second armature takes %s, want a quarter of the first's %s on the master armature", got, want)
	}
}

func TestPlanMarksAPieceLateAgainstItsPromise(t *testing.T) {
	soon, later := piece("soon", studio.Concept), piece("later", studio.QC)
	soon.Promised, later.Promised = "2026-12-08", "2027-03-01"
	r := planned(t, studioAt(monday9, []string{"ana"}, 6, soon, later))
	if !r.Pieces[0].Late || r.Pieces[1].Late {
		t.Errorf("late = %v, %v; want the concept piece late for tomorrow and the QC piece on time", r.Pieces[0].Late, r.Pieces[1].Late)
	}
	if want := time.Date(2026, 12, 9, 0, 0, 0, 0, paris); !r.Pieces[0].Due.Equal(want) {
		t.Errorf("due %s, want the end of the promised day %s", r.Pieces[0].Due, want)
	}
}

func TestPlanPutsTheEarlierPromiseFirst(t *testing.T) {
	relaxed, urgent := piece("relaxed", studio.Paint), piece("urgent", studio.Paint)
	relaxed.Promised, urgent.Promised = "2027-06-01", "2026-12-07"
	r := planned(t, studioAt(monday9, []string{"ana"}, 6, relaxed, urgent))
	if r.Pieces[1].Finish.After(r.Pieces[1].Due) || r.Pieces[1].Finish.After(r.Pieces[0].Finish) {
		t.Errorf("urgent piece finishes %s, due %s, relaxed one %s: the promise for today comes first", r.Pieces[1].Finish, r.Pieces[1].Due, r.Pieces[0].Finish)
	}
}

func TestPlanForecastSpreadsWithUncertainty(t *testing.T) {
	r := planned(t, studioAt(monday9, []string{"ana"}, 6, piece("a", studio.Concept)))
	f := r.Pieces[0]
	if !f.P90.After(f.P50) {
		t.Errorf("p50 %s, p90 %s: an unlearned studio should be unsure", f.P50, f.P90)
	}
	if f.P50.Before(monday9) {
		t.Errorf("p50 %s before now", f.P50)
	}
}

func TestPlanIsRepeatable(t *testing.T) {
	p := randomStudio(rand.New(rand.NewPCG(3, 4)), 20)
	a, b := planned(t, p), planned(t, p)
	for i := range a.Pieces {
		if !a.Pieces[i].Finish.Equal(b.Pieces[i].Finish) || !a.Pieces[i].P90.Equal(b.Pieces[i].P90) {
			t.Fatalf("piece %d: %s/%s then %s/%s", i, a.Pieces[i].Finish, a.Pieces[i].P90, b.Pieces[i].Finish, b.Pieces[i].P90)
		}
	}
}

func TestPlanOfRandomStudiosKeepsEveryRule(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for k := range 12 {
		p := randomStudio(rng, 5+rng.IntN(40))
		t.Run(fmt.Sprint(k), func(t *testing.T) { planned(t, p) })
	}
}

func TestPlanRefusesAWeekWithoutHours(t *testing.T) {
	p := studioAt(monday9, []string{"ana"}, 6, piece("a", studio.Sculpt))
	p.Capacity.Week = studio.Week{}
	if _, err := p.Plan(context.Background(), StudioOptions{}); err == nil {
		t.Fatal("a week without hours was planned")
	}
}

func TestPlanWithoutOvensAssumesOne(t *testing.T) {
	p := studioAt(monday9, []string{"ana"}, 6, piece("a", studio.FirstBake))
	p.Ovens = nil
	r := planned(t, p)
	if len(r.Bakes) != 1 || len(r.Notes) == 0 {
		t.Errorf("bakes %v, notes %v; want one bake and a note that there is no oven", r.Bakes, r.Notes)
	}
}

// randomStudio is a studio of n pieces at random stages, with two
// people, two ovens, clays that may not share, promises and days off.
func randomStudio(rng *rand.Rand, n int) Problem {
	now := monday9.Add(time.Duration(rng.IntN(7*24*60)) * time.Minute)
	p := studioAt(now, []string{"ana", "ben"}, 4)
	var evenings studio.Week
	for d := time.Monday; d <= time.Saturday; d++ {
		evenings[d] = []studio.Span{{Start: 17 * 60, End: 21 * 60}}
	}
	p.Capacity.Workers[1].Week = &evenings
	p.Capacity.DaysOff = []string{"2026-12-24", "2026-12-25"}
	p.Ovens = append(p.Ovens, Oven{ID: "oven-2", Capacity: 2})
	clays := []studio.Clay{fimo, premo, cool, hot}
	for i := range n {
		pc := piece(fmt.Sprintf("p%02d", i), WorkStages[rng.IntN(len(WorkStages))], clays[rng.IntN(4)])
		pc.TargetHeightMM = float64(20 + rng.IntN(80))
		if rng.IntN(3) == 0 {
			pc.Promised = now.AddDate(0, 0, rng.IntN(40)).In(paris).Format(time.DateOnly)
		}
		if rng.IntN(4) == 0 {
			pc.EditionID = "ed" + fmt.Sprint(rng.IntN(2))
		}
		if pc.Stage == studio.Finish {
			pc.CoatsDone = rng.IntN(3)
		}
		if rng.IntN(5) == 0 {
			pc.ReadyAt = now.Add(time.Duration(rng.IntN(600)) * time.Minute)
		}
		p.Pieces = append(p.Pieces, pc)
	}
	return p
}

func TestWhatIfShipsAfterTheOpenWorkAndNamesThePushedPromises(t *testing.T) {
	busy := piece("busy", studio.Paint)
	busy.Promised = "2026-12-09"
	p := studioAt(monday9, []string{"ana"}, 6, busy)
	w, err := p.WhatIf(context.Background(), NewWork{TargetHeightMM: 40, Clays: []studio.Clay{fimo}}, StudioOptions{Seed: 1, Samples: 40})
	if err != nil {
		t.Fatal(err)
	}
	if !w.ShipP50.After(monday9.Add(24*time.Hour)) || w.ShipP90.Before(w.ShipP50) {
		t.Errorf("ship p50 %s, p90 %s: a whole piece is days of work", w.ShipP50, w.ShipP90)
	}
	checkPlan(t, Problem{Now: p.Now, Location: p.Location, Capacity: p.Capacity, Ovens: p.Ovens,
		Pieces: append(slices.Clone(p.Pieces), Piece{ID: WhatIfPrefix + "1", Stage: studio.Concept, Clays: []studio.Clay{fimo}})}, w.Plan)
	for _, d := range w.Delays {
		if d.PieceID == "busy" {
			t.Errorf("the new work pushes the promised piece by %d days: the new piece should wait for it", d.Days)
		}
	}
}

func TestWhatIfReportsDelaysOfPiecesWithoutPromises(t *testing.T) {
	var ps []Piece
	for k := range 3 {
		ps = append(ps, piece(fmt.Sprint(k), studio.Concept))
	}
	p := studioAt(monday9, []string{"ana"}, 6, ps...)
	// An urgent-looking new commission cannot jump the queue by itself,
	// but an edition of 5 is planned after the open work: nothing moves.
	w, err := p.WhatIf(context.Background(), NewWork{TargetHeightMM: 40, Clays: []studio.Clay{fimo}, Count: 5}, StudioOptions{Seed: 1, Samples: 20})
	if err != nil {
		t.Fatal(err)
	}
	if len(w.Plan.Pieces) != 8 {
		t.Fatalf("%d pieces in the what-if plan, want 3 + 5", len(w.Plan.Pieces))
	}
	for _, d := range w.Delays {
		if d.Days <= 0 {
			t.Errorf("delay of %d days listed", d.Days)
		}
	}
}

func TestWhatIfRefusesAnAbsurdCount(t *testing.T) {
	p := studioAt(monday9, []string{"ana"}, 6)
	for _, n := range []int{-1, MaxWhatIfCount + 1} {
		if _, err := p.WhatIf(context.Background(), NewWork{TargetHeightMM: 40, Count: n}, StudioOptions{}); err == nil {
			t.Errorf("count %d accepted", n)
		}
	}
}

// Work for years: the calendars grow while the scenarios run side by
// side, each on calendars of its own.
func TestPlanOfYearsOfWorkRunsScenariosSideBySide(t *testing.T) {
	var ps []Piece
	for k := range 400 {
		ps = append(ps, piece(fmt.Sprint(k), studio.Concept))
	}
	p := studioAt(monday9, []string{"ana"}, 6, ps...)
	r, err := p.Plan(context.Background(), StudioOptions{Seed: 1, Samples: 16, Workers: 4, Iterations: 4})
	if err != nil {
		t.Fatal(err)
	}
	if last := r.Pieces[len(ps)-1].P90; last.Before(monday9.AddDate(2, 0, 0)) {
		t.Errorf("400 pieces of 13 hours for one person done by %s: want years", last)
	}
}
