package server

import (
	"testing"

	"atelier/internal/store"
	"atelier/internal/store/storetest"
)

// The stage times through the API: every work stage with its default until
// five pieces finished it, then learned from their logs; the owner sets
// the studio's own defaults, and a bad stage or value changes nothing.
func TestStageTimesThroughTheAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		stage := func(got map[string]any, name string) map[string]any {
			t.Helper()
			for _, st := range got["stages"].([]any) {
				if m := st.(map[string]any); m["stage"] == name {
					return m
				}
			}
			t.Fatalf("no %s in %v", name, got)
			return nil
		}
		got := f.mustCall(t, "GET", "/api/v1/studio/stage-times", "assistant", "", 200)
		if len(got["stages"].([]any)) != 11 {
			t.Fatalf("stages %v", got)
		}
		if sc := stage(got, "sculpt"); sc["default_minutes"] != 240.0 || sc["median_minutes_at_40mm"] != 240.0 || sc["learned"] != false || sc["samples"] != 0.0 {
			t.Fatalf("sculpt by default: %v", sc)
		}

		body := `{"defaults":{"sculpt":300,"qc":20}}`
		f.mustCall(t, "PUT", "/api/v1/studio/stage-times", "assistant", body, 403)
		got = f.mustCall(t, "PUT", "/api/v1/studio/stage-times", "owner", body, 200)
		if sc := stage(got, "sculpt"); sc["default_minutes"] != 300.0 || sc["median_minutes_at_40mm"] != 300.0 {
			t.Fatalf("sculpt after the owner's default: %v", sc)
		}
		for _, bad := range []string{`{"defaults":{"polish":30}}`, `{"defaults":{"qc":30,"sculpt":-5}}`, `{"defaults":{"qc":30,"paint":10001}}`,
			`{"defaults":{"delivered":5}}`, `{"defaults":{"qc":0}}`, `{}`} {
			f.mustCall(t, "PUT", "/api/v1/studio/stage-times", "owner", bad, 422)
		}
		if qc := stage(f.mustCall(t, "GET", "/api/v1/studio/stage-times", "owner", "", 200), "qc"); qc["default_minutes"] != 20.0 {
			t.Fatalf("a refused change wrote: %v", qc)
		}

		for range 5 {
			storetest.CollectorGradeNew(t, s, f.ana.ID)
		}
		got = f.mustCall(t, "GET", "/api/v1/studio/stage-times", "owner", "", 200)
		if sc := stage(got, "sculpt"); sc["learned"] != true || sc["samples"] != 5.0 || sc["median_minutes_at_40mm"] != 25.0 || sc["default_minutes"] != 300.0 {
			t.Fatalf("sculpt learned: %v", sc)
		}
		if stage(f.mustCall(t, "GET", "/api/v1/studio/stage-times", "ben", "", 200), "sculpt")["learned"] != false {
			t.Fatal("another studio learned from Ana's pieces")
		}
	})
}

// An oven's capacity: six pieces unless told, kept when given, and refused
// outside 1 to 200.
func TestOvenCapacityThroughTheAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		o := f.mustCall(t, "POST", "/api/v1/ovens", "owner", `{"name":"Toaster","kind":"toaster"}`, 201)
		if o["capacity_pieces"] != 6.0 {
			t.Fatalf("default capacity: %v", o)
		}
		o = f.mustCall(t, "POST", "/api/v1/ovens", "owner", `{"name":"Big","kind":"convection","capacity_pieces":12}`, 201)
		if got := f.mustCall(t, "GET", "/api/v1/ovens/"+o["id"].(string), "assistant", "", 200); got["capacity_pieces"] != 12.0 {
			t.Fatalf("capacity kept: %v", got)
		}
		for _, bad := range []string{`0`, `-1`, `201`, `1.5`, `"six"`} {
			f.mustCall(t, "POST", "/api/v1/ovens", "owner", `{"name":"Bad","kind":"toaster","capacity_pieces":`+bad+`}`, 422)
		}
	})
}

// An oven's capacity changes with the oven: PATCH keeps what it is not
// told, and refuses a capacity outside 1 to 200 or another studio's oven.
func TestOvenUpdateThroughTheAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		o := f.mustCall(t, "POST", "/api/v1/ovens", "owner", `{"name":"Toaster","kind":"toaster","power_w":1200}`, 201)
		path := "/api/v1/ovens/" + o["id"].(string)
		got := f.mustCall(t, "PATCH", path, "assistant", `{"capacity_pieces":10}`, 200)
		if got["capacity_pieces"] != 10.0 || got["name"] != "Toaster" || got["power_w"] != 1200.0 {
			t.Fatalf("after a capacity change: %v", got)
		}
		for _, bad := range []string{`{"capacity_pieces":0}`, `{"capacity_pieces":-3}`, `{"capacity_pieces":201}`, `{"kind":"microwave"}`, `{"name":""}`} {
			f.mustCall(t, "PATCH", path, "owner", bad, 422)
		}
		if got := f.mustCall(t, "GET", path, "owner", "", 200); got["capacity_pieces"] != 10.0 || got["kind"] != "toaster" {
			t.Fatalf("a refused change wrote: %v", got)
		}
		f.mustCall(t, "PATCH", path, "ben", `{"capacity_pieces":4}`, 404)
	})
}
