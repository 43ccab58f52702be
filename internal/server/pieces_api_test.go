package server

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"atelier/internal/store"
	"atelier/internal/store/storetest"
	"atelier/internal/studio"
)

// call sends JSON as who and returns status and body.
func (f *fixture) call(t *testing.T, method, path, who, body string) (int, map[string]any) {
	t.Helper()
	var rd *strings.Reader
	if body != "" {
		rd = strings.NewReader(body)
	} else {
		rd = strings.NewReader("")
	}
	res, out := f.send(t, method, path, who, "application/json", rd)
	return res.StatusCode, out
}

func (f *fixture) mustCall(t *testing.T, method, path, who, body string, want int) map[string]any {
	t.Helper()
	status, out := f.call(t, method, path, who, body)
	if status != want {
		t.Fatalf("%s %s %s: %d, want %d: %v", method, path, body, status, want, out)
	}
	return out
}

func errMessage(out map[string]any) string {
	e, _ := out["error"].(map[string]any)
	m, _ := e["message"].(string)
	return m
}

// tickStage ticks every required item of the piece's current stage.
func (f *fixture) tickStage(t *testing.T, id string, piece map[string]any) map[string]any {
	t.Helper()
	for _, it := range piece["checklists"].([]any) {
		item := it.(map[string]any)
		if item["stage"] == piece["stage"] && item["required"] == true && item["done"] == false {
			piece = f.mustCall(t, "PUT", "/api/v1/pieces/"+id+"/checklist/"+item["key"].(string), "assistant", `{"done":true}`, 200)
		}
	}
	return piece
}

