package server

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"atelier/internal/store"
	"atelier/internal/store/storetest"
	"atelier/internal/studio"
)

// Many clients drive the same few pieces through every write route at
// once — on PostgreSQL through two server instances sharing the database —
// and afterwards every piece's history is one unbroken chain, no rule of the
// pipeline is broken, no edit is lost and no answer was a 5xx.
func TestConcurrentWritesKeepEveryRule(t *testing.T) {
	storetest.EachDialect(t, func(t *testing.T, d store.Dialect) {
		r := newRacer(t, d)
		r.drive(t, 32, 4*time.Second)
		r.editInPairs(t, 40)
		r.check(t)
	})
}

// racer is a studio with a few pieces and the server instances that
// clients reach at random.
type racer struct {
	stores   []*store.Store
	handlers []http.Handler
	token    string
	studioID string
	oven     string
	pieces   []string
	requests atomic.Int64
	mu       sync.Mutex
	failures []string // 5xx answers
}

const racePieces = 6

func newRacer(t *testing.T, d store.Dialect) *racer {
	ctx := context.Background()
	cfg := storetest.Config(t, d)
	r := &racer{}
	instances := 1
	if d == store.Postgres {
		instances = 2
	}
	blobs := testBlobs(t)
	for range instances {
		s, err := store.Open(ctx, cfg)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		if _, err := s.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		r.stores = append(r.stores, s)
		r.handlers = append(r.handlers, New(Config{}, s, blobs).Handler())
	}
	s := r.stores[0]
	st, err := s.CreateStudio(ctx, studio.NewStudio("race", "Race Studio", "Ana Petrova"))
	if err != nil {
		t.Fatal(err)
	}
	r.studioID = st.ID
	if _, err := s.CreateUser(ctx, studio.NewUser{StudioSlug: "race", Email: "ana@example.com", Name: "Ana", Role: studio.Owner, Password: "a long password"}); err != nil {
		t.Fatal(err)
	}
	if r.token, _, err = s.CreateToken(ctx, store.NewToken{Email: "ana@example.com", Name: "race"}); err != nil {
		t.Fatal(err)
	}
	status, oven := r.do("POST", "/api/v1/ovens", `{"name":"Toaster","kind":"toaster"}`)
	if status != 201 {
		t.Fatalf("creating an oven: %d %v", status, oven)
	}
	r.oven = oven["id"].(string)
	for i := range racePieces {
		status, p := r.do("POST", "/api/v1/pieces", fmt.Sprintf(`{"subject":"Piece %d","target_height_mm":40,"clay_brands":["premo"],"max_thickness_mm":9}`, i))
		if status != 201 {
			t.Fatalf("creating a piece: %d %v", status, p)
		}
		r.pieces = append(r.pieces, p["id"].(string))
	}
	return r
}

// do sends a request to one of the instances and notes a 5xx.
func (r *racer) do(method, path, body string) (int, map[string]any) {
	h := r.handlers[int(r.requests.Add(1))%len(r.handlers)]
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+r.token)
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	var out map[string]any
	json.Unmarshal(rec.Body.Bytes(), &out)
	if rec.Code >= 500 {
		r.mu.Lock()
		r.failures = append(r.failures, fmt.Sprintf("%s %s %s: %d %s", method, path, body, rec.Code, rec.Body.String()))
		r.mu.Unlock()
	}
	return rec.Code, out
}

// drive runs clients for a while, each choosing a piece at random and the
// next step a person would take there, so that many clients race on the
// same step.
func (r *racer) drive(t *testing.T, clients int, d time.Duration) {
	deadline := time.Now().Add(d)
	var wg sync.WaitGroup
	var steps atomic.Int64
	for c := range clients {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(c), 42))
			for time.Now().Before(deadline) {
				r.step(rng, r.pieces[rng.IntN(len(r.pieces))])
				steps.Add(1)
			}
		})
	}
	wg.Wait()
	t.Logf("%d clients, %d steps, %d requests, %d answers of 5xx", clients, steps.Load(), r.requests.Load(), len(r.failures))
}

