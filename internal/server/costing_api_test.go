package server

import (
	"context"
	"testing"

	"atelier/internal/store"
	"atelier/internal/store/storetest"
)

// A piece's cost from its logs, recorded through the API: the materials
// used at their average cost then, work time at the studio's hourly rate,
// the energy of its bakes at the price per kWh, and the suggested price
// marked up and rounded as the studio chose; the rates are the owner's to
// set, and refused when they cannot be.
func TestPieceCostThroughTheAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		id := storetest.CollectorGradeNew(t, s, f.ana.ID)
		// The oven draws 1,200 W; the piece was alone in its 45-minute bake.
		if _, err := s.DB().ExecContext(ctx, `UPDATE ovens SET power_w = 1200`); err != nil {
			t.Fatal(err)
		}
		var minutes int64
		s.DB().QueryRowContext(ctx, `SELECT COALESCE(sum(minutes), 0) FROM work_sessions WHERE piece_id = $1`, id).Scan(&minutes)
		if minutes == 0 {
			t.Fatal("the walk logged no work")
		}

		if got := f.mustCall(t, "GET", "/api/v1/studio/costing", "assistant", "", 200); got["markup"] != 2.0 || got["hourly_rate_cents"] != 0.0 {
			t.Fatalf("default rates %v", got)
		}
		body := `{"hourly_rate_cents":3600,"kwh_price_milli_cents":31720,"markup":2.5,"rounding":"five"}`
		f.mustCall(t, "PUT", "/api/v1/studio/costing", "assistant", body, 403)
		f.mustCall(t, "PUT", "/api/v1/studio/costing", "owner", body, 200)
		for _, bad := range []string{`{"hourly_rate_cents":-1}`, `{"markup":0.5}`, `{"rounding":"pennies"}`, `{"hourly_rate_cents":1.5}`} {
			f.mustCall(t, "PUT", "/api/v1/studio/costing", "owner", bad, 422)
		}

		// Clay bought twice at two prices, two blocks used on the piece, one
		// wasted: the piece pays the average at the time of use.
		m := f.mustCall(t, "POST", "/api/v1/materials", "assistant", `{"name":"FIMO professional, flesh","category":"clay","unit":"block",
			"quantity":0,"unit_cost_cents":0,"reorder_level":1}`, 201)
		mid := m["id"].(string)
		f.mustCall(t, "POST", "/api/v1/materials/"+mid+"/moves", "assistant", `{"kind":"purchase","quantity":4,"unit_cost_cents":249}`, 201)
		f.mustCall(t, "POST", "/api/v1/materials/"+mid+"/moves", "assistant", `{"kind":"purchase","quantity":2,"unit_cost_cents":299}`, 201)
		f.mustCall(t, "POST", "/api/v1/materials/"+mid+"/moves", "assistant", `{"kind":"use","quantity":2,"piece_id":"`+id+`"}`, 201)
		f.mustCall(t, "POST", "/api/v1/materials/"+mid+"/moves", "assistant", `{"kind":"waste","quantity":1,"reason":"dried out"}`, 201)
		if got := f.mustCall(t, "GET", "/api/v1/materials/"+mid, "assistant", "", 200); got["average_cost_cents"] != 266.0 || got["quantity"] != 3.0 {
			t.Fatalf("the clay after its moves: %v", got)
		}

		c := f.mustCall(t, "GET", "/api/v1/pieces/"+id+"/cost", "assistant", "", 200)
		materials := 532.0              // 2 blocks at (4 × 249 + 2 × 299) / 6 = 265.67, kept as 266
		labour := float64(minutes * 60) // 3,600 cents an hour is 60 a minute
		energy := 29.0                  // 1.2 kW × 0.75 h × 31.72 c = 28.548 c, half up
		total := materials + labour + energy
		if c["materials_cents"] != materials || c["labour_cents"] != labour || c["energy_cents"] != energy || c["total_cents"] != total {
			t.Fatalf("cost %v, want materials %v labour %v energy %v", c, materials, labour, energy)
		}
		price := c["suggested_price_cents"].(float64)
		if price < total*2.5 || int64(price)%500 != 0 || price-total*2.5 >= 500 {
			t.Fatalf("suggested price %v for a cost of %v at 2.5, rounded up to 5 francs", price, total)
		}
		f.mustCall(t, "GET", "/api/v1/pieces/"+id+"/cost", "ben", "", 404)
	})
}
