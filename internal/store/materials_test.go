package store_test

import (
	"context"
	"sync"
	"testing"

	"atelier/internal/store"
	"atelier/internal/store/storetest"
	"atelier/internal/studio"
)

func clayBlock(t testing.TB, s *store.Store, studioID string, blocks int64) studio.Material {
	t.Helper()
	m, err := s.CreateMaterial(context.Background(), studioID, "", studio.Material{Name: "FIMO professional, flesh", Category: studio.CatClay,
		Unit: studio.UnitBlock, Quantity: studio.WholeUnits(blocks), UnitCostCents: 250, ReorderLevel: studio.WholeUnits(1)})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func editionPiece(t testing.TB, s *store.Store, studioID string) string {
	t.Helper()
	e := newEdition(t, s, studioID, 12)
	p, _, err := s.IssueEditionPiece(context.Background(), studioID, "", e.ID, store.EditionPieceFields{})
	if err != nil {
		t.Fatal(err)
	}
	return p.ID
}

// Purchases move the weighted average, uses and waste take stock, an
// adjustment corrects it; the history keeps every move in order.
func TestMaterialMoves(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		st, _ := s.CreateStudio(ctx, studio.NewStudio("ana", "Ana", "Ana"))
		other, _ := s.CreateStudio(ctx, studio.NewStudio("ben", "Ben", "Ben"))
		piece := editionPiece(t, s, st.ID)
		m := clayBlock(t, s, st.ID, 2)
		steps := []struct {
			mv       studio.StockMove
			qty      int64
			avg      int64
			wantCode studio.Code
		}{
			{studio.StockMove{Kind: studio.MovePurchase, Quantity: studio.WholeUnits(2), UnitCostCents: 350}, 4, 300, ""},
			{studio.StockMove{Kind: studio.MoveUse, Quantity: studio.WholeUnits(3), PieceID: piece}, 1, 300, ""},
			{studio.StockMove{Kind: studio.MoveUse, Quantity: studio.WholeUnits(2), PieceID: piece}, 1, 300, studio.Conflict},
			{studio.StockMove{Kind: studio.MoveUse, Quantity: 500, PieceID: piece}, 1, 300, studio.Invalid},
			{studio.StockMove{Kind: studio.MoveUse, Quantity: studio.WholeUnits(1), PieceID: "nope"}, 1, 300, studio.NotFound},
			{studio.StockMove{Kind: studio.MoveWaste, Quantity: studio.WholeUnits(1)}, 1, 300, studio.Invalid},
			{studio.StockMove{Kind: studio.MoveAdjustment, Quantity: studio.WholeUnits(2), Reason: "found two in a drawer"}, 3, 300, ""},
			{studio.StockMove{Kind: studio.MovePurchase, Quantity: studio.WholeUnits(1), UnitCostCents: 100}, 4, 250, ""},
			{studio.StockMove{Kind: studio.MoveWaste, Quantity: studio.WholeUnits(1), Reason: "dried out"}, 3, 250, ""},
		}
		for i, step := range steps {
			got, _, err := s.AddMove(ctx, st.ID, "", m.ID, step.mv)
			if studio.ErrorCode(err) != step.wantCode {
				t.Fatalf("step %d: %v, want %q", i, err, step.wantCode)
			}
			now, _ := s.Material(ctx, st.ID, m.ID)
			if now.Quantity != studio.WholeUnits(step.qty) || now.AverageCostCents != step.avg || (err == nil && got.Quantity != now.Quantity) {
				t.Fatalf("step %d: %v at %d, want %d at %d", i, now.Quantity, now.AverageCostCents, step.qty, step.avg)
			}
		}
		if _, _, err := s.AddMove(ctx, other.ID, "", m.ID, studio.StockMove{Kind: studio.MovePurchase, Quantity: 1000}); studio.ErrorCode(err) != studio.NotFound {
			t.Fatalf("a move on another studio's item: %v", err)
		}
		if _, err := s.MaterialMoves(ctx, other.ID, m.ID); studio.ErrorCode(err) != studio.NotFound {
			t.Fatalf("another studio's history: %v", err)
		}
		hist, err := s.MaterialMoves(ctx, st.ID, m.ID)
		if err != nil || len(hist) != 6 {
			t.Fatalf("%d moves (%v), want the opening stock and 5", len(hist), err)
		}
		for i, mv := range hist {
			if mv.Seq != int64(i+1) {
				t.Fatalf("move %d numbered %d", i, mv.Seq)
			}
		}
		if hist[0].Reason != "Opening stock" || hist[2].PieceID != piece || hist[5].QuantityAfter != studio.WholeUnits(3) {
			t.Fatalf("history %+v", hist)
		}
		if err := s.DeleteMaterial(ctx, st.ID, m.ID); studio.ErrorCode(err) != studio.Conflict {
			t.Fatalf("deleting an item used in a piece: %v", err)
		}
		// With the check switched off, a use may take the stock below zero.
		if err := s.SetNegativeStockAllowed(ctx, st.ID, true); err != nil {
			t.Fatal(err)
		}
		got, _, err := s.AddMove(ctx, st.ID, "", m.ID, studio.StockMove{Kind: studio.MoveUse, Quantity: studio.WholeUnits(5), PieceID: piece})
		if err != nil || got.Quantity != -studio.WholeUnits(2) {
			t.Fatalf("a use over stock allowed: %v %v", got.Quantity, err)
		}
	})
}