func (r *racer) step(rng *rand.Rand, id string) {
	path := "/api/v1/pieces/" + id
	_, p := r.do("GET", path, "")
	stage, _ := p["stage"].(string)
	switch n := rng.IntN(40); {
	case n < 2:
		r.do("POST", path+"/work", `{"action":"start"}`)
		return
	case n < 4:
		r.do("POST", path+"/work", `{"action":"stop"}`)
		return
	case n < 5 && stage != "concept":
		r.do("POST", path+"/return", `{"to":"armature","reason":"redo from the wire"}`)
		return
	}
	switch stage {
	case "first_bake":
		if bakes, _ := p["bakes"].([]any); len(bakes) == 0 || rng.IntN(4) == 0 {
			from, to := time.Now().Add(-3*time.Hour).UTC().Format(time.RFC3339), time.Now().Add(-2*time.Hour).UTC().Format(time.RFC3339)
			r.do("POST", "/api/v1/bakes", `{"oven_id":"`+r.oven+`","piece_ids":["`+id+`"],"started_at":"`+from+`","finished_at":"`+to+`"}`)
			return
		}
	case "sanding":
		if due, ok := p["due_grit"].(float64); ok {
			r.do("POST", path+"/sanding", fmt.Sprintf(`{"grit":%d}`, int(due)))
			return
		}
	case "colour_plan":
		if pal, _ := p["palette"].(map[string]any); len(pal["colors"].([]any)) == 0 {
			r.do("PUT", path+"/palette", `{"colors":[{"name":"skin","hex":"#E8B99A","role":"base"},{"name":"shade","hex":"#8A5A44","role":"shadow"},{"name":"light","hex":"#FFF1E6","role":"highlight"}]}`)
			return
		}
	case "finish":
		if coats := passCoats(p); len(coats) < 2 || (len(coats) < 3 && rng.IntN(2) == 0) {
			at := time.Now().Add(-20 * time.Hour).UTC().Format(time.RFC3339Nano)
			if len(coats) > 0 {
				at = coats[len(coats)-1]["dry_at"].(string)
			}
			r.do("POST", path+"/coats", fmt.Sprintf(`{"kind":"matte_polyurethane","sanded_2000_before":true,"applied_at":%q}`, at))
			return
		}
	case "mount":
		if p["height_mm"] == nil {
			r.do("PATCH", path, `{"height_mm":41,"width_mm":22,"depth_mm":19}`)
			return
		}
	case "qc":
		fail := []string{"none", "no_seams", "coating"}[rng.IntN(3)]
		checks := []string{}
		for _, c := range studio.QCChecks {
			checks = append(checks, fmt.Sprintf("%q:%v", c.Key, c.Key != fail))
		}
		r.do("POST", path+"/qc", `{"checks":{`+strings.Join(checks, ",")+`}}`)
		return
	case "collector_grade":
		if rng.IntN(3) > 0 {
			r.do("POST", path+"/return", `{"to":"sanding","reason":"another round"}`)
			return
		}
	case "delivered":
		r.do("POST", path+"/return", `{"to":"paint","reason":"too late"}`)
		return
	}
	if key := openItem(p); key != "" {
		r.do("PUT", path+"/checklist/"+key, `{"done":true}`)
		return
	}
	r.do("POST", path+"/advance", "")
}

// passCoats are the coats of the piece's current pass.
func passCoats(p map[string]any) []map[string]any {
	pass := 0.0
	for _, c := range p["coats"].([]any) {
		pass = max(pass, c.(map[string]any)["pass"].(float64))
	}
	var out []map[string]any
	for _, c := range p["coats"].([]any) {
		if c := c.(map[string]any); c["pass"] == pass {
			out = append(out, c)
		}
	}
	return out
}

// openItem is a required item of the current stage not yet ticked.
func openItem(p map[string]any) string {
	for _, it := range p["checklists"].([]any) {
		item := it.(map[string]any)
		if item["stage"] == p["stage"] && item["required"] == true && item["done"] == false {
			return item["key"].(string)
		}
	}
	return ""
}

// editInPairs sends pairs of edits of different fields of one piece at the
// same moment; both must stay.
func (r *racer) editInPairs(t *testing.T, pairs int) {
	lost := 0
	for k := range pairs {
		path := "/api/v1/pieces/" + r.pieces[k%len(r.pieces)]
		start := make(chan struct{})
		var wg sync.WaitGroup
		var codes [2]int
		for i, body := range []string{fmt.Sprintf(`{"subject":"Pair %d"}`, k), fmt.Sprintf(`{"foil_share_pct":%d}`, k)} {
			wg.Go(func() {
				<-start
				codes[i], _ = r.do("PATCH", path, body)
			})
		}
		close(start)
		wg.Wait()
		_, p := r.do("GET", path, "")
		if codes != [2]int{200, 200} || p["subject"] != fmt.Sprintf("Pair %d", k) || p["foil_share_pct"] != float64(k) {
			lost++
			t.Errorf("pair %d: answers %v, piece has subject %v and foil share %v", k, codes, p["subject"], p["foil_share_pct"])
		}
	}
	t.Logf("%d pairs of simultaneous edits, %d lost", pairs, lost)
}

