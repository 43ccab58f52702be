package server

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"atelier/internal/store"
	"atelier/internal/store/storetest"
)

// bakePiece makes a piece of clays at a thickness, as the assistant.
func (f *fixture) bakePiece(t *testing.T, subject, clays string, thickness float64) string {
	t.Helper()
	p := f.mustCall(t, "POST", "/api/v1/pieces", "assistant", fmt.Sprintf(`{"subject":%q,"target_height_mm":40,"clay_brands":[%s],"max_thickness_mm":%v}`, subject, clays, thickness), 201)
	return p["id"].(string)
}

func bakeCount(t *testing.T, s *store.Store) int {
	t.Helper()
	var n int
	if err := s.DB().QueryRowContext(context.Background(), `SELECT count(*) FROM bakes`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// Clays, cure times, an oven's calibration and a batch bake, through the
// API alone, on both databases, with the bad input of each step.
func TestBatchBakeThroughTheAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		// The presets, as the manufacturers print them.
		clays := f.mustCall(t, "GET", "/api/v1/clays", "assistant", "", 200)["clays"].([]any)
		premo := map[string]any{}
		for _, c := range clays {
			if c.(map[string]any)["key"] == "premo" {
				premo = c.(map[string]any)
			}
		}
		if premo["temperature_c"] != 130.0 || premo["temperature_f"] != 275.0 || premo["minutes_per_6mm"] != 30.0 || premo["min_c"] != 120.0 {
			t.Fatalf("premo preset %v", premo)
		}
		// The guide's check: 9 mm of Premo bakes 45 minutes.
		cure := f.mustCall(t, "GET", "/api/v1/cure?clay=premo&thickness_mm=9", "assistant", "", 200)
		if cure["temperature_c"] != 130.0 || cure["temperature_f"] != 275.0 || cure["minutes"] != 45.0 || cure["cool_down_minutes"] != 10.0 {
			t.Fatalf("cure %v", cure)
		}
		for _, q := range []string{"clay=playdough&thickness_mm=9", "clay=premo&thickness_mm=0", "clay=premo&thickness_mm=-3", "clay=premo&thickness_mm=abc", "clay=premo&thickness_mm=1000", "clay=premo"} {
			f.mustCall(t, "GET", "/api/v1/cure?"+q, "assistant", "", 422)
		}

		// The studio's own clays: added, changed, refused.
		own := f.mustCall(t, "POST", "/api/v1/clays", "owner", `{"key":"cernit","name":"Cernit","temperature_c":110,"temperature_f":230,"min_c":100,"max_c":120,"minutes_per_6mm":30,"minimum_minutes":30}`, 201)
		if own["temperature_c"] != 110.0 {
			t.Fatalf("own clay %v", own)
		}
		f.mustCall(t, "POST", "/api/v1/clays", "owner", `{"key":"cernit","name":"Cernit again"}`, 409)
		f.mustCall(t, "POST", "/api/v1/clays", "owner", `{"key":"hot","name":"Hot","temperature_c":400,"temperature_f":752,"min_c":390,"max_c":410,"minutes_per_6mm":30,"minimum_minutes":30}`, 422)
		f.mustCall(t, "PATCH", "/api/v1/clays/cernit", "owner", `{"minutes_per_6mm":20}`, 200)
		f.mustCall(t, "PATCH", "/api/v1/clays/nosuch", "owner", `{"minutes_per_6mm":20}`, 404)
		f.mustCall(t, "PUT", "/api/v1/clays/lowtemp", "owner", `{"name":"Low","temperature_c":100,"temperature_f":212,"min_c":95,"max_c":105,"minutes_per_6mm":30,"minimum_minutes":30}`, 200)
		f.mustCall(t, "PUT", "/api/v1/clays/plain", "owner", `{"name":"Plain name only"}`, 200)
		f.mustCall(t, "POST", "/api/v1/clays", "assistant", `{"key":"mine","name":"Mine"}`, 403)

		// An oven that runs hot, calibrated.
		oven := f.mustCall(t, "POST", "/api/v1/ovens", "assistant", `{"name":"Toaster","kind":"toaster"}`, 201)
		ovenID := oven["id"].(string)
		if oven["capacity_pieces"] != 6.0 || oven["calibration"] != nil {
			t.Fatalf("new oven %v", oven)
		}
		f.mustCall(t, "POST", "/api/v1/ovens", "assistant", `{"name":"Toaster","kind":"microwave"}`, 422)
		f.mustCall(t, "POST", "/api/v1/ovens/"+ovenID+"/readings", "assistant", `{"dial_c":130,"thermometer_c":142}`, 201)
		one := f.mustCall(t, "GET", "/api/v1/ovens/"+ovenID+"?target_c=130", "assistant", "", 200)
		if c := one["calibration"].(map[string]any); c["slope"] != 1.0 || c["intercept_c"] != 12.0 || one["dial_c"] != 118.0 {
			t.Fatalf("one reading: %v", one)
		}
		for _, r := range []string{`{"dial_c":100,"thermometer_c":108}`, `{"dial_c":160,"thermometer_c":174}`} {
			f.mustCall(t, "POST", "/api/v1/ovens/"+ovenID+"/readings", "assistant", r, 201)
		}
		f.mustCall(t, "POST", "/api/v1/ovens/"+ovenID+"/readings", "assistant", `{"dial_c":130}`, 422)
		f.mustCall(t, "GET", "/api/v1/ovens/"+ovenID+"?target_c=hot", "assistant", "", 422)
		f.mustCall(t, "GET", "/api/v1/ovens/nosuchoven", "assistant", "", 404)

		// A batch of Premo and Sculpey III: one temperature, the longest time.
		rose := f.bakePiece(t, "Rose", `"premo"`, 9)
		tom := f.bakePiece(t, "Tom", `"sculpey-iii"`, 12)
		lea := f.bakePiece(t, "Lea", `"fimo-soft","premo"`, 6)
		low := f.bakePiece(t, "Low", `"lowtemp"`, 6)
		kim := f.bakePiece(t, "Kim", `"premo"`, 6)
		f.mustCall(t, "PATCH", "/api/v1/pieces/"+rose, "assistant", `{"max_thickness_mm":45}`, 422) // thicker than it is tall
		bake := f.mustCall(t, "POST", "/api/v1/bakes", "assistant", `{"oven_id":"`+ovenID+`","piece_ids":["`+rose+`","`+tom+`"]}`, 201)
		bakeID := bake["id"].(string)
		if bake["target_c"] != 130.0 || bake["target_f"] != 275.0 || bake["minutes"] != 45.0 || bake["status"] != "planned" ||
			!strings.Contains(bake["ventilation"].(string), "ajar") || bake["dial_c"].(float64) >= 130 {
			t.Fatalf("the plan %v", bake)
		}
		// FIMO and Premo share one degree.
		both := f.mustCall(t, "POST", "/api/v1/bakes", "assistant", `{"oven_id":"`+ovenID+`","piece_ids":["`+lea+`"]}`, 201)
		if both["target_c"] != 120.0 || both["minutes"] != 30.0 {
			t.Fatalf("FIMO and Premo %v", both)
		}
		// Clays that share no temperature, named.
		before := bakeCount(t, s)
		out := f.mustCall(t, "POST", "/api/v1/bakes", "assistant", `{"oven_id":"`+ovenID+`","piece_ids":["`+low+`","`+kim+`"]}`, 409)
		if !strings.Contains(errMessage(out), "Low and Sculpey Premo!") && !strings.Contains(errMessage(out), "Sculpey Premo! and Low") {
			t.Fatalf("no overlap: %v", out)
		}
		// Another studio's piece or oven; no pieces; the future.
		benOven := f.mustCall(t, "POST", "/api/v1/ovens", "ben", `{"name":"Ben's","kind":"convection"}`, 201)["id"].(string)
		benPiece := f.mustCall(t, "POST", "/api/v1/pieces", "ben", `{"subject":"B","target_height_mm":40,"clay_brands":["premo"],"max_thickness_mm":6}`, 201)["id"].(string)
		f.mustCall(t, "POST", "/api/v1/bakes", "assistant", `{"oven_id":"`+benOven+`","piece_ids":["`+low+`"]}`, 404)
		f.mustCall(t, "POST", "/api/v1/bakes", "assistant", `{"oven_id":"`+ovenID+`","piece_ids":["`+benPiece+`"]}`, 404)
		f.mustCall(t, "POST", "/api/v1/bakes", "assistant", `{"oven_id":"`+ovenID+`","piece_ids":[]}`, 422)
		soon := time.Now().Add(time.Hour).UTC().Format(time.RFC3339)
		past := time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)
		f.mustCall(t, "POST", "/api/v1/bakes", "assistant", `{"oven_id":"`+ovenID+`","piece_ids":["`+low+`"],"started_at":"`+past+`","finished_at":"`+soon+`"}`, 422)
		f.mustCall(t, "POST", "/api/v1/bakes", "assistant", `{"oven_id":"`+ovenID+`","piece_ids":["`+low+`"],"started_at":"`+past+`"}`, 422)
		if n := bakeCount(t, s); n != before {
			t.Fatalf("refused bakes wrote %d rows", n-before)
		}

		// The run: no reading before the start, flags during it, one finish.
		f.mustCall(t, "POST", "/api/v1/bakes/"+bakeID+"/readings", "assistant", `{"thermometer_c":130}`, 409)
		f.mustCall(t, "POST", "/api/v1/bakes/"+bakeID+"/finish", "assistant", "", 409)
		started := f.mustCall(t, "POST", "/api/v1/bakes/"+bakeID+"/start", "assistant", "", 200)
		if started["status"] != "running" || started["done_at"] == nil {
			t.Fatalf("started %v", started)
		}
		f.mustCall(t, "POST", "/api/v1/bakes/"+bakeID+"/start", "assistant", "", 409)
		// In the oven now: no other bake may take Rose, or start with her.
		out = f.mustCall(t, "POST", "/api/v1/bakes", "assistant", `{"oven_id":"`+ovenID+`","piece_ids":["`+rose+`"]}`, 409)
		if !strings.Contains(errMessage(out), "Rose is in the oven already") {
			t.Fatalf("a piece in a running bake: %v", out)
		}
		for c, want := range map[string]string{"131": "[]", "145": "[discolouration_risk]", "115": "[under_cure]"} {
			r := f.mustCall(t, "POST", "/api/v1/bakes/"+bakeID+"/readings", "assistant", `{"thermometer_c":`+c+`}`, 201)
			if got := fmt.Sprint(r["flags"]); got != want {
				t.Errorf("reading %s: flags %s, want %s", c, got, want)
			}
		}
		f.mustCall(t, "POST", "/api/v1/bakes/"+bakeID+"/readings", "assistant", `{"thermometer_c":"hot"}`, 422)
		p := f.mustCall(t, "GET", "/api/v1/pieces/"+rose, "assistant", "", 200)
		if timers := fmt.Sprint(p["timers"]); !strings.Contains(timers, "Bake done") {
			t.Fatalf("no bake timer on the piece: %s", timers)
		}
		done := f.mustCall(t, "POST", "/api/v1/bakes/"+bakeID+"/finish", "assistant", "", 200)
		if done["status"] != "finished" || done["cooled_at"] == nil || len(done["readings"].([]any)) != 3 {
			t.Fatalf("finished %v", done)
		}
		f.mustCall(t, "POST", "/api/v1/bakes/"+bakeID+"/finish", "assistant", "", 409)
		f.mustCall(t, "POST", "/api/v1/bakes/"+bakeID+"/readings", "assistant", `{"thermometer_c":120}`, 409)
		p = f.mustCall(t, "GET", "/api/v1/pieces/"+rose, "assistant", "", 200)
		if timers := fmt.Sprint(p["timers"]); !strings.Contains(timers, "Cool-down over") || strings.Contains(timers, "Bake done") {
			t.Fatalf("timers after the bake: %s", timers)
		}
		if bakes := p["bakes"].([]any); len(bakes) != 1 || len(bakes[0].(map[string]any)["readings"].([]any)) != 3 {
			t.Fatalf("the piece's bakes %v", p["bakes"])
		}
		// Another studio sees none of it.
		f.mustCall(t, "GET", "/api/v1/bakes/"+bakeID, "ben", "", 404)
		f.mustCall(t, "GET", "/api/v1/ovens/"+ovenID, "ben", "", 404)
		if list := f.mustCall(t, "GET", "/api/v1/bakes", "ben", "", 200)["bakes"].([]any); len(list) != 0 {
			t.Fatalf("ben lists %d bakes", len(list))
		}
	})
}

