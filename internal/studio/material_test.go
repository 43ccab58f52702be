package studio

import (
	"strings"
	"testing"
)

func TestWeightedAverage(t *testing.T) {
	for _, tc := range []struct {
		name          string
		oldQty        Quantity
		oldAvg        int64
		addQty        Quantity
		addCost, want int64
	}{
		{"first purchase", 0, 0, WholeUnits(4), 299, 299},
		{"same price", WholeUnits(4), 299, WholeUnits(2), 299, 299},
		{"half and half", WholeUnits(2), 200, WholeUnits(2), 400, 300},
		{"weighted by quantity", WholeUnits(3), 100, WholeUnits(1), 500, 200},
		{"rounds half up", WholeUnits(1), 100, WholeUnits(1), 101, 101},
		{"rounds down below half", WholeUnits(2), 100, WholeUnits(1), 101, 100},
		{"fractional grams", 2500, 10, 500, 40, 15},
		{"stock below zero carries no cost", -WholeUnits(2), 500, WholeUnits(5), 300, 300},
		{"nothing added", WholeUnits(2), 123, 0, 999, 123},
		{"free sample", WholeUnits(1), 300, WholeUnits(2), 0, 100},
		{"large without overflow", maxQuantity, 1_000_000_000_000, maxQuantity, 1_000_000_000_000, 1_000_000_000_000},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := WeightedAverage(tc.oldQty, tc.oldAvg, tc.addQty, tc.addCost); got != tc.want {
				t.Fatalf("WeightedAverage(%v, %d, %v, %d) = %d, want %d", tc.oldQty, tc.oldAvg, tc.addQty, tc.addCost, got, tc.want)
			}
		})
	}
}

func TestQuantity(t *testing.T) {
	for _, tc := range []struct {
		in   float64
		want Quantity
		ok   bool
		s    string
	}{
		{2.5, 2500, true, "2.5"}, {12, 12000, true, "12"}, {0.125, 125, true, "0.125"}, {-0.5, -500, true, "-0.5"},
		{0.0001, 0, false, ""}, {1e10, 0, false, ""},
	} {
		q, ok := QuantityOf(tc.in)
		if ok != tc.ok || q != tc.want || (ok && q.String() != tc.s) {
			t.Errorf("QuantityOf(%v) = %v %v %q, want %v %v %q", tc.in, int64(q), ok, q.String(), tc.want, tc.ok, tc.s)
		}
	}
	for _, tc := range []struct {
		v   float64
		bad bool
	}{{0, false}, {299, false}, {12.5, true}, {-1, true}} {
		if _, why := CostOf(tc.v); (why != "") != tc.bad {
			t.Errorf("CostOf(%v): %q", tc.v, why)
		}
	}
}

func TestMaterialValidate(t *testing.T) {
	ok := Material{Name: "FIMO", Category: CatClay, Unit: UnitBlock, Quantity: WholeUnits(3), ReorderLevel: WholeUnits(1)}
	for _, tc := range []struct {
		name  string
		edit  func(*Material)
		field string
	}{
		{"valid", func(*Material) {}, ""},
		{"fractional blocks", func(m *Material) { m.Quantity = 1500 }, "quantity"},
		{"negative stock", func(m *Material) { m.Quantity = -WholeUnits(1) }, "quantity"},
		{"fractional reorder level", func(m *Material) { m.ReorderLevel = 500 }, "reorder_level"},
		{"fractional grams are fine", func(m *Material) { m.Unit, m.Quantity = UnitGrams, 1500 }, ""},
		{"unknown unit", func(m *Material) { m.Unit = "kg" }, "unit"},
		{"unknown category", func(m *Material) { m.Category = "glitter" }, "category"},
		{"no name", func(m *Material) { m.Name = " " }, "name"},
		{"control character", func(m *Material) { m.Supplier = "a\x00b" }, "supplier"},
		{"paint colour", func(m *Material) { m.Category, m.Colour, m.Line = CatPainting, "#8A3324", "Amsterdam" }, ""},
		{"bad colour", func(m *Material) { m.Category, m.Colour = CatPainting, "red" }, "colour"},
		{"colour on clay", func(m *Material) { m.Colour = "#FFFFFF" }, "colour"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := ok
			tc.edit(&m)
			err := m.Validate(false)
			if tc.field == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			e, _ := err.(*Error)
			if e == nil || e.Fields[tc.field] == "" {
				t.Fatalf("want a problem with %s, got %v", tc.field, err)
			}
		})
	}
}

