package server

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"atelier/internal/store"
	"atelier/internal/store/storetest"
	"atelier/internal/studio"
)

// bakeOf makes a piece of clays at a thickness in mm, in the store.
func bakeOf(t *testing.T, s *store.Store, studioID, subject string, thickness float64, clays ...string) string {
	t.Helper()
	d, err := s.CreatePiece(context.Background(), studioID, "", studio.NewPieceFields{Subject: subject, TargetHeightMM: 40, ClayBrands: clays, MaxThicknessMM: &thickness})
	if err != nil {
		t.Fatal(err)
	}
	return d.ID
}

// points counts the readings drawn in a page's chart.
func points(body string) int { return strings.Count(body, `<circle class="point`) }

// The bake page and the oven page in the browser's forms, on both
// databases: an oven calibrated, a batch of two pieces at first bake
// planned and started, readings with a flag, the chart, finishing, the
// refusals in words, and another studio's bake.
func TestWebBakePage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		b, _ := setUpStudio(t, s) // reads ovens in °F
		ana := mustSlug(t, s, "ana")

		res, body := b.get("/bakes")
		want(t, res, body, 200, `href="/bakes" aria-current="page"`, "Add the oven you bake in first")

		// An oven, calibrated with one reading: 266 °F on the dial, 289.4 °F
		// (143 °C) on the thermometer: 13 °C hot.
		res, body = b.post("/ovens", url.Values{"name": {""}, "kind": {"toaster"}}, nil)
		want(t, res, body, 422, `id="name-error"`)
		res, body = b.post("/ovens", url.Values{"name": {"Toaster"}, "kind": {"microwave"}}, nil)
		want(t, res, body, 422, "must be toaster, convection or conventional", `value="Toaster"`)
		res, body = b.post("/ovens", url.Values{"name": {"Toaster"}, "kind": {"toaster"}}, nil)
		want(t, res, body, 303, "/ovens/")
		oven := strings.TrimPrefix(res.Header.Get("Location"), "/ovens/")
		res, body = b.get("/ovens/" + oven)
		want(t, res, body, 200, "Toaster is added", "Not calibrated yet", `class="diagonal"`, "Dial set to (°F)")
		if points(body) != 0 || strings.Contains(body, `class="fit"`) {
			t.Fatal("an uncalibrated oven draws readings or a fitted line")
		}
		res, body = b.post("/ovens/"+oven+"/readings", url.Values{"dial": {"hot"}, "thermometer": {"289.4"}}, nil)
		want(t, res, body, 422, `id="dial-error"`, `value="289.4"`)
		res, body = b.post("/ovens/"+oven+"/readings", url.Values{"dial": {"266"}, "thermometer": {"900"}}, nil)
		want(t, res, body, 422, `id="thermometer-error"`, "from 20 to 300 °C")
		res, body = b.post("/ovens/"+oven+"/readings", url.Values{"dial": {"266"}, "thermometer": {"289.4"}}, nil)
		want(t, res, body, 303, "/ovens/"+oven)
		res, body = b.get("/ovens/" + oven)
		want(t, res, body, 200, "Reading logged.", "Toaster runs 23 °F hot at 266 °F: set the dial to 243 °F for 266 °F.",
			"runs 23 °F hot at 230 °F: set the dial to 207 °F for 230 °F", `class="fit"`, "<title", `aria-labelledby="oven-chart-title"`)
		if n := points(body); n != 1 {
			t.Fatalf("%d calibration points drawn, want 1", n)
		}
		res, body = b.get("/ovens")
		want(t, res, body, 200, "Toaster", "calibrated with 1 reading")

		// Two pieces at first bake, one elsewhere of a clay no other shares.
		if _, err := s.SaveClay(ctx, ana.ID, "kiln", studio.ClayUpdate{Name: new("Kiln clay"), TemperatureC: new(170), TemperatureF: new(338),
			MinC: new(160), MaxC: new(180), MinutesPer6mm: new(30), MinimumMinutes: new(30)}, store.ClayCreate); err != nil {
			t.Fatal(err)
		}
		rose, tulip := bakeOf(t, s, ana.ID, "Rose", 8.89, "premo"), bakeOf(t, s, ana.ID, "Tulip", 5, "premo", "fimo-soft")
		odd := bakeOf(t, s, ana.ID, "Odd one", 5, "kiln")
		for _, id := range []string{rose, tulip} {
			for range 4 {
				tickAndAdvance(t, b, s, ana.ID, id)
			}
		}
		res, body = b.get("/bakes")
		want(t, res, body, 200, `id="pick-`+rose+`"`, `id="pick-`+tulip+`"`, "Bake another piece again", `id="pick-`+odd+`"`)
		if strings.Index(body, "pick-"+odd) < strings.Index(body, "pick-"+tulip) {
			t.Fatal("a piece not at first bake is offered before those waiting")
		}

		// Refusals in words, nothing written.
		res, body = b.post("/bakes", url.Values{"oven_id": {oven}}, nil)
		want(t, res, body, 422, `id="piece_ids-error"`, "name at least one piece")
		res, body = b.post("/bakes", url.Values{"oven_id": {oven}, "piece_ids": {rose, odd}}, nil)
		want(t, res, body, 422, "These clays can&#39;t share one bake: no temperature suits", "Kiln clay", `id="pick-`+odd+`" checked`)
		res, body = b.post("/bakes", url.Values{"piece_ids": {rose}}, nil)
		want(t, res, body, 422, `id="oven_id-error"`)
		if n := bakeCount(t, s); n != 0 {
			t.Fatalf("%d bakes after refusals", n)
		}

		// The batch: Premo and FIMO share 120 °C; Rose's 45 min is the longest.
		res, body = b.post("/bakes", url.Values{"oven_id": {oven}, "piece_ids": {rose, tulip}}, nil)
		want(t, res, body, 303, "/bakes/")
		bake := strings.TrimPrefix(res.Header.Get("Location"), "/bakes/")
		res, body = b.get("/bakes/" + bake)
		want(t, res, body, 200, "Baking at 248 °F / 120 °C for 45 minutes", "set the dial to <strong>225 °F</strong>", "slightly ajar",
			`class="countdown ring big"`, `id="finish-bake"`, `id="log-reading"`, "Oven thermometer (°F)", "data-notify-permission", `class="band"`, `class="target"`, ">Rose</a>", ">Tulip</a>")
		if points(body) != 0 {
			t.Fatal("readings drawn before any")
		}
		res, body = b.post("/bakes", url.Values{"oven_id": {oven}, "piece_ids": {rose}}, nil)
		want(t, res, body, 422, "Rose is in the oven already, in a running bake; finish that bake first.")
		res, body = b.post("/bakes/"+bake+"/start", nil, nil)
		wantRefused(t, b, res, body, "/bakes/"+bake, "running already")

		// Readings, typed in °F: one too hot, one right.
		res, body = b.post("/bakes/"+bake+"/readings", url.Values{"thermometer": {"warm"}}, nil)
		want(t, res, body, 422, `id="thermometer-error"`, `value="warm"`)
		res, body = b.post("/bakes/"+bake+"/readings", url.Values{"thermometer": {"275"}}, nil)
		want(t, res, body, 303, "/bakes/"+bake)
		res, body = b.get("/bakes/" + bake)
		want(t, res, body, 200, "Reading logged: 275 °F. Too hot", `<strong class="flag">too hot</strong>`)
		res, body = b.post("/bakes/"+bake+"/readings", url.Values{"thermometer": {"250"}}, nil)
		want(t, res, body, 303)
		res, body = b.get("/bakes/" + bake)
		if n, flagged := points(body), strings.Count(body, `<circle class="point flag"`); n != 2 || flagged != 1 {
			t.Fatalf("%d points drawn (%d flagged), want 2 (1)", n, flagged)
		}
		if strings.Contains(body, " style=") {
			t.Fatal("a style attribute in the page: the CSP forbids it")
		}
		if got, _ := s.Bake(ctx, ana.ID, bake); len(got.Readings) != 2 || got.Readings[0].ThermometerC != 135 || got.Readings[0].Flags[0] != "discolouration_risk" {
			t.Fatalf("readings %+v", got.Readings)
		}

		// Oven off: the cool-down ring; finishing twice is refused.
		res, body = b.post("/bakes/"+bake+"/finish", nil, nil)
		want(t, res, body, 303, "/bakes/"+bake)
		res, body = b.get("/bakes/" + bake)
		want(t, res, body, 200, "Oven off.", "Cool inside the oven", `data-done="Cooled: take the pieces out"`)
		if strings.Contains(body, `id="finish-bake"`) || strings.Contains(body, `id="log-reading"`) {
			t.Fatal("a finished bake still offers finishing or readings")
		}
		res, body = b.post("/bakes/"+bake+"/finish", nil, nil)
		wantRefused(t, b, res, body, "/bakes/"+bake, "finished already")
		res, body = b.post("/bakes/"+bake+"/readings", url.Values{"thermometer": {"250"}}, nil)
		wantRefused(t, b, res, body, "/bakes/"+bake, "readings belong to its run")
		res, body = b.get("/bakes")
		want(t, res, body, 200, "Cooling", "Rose, Tulip", `data-countdown="`)

		// A bake planned elsewhere (the API) is started from its page.
		planned, err := s.PlanBake(ctx, ana.ID, "", store.NewBake{OvenID: oven, PieceIDs: []string{odd}})
		if err != nil {
			t.Fatal(err)
		}
		res, body = b.get("/bakes/" + planned.ID)
		want(t, res, body, 200, "Planned: 1 piece in Toaster", "338 °F / 170 °C", `id="start-bake"`)
		if strings.Contains(body, `class="countdown ring`) || strings.Contains(body, `id="log-reading"`) {
			t.Fatal("a planned bake shows a countdown or takes readings")
		}
		res, body = b.post("/bakes/"+planned.ID+"/readings", url.Values{"thermometer": {"338"}}, nil)
		wantRefused(t, b, res, body, "/bakes/"+planned.ID, "has not started yet")
		res, body = b.post("/bakes/"+planned.ID+"/start", nil, nil)
		want(t, res, body, 303, "/bakes/"+planned.ID)
		res, body = b.get("/bakes/" + planned.ID)
		want(t, res, body, 200, "Baking for 30 minutes.", `class="countdown ring big"`, `id="finish-bake"`)

		// Another studio's bake and oven do not exist for this one.
		ben, err := s.CreateStudio(ctx, studio.NewStudio("ben", "Ben's Busts", "Ben Okafor"))
		if err != nil {
			t.Fatal(err)
		}
		theirOven, err := s.CreateOven(ctx, ben.ID, studio.Oven{Name: "Ben's oven", Kind: "toaster"})
		if err != nil {
			t.Fatal(err)
		}
		theirPiece := bakeOf(t, s, ben.ID, "Ben's bust", 5, "premo")
		theirs, err := s.PlanBake(ctx, ben.ID, "", store.NewBake{OvenID: theirOven.ID, PieceIDs: []string{theirPiece}})
		if err != nil {
			t.Fatal(err)
		}
		res, body = b.get("/bakes/" + theirs.ID)
		want(t, res, body, 404)
		for _, path := range []string{"/start", "/readings", "/finish"} {
			res, body = b.post("/bakes/"+theirs.ID+path, url.Values{"thermometer": {"250"}}, nil)
			want(t, res, body, 404)
		}
		res, body = b.get("/ovens/" + theirOven.ID)
		want(t, res, body, 404)
		res, body = b.post("/ovens/"+theirOven.ID+"/readings", url.Values{"dial": {"250"}, "thermometer": {"250"}}, nil)
		want(t, res, body, 404)
		res, body = b.post("/bakes", url.Values{"oven_id": {theirOven.ID}, "piece_ids": {rose}}, nil)
		want(t, res, body, 404)
		res, body = b.post("/bakes", url.Values{"oven_id": {oven}, "piece_ids": {theirPiece}}, nil)
		want(t, res, body, 404)
		if got, _ := s.Bake(ctx, ben.ID, theirs.ID); got.Status != studio.BakePlanned {
			t.Fatalf("another studio's bake changed: %s", got.Status)
		}
		if res, body = b.get("/bakes"); strings.Contains(body, "Ben&#39;s") || !strings.Contains(body, "Rose") {
			t.Fatal("the bakes page shows another studio's bake or piece")
		}
	})
}