// A piece from concept to collector-grade through the API alone, with one
// QC failure on the way, and the commission moving with it.
func TestPieceThroughThePipeline(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		// A commission, accepted: its piece exists.
		res, out := f.inquiry(t, "ana", inquiryFields(), part{"photo_front", "f.jpg", testJPEG(t, 40, 40)})
		if res.StatusCode != 201 {
			t.Fatalf("inquiry %d %v", res.StatusCode, out)
		}
		cid := out["id"].(string)
		f.mustCall(t, "POST", "/api/v1/commissions/"+cid+"/status", "owner", `{"status":"quoted","price_cents":45000,"deposit_cents":0,"promised_date":"2099-01-01"}`, 200)
		f.mustCall(t, "POST", "/api/v1/commissions/"+cid+"/status", "owner", `{"status":"accepted"}`, 200)
		piece, err := s.PieceOfCommission(context.Background(), f.ana.ID, cid)
		if err != nil || piece.Subject != "Grandma Rose" || piece.TargetHeightMM != 40 || piece.Stage != studio.Concept {
			t.Fatalf("accepting made no piece: %+v %v", piece, err)
		}
		id := piece.ID
		p := f.mustCall(t, "GET", "/api/v1/pieces/"+id, "assistant", "", 200)

		// Advancing past an open checklist lists what is open.
		out = f.mustCall(t, "POST", "/api/v1/pieces/"+id+"/advance", "assistant", "", 422)
		if open, _ := out["open"].([]any); len(open) != 4 || !strings.Contains(errMessage(out), "Silhouette sketched") {
			t.Fatalf("open items: %v", out)
		}
		// An item of another stage, and an unknown one.
		f.mustCall(t, "PUT", "/api/v1/pieces/"+id+"/checklist/wire", "assistant", `{"done":true}`, 409)
		f.mustCall(t, "PUT", "/api/v1/pieces/"+id+"/checklist/sparkle", "assistant", `{"done":true}`, 404)
		f.mustCall(t, "PUT", "/api/v1/pieces/"+id+"/checklist/pose", "assistant", `{}`, 422)

		for p["stage"] != "sanding" {
			p = f.tickStage(t, id, p)
			if p["stage"] == "texture" {
				out = f.mustCall(t, "POST", "/api/v1/pieces/"+id+"/advance", "assistant", "", 422)
				if !strings.Contains(errMessage(out), "Clay brands") || !strings.Contains(errMessage(out), "Maximum thickness") {
					t.Fatalf("first bake needs clay and thickness: %v", out)
				}
				f.mustCall(t, "PATCH", "/api/v1/pieces/"+id, "assistant", `{"clay_brands":["playdough"]}`, 422)
				f.mustCall(t, "PATCH", "/api/v1/pieces/"+id, "assistant", `{"max_thickness_mm":-2}`, 422)
				f.mustCall(t, "PATCH", "/api/v1/pieces/"+id, "assistant", `{"foil_share_pct":95}`, 422)
				if p := f.mustCall(t, "PATCH", "/api/v1/pieces/"+id, "assistant", `{"foil_share_pct":40}`, 200); p["foil_share_pct"] != 40.0 {
					t.Fatalf("foil share %v", p["foil_share_pct"])
				}
				f.mustCall(t, "PATCH", "/api/v1/pieces/"+id, "assistant", `{"clay_brands":["premo","fimo-soft"],"max_thickness_mm":9}`, 200)
			}
			if p["stage"] == "first_bake" {
				// A bake logged afterwards: FIMO and Premo share 120 °C.
				out = f.mustCall(t, "POST", "/api/v1/pieces/"+id+"/advance", "assistant", "", 422)
				if !strings.Contains(errMessage(out), "Bake: log a bake") {
					t.Fatalf("first bake without a bake: %v", out)
				}
				oven := f.mustCall(t, "POST", "/api/v1/ovens", "assistant", `{"name":"Toaster","kind":"toaster"}`, 201)
				from, to := time.Now().Add(-3*time.Hour).UTC().Format(time.RFC3339), time.Now().Add(-2*time.Hour).UTC().Format(time.RFC3339)
				b := f.mustCall(t, "POST", "/api/v1/bakes", "assistant", `{"oven_id":"`+oven["id"].(string)+`","piece_ids":["`+id+`"],"started_at":"`+from+`","finished_at":"`+to+`"}`, 201)
				if b["target_c"] != 120.0 || b["minutes"] != 45.0 || b["status"] != "finished" {
					t.Fatalf("the logged bake: %v", b)
				}
			}
			p = f.mustCall(t, "POST", "/api/v1/pieces/"+id+"/advance", "assistant", "", 200)
		}
		if _, c := f.call(t, "GET", "/api/v1/commissions/"+cid, "owner", ""); c["status"] != "in_production" {
			t.Fatalf("work began but the commission is %v", c["status"])
		}
		// Ready is the piece's to decide: it passes quality control first.
		out = f.mustCall(t, "POST", "/api/v1/commissions/"+cid+"/status", "owner", `{"status":"ready"}`, 409)
		if !strings.Contains(errMessage(out), "passes quality control") {
			t.Fatalf("ready by hand: %v", out)
		}

		// Sanding: in order, never skipping, never in the future.
		f.mustCall(t, "POST", "/api/v1/pieces/"+id+"/sanding", "assistant", `{"grit":600}`, 409)
		future := time.Now().Add(time.Hour).UTC().Format(time.RFC3339)
		f.mustCall(t, "POST", "/api/v1/pieces/"+id+"/sanding", "assistant", `{"grit":400,"at":"`+future+`"}`, 422)
		for _, g := range []int{400, 600, 800} {
			p = f.mustCall(t, "POST", "/api/v1/pieces/"+id+"/sanding", "assistant", fmt.Sprintf(`{"grit":%d}`, g), 201)
		}
		out = f.mustCall(t, "POST", "/api/v1/pieces/"+id+"/sanding", "assistant", `{"grit":1200}`, 409)
		if !strings.Contains(errMessage(out), "1000 grit is due") {
			t.Fatalf("skipped grit: %v", out)
		}
		f.mustCall(t, "POST", "/api/v1/pieces/"+id+"/sanding", "assistant", `{"grit":600}`, 409)
		f.mustCall(t, "POST", "/api/v1/pieces/"+id+"/advance", "assistant", "", 422)
		for _, g := range []int{1000, 1200, 1500, 2000} {
			p = f.mustCall(t, "POST", "/api/v1/pieces/"+id+"/sanding", "assistant", fmt.Sprintf(`{"grit":%d}`, g), 201)
		}
		p = f.mustCall(t, "POST", "/api/v1/pieces/"+id+"/advance", "assistant", "", 200)

		// Colour plan: 3–4 colours, a fifth needs a reason.
		five := `{"colors":[{"name":"skin","hex":"#E8B99A","role":"base"},{"name":"shadow","hex":"#8A5A44","role":"shadow"},{"name":"light","hex":"#FFF1E6","role":"highlight"},{"name":"lips","hex":"#B0413E","role":"accent"},{"name":"eyes","hex":"#3B6EA8","role":"accent"}]}`
		f.mustCall(t, "PUT", "/api/v1/pieces/"+id+"/palette", "assistant", five, 422)
		f.mustCall(t, "PUT", "/api/v1/pieces/"+id+"/palette", "assistant", `{"colors":[{"name":"skin","hex":"E8B99A","role":"base"}]}`, 422)
		f.mustCall(t, "PUT", "/api/v1/pieces/"+id+"/palette", "assistant", `{"colors":[{"name":"skin","hex":"#E8B99A","role":"base"},{"name":"skin2","hex":"#e8b99a","role":"shadow"}]}`, 422)
		f.mustCall(t, "PUT", "/api/v1/pieces/"+id+"/palette", "assistant", strings.Replace(five, `,{"name":"eyes","hex":"#3B6EA8","role":"accent"}`, "", 1), 200)
		p = f.tickStage(t, id, f.mustCall(t, "GET", "/api/v1/pieces/"+id, "assistant", "", 200))
		p = f.mustCall(t, "POST", "/api/v1/pieces/"+id+"/advance", "assistant", "", 200)
		p = f.tickStage(t, id, p)
		p = f.mustCall(t, "POST", "/api/v1/pieces/"+id+"/advance", "assistant", "", 200)
		if p["stage"] != "finish" {
			t.Fatalf("at %v", p["stage"])
		}

		// Finish: two coats logged afterwards; the second not before the first is dry.
		at := func(ago time.Duration) string { return time.Now().Add(-ago).UTC().Format(time.RFC3339) }
		p = f.mustCall(t, "POST", "/api/v1/pieces/"+id+"/coats", "assistant", `{"applied_at":"`+at(3*time.Hour)+`"}`, 201)
		out = f.mustCall(t, "POST", "/api/v1/pieces/"+id+"/coats", "assistant", `{"sanded_2000_before":true,"applied_at":"`+at(170*time.Minute)+`"}`, 409)
		if out["ready_at"] == nil {
			t.Fatalf("a coat too early answers without ready_at: %v", out)
		}
		f.mustCall(t, "POST", "/api/v1/pieces/"+id+"/coats", "assistant", `{"applied_at":"`+at(2*time.Hour)+`"}`, 422)
		f.mustCall(t, "POST", "/api/v1/pieces/"+id+"/coats", "assistant", `{"kind":"lacquer","sanded_2000_before":true}`, 422)
		f.mustCall(t, "POST", "/api/v1/pieces/"+id+"/advance", "assistant", "", 422)
		p = f.mustCall(t, "POST", "/api/v1/pieces/"+id+"/coats", "assistant", `{"sanded_2000_before":true,"applied_at":"`+at(2*time.Hour)+`"}`, 201)
		if len(p["coats"].([]any)) != 2 {
			t.Fatalf("coats %v", p["coats"])
		}
		p = f.mustCall(t, "POST", "/api/v1/pieces/"+id+"/advance", "assistant", "", 200)

		// Mount: leaving needs the measured size; a 3-metre miniature is refused.
		p = f.tickStage(t, id, p)
		f.mustCall(t, "POST", "/api/v1/pieces/"+id+"/advance", "assistant", "", 422)
		f.mustCall(t, "PATCH", "/api/v1/pieces/"+id, "assistant", `{"height_mm":3000,"width_mm":20,"depth_mm":18}`, 422)
		f.mustCall(t, "PATCH", "/api/v1/pieces/"+id, "assistant", `{"height_mm":41,"width_mm":20,"depth_mm":18}`, 200)
		p = f.mustCall(t, "POST", "/api/v1/pieces/"+id+"/advance", "assistant", "", 200)
		if p["stage"] != "qc" {
			t.Fatalf("at %v", p["stage"])
		}

		// QC: the eyes and the coating fail: back to paint, the earlier fix.
		f.mustCall(t, "POST", "/api/v1/pieces/"+id+"/advance", "assistant", "", 422)
		checks := func(eyes, coating bool) string {
			return fmt.Sprintf(`{"checks":{"proportions":true,"no_seams":true,"even_paint":true,"eyes":%t,"coating":%t,"no_cracks":true},"notes":"left eye drifts"}`, eyes, coating)
		}
		f.mustCall(t, "POST", "/api/v1/pieces/"+id+"/qc", "assistant", `{"checks":{"proportions":true}}`, 422)
		p = f.mustCall(t, "POST", "/api/v1/pieces/"+id+"/qc", "assistant", checks(false, false), 200)
		if p["stage"] != "paint" || len(p["qc"].([]any)) != 1 {
			t.Fatalf("after a failed QC: %v %v", p["stage"], p["qc"])
		}
		f.mustCall(t, "POST", "/api/v1/pieces/"+id+"/qc", "assistant", checks(true, true), 409)
		f.mustCall(t, "POST", "/api/v1/pieces/"+id+"/return", "assistant", `{"to":"qc","reason":"x"}`, 409)
		f.mustCall(t, "POST", "/api/v1/pieces/"+id+"/return", "assistant", `{"to":"glazing","reason":"x"}`, 422)
		// The paint stage starts afresh; finish does too: new coats.
		for p["stage"] != "qc" {
			p = f.tickStage(t, id, p)
			if p["stage"] == "finish" {
				f.mustCall(t, "POST", "/api/v1/pieces/"+id+"/coats", "assistant", `{"applied_at":"`+at(90*time.Minute)+`"}`, 201)
				f.mustCall(t, "POST", "/api/v1/pieces/"+id+"/coats", "assistant", `{"sanded_2000_before":true,"applied_at":"`+at(50*time.Minute)+`"}`, 201)
			}
			p = f.mustCall(t, "POST", "/api/v1/pieces/"+id+"/advance", "assistant", "", 200)
		}
		p = f.mustCall(t, "POST", "/api/v1/pieces/"+id+"/qc", "assistant", checks(true, true), 200)
		if p["stage"] != "collector_grade" || len(p["qc"].([]any)) != 2 {
			t.Fatalf("after QC passed: %v", p["stage"])
		}
		if _, c := f.call(t, "GET", "/api/v1/commissions/"+cid, "owner", ""); c["status"] != "ready" {
			t.Fatalf("a collector-grade piece leaves the commission %v", c["status"])
		}
		// A commissioned piece is delivered by shipping its commission.
		f.mustCall(t, "POST", "/api/v1/pieces/"+id+"/advance", "assistant", "", 422)
		f.mustCall(t, "POST", "/api/v1/commissions/"+cid+"/status", "owner", `{"status":"shipped"}`, 200)
		p = f.mustCall(t, "GET", "/api/v1/pieces/"+id, "assistant", "", 200)
		if p["stage"] != "delivered" {
			t.Fatalf("shipping left the piece at %v", p["stage"])
		}
		history := p["history"].([]any)
		// created, 10 advances to QC, the failure, 3 advances back to QC, the pass, delivery.
		if len(history) != 17 || history[0].(map[string]any)["kind"] != "created" {
			t.Fatalf("history %d entries", len(history))
		}
		// Another studio sees none of it.
		f.mustCall(t, "GET", "/api/v1/pieces/"+id, "ben", "", 404)
		f.mustCall(t, "POST", "/api/v1/pieces/"+id+"/advance", "ben", "", 404)
	})
}

