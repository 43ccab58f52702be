package store_test

import (
	"context"
	"testing"

	"atelier/internal/store"
	"atelier/internal/store/storetest"
	"atelier/internal/studio"
)

// An edition's reissue links both ways, on both databases: a first
// edition links to its reissues, oldest first, each reissue back to it,
// and another studio's edition is not found.
func TestEditionReissues(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		ana, ben := mustStudio(t, s, "ana"), mustStudio(t, s, "ben")
		first := newEdition(t, s, ana.ID, 10)
		of, as, err := s.EditionReissues(ctx, ana.ID, first.ID)
		if err != nil || of != nil || len(as) != 0 {
			t.Fatalf("a new edition's links: %v %v %v", of, as, err)
		}
		second, err := s.ReissueEdition(ctx, ana.ID, first.ID, 12, "")
		if err != nil {
			t.Fatal(err)
		}
		third, err := s.ReissueEdition(ctx, ana.ID, first.ID, 0, "")
		if err != nil {
			t.Fatal(err)
		}
		newEdition(t, s, ana.ID, 15) // unrelated
		of, as, err = s.EditionReissues(ctx, ana.ID, first.ID)
		if err != nil || of != nil || len(as) != 2 || as[0].ID != second.ID || as[1].ID != third.ID || as[0].Size != 12 || as[0].Title != "Grandma Rose" {
			t.Fatalf("the first edition's reissues: %v %+v %v", of, as, err)
		}
		of, as, err = s.EditionReissues(ctx, ana.ID, second.ID)
		if err != nil || of == nil || of.ID != first.ID || of.Size != 10 || len(as) != 0 {
			t.Fatalf("a reissue's links: %+v %+v %v", of, as, err)
		}
		if _, _, err := s.EditionReissues(ctx, ben.ID, first.ID); studio.ErrorCode(err) != studio.NotFound {
			t.Fatalf("another studio's edition: %v", err)
		}
		if _, _, err := s.EditionReissues(ctx, ana.ID, "nosuch"); studio.ErrorCode(err) != studio.NotFound {
			t.Fatalf("an unknown edition: %v", err)
		}
	})
}
