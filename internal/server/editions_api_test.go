package server

import (
	"testing"

	"atelier/internal/store"
	"atelier/internal/store/storetest"
)

// An edition through the API: its size rule, numbered pieces until it is
// complete, a reissue from the same master and moulds.
func TestEditionsThroughTheAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		f.mustCall(t, "POST", "/api/v1/editions", "assistant", `{"title":"Rose","subject":"Grandma Rose","size":25,"clay_brands":["premo"],"target_height_mm":40}`, 422)
		f.mustCall(t, "POST", "/api/v1/editions", "assistant", `{"title":"Rose","subject":"Grandma Rose","size":12,"clay_brands":["playdough"],"target_height_mm":40}`, 422)
		e := f.mustCall(t, "POST", "/api/v1/editions", "assistant", `{"title":"Rose","subject":"Grandma Rose","size":10,"clay_brands":["premo"],"target_height_mm":40,
			"master_armature":{"name":"Rose master","location":"shelf 2"},"moulds":[{"name":"Head","location":"drawer A"},{"name":"Hands","location":"drawer B"}]}`, 201)
		id := e["id"].(string)
		if e["size"] != 10.0 || e["issued"] != 0.0 || len(e["moulds"].([]any)) != 2 || e["master_armature"].(map[string]any)["location"] != "shelf 2" {
			t.Fatalf("edition %v", e)
		}
		plain := f.mustCall(t, "POST", "/api/v1/editions", "assistant", `{"title":"Tom","subject":"Tom","size":15,"target_height_mm":40,"master_armature":"Tom master"}`, 201)
		if plain["master_armature"].(map[string]any)["name"] != "Tom master" {
			t.Fatalf("a master named alone: %v", plain)
		}
		for n := 1; n <= 10; n++ {
			body := `{}`
			if n == 3 {
				body = `{"subject":"Rose in blue","max_thickness_mm":8}`
			}
			out := f.mustCall(t, "POST", "/api/v1/editions/"+id+"/pieces", "assistant", body, 201)
			if out["number"] != float64(n) || out["size"] != 10.0 || out["piece_id"] == nil {
				t.Fatalf("piece %d: %v", n, out)
			}
			if n == 3 {
				p := f.mustCall(t, "GET", "/api/v1/pieces/"+out["piece_id"].(string), "assistant", "", 200)
				if p["subject"] != "Rose in blue" || p["edition_number"] != 3.0 || p["edition_id"] != id || p["max_thickness_mm"] != 8.0 {
					t.Fatalf("an overridden piece %v", p)
				}
			}
		}
		f.mustCall(t, "POST", "/api/v1/editions/"+id+"/pieces", "assistant", `{}`, 409)
		f.mustCall(t, "POST", "/api/v1/editions/"+id+"/pieces", "ben", `{}`, 404)
		f.mustCall(t, "GET", "/api/v1/editions/"+id, "ben", "", 404)
		got := f.mustCall(t, "GET", "/api/v1/editions/"+id, "assistant", "", 200)
		if got["issued"] != 10.0 || len(got["pieces"].([]any)) != 10 {
			t.Fatalf("the complete edition %v", got)
		}
		re := f.mustCall(t, "POST", "/api/v1/editions/"+id+"/reissue", "assistant", `{}`, 201)
		if re["reissue_of"] != id || re["issued"] != 0.0 || re["master_armature"].(map[string]any)["id"] != e["master_armature"].(map[string]any)["id"] {
			t.Fatalf("reissue %v", re)
		}
		if list := f.mustCall(t, "GET", "/api/v1/editions", "assistant", "", 200)["editions"].([]any); len(list) != 3 {
			t.Fatalf("%d editions listed", len(list))
		}
	})
}