func TestPieceRulesAndSettings(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		p := f.mustCall(t, "POST", "/api/v1/pieces", "assistant", `{"subject":"Studio bust","target_height_mm":45}`, 201)
		id := p["id"].(string)
		if p["stage"] != "concept" || len(p["checklists"].([]any)) != len(studio.DefaultChecklist) {
			t.Fatalf("new piece %v", p)
		}
		f.mustCall(t, "POST", "/api/v1/pieces", "assistant", `{"subject":"","target_height_mm":3000}`, 422)
		f.mustCall(t, "POST", "/api/v1/pieces", "assistant", `{"subject":"x","target_height_mm":30,"commission_id":"nope"}`, 422)
		f.mustCall(t, "POST", "/api/v1/pieces", "assistant", `{"subject":"x","target_height_mm":"tall"}`, 422)
		f.mustCall(t, "POST", "/api/v1/pieces/"+id+"/qc", "assistant", `{"checks":{}}`, 422)
		f.mustCall(t, "POST", "/api/v1/pieces/"+id+"/sanding", "assistant", `{"grit":400}`, 409)
		f.mustCall(t, "POST", "/api/v1/pieces/"+id+"/coats", "assistant", `{}`, 409)
		f.mustCall(t, "POST", "/api/v1/pieces/"+id+"/return", "assistant", `{"to":"sculpt","reason":"x"}`, 409)
		f.mustCall(t, "POST", "/api/v1/pieces/"+id+"/return", "assistant", `{"to":"concept"}`, 422)
		status, out := f.call(t, "GET", "/api/v1/pieces/"+id+"/checklist", "assistant", "")
		if status != 200 || out["stage"] != "concept" || len(out["items"].([]any)) != len(studio.DefaultChecklist) {
			t.Fatalf("checklist %d %v", status, out)
		}

		// Work time: a timer and minutes by hand.
		f.mustCall(t, "POST", "/api/v1/pieces/"+id+"/work", "assistant", `{"action":"start"}`, 200)
		f.mustCall(t, "POST", "/api/v1/pieces/"+id+"/work", "assistant", `{"action":"start"}`, 409)
		p = f.mustCall(t, "POST", "/api/v1/pieces/"+id+"/work", "assistant", `{"action":"stop"}`, 200)
		p = f.mustCall(t, "POST", "/api/v1/pieces/"+id+"/work", "assistant", `{"minutes":45}`, 200)
		if p["work_minutes"].(map[string]any)["concept"] != 46.0 {
			t.Fatalf("work minutes %v", p["work_minutes"])
		}
		f.mustCall(t, "POST", "/api/v1/pieces/"+id+"/work", "assistant", `{"minutes":-5}`, 422)
		f.mustCall(t, "POST", "/api/v1/pieces/"+id+"/work", "assistant", `{"action":"dance"}`, 422)

		// Pipeline settings: owner only, ascending grits, dry times 0 to 7 days.
		f.mustCall(t, "PATCH", "/api/v1/studio", "assistant", `{"grit_progression":[400,800]}`, 403)
		f.mustCall(t, "PATCH", "/api/v1/studio", "owner", `{"grit_progression":[800,400]}`, 422)
		f.mustCall(t, "PATCH", "/api/v1/studio", "owner", `{"coat_dry_minutes":{"epoxy":20000}}`, 422)
		f.mustCall(t, "PATCH", "/api/v1/studio", "owner", `{"coat_dry_minutes":{"varnish":10}}`, 422)
		st := f.mustCall(t, "PATCH", "/api/v1/studio", "owner", `{"grit_progression":[400,800,2000],"coat_dry_minutes":{"matte_polyurethane":0}}`, 200)
		raw, _ := json.Marshal(st)
		if !strings.Contains(string(raw), `"grit_progression":[400,800,2000]`) || !strings.Contains(string(raw), `"matte_polyurethane":0`) || !strings.Contains(string(raw), `"epoxy":1440`) {
			t.Fatalf("settings %s", raw)
		}
		board := f.mustCall(t, "GET", "/api/v1/board", "assistant", "", 200)
		cols := board["columns"].([]any)
		if len(cols) != 12 || len(cols[0].(map[string]any)["cards"].([]any)) != 1 {
			t.Fatalf("board %v", board)
		}
		f.mustCall(t, "GET", "/api/v1/board", "ben", "", 200)
	})
}

