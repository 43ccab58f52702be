package server

import (
	"testing"

	"atelier/internal/store"
	"atelier/internal/store/storetest"
	"atelier/internal/studio"
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

// The editions page lists the editions and the registry of masters and
// moulds, with where each is kept and the editions cast from it.
func TestEditionsPageShowsTheRegistry(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		b, _ := setUpStudio(t, s)
		res, body := b.get("/editions")
		want(t, res, body, 200, "No edition yet", "No master or mould recorded yet", `href="/editions" aria-current="page"`)
		ana := mustSlug(t, s, "ana")
		e, err := s.CreateEdition(t.Context(), ana.ID, studio.Edition{Title: "Grandma <Rose>", Subject: "Rose", Size: 12, TargetHeightMM: 40,
			Master: &studio.Stored{Name: "Rose master", Location: "shelf 2"}, Moulds: []studio.Stored{{Name: "Head mould", Location: "drawer A"}}})
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.IssueEditionPiece(t.Context(), ana.ID, "", e.ID, store.EditionPieceFields{}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ReissueEdition(t.Context(), ana.ID, e.ID, 0, ""); err != nil {
			t.Fatal(err)
		}
		res, body = b.get("/editions")
		want(t, res, body, 200, "Grandma &lt;Rose&gt;", "1 of 12", "0 of 12", "(reissue)", "Rose master", "shelf 2", "Head mould", "drawer A",
			"Grandma &lt;Rose&gt;, Grandma &lt;Rose&gt;")
	})
}