// Items: bad fields refused with nothing written, names unique, the
// starter list loaded once, edits and deletes kept to the studio.
func TestMaterialItems(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		st, _ := s.CreateStudio(ctx, studio.NewStudio("ana", "Ana", "Ana"))
		other, _ := s.CreateStudio(ctx, studio.NewStudio("ben", "Ben", "Ben"))
		for _, bad := range []studio.Material{
			{Name: "FIMO", Category: studio.CatClay, Unit: studio.UnitBlock, Quantity: 1500},
			{Name: "FIMO", Category: studio.CatClay, Unit: studio.UnitBlock, Quantity: -1000},
			{Name: "FIMO", Category: studio.CatClay, Unit: "kg"},
			{Name: "FIMO", Category: "glitter", Unit: studio.UnitBlock},
		} {
			if _, err := s.CreateMaterial(ctx, st.ID, "", bad); studio.ErrorCode(err) != studio.Invalid {
				t.Errorf("%+v accepted: %v", bad, err)
			}
		}
		if list, _ := s.Materials(ctx, st.ID); len(list) != 0 {
			t.Fatalf("refused items written: %v", list)
		}
		m := clayBlock(t, s, st.ID, 3)
		if _, err := s.CreateMaterial(ctx, st.ID, "", studio.Material{Name: m.Name, Category: studio.CatClay, Unit: studio.UnitBlock}); studio.ErrorCode(err) != studio.Conflict {
			t.Fatalf("a second item of the same name: %v", err)
		}
		added, err := s.LoadStarterMaterials(ctx, st.ID, "")
		if err != nil || len(added) != len(studio.StarterMaterials())-1 {
			t.Fatalf("starter list: %d added (%v); the studio had the flesh FIMO already", len(added), err)
		}
		if again, err := s.LoadStarterMaterials(ctx, st.ID, ""); err != nil || len(again) != 0 {
			t.Fatalf("starter list loaded twice: %d (%v)", len(again), err)
		}
		supplier, grams := "Modulor", studio.UnitGrams
		if _, err := s.UpdateMaterial(ctx, other.ID, m.ID, studio.MaterialUpdate{Supplier: &supplier}); studio.ErrorCode(err) != studio.NotFound {
			t.Fatalf("another studio's edit: %v", err)
		}
		got, err := s.UpdateMaterial(ctx, st.ID, m.ID, studio.MaterialUpdate{Supplier: &supplier, Unit: &grams})
		if err != nil || got.Supplier != "Modulor" || got.Quantity != studio.WholeUnits(3) {
			t.Fatalf("edit: %+v %v", got, err)
		}
		if err := s.DeleteMaterial(ctx, other.ID, m.ID); studio.ErrorCode(err) != studio.NotFound {
			t.Fatalf("another studio's delete: %v", err)
		}
		if err := s.DeleteMaterial(ctx, st.ID, m.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Material(ctx, st.ID, m.ID); studio.ErrorCode(err) != studio.NotFound {
			t.Fatalf("a deleted item: %v", err)
		}
	})
}

// 16 clients using the last block at once: exactly one succeeds, the rest
// are refused with the shortfall, and the stock ends at zero.
func TestMaterialLastBlockUsedOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		st, _ := s.CreateStudio(ctx, studio.NewStudio("ana", "Ana", "Ana"))
		piece := editionPiece(t, s, st.ID)
		m := clayBlock(t, s, st.ID, 1)
		var mu sync.Mutex
		var wg sync.WaitGroup
		used, refused := 0, 0
		for range 16 {
			wg.Go(func() {
				_, _, err := s.AddMove(ctx, st.ID, "", m.ID, studio.StockMove{Kind: studio.MoveUse, Quantity: studio.WholeUnits(1), PieceID: piece})
				mu.Lock()
				defer mu.Unlock()
				switch studio.ErrorCode(err) {
				case "":
					used++
				case studio.Conflict:
					refused++
				default:
					t.Errorf("using the last block: %v", err)
				}
			})
		}
		wg.Wait()
		now, err := s.Material(ctx, st.ID, m.ID)
		if used != 1 || refused != 15 || err != nil || now.Quantity != 0 {
			t.Fatalf("%d uses, %d refused, stock %v (%v)", used, refused, now.Quantity, err)
		}
		if hist, _ := s.MaterialMoves(ctx, st.ID, m.ID); len(hist) != 2 {
			t.Fatalf("%d moves, want the opening stock and one use", len(hist))
		}
	})
}