// Process photos per stage; the shared ones reach the client's portal.
func TestProcessPhotos(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		res, out := f.inquiry(t, "ana", inquiryFields())
		if res.StatusCode != 201 {
			t.Fatalf("inquiry %v", out)
		}
		cid, token := out["id"].(string), strings.TrimPrefix(out["portal_url"].(string), "http://localhost:8080/p/")
		f.mustCall(t, "POST", "/api/v1/commissions/"+cid+"/status", "owner", `{"status":"quoted","price_cents":100,"deposit_cents":0,"promised_date":"2099-01-01"}`, 200)
		f.mustCall(t, "POST", "/api/v1/commissions/"+cid+"/status", "owner", `{"status":"accepted"}`, 200)
		piece, _ := s.PieceOfCommission(context.Background(), f.ana.ID, cid)

		upload := func(fields map[string]string, parts ...part) (int, map[string]any) {
			ct, body := multipartBody(t, fields, parts...)
			res, out := f.send(t, "POST", "/api/v1/pieces/"+piece.ID+"/photos", "assistant", ct, body)
			return res.StatusCode, out
		}
		if status, out := upload(map[string]string{"shared": "true", "caption": "The armature"}, part{"photo", "a.jpg", testJPEG(t, 50, 50)}); status != 201 || len(out["photos"].([]any)) != 1 {
			t.Fatalf("upload %d %v", status, out)
		}
		if status, _ := upload(map[string]string{"shared": "false"}, part{"photo", "b.jpg", testJPEG(t, 60, 50)}); status != 201 {
			t.Fatal("private upload")
		}
		if status, _ := upload(map[string]string{"stage": "paint"}, part{"photo", "c.jpg", testJPEG(t, 50, 60)}); status != 422 {
			t.Fatal("a photo of a stage ahead of the piece")
		}
		if status, _ := upload(nil, part{"photo", "d.jpg", []byte("not an image")}); status != 422 {
			t.Fatal("a text file as a photo")
		}
		if status, _ := upload(map[string]string{"shared": "maybe"}, part{"photo", "e.jpg", testJPEG(t, 50, 50)}); status != 422 {
			t.Fatal("shared=maybe")
		}
		_, portal := f.call(t, "GET", "/api/v1/portal/"+token, "", "")
		if n := len(portal["photos"].([]any)); n != 1 {
			t.Fatalf("the portal shows %d process photos, want the shared one", n)
		}
		p := f.mustCall(t, "GET", "/api/v1/pieces/"+piece.ID, "assistant", "", 200)
		private := p["photos"].([]any)[1].(map[string]any)["id"].(string)
		f.mustCall(t, "PATCH", "/api/v1/photos/"+private, "assistant", `{"shared":true}`, 200)
		_, portal = f.call(t, "GET", "/api/v1/portal/"+token, "", "")
		if n := len(portal["photos"].([]any)); n != 2 {
			t.Fatalf("after sharing, the portal shows %d photos", n)
		}
		f.mustCall(t, "PATCH", "/api/v1/photos/"+private, "ben", `{"shared":false}`, 404)
		f.mustCall(t, "GET", "/api/v1/pieces/"+piece.ID+"/photos/"+private+"/original", "assistant", "", 200)
	})
}

