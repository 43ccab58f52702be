package server

import (
	"encoding/csv"
	"io"
	"strings"
	"testing"

	"atelier/internal/store"
	"atelier/internal/store/storetest"
	"atelier/internal/studio"
)

// csvOf fetches a CSV export and reads it back.
func (f *fixture) csvOf(t *testing.T, path, who string) [][]string {
	t.Helper()
	res, _ := f.send(t, "GET", path, who, "", nil)
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") {
		t.Fatalf("GET %s: %d %s %s", path, res.StatusCode, res.Header.Get("Content-Type"), b)
	}
	rows, err := csv.NewReader(strings.NewReader(string(b))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func (f *fixture) anaPiece(t *testing.T) string {
	t.Helper()
	e, err := f.store.CreateEdition(t.Context(), f.ana.ID, studio.Edition{Title: "Rose", Subject: "Rose", Size: 12, TargetHeightMM: 40})
	if err != nil {
		t.Fatal(err)
	}
	p, _, err := f.store.IssueEditionPiece(t.Context(), f.ana.ID, "", e.ID, store.EditionPieceFields{})
	if err != nil {
		t.Fatal(err)
	}
	return p.ID
}

// Purchases and uses through the API: the stock and the moving average,
// a use over stock refused with its shortfall, and the CSV exports.
func TestMaterialsThroughTheAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		if rows := f.csvOf(t, "/api/v1/materials/export.csv", "assistant"); len(rows) != 1 || rows[0][0] != "id" || rows[0][5] != "unit_cost_cents" {
			t.Fatalf("the export of an empty inventory: %v", rows)
		}
		if rows := f.csvOf(t, "/api/v1/materials/moves/export.csv", "assistant"); len(rows) != 1 || rows[0][3] != "kind" {
			t.Fatalf("the moves export of an empty inventory: %v", rows)
		}
		piece := f.anaPiece(t)
		m := f.mustCall(t, "POST", "/api/v1/materials", "assistant", `{"name":"FIMO professional, flesh","category":"clay","unit":"block",
			"quantity":2,"unit_cost_cents":250,"reorder_level":1,"supplier":"=HYPERLINK(\"x\")","notes":"57 g"}`, 201)
		id := m["id"].(string)
		f.mustCall(t, "POST", "/api/v1/materials/"+id+"/moves", "assistant", `{"kind":"purchase","quantity":2,"unit_cost_cents":350}`, 201)
		out := f.mustCall(t, "POST", "/api/v1/materials/"+id+"/moves", "assistant", `{"kind":"use","quantity":3,"piece_id":"`+piece+`"}`, 201)
		if out["material"].(map[string]any)["quantity"] != 1.0 || out["move"].(map[string]any)["seq"] != 3.0 {
			t.Fatalf("after a use: %v", out)
		}
		got := f.mustCall(t, "GET", "/api/v1/materials/"+id, "assistant", "", 200)
		if got["quantity"] != 1.0 || got["average_cost_cents"] != 300.0 || got["unit_cost_cents"] != 350.0 || got["reorder"] != true {
			t.Fatalf("the item %v", got)
		}
		over := f.mustCall(t, "POST", "/api/v1/materials/"+id+"/moves", "assistant", `{"kind":"use","quantity":3,"piece_id":"`+piece+`"}`, 409)
		if !strings.Contains(errMessage(over), "2 block short") {
			t.Fatalf("a use over stock: %v", over)
		}
		f.mustCall(t, "POST", "/api/v1/materials/"+id+"/moves", "assistant", `{"kind":"waste","quantity":1,"reason":"dried out"}`, 201)
		paint := f.mustCall(t, "POST", "/api/v1/materials", "assistant", `{"name":"Burnt sienna","category":"painting","unit":"ml",
			"quantity":12.5,"unit_cost_cents":0,"reorder_level":5,"colour":"#8A3324","line":"Amsterdam Standard"}`, 201)
		if paint["quantity"] != 12.5 || paint["colour"] != "#8A3324" {
			t.Fatalf("a paint %v", paint)
		}
		f.mustCall(t, "POST", "/api/v1/materials/"+paint["id"].(string)+"/moves", "assistant", `{"kind":"use","quantity":0.25,"piece_id":"`+piece+`"}`, 201)
		hist := f.mustCall(t, "GET", "/api/v1/materials/"+id+"/moves", "assistant", "", 200)["moves"].([]any)
		if len(hist) != 4 || hist[2].(map[string]any)["piece_id"] != piece {
			t.Fatalf("history %v", hist)
		}
		items := f.csvOf(t, "/api/v1/materials/export.csv", "assistant")
		if len(items) != 3 {
			t.Fatalf("items export %v", items)
		}
		header := items[0]
		row := map[string]string{}
		for i, name := range header {
			row[name] = items[1][i] // clay comes before painting
		}
		for name := range got {
			if _, ok := row[name]; !ok {
				t.Errorf("the export has no column %s", name)
			}
		}
		if row["quantity"] != "0" || row["average_cost_cents"] != "300" || row["supplier"] != `'=HYPERLINK("x")` {
			t.Fatalf("exported row %v", row)
		}
		moves := f.csvOf(t, "/api/v1/materials/moves/export.csv", "assistant")
		if len(moves) != 1+4+2 {
			t.Fatalf("%d rows in the moves export", len(moves))
		}
		f.mustCall(t, "GET", "/api/v1/materials", "ben", "", 200)
		if rows := f.csvOf(t, "/api/v1/materials/export.csv", "ben"); len(rows) != 1 {
			t.Fatalf("another studio sees %v", rows)
		}
	})
}