func TestApplyMove(t *testing.T) {
	m := Material{Name: "FIMO", Category: CatClay, Unit: UnitBlock, Quantity: WholeUnits(2), AverageCostCents: 200}
	for _, tc := range []struct {
		name     string
		mv       StockMove
		negative bool
		qty      Quantity
		avg      int64
		conflict string
	}{
		{"purchase", StockMove{Kind: MovePurchase, Quantity: WholeUnits(2), UnitCostCents: 400}, false, WholeUnits(4), 300, ""},
		{"use", StockMove{Kind: MoveUse, Quantity: WholeUnits(2), PieceID: "p"}, false, 0, 200, ""},
		{"use over stock", StockMove{Kind: MoveUse, Quantity: WholeUnits(5), PieceID: "p"}, false, 0, 0, "3 block short"},
		{"use over stock allowed", StockMove{Kind: MoveUse, Quantity: WholeUnits(5), PieceID: "p"}, true, -WholeUnits(3), 200, ""},
		{"waste", StockMove{Kind: MoveWaste, Quantity: WholeUnits(1), Reason: "cracked"}, false, WholeUnits(1), 200, ""},
		{"adjustment down", StockMove{Kind: MoveAdjustment, Quantity: -WholeUnits(1), Reason: "count"}, false, WholeUnits(1), 200, ""},
		{"adjustment below zero", StockMove{Kind: MoveAdjustment, Quantity: -WholeUnits(3), Reason: "count"}, false, 0, 0, "1 block short"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.mv.Validate(m.Unit); err != nil {
				t.Fatal(err)
			}
			got, err := ApplyMove(m, tc.mv, tc.negative)
			if tc.conflict != "" {
				if ErrorCode(err) != Conflict || !strings.Contains(err.Error(), tc.conflict) {
					t.Fatalf("want a conflict naming %q, got %v", tc.conflict, err)
				}
				return
			}
			if err != nil || got.Quantity != tc.qty || got.AverageCostCents != tc.avg {
				t.Fatalf("got %v avg %d (%v), want %v avg %d", got.Quantity, got.AverageCostCents, err, tc.qty, tc.avg)
			}
		})
	}
}

func TestStockMoveValidate(t *testing.T) {
	for _, tc := range []struct {
		name  string
		mv    StockMove
		unit  Unit
		field string
	}{
		{"fractional block", StockMove{Kind: MoveUse, Quantity: 500, PieceID: "p"}, UnitBlock, "quantity"},
		{"negative use", StockMove{Kind: MoveUse, Quantity: -1000, PieceID: "p"}, UnitGrams, "quantity"},
		{"zero", StockMove{Kind: MovePurchase, Quantity: 0}, UnitGrams, "quantity"},
		{"unknown kind", StockMove{Kind: "theft", Quantity: 1000}, UnitGrams, "kind"},
		{"use without piece", StockMove{Kind: MoveUse, Quantity: 1000}, UnitGrams, "piece_id"},
		{"waste without reason", StockMove{Kind: MoveWaste, Quantity: 1000}, UnitGrams, "reason"},
		{"adjustment without reason", StockMove{Kind: MoveAdjustment, Quantity: 1000}, UnitGrams, "reason"},
		{"cost on a use", StockMove{Kind: MoveUse, Quantity: 1000, PieceID: "p", UnitCostCents: 5}, UnitGrams, "unit_cost_cents"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, _ := tc.mv.Validate(tc.unit).(*Error)
			if e == nil || e.Fields[tc.field] == "" {
				t.Fatalf("want a problem with %s, got %v", tc.field, e)
			}
		})
	}
}

func TestStarterMaterialsAreValid(t *testing.T) {
	seen := map[string]bool{}
	cats := map[Category]bool{}
	for _, m := range StarterMaterials() {
		if err := m.Validate(false); err != nil {
			t.Errorf("%s: %v", m.Name, err)
		}
		if seen[m.Name] {
			t.Errorf("%s twice", m.Name)
		}
		seen[m.Name], cats[m.Category] = true, true
	}
	if len(cats) != len(Categories) {
		t.Errorf("the starter list covers %d of %d categories", len(cats), len(Categories))
	}
}

func TestMaterialGrams(t *testing.T) {
	tests := []struct {
		name  string
		m     Material
		q     Quantity
		grams float64
		known bool
	}{
		{"clay counted in grams weighs its quantity", Material{Unit: UnitGrams}, 25_500, 25.5, true},
		{"blocks of a known weight", Material{Unit: UnitBlock, GramsPerUnit: WholeUnits(57)}, WholeUnits(2), 114, true},
		{"blocks of no known weight", Material{Unit: UnitBlock}, WholeUnits(2), 0, false},
	}
	for _, tt := range tests {
		g, known := tt.m.Grams(tt.q)
		if g != tt.grams || known != tt.known {
			t.Errorf("%s: %v g, known %v; want %v g, %v", tt.name, g, known, tt.grams, tt.known)
		}
	}
}

func TestMaterialWeightIsChecked(t *testing.T) {
	base := Material{Name: "Premo", Category: CatClay, Unit: UnitBlock}
	for _, tt := range []struct {
		name   string
		unit   Unit
		weight Quantity
		ok     bool
	}{
		{"a 57 g block", UnitBlock, WholeUnits(57), true},
		{"no weight", UnitBlock, 0, true},
		{"a negative weight", UnitBlock, -1, false},
		{"over 100 kg a unit", UnitBlock, WholeUnits(100_001), false},
		{"grams weigh one gram", UnitGrams, WholeUnits(1), true},
		{"grams of another weight", UnitGrams, WholeUnits(2), false},
	} {
		m := base
		m.Unit, m.GramsPerUnit = tt.unit, tt.weight
		err := m.Validate(false)
		if (err == nil) != tt.ok {
			t.Errorf("%s: %v", tt.name, err)
		}
		if err != nil && ErrorCode(err) != Invalid {
			t.Errorf("%s: code %v", tt.name, ErrorCode(err))
		}
	}
}
