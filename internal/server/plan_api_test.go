package server

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"atelier/internal/store"
	"atelier/internal/store/storetest"
)

// The plan through the API: every open piece with its remaining steps and
// dates, done by the studio's people; and the what-if, which answers for
// new work without writing any, and refuses what could not be a piece.
func TestPlanAndWhatIfThroughTheAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		empty := f.mustCall(t, "GET", "/api/v1/plan", "owner", "", 200)
		if len(empty["pieces"].([]any)) != 0 || len(empty["bakes"].([]any)) != 0 {
			t.Fatalf("an empty studio's plan: %v", empty)
		}
		for i, clay := range []string{"premo", "fimo-soft", "premo"} {
			f.mustCall(t, "POST", "/api/v1/pieces", "assistant", fmt.Sprintf(`{"subject":"Bust %d","target_height_mm":%d,"clay_brands":[%q],"max_thickness_mm":8}`, i, 30+10*i, clay), 201)
		}
		f.mustCall(t, "POST", "/api/v1/pieces", "ben", `{"subject":"Ben's","target_height_mm":40,"clay_brands":["premo"]}`, 201)

		got := f.mustCall(t, "GET", "/api/v1/plan", "assistant", "", 200)
		pieces := got["pieces"].([]any)
		if len(pieces) != 3 {
			t.Fatalf("%d pieces planned, want Ana's 3: %v", len(pieces), got)
		}
		yesterday := time.Now().AddDate(0, 0, -1).Format(time.DateOnly)
		for _, x := range pieces {
			pc := x.(map[string]any)
			p50, p90 := pc["finish_p50"].(string), pc["finish_p90"].(string)
			if p50 < yesterday || p90 < p50 || pc["late"] != false || strings.HasPrefix(pc["subject"].(string), "Ben") {
				t.Errorf("piece %v: p50 %s, p90 %s", pc["subject"], p50, p90)
			}
			steps := pc["steps"].([]any)
			if len(steps) < 11 {
				t.Fatalf("%v has %d steps left, want concept to QC", pc["subject"], len(steps))
			}
			kinds := map[string]int{}
			for _, y := range steps {
				st := y.(map[string]any)
				kinds[st["kind"].(string)]++
				if st["kind"] == "work" && st["who"] != "ana@example.com" {
					t.Errorf("work step done by %v, want the owner, who works alone by default", st["who"])
				}
			}
			if kinds["bake"] != 1 || kinds["dry"] != 2 {
				t.Errorf("%v: steps by kind %v, want one bake and two coats drying", pc["subject"], kinds)
			}
		}
		if bakes := got["bakes"].([]any); len(bakes) == 0 || len(bakes) > 3 {
			t.Errorf("bakes %v", bakes)
		}
		if len(f.mustCall(t, "GET", "/api/v1/plan", "ben", "", 200)["pieces"].([]any)) != 1 {
			t.Error("Ben sees another studio's pieces in his plan")
		}

		w := f.mustCall(t, "POST", "/api/v1/plan/what-if", "assistant", `{"target_height_mm":50,"clay_brands":["premo"],"count":2}`, 200)
		p50, p90 := w["ship_p50"].(string), w["ship_p90"].(string)
		if _, err := time.Parse(time.DateOnly, p50); err != nil || p90 < p50 {
			t.Errorf("what-if ship p50 %q, p90 %q", p50, p90)
		}
		if w["delays"] == nil {
			t.Error("delays missing: an empty list when nothing is pushed")
		}
		f.mustCall(t, "POST", "/api/v1/plan/what-if", "assistant", `{"target_height_mm":40,"clay_brands":["fimo-soft"]}`, 200)

		for _, bad := range []string{
			`{"target_height_mm":40,"clay_brands":["playdough"]}`,
			`{"target_height_mm":40,"clay_brands":[]}`,
			`{"target_height_mm":40}`,
			`{"target_height_mm":0,"clay_brands":["premo"]}`,
			`{"target_height_mm":-3,"clay_brands":["premo"]}`,
			`{"target_height_mm":100000,"clay_brands":["premo"]}`,
			`{"target_height_mm":40,"clay_brands":["premo"],"count":0}`,
			`{"target_height_mm":40,"clay_brands":["premo"],"count":101}`,
			`{"target_height_mm":40,"clay_brands":["premo"],"max_thickness_mm":500}`,
			`{"target_height_mm":"tall","clay_brands":["premo"]}`,
		} {
			f.mustCall(t, "POST", "/api/v1/plan/what-if", "assistant", bad, 422)
		}
		f.mustCall(t, "POST", "/api/v1/plan/what-if", "assistant", `{"target_height_mm":40,`, 400)
		if n := len(f.mustCall(t, "GET", "/api/v1/plan", "owner", "", 200)["pieces"].([]any)); n != 3 {
			t.Errorf("%d pieces after the what-ifs, want the same 3: a what-if writes nothing", n)
		}
	})
}