// The studio edits its checklists and clays; a new required item holds
// its stage, and pieces use the studio's own clays.
func TestStudioListsAreEditable(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		f.mustCall(t, "PUT", "/api/v1/checklist/photo_reference", "assistant", `{"stage":"concept","label":"Photo pinned by the bench","required":true}`, 403)
		f.mustCall(t, "PUT", "/api/v1/checklist/Bad%20Key", "owner", `{"stage":"concept","label":"x","required":true}`, 422)
		f.mustCall(t, "PUT", "/api/v1/checklist/x", "owner", `{"stage":"glazing","label":"","required":true}`, 422)
		f.mustCall(t, "PUT", "/api/v1/checklist/x", "owner", `{"stage":"concept","label":"x"}`, 422)
		f.mustCall(t, "PUT", "/api/v1/checklist/photo_reference", "owner", `{"stage":"concept","label":"Photo pinned by the bench","required":true}`, 200)
		f.mustCall(t, "DELETE", "/api/v1/checklist/props", "owner", "", 200)
		f.mustCall(t, "DELETE", "/api/v1/checklist/props", "owner", "", 404)
		f.mustCall(t, "DELETE", "/api/v1/checklist/pose", "ben", "", 200) // ben's own list; ana's stays
		items := f.mustCall(t, "GET", "/api/v1/checklist", "assistant", "", 200)["items"].([]any)
		if len(items) != len(studio.DefaultChecklist) || items[3].(map[string]any)["key"] != "photo_reference" {
			t.Fatalf("the concept items, in order: %v", items[:5])
		}
		f.mustCall(t, "PUT", "/api/v1/clays/cernit", "owner", `{"name":"Cernit Doll Collection"}`, 200)
		f.mustCall(t, "PUT", "/api/v1/clays/cernit", "assistant", `{"name":"x"}`, 403)
		if clays := f.mustCall(t, "GET", "/api/v1/clays", "assistant", "", 200)["clays"].([]any); len(clays) != 5 {
			t.Fatalf("clays %v", clays)
		}
		p := f.mustCall(t, "POST", "/api/v1/pieces", "assistant", `{"subject":"Bust","target_height_mm":40,"clay_brands":["cernit"]}`, 201)
		out := f.mustCall(t, "POST", "/api/v1/pieces/"+p["id"].(string)+"/advance", "assistant", "", 422)
		if !strings.Contains(errMessage(out), "Photo pinned by the bench") || strings.Contains(errMessage(out), "Props decided") {
			t.Fatalf("the studio's list decides: %s", errMessage(out))
		}
		f.mustCall(t, "POST", "/api/v1/pieces", "ben", `{"subject":"Bust","target_height_mm":40,"clay_brands":["cernit"]}`, 422)
	})
}
