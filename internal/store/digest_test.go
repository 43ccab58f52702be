package store_test

import (
	"slices"
	"sync"
	"testing"

	"atelier/internal/store"
	"atelier/internal/store/storetest"
	"atelier/internal/studio"
)

// stocked adds an item with the given stock and reorder level, in blocks.
func stocked(t *testing.T, s *store.Store, studioID, name string, cat studio.Category, qty, level int64) studio.Material {
	t.Helper()
	m, err := s.CreateMaterial(ctx, studioID, "", studio.Material{Name: name, Category: cat, Unit: studio.UnitBlock,
		Quantity: studio.WholeUnits(qty), ReorderLevel: studio.WholeUnits(level), Supplier: "Modulor"})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func names(items []studio.Material) []string {
	var out []string
	for _, m := range items {
		out = append(out, m.Name)
	}
	return out
}

// Only items with a reorder level whose stock is at or below it are to
// reorder, by category then name, and only the studio's own.
func TestReorderMaterialsListsItemsAtOrBelowTheirLevel(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ana, ben := mustStudio(t, s, "ana"), mustStudio(t, s, "ben")
		stocked(t, s, ana.ID, "Above", studio.CatClay, 5, 2)
		stocked(t, s, ana.ID, "Zinc at", studio.CatClay, 2, 2)
		stocked(t, s, ana.ID, "Below", studio.CatClay, 1, 2)
		stocked(t, s, ana.ID, "Empty, no level", studio.CatClay, 0, 0)
		stocked(t, s, ana.ID, "Box", studio.CatPresentation, 0, 1)
		stocked(t, s, ben.ID, "Ben's, below", studio.CatClay, 0, 3)
		got, err := s.ReorderMaterials(ctx, ana.ID)
		if err != nil {
			t.Fatal(err)
		}
		if want := []string{"Below", "Zinc at", "Box"}; !slices.Equal(names(got), want) {
			t.Fatalf("to reorder: %q, want %q", names(got), want)
		}
		for _, m := range got {
			if !m.Reorder() {
				t.Errorf("%s is listed but the domain says it need not be reordered", m.Name)
			}
		}
	})
}

// The day's digest is recorded once however many writers race for it,
// and only the winner's mail is queued, to each owner and no assistant.
func TestMaterialDigestIsRecordedOncePerDay(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ana := mustStudio(t, s, "ana")
		mustUser(t, s, "ana", "ana@example.com", studio.Owner)
		mustUser(t, s, "ana", "bo@example.com", studio.Owner)
		mustUser(t, s, "ana", "help@example.com", studio.Assistant)
		d := store.MaterialDigest{StudioID: ana.ID, Day: "2026-03-02", Items: 2, Subject: "Atelier: 2 materials to reorder", Body: "- Clay"}
		var wg sync.WaitGroup
		var mu sync.Mutex
		wins := 0
		for range 6 {
			wg.Go(func() {
				ok, err := s.RecordMaterialDigest(ctx, d)
				if err != nil {
					t.Error(err)
				}
				if ok {
					mu.Lock()
					wins++
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		if wins != 1 {
			t.Fatalf("%d writers recorded the day's digest, want 1", wins)
		}
		if done, err := s.MaterialDigestDone(ctx, ana.ID, d.Day); err != nil || !done {
			t.Fatalf("the day is not recorded as done: %v %v", done, err)
		}
		if done, _ := s.MaterialDigestDone(ctx, ana.ID, "2026-03-03"); done {
			t.Fatal("the next day is recorded as done")
		}
		out, err := s.Outbox(ctx, ana.ID)
		if err != nil {
			t.Fatal(err)
		}
		var to []string
		for _, o := range out {
			to = append(to, o.To)
		}
		slices.Sort(to)
		if want := []string{"ana@example.com", "bo@example.com"}; !slices.Equal(to, want) {
			t.Fatalf("mail queued to %q, want %q", to, want)
		}

		// Without a subject (mail off) the day is recorded and nothing queued.
		ok, err := s.RecordMaterialDigest(ctx, store.MaterialDigest{StudioID: ana.ID, Day: "2026-03-03", Items: 1})
		if err != nil || !ok {
			t.Fatalf("recording a day without mail: %v %v", ok, err)
		}
		if out, _ := s.Outbox(ctx, ana.ID); len(out) != 2 {
			t.Fatalf("%d mails queued, want still 2", len(out))
		}
	})
}