// logBake logs a bake of the piece that cooled an hour ago, in the
// studio's first oven (made when there is none), as the assistant.
func (f *fixture) logBake(t *testing.T, pieceID string) {
	t.Helper()
	ovens := f.mustCall(t, "GET", "/api/v1/ovens", "assistant", "", 200)["ovens"].([]any)
	var oven string
	if len(ovens) > 0 {
		oven = ovens[0].(map[string]any)["id"].(string)
	} else {
		oven = f.mustCall(t, "POST", "/api/v1/ovens", "assistant", `{"name":"Toaster","kind":"toaster"}`, 201)["id"].(string)
	}
	from, to := time.Now().Add(-3*time.Hour).UTC().Format(time.RFC3339), time.Now().Add(-2*time.Hour).UTC().Format(time.RFC3339)
	f.mustCall(t, "POST", "/api/v1/bakes", "assistant", `{"oven_id":"`+oven+`","piece_ids":["`+pieceID+`"],"started_at":"`+from+`","finished_at":"`+to+`"}`, 201)
}

// The clays page shows each clay's temperature in the studio's order
// (this studio reads °F first), and the owner adds a clay from it.
func TestClaysPage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		b, _ := setUpStudio(t, s)
		res, body := b.get("/clays")
		want(t, res, body, 200, "Sculpey Premo!", "275 °F / 130 °C", "248–284 °F", "30 min per 6 mm", `id="save-clay"`)
		res, body = b.post("/clays", url.Values{"key": {"cernit"}, "name": {"Cernit"}, "temperature_c": {"hot"}}, nil)
		want(t, res, body, 422, `id="temperature_c-error"`, "whole number", `value="Cernit"`)
		res, body = b.post("/clays", url.Values{"key": {"cernit"}, "name": {"Cernit"}, "temperature_c": {"110"}, "temperature_f": {"230"},
			"min_c": {"100"}, "max_c": {"120"}, "minutes_per_6mm": {"30"}, "minimum_minutes": {"30"}}, nil)
		want(t, res, body, 303, "/clays")
		res, body = b.get("/clays")
		want(t, res, body, 200, "Cernit is saved.", `id="clay-cernit"`, "230 °F / 110 °C")
	})
}
