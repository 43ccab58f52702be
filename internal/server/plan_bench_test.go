package server

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"atelier/internal/files/filestest"
	"atelier/internal/store"
	"atelier/internal/store/storetest"
	"atelier/internal/studio"
)

// BenchmarkPlanAPI times GET /api/v1/plan and POST /api/v1/plan/what-if
// through the whole handler for a studio of 50, 200 and 1,000 open pieces
// (every fifth one promised, clays of two temperatures), on both
// databases. "cold" changes a stage default before each request (not
// timed), so that the studio's cached plan no longer holds and the plan
// is made afresh; "cached" asks again of an unchanged studio.
func BenchmarkPlanAPI(b *testing.B) {
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		b.Run(string(d), func(b *testing.B) {
			if d == store.Postgres && os.Getenv(storetest.EnvDatabaseURL) == "" {
				b.Skipf("%s is not set", storetest.EnvDatabaseURL)
			}
			for _, n := range []int{50, 200, 1000} {
				b.Run(fmt.Sprintf("pieces=%d", n), func(b *testing.B) { benchPlan(b, d, n) })
			}
		})
	}
}

func benchPlan(b *testing.B, d store.Dialect, n int) {
	ctx := context.Background()
	st := storetest.Open(b, d, nil)
	blobs, _ := filestest.Open(b)
	h := New(Config{}, st, blobs).Handler()
	ana, err := st.CreateStudio(ctx, studio.NewStudio("ana", "Ana's Miniatures", "Ana Petrova"))
	if err != nil {
		b.Fatal(err)
	}
	owner := studio.NewUser{StudioSlug: "ana", Email: "ana@example.com", Name: "Ana", Role: studio.Owner, Password: "a long password"}
	if _, err := st.CreateUser(ctx, owner); err != nil {
		b.Fatal(err)
	}
	secret, _, err := st.CreateToken(ctx, store.NewToken{Email: owner.Email, Name: "bench"})
	if err != nil {
		b.Fatal(err)
	}
	clays := [][]string{{"premo"}, {"fimo-soft"}, {"premo", "sculpey-iii"}}
	for i := range n {
		thick := float64(4 + i%9)
		if _, err := st.CreatePiece(ctx, ana.ID, "", studio.NewPieceFields{Subject: fmt.Sprintf("Piece %d", i), ClayBrands: clays[i%3],
			TargetHeightMM: float64(25 + i%50), MaxThicknessMM: &thick}); err != nil {
			b.Fatal(err)
		}
	}
	do := func(method, path, body string) {
		req := httptest.NewRequest(method, path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+secret)
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("%s %s: status %d\n%.500s", method, path, rec.Code, rec.Body.String())
		}
	}
	stale := func(i int) {
		b.StopTimer()
		if err := st.SetStageDefaults(ctx, ana.ID, map[studio.Stage]int{studio.Sculpt: 240 + i%2}); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
	const whatIf = `{"target_height_mm":40,"clay_brands":["premo"]}`
	b.Run("plan/cold", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			stale(i)
			do("GET", "/api/v1/plan", "")
		}
	})
	b.Run("what-if/cold", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			stale(i)
			do("POST", "/api/v1/plan/what-if", whatIf)
		}
	})
	b.Run("what-if/cached", func(b *testing.B) {
		do("GET", "/api/v1/plan", "")
		for i := 0; i < b.N; i++ {
			do("POST", "/api/v1/plan/what-if", whatIf)
		}
	})
}
