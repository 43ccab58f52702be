package store_test

import (
	"testing"

	"atelier/internal/store"
	"atelier/internal/store/storetest"
	"atelier/internal/studio"
)

// A failing query is a failure of the database (500), not a missing
// checklist item (404) or a stopped work timer (409); only a query that
// finds no row means those.
func TestDatabaseErrorsAreNotNotFoundOrConflict(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ana := mustStudio(t, s, "ana")
		thick := 9.0
		p, err := s.CreatePiece(ctx, ana.ID, "", studio.NewPieceFields{Subject: "Grandma Rose", ClayBrands: []string{"premo"}, TargetHeightMM: 40, MaxThicknessMM: &thick})
		if err != nil {
			t.Fatal(err)
		}
		_, err = s.SetCheck(ctx, ana.ID, p.ID, "no-such-item", "", true)
		wantCode(t, err, studio.NotFound)
		_, err = s.StopWork(ctx, ana.ID, p.ID)
		wantCode(t, err, studio.Conflict)

		for _, table := range []string{"checklist_items", "work_sessions"} {
			if _, err := s.DB().ExecContext(ctx, `ALTER TABLE `+table+` RENAME TO `+table+`_gone`); err != nil {
				t.Fatal(err)
			}
		}
		_, err = s.SetCheck(ctx, ana.ID, p.ID, "no-such-item", "", true)
		wantCode(t, err, studio.Internal)
		_, err = s.StopWork(ctx, ana.ID, p.ID)
		wantCode(t, err, studio.Internal)
	})
}
