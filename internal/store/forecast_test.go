package store_test

import (
	"context"
	"math"
	"testing"

	"atelier/internal/costing"
	"atelier/internal/store"
	"atelier/internal/store/storetest"
	"atelier/internal/studio"
)

// useOn records a use of the item on the piece.
func useOn(t testing.TB, s *store.Store, studioID, materialID, pieceID string, q studio.Quantity) {
	t.Helper()
	if _, _, err := s.AddMove(context.Background(), studioID, "", materialID, studio.StockMove{Kind: studio.MoveUse, Quantity: q, PieceID: pieceID}); err != nil {
		t.Fatal(err)
	}
}

// finishedAt takes a new piece to collector-grade and sets its height.
func finishedAt(t testing.TB, s *store.Store, studioID string, heightMM float64) string {
	t.Helper()
	id := storetest.CollectorGradeNew(t, s, studioID)
	if _, err := s.DB().ExecContext(context.Background(), `UPDATE pieces SET target_height_mm = $1 WHERE id = $2`, heightMM, id); err != nil {
		t.Fatal(err)
	}
	return id
}

// The clay model learns from the clay logged on finished pieces only, in
// grams whether the clay is counted in grams or in blocks of a known
// weight; a piece with clay of unknown weight is left out, as is work in
// progress.
func TestClayModelLearnsFromFinishedPieces(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		st, _ := s.CreateStudio(ctx, studio.NewStudio("ana", "Ana", "Ana"))
		bulk, err := s.CreateMaterial(ctx, st.ID, "", studio.Material{Name: "Premo bulk", Category: studio.CatClay, Unit: studio.UnitGrams,
			Quantity: studio.WholeUnits(2000), UnitCostCents: 4})
		if err != nil {
			t.Fatal(err)
		}
		blocks := clayBlock(t, s, st.ID, 50) // no weight given
		weighed, err := s.CreateMaterial(ctx, st.ID, "", studio.Material{Name: "FIMO 57", Category: studio.CatClay, Unit: studio.UnitBlock,
			Quantity: studio.WholeUnits(10), UnitCostCents: 249, GramsPerUnit: studio.WholeUnits(57)})
		if err != nil {
			t.Fatal(err)
		}
		if m, n, err := s.ClayModel(ctx, st.ID); err != nil || m.Fitted || n != 0 {
			t.Fatalf("a new studio's model: %+v from %d pieces, %v", m, n, err)
		}
		// k = 0.0003 g/mm³: 40 mm takes 19.2 g, 50 mm 37.5 g, 60 mm 64.8 g
		// (one 57 g block and 7.8 g).
		for _, p := range []struct {
			h     float64
			grams studio.Quantity
		}{{40, 19_200}, {50, 37_500}} {
			useOn(t, s, st.ID, bulk.ID, finishedAt(t, s, st.ID, p.h), p.grams)
		}
		sixty := finishedAt(t, s, st.ID, 60)
		useOn(t, s, st.ID, weighed.ID, sixty, studio.WholeUnits(1))
		useOn(t, s, st.ID, bulk.ID, sixty, 7_800)
		// Neither counts: a use of blocks of unknown weight, and a piece
		// still being made.
		unknown := finishedAt(t, s, st.ID, 45)
		useOn(t, s, st.ID, bulk.ID, unknown, 10_000)
		useOn(t, s, st.ID, blocks.ID, unknown, studio.WholeUnits(1))
		open, err := s.CreatePiece(ctx, st.ID, "", studio.NewPieceFields{Subject: "Rex", ClayBrands: []string{"premo"}, TargetHeightMM: 40})
		if err != nil {
			t.Fatal(err)
		}
		useOn(t, s, st.ID, bulk.ID, open.ID, 900_000)

		m, n, err := s.ClayModel(ctx, st.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !m.Fitted || n != 3 || math.Abs(m.GramsPerMM3-0.0003) > 1e-9 {
			t.Fatalf("model %+v from %d pieces, want 0.0003 g/mm³ fitted from 3", m, n)
		}

		c, err := s.PieceClay(ctx, st.ID, unknown)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(c.EstimateGrams-0.0003*45*45*45) > 1e-6 || c.UsedGrams != 10 || c.UsedUnknown != 1 || c.FitPieces != 3 {
			t.Errorf("the 45 mm piece's clay: %+v", c)
		}
		other, _ := s.CreateStudio(ctx, studio.NewStudio("ben", "Ben", "Ben"))
		if _, err := s.PieceClay(ctx, other.ID, unknown); studio.ErrorCode(err) != studio.NotFound {
			t.Errorf("another studio's piece: %v", err)
		}
	})
}