// Each bad input is refused with nothing written: another studio's items
// are not found, and a studio may switch the stock check off.
func TestMaterialsBadInput(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		piece := f.anaPiece(t)
		for _, body := range []string{
			`{"name":"FIMO","category":"clay","unit":"block","quantity":1.5,"unit_cost_cents":250,"reorder_level":1}`,
			`{"name":"FIMO","category":"clay","unit":"block","quantity":-1,"unit_cost_cents":250,"reorder_level":1}`,
			`{"name":"FIMO","category":"clay","unit":"kg","quantity":1,"unit_cost_cents":250,"reorder_level":1}`,
			`{"name":"FIMO","category":"glitter","unit":"block","quantity":1,"unit_cost_cents":250,"reorder_level":1}`,
			`{"name":"FIMO","category":"clay","unit":"block","quantity":1,"unit_cost_cents":250.5,"reorder_level":1}`,
			`{"name":"FIMO","category":"clay","unit":"g","quantity":1.0001,"unit_cost_cents":250,"reorder_level":1}`,
			`{"name":"FIMO","category":"clay","unit":"block","quantity":1,"unit_cost_cents":250,"reorder_level":0.5}`,
			`{"name":"FIMO","category":"clay","unit":"block","quantity":1,"unit_cost_cents":250,"reorder_level":1,"colour":"#FFFFFF"}`,
			`{"name":"","category":"clay","unit":"block","quantity":1,"unit_cost_cents":250,"reorder_level":1}`,
		} {
			if status, out := f.call(t, "POST", "/api/v1/materials", "assistant", body); status != 422 {
				t.Errorf("%s: %d %v", body, status, out)
			}
		}
		if list := f.mustCall(t, "GET", "/api/v1/materials", "assistant", "", 200)["materials"].([]any); len(list) != 0 {
			t.Fatalf("refused items written: %v", list)
		}
		m := f.mustCall(t, "POST", "/api/v1/materials", "assistant", `{"name":"FIMO","category":"clay","unit":"block","quantity":1,"unit_cost_cents":250,"reorder_level":1}`, 201)
		id := m["id"].(string)
		f.mustCall(t, "POST", "/api/v1/materials", "assistant", `{"name":"FIMO","category":"clay","unit":"block","quantity":1,"unit_cost_cents":250,"reorder_level":1}`, 409)
		moves := "/api/v1/materials/" + id + "/moves"
		for _, bad := range []struct {
			body   string
			status int
		}{
			{`{"kind":"use","quantity":0.5,"piece_id":"` + piece + `"}`, 422},
			{`{"kind":"use","quantity":-1,"piece_id":"` + piece + `"}`, 422},
			{`{"kind":"use","quantity":2,"piece_id":"` + piece + `"}`, 409},
			{`{"kind":"use","quantity":1}`, 422},
			{`{"kind":"use","quantity":1,"piece_id":"nope"}`, 404},
			{`{"kind":"purchase","quantity":1,"unit_cost_cents":99.5}`, 422},
			{`{"kind":"waste","quantity":1}`, 422},
			{`{"kind":"theft","quantity":1}`, 422},
			{`{"kind":"purchase","quantity":1,"unit_cost_cents":1,"extra":1}`, 422},
		} {
			if status, out := f.call(t, "POST", moves, "assistant", bad.body); status != bad.status {
				t.Errorf("%s: %d, want %d: %v", bad.body, status, bad.status, out)
			}
		}
		f.mustCall(t, "POST", moves, "ben", `{"kind":"purchase","quantity":1,"unit_cost_cents":1}`, 404)
		f.mustCall(t, "GET", "/api/v1/materials/"+id, "ben", "", 404)
		f.mustCall(t, "PATCH", "/api/v1/materials/"+id, "ben", `{"name":"Mine"}`, 404)
		f.mustCall(t, "DELETE", "/api/v1/materials/"+id, "ben", "", 404)
		f.mustCall(t, "GET", moves, "ben", "", 404)
		got := f.mustCall(t, "GET", "/api/v1/materials/"+id, "assistant", "", 200)
		if got["quantity"] != 1.0 || got["average_cost_cents"] != 250.0 || got["name"] != "FIMO" {
			t.Fatalf("after refused moves: %v", got)
		}
		if hist := f.mustCall(t, "GET", moves, "assistant", "", 200)["moves"].([]any); len(hist) != 1 {
			t.Fatalf("refused moves written: %v", hist)
		}
		// Only the owner switches the stock check off; then a use may
		// take the stock below zero.
		f.mustCall(t, "PUT", "/api/v1/materials/settings", "assistant", `{"allow_negative_stock":true}`, 403)
		f.mustCall(t, "PUT", "/api/v1/materials/settings", "owner", `{"allow_negative_stock":true}`, 200)
		if f.mustCall(t, "GET", "/api/v1/materials/settings", "assistant", "", 200)["allow_negative_stock"] != true {
			t.Fatal("the setting is not kept")
		}
		out := f.mustCall(t, "POST", moves, "assistant", `{"kind":"use","quantity":3,"piece_id":"`+piece+`"}`, 201)
		if out["material"].(map[string]any)["quantity"] != -2.0 {
			t.Fatalf("a use over stock allowed: %v", out)
		}
		patched := f.mustCall(t, "PATCH", "/api/v1/materials/"+id, "assistant", `{"supplier":"Modulor","unit_cost_cents":260}`, 200)
		if patched["supplier"] != "Modulor" || patched["quantity"] != -2.0 {
			t.Fatalf("patched %v", patched)
		}
		f.mustCall(t, "DELETE", "/api/v1/materials/"+id, "assistant", "", 409)
		starter := f.mustCall(t, "POST", "/api/v1/materials/starter", "assistant", "", 201)["materials"].([]any)
		if len(starter) != len(studio.StarterMaterials()) {
			t.Fatalf("%d starter items", len(starter))
		}
	})
}
