package server

import (
	"context"
	"fmt"
	"testing"

	"atelier/internal/store"
	"atelier/internal/store/storetest"
	"atelier/internal/studio"
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

// A quote's forecast, an edition's costs and a piece's clay through the
// API: the clay a piece should take from its height, priced at what the
// studio's clay cost; work at the default time until pieces are finished;
// each of an edition's pieces and their total. Bad queries are 422, and
// another studio's commission or edition is 404.
func TestForecastAndEditionCostThroughTheAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		f.mustCall(t, "PUT", "/api/v1/studio/costing", "owner", `{"hourly_rate_cents":6000}`, 200)
		// A 57 g block at 2.85 is 5 cents a gram.
		m := f.mustCall(t, "POST", "/api/v1/materials", "assistant", `{"name":"Premo beige","category":"clay","unit":"block",
			"quantity":10,"unit_cost_cents":285,"reorder_level":2,"grams_per_unit":57}`, 201)
		if m["grams_per_unit"] != 57.0 {
			t.Fatalf("the block's weight: %v", m)
		}
		for _, bad := range []struct{ unit, weight string }{{"block", "-1"}, {"block", "100001"}, {"g", "2"}} {
			f.mustCall(t, "POST", "/api/v1/materials", "assistant", `{"name":"X","category":"clay","unit":"`+bad.unit+`","quantity":0,"unit_cost_cents":0,
				"reorder_level":0,"grams_per_unit":`+bad.weight+`}`, 422)
		}

		height := 40.0
		c, _, err := s.CreateInquiry(ctx, f.ana.ID, studio.InquiryFields{SubjectName: "Grandpa Joe", ContactName: "Lea", ContactEmail: "lea@example.com",
			TargetHeightMM: &height}, nil)
		if err != nil {
			t.Fatal(err)
		}
		got := f.mustCall(t, "GET", "/api/v1/commissions/"+c.ID+"/cost", "assistant", "", 200)
		fc := got["forecast"].(map[string]any)
		// The default model: 15.4 g of clay, 77 cents; 780 minutes at a
		// euro a minute.
		if fc["clay_g"] != 15.4 || fc["materials_cents"] != 77.0 || fc["work_minutes"] != 780.0 || fc["labour_cents"] != 78000.0 ||
			fc["past_pieces"] != 0.0 || fc["suggested_price_cents"] != 2*(78000.0+77) || got["piece"] != nil {
			t.Fatalf("the commission's forecast: %v", got)
		}
		if clay := fc["clay"].(map[string]any); clay["model"] != "default" || clay["fit_pieces"] != 0.0 {
			t.Fatalf("the clay model: %v", clay)
		}
		f.mustCall(t, "GET", "/api/v1/commissions/"+c.ID+"/cost", "ben", "", 404)
		if q := f.mustCall(t, "GET", "/api/v1/studio/forecast?height_mm=40&foil_share_pct=25", "assistant", "", 200); q["clay_g"] != 11.5 {
			t.Fatalf("a quarter of the volume in foil: %v", q)
		}
		for _, bad := range []string{"", "?height_mm=tall", "?height_mm=0", "?height_mm=NaN", "?height_mm=40&foil_share_pct=95", "?height_mm=40&foil_share_pct=Inf"} {
			f.mustCall(t, "GET", "/api/v1/studio/forecast"+bad, "assistant", "", 422)
		}

		// An edition of two pieces, one block on the first and two on the
		// second.
		e, err := s.CreateEdition(ctx, f.ana.ID, studio.Edition{Title: "Rose", Subject: "Grandma Rose", Size: 12, ClayBrands: []string{"premo"},
			TargetHeightMM: 40})
		if err != nil {
			t.Fatal(err)
		}
		var pieces []string
		for range 2 {
			p, _, err := s.IssueEditionPiece(ctx, f.ana.ID, "", e.ID, store.EditionPieceFields{})
			if err != nil {
				t.Fatal(err)
			}
			pieces = append(pieces, p.ID)
		}
		for i, id := range pieces {
			f.mustCall(t, "POST", "/api/v1/materials/"+m["id"].(string)+"/moves", "assistant", fmt.Sprintf(`{"kind":"use","quantity":%d,"piece_id":%q}`, i+1, id), 201)
		}
		ec := f.mustCall(t, "GET", "/api/v1/editions/"+e.ID+"/cost", "assistant", "", 200)
		rows := ec["pieces"].([]any)
		first, second := rows[0].(map[string]any), rows[1].(map[string]any)
		total := ec["total"].(map[string]any)
		if len(rows) != 2 || first["number"] != 1.0 || first["materials_cents"] != 285.0 || second["materials_cents"] != 570.0 ||
			total["materials_cents"] != 855.0 || total["suggested_price_cents"] != 1710.0 {
			t.Fatalf("the edition's cost: %v", ec)
		}
		f.mustCall(t, "GET", "/api/v1/editions/"+e.ID+"/cost", "ben", "", 404)

		pc := f.mustCall(t, "GET", "/api/v1/pieces/"+pieces[1]+"/cost", "assistant", "", 200)
		if clay := pc["clay"].(map[string]any); clay["used_g"] != 114.0 || clay["estimate_g"] != 15.4 || clay["uses_of_unknown_weight"] != 0.0 {
			t.Fatalf("the second piece's clay: %v", pc)
		}
	})
}