// A forecast prices the clay a piece should take at the studio's clay
// price, and the work, other materials and energy at the medians of its
// latest finished pieces.
func TestForecastFromTheStudiosPieces(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		st, _ := s.CreateStudio(ctx, studio.NewStudio("ana", "Ana", "Ana"))
		if _, err := s.SetCostingRates(ctx, st.ID, costing.Rates{HourlyRateCents: 6000}); err != nil {
			t.Fatal(err)
		}
		f, err := s.Forecast(ctx, st.ID, 40, 0)
		if err != nil {
			t.Fatal(err)
		}
		if f.PastPieces != 0 || f.WorkMinutes != costing.DefaultWorkMinutes || f.MaterialsCents != 0 || f.LabourCents != 78000 {
			t.Fatalf("a new studio's forecast: %+v", f)
		}

		// Clay at 5 cents a gram in stock; pins at 10 cents, two on each
		// finished piece.
		if _, err := s.CreateMaterial(ctx, st.ID, "", studio.Material{Name: "Premo bulk", Category: studio.CatClay, Unit: studio.UnitGrams,
			Quantity: studio.WholeUnits(1000), UnitCostCents: 5}); err != nil {
			t.Fatal(err)
		}
		pins, err := s.CreateMaterial(ctx, st.ID, "", studio.Material{Name: "Pins", Category: studio.CatSculpting, Unit: studio.UnitPiece,
			Quantity: studio.WholeUnits(100), UnitCostCents: 10})
		if err != nil {
			t.Fatal(err)
		}
		var minutes []int64
		for range 3 {
			id := finishedAt(t, s, st.ID, 40)
			useOn(t, s, st.ID, pins.ID, id, studio.WholeUnits(2))
			var m int64
			if err := s.DB().QueryRowContext(ctx, `SELECT COALESCE(SUM(minutes), 0) FROM work_sessions WHERE piece_id = $1`, id).Scan(&m); err != nil {
				t.Fatal(err)
			}
			minutes = append(minutes, m)
		}
		f, err = s.Forecast(ctx, st.ID, 40, 0)
		if err != nil {
			t.Fatal(err)
		}
		// No clay logged, so the default model: 15.381 g × 5 c = 77 c, and
		// 20 c of pins.
		if f.PastPieces != 3 || int64(f.WorkMinutes) != minutes[1] || f.MaterialsCents != 77+20 || f.LabourCents != minutes[1]*100 {
			t.Errorf("forecast %+v; the pieces' work %v", f, minutes)
		}
		if f.SuggestedPriceCents != 2*f.TotalCents {
			t.Errorf("suggested %d for a cost of %d at the default markup", f.SuggestedPriceCents, f.TotalCents)
		}
	})
}

// An edition's cost is each piece's, by number, and their sum.
func TestEditionCost(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		st, _ := s.CreateStudio(ctx, studio.NewStudio("ana", "Ana", "Ana"))
		e := newEdition(t, s, st.ID, 12)
		var ids []string
		for range 2 {
			p, _, err := s.IssueEditionPiece(ctx, st.ID, "", e.ID, store.EditionPieceFields{})
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, p.ID)
		}
		m := clayBlock(t, s, st.ID, 10) // 250 cents a block
		useOn(t, s, st.ID, m.ID, ids[0], studio.WholeUnits(1))
		useOn(t, s, st.ID, m.ID, ids[1], studio.WholeUnits(2))
		pieces, total, err := s.EditionCost(ctx, st.ID, e.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(pieces) != 2 || pieces[0].Number != 1 || pieces[1].Number != 2 || pieces[0].MaterialsCents != 250 || pieces[1].MaterialsCents != 500 {
			t.Fatalf("pieces %+v", pieces)
		}
		if total.MaterialsCents != 750 || total.TotalCents != 750 || total.SuggestedPriceCents != 1500 {
			t.Errorf("total %+v", total)
		}
		other, _ := s.CreateStudio(ctx, studio.NewStudio("ben", "Ben", "Ben"))
		if _, _, err := s.EditionCost(ctx, other.ID, e.ID); studio.ErrorCode(err) != studio.NotFound {
			t.Errorf("another studio's edition: %v", err)
		}
	})
}
