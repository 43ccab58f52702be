package server

import (
	"strings"
	"testing"

	"atelier/internal/store"
	"atelier/internal/store/storetest"
)

// The strict JSON reader on real routes: a bare null creates no token, a
// lone surrogate is not stored as U+FFFD, a logged time before 2000 is
// refused, and half a megabyte in gives none out.
func TestStrictJSONOnRoutes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		before := len(f.mustCall(t, "GET", "/api/v1/tokens", "owner", "", 200)["tokens"].([]any))
		f.mustCall(t, "POST", "/api/v1/tokens", "owner", `null`, 400)
		f.mustCall(t, "POST", "/api/v1/tokens", "owner", `{"name":"a","name":"b"}`, 400)
		out := f.mustCall(t, "POST", "/api/v1/tokens", "owner", `{"name":"bench \ud800"}`, 422)
		if fields, _ := out["error"].(map[string]any)["fields"].(map[string]any); fields["name"] == nil {
			t.Fatalf("the surrogate's field is not named: %v", out)
		}
		if after := len(f.mustCall(t, "GET", "/api/v1/tokens", "owner", "", 200)["tokens"].([]any)); after != before {
			t.Fatalf("refused bodies created %d tokens", after-before)
		}
		id := f.mustCall(t, "POST", "/api/v1/pieces", "assistant", `{"subject":"Bust","target_height_mm":45,"clay_brands":["premo"],"max_thickness_mm":9}`, 201)["id"].(string)
		for _, body := range []string{`{"subject":5}`, `{"target_height_mm":"tall"}`, `{"subject":"` + strings.Repeat(`\ud800`, 3) + `"}`} {
			f.mustCall(t, "PATCH", "/api/v1/pieces/"+id, "assistant", body, 422)
		}
		for p := f.mustCall(t, "GET", "/api/v1/pieces/"+id, "assistant", "", 200); p["stage"] != "sanding"; {
			p = f.tickStage(t, id, p)
			if p["stage"] == "first_bake" {
				f.logBake(t, id)
			}
			p = f.mustCall(t, "POST", "/api/v1/pieces/"+id+"/advance", "assistant", "", 200)
		}
		for _, at := range []string{"1999-12-31T23:59:59Z", "0001-01-01T00:00:00Z", "yesterday", "2026-13-01T00:00:00Z"} {
			out := f.mustCall(t, "POST", "/api/v1/pieces/"+id+"/sanding", "assistant", `{"grit":400,"at":"`+at+`"}`, 422)
			if fields, _ := out["error"].(map[string]any)["fields"].(map[string]any); fields["at"] == nil {
				t.Fatalf("at %s: %v", at, out)
			}
		}
		big := strings.Repeat("x", 1<<19) // within the body limit, so that each is read
		for _, body := range []string{`{"` + big + `":1}`, `{"subject":"` + big + `"}`, `{"clay_brands":["` + big + `"]}`, `{"subject":` + big + `}`} {
			res, raw := f.do(t, "PATCH", "/api/v1/pieces/"+id, "assistant", body)
			if res.StatusCode/100 != 4 || len(raw) > 2000 {
				t.Errorf("a megabyte in: %d with %d bytes out: %.300s", res.StatusCode, len(raw), raw)
			}
		}
	})
}