// check reads every piece back and holds it to the pipeline's rules.
func (r *racer) check(t *testing.T) {
	for _, f := range r.failures[:min(len(r.failures), 5)] {
		t.Errorf("5xx: %s", f)
	}
	if len(r.failures) > 0 {
		t.Errorf("%d answers of 5xx", len(r.failures))
	}
	ctx := context.Background()
	events := 0
	for _, id := range r.pieces {
		d, err := r.stores[0].Piece(ctx, r.studioID, id)
		if err != nil {
			t.Fatal(err)
		}
		events += len(d.History)
		checkHistory(t, d)
		r.checkLogs(t, id)
	}
	t.Logf("%d pieces, %d history events checked", len(r.pieces), events)
}

// checkHistory: one chain from creation, each move starting where the one
// before ended, nothing after a delivery, the piece where its chain ends.
func checkHistory(t *testing.T, d store.PieceDetail) {
	h := d.History
	if len(h) == 0 || h[0].Kind != studio.PieceCreated {
		t.Errorf("%s: history does not start with its creation: %+v", d.Subject, h[:min(len(h), 1)])
		return
	}
	broken := 0
	for i := 1; i < len(h); i++ {
		if h[i].From != h[i-1].To || h[i-1].Kind == studio.PieceDelivered {
			broken++
		}
	}
	if broken > 0 {
		t.Errorf("%s: %d of %d events do not follow the one before", d.Subject, broken, len(h))
	}
	if last := h[len(h)-1]; last.To != d.Stage {
		t.Errorf("%s: at %s, but its history ends at %s", d.Subject, d.Stage, last.To)
	}
}

// checkLogs: grits of a pass are the progression's beginning, at most
// three coats a pass each on a dry one, and work timers never overlap.
func (r *racer) checkLogs(t *testing.T, id string) {
	db := r.stores[0].DB()
	grits := map[int][]int{}
	rows(t, db, `SELECT pass, grit FROM sanding_log WHERE piece_id = $1 ORDER BY grit`, id, func(scan func(...any) error) {
		var pass, grit int
		must(t, scan(&pass, &grit))
		grits[pass] = append(grits[pass], grit)
	})
	for pass, gs := range grits {
		if !slices.Equal(gs, studio.DefaultGrits[:min(len(gs), len(studio.DefaultGrits))]) || len(gs) > len(studio.DefaultGrits) {
			t.Errorf("piece %s pass %d: grits %v are not the progression's beginning", id, pass, gs)
		}
	}
	coats := map[int][][2]time.Time{}
	rows(t, db, `SELECT pass, applied_at, dry_at FROM coats WHERE piece_id = $1 ORDER BY applied_at`, id, func(scan func(...any) error) {
		var pass int
		var at, dry time.Time
		must(t, scan(&pass, &at, &dry))
		coats[pass] = append(coats[pass], [2]time.Time{at, dry})
	})
	for pass, cs := range coats {
		if len(cs) > 3 {
			t.Errorf("piece %s pass %d: %d coats", id, pass, len(cs))
		}
		for i := 1; i < len(cs); i++ {
			if cs[i][0].Before(cs[i-1][1]) {
				t.Errorf("piece %s pass %d: coat %d on a wet one", id, pass, i+1)
			}
		}
	}
	var sessions [][2]*time.Time
	rows(t, db, `SELECT started_at, stopped_at FROM work_sessions WHERE piece_id = $1 ORDER BY started_at`, id, func(scan func(...any) error) {
		var start time.Time
		var stop *time.Time
		must(t, scan(&start, &stop))
		sessions = append(sessions, [2]*time.Time{&start, stop})
	})
	for i, s := range sessions {
		switch {
		case s[1] == nil && i != len(sessions)-1:
			t.Errorf("piece %s: work timer %d still runs while a later one started", id, i+1)
		case s[1] != nil && s[1].Before(*s[0]):
			t.Errorf("piece %s: work timer %d stops before it starts", id, i+1)
		case i > 0 && sessions[i-1][1] != nil && s[0].Before(*sessions[i-1][1]):
			t.Errorf("piece %s: work timers %d and %d overlap", id, i, i+1)
		}
	}
}

// rows runs q for the piece and hands each row's scanner to fn.
func rows(t *testing.T, db *sql.DB, q, id string, fn func(scan func(...any) error)) {
	t.Helper()
	rs, err := db.Query(q, id)
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	for rs.Next() {
		fn(rs.Scan)
	}
	must(t, rs.Err())
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
