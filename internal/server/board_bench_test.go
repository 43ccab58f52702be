package server

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"atelier/internal/auth"
	"atelier/internal/files/filestest"
	"atelier/internal/httpx"
	"atelier/internal/store"
	"atelier/internal/store/storetest"
	"atelier/internal/studio"
)

// The board of a busy studio: 2,000 pieces in the pipeline, most of them
// commissioned, some late, the ones at the finish waiting on coats, and a
// history of delivered pieces and fired timers that the board must skip.
const (
	boardActivePieces    = 2000
	boardDeliveredPieces = 1000
)

// BenchmarkBoard measures the board of boardActivePieces pieces: the
// store's query, the JSON API's answer and, once it exists, the web page.
// The data is seeded by the benchmark's setup (bulk SQL, one transaction),
// which is not timed.
func BenchmarkBoard(b *testing.B) {
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		b.Run(string(d), func(b *testing.B) {
			if d == store.Postgres && os.Getenv(storetest.EnvDatabaseURL) == "" {
				b.Skipf("%s is not set", storetest.EnvDatabaseURL)
			}
			benchBoard(b, d)
		})
	}
}

func benchBoard(b *testing.B, d store.Dialect) {
	ctx := context.Background()
	st := storetest.Open(b, d, nil)
	blobs, _ := filestest.Open(b)
	srv := New(Config{}, st, blobs)
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
	seedBoard(b, st, ana.ID, time.Now().UTC())
	checkSeededBoard(b, st, ana.ID)

	b.Run("store", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := st.Board(ctx, ana.ID); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("api", func(b *testing.B) {
		benchGet(b, srv.Handler(), "/api/v1/board", func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+secret) })
	})
	b.Run("web", func(b *testing.B) {
		if !slices.ContainsFunc(srv.Routes(), func(rt httpx.Route) bool { return rt.Pattern == "GET /board" }) {
			b.Skip("there is no GET /board page yet")
		}
		cookie := benchLogin(b, srv.Handler(), owner.Email, owner.Password)
		benchGet(b, srv.Handler(), "/board", func(r *http.Request) { r.AddCookie(cookie) })
	})
}

// benchGet times GET path through the whole handler, middleware included.
func benchGet(b *testing.B, h http.Handler, path string, auth func(*http.Request)) {
	b.ReportAllocs()
	var size int
	for b.Loop() {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		auth(req)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("GET %s: status %d\n%.500s", path, rec.Code, rec.Body.String())
		}
		size = rec.Body.Len()
	}
	b.ReportMetric(float64(size), "bytes/answer")
}

// benchLogin signs in through the login form and returns the session cookie.
func benchLogin(b *testing.B, h http.Handler, email, password string) *http.Cookie {
	form := url.Values{"email": {email}, "password": {password}}
	req := httptest.NewRequest(http.MethodPost, "/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	for _, c := range rec.Result().Cookies() {
		if c.Name == "atelier_session" {
			return c
		}
	}
	b.Fatalf("POST /login: status %d, no session cookie\n%.500s", rec.Code, rec.Body.String())
	return nil
}

// seedBoard writes the studio's pieces straight into the tables, in one
// transaction: walking 2,000 pieces through the store's methods would take
// minutes and measure nothing the board reads.
//
// Piece i is at stage i mod 12 (concept to collector-grade); three pieces
// in five belong to a commission, promised from 20 days ago to 99 days
// ahead (a sixth of them overdue). Every piece at the finish has an open
// coat timer, one in ten of them overdue and not yet fired; every piece
// past the finish and every delivered piece has two fired ones.
func seedBoard(tb testing.TB, st *store.Store, studioID string, now time.Time) {
	tb.Helper()
	ctx := context.Background()
	tx, err := st.DB().BeginTx(ctx, nil)
	if err != nil {
		tb.Fatal(err)
	}
	defer tx.Rollback()
	ins := boardInserter{tb: tb, ctx: ctx, tx: tx}
	commission := ins.prepare(`INSERT INTO commissions (id, studio_id, status, subject_name, contact_name, contact_email, promised_date, portal_token_hash, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`)
	piece := ins.prepare(`INSERT INTO pieces (id, studio_id, commission_id, subject, clay_brands, target_height_mm, max_thickness_mm, stage, pass, created_at, updated_at)
		VALUES ($1, $2, $3, $4, 'premo', 40, 9, $5, $6, $7, $8)`)
	timer := ins.prepare(`INSERT INTO timers (id, studio_id, piece_id, kind, label, due_at, fired_at, created_at) VALUES ($1, $2, $3, 'coat_dry', $4, $5, $6, $7)`)
	today := now.Truncate(24 * time.Hour)
	active := studio.Stages[:studio.CollectorGrade.Index()+1]
	for i := range boardActivePieces + boardDeliveredPieces {
		stage := studio.Delivered
		if i < boardActivePieces {
			stage = active[i%len(active)]
		}
		created := now.Add(-time.Duration(boardActivePieces+boardDeliveredPieces-i) * time.Hour)
		pieceID, commissionID := auth.NewID(), ""
		if i%5 < 3 || stage == studio.Delivered {
			commissionID = auth.NewID()
			promised := today.AddDate(0, 0, (i*7)%120-20).Format(time.DateOnly)
			ins.exec(commission, commissionID, studioID, boardCommissionStatus(stage), fmt.Sprintf("Subject %d", i), "Client "+fmt.Sprint(i),
				fmt.Sprintf("client%d@example.com", i), promised, "bench-"+commissionID, created, created)
		}
		ins.exec(piece, pieceID, studioID, nullable(commissionID), fmt.Sprintf("Subject %d", i), stage, stage.Index()+1, created, created.Add(time.Duration(i)*time.Second))
		switch {
		case stage == studio.Finish:
			due := now.Add(time.Duration(i%60+1) * time.Minute)
			if i%10 == 0 {
				due = now.Add(-time.Minute) // overdue, the runner not there yet
			}
			ins.exec(timer, auth.NewID(), studioID, pieceID, "Coat 1 dry", due, nil, due.Add(-30*time.Minute))
		case stage.Index() > studio.Finish.Index():
			for n := range 2 {
				due := created.Add(time.Duration(n+1) * time.Hour)
				ins.exec(timer, auth.NewID(), studioID, pieceID, fmt.Sprintf("Coat %d dry", n+1), due, due, due.Add(-30*time.Minute))
			}
		}
	}
	if err := tx.Commit(); err != nil {
		tb.Fatal(err)
	}
	// Fresh statistics, as autovacuum would have them for a studio that
	// grew over years.
	if _, err := st.DB().ExecContext(ctx, `ANALYZE`); err != nil {
		tb.Fatal(err)
	}
}

func boardCommissionStatus(s studio.Stage) studio.CommissionStatus {
	switch s {
	case studio.Concept:
		return studio.Accepted
	case studio.CollectorGrade:
		return studio.Ready
	case studio.Delivered:
		return studio.Closed
	}
	return studio.InProduction
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// boardInserter runs prepared inserts and fails the benchmark on an error.
type boardInserter struct {
	tb  testing.TB
	ctx context.Context
	tx  *sql.Tx
}

func (in boardInserter) prepare(q string) *sql.Stmt {
	stmt, err := in.tx.PrepareContext(in.ctx, q)
	if err != nil {
		in.tb.Fatal(err)
	}
	return stmt
}

func (in boardInserter) exec(stmt *sql.Stmt, args ...any) {
	if _, err := stmt.ExecContext(in.ctx, args...); err != nil {
		in.tb.Fatal(err)
	}
}

// checkSeededBoard makes sure the board shows what the seed meant it to.
func checkSeededBoard(tb testing.TB, st *store.Store, studioID string) {
	tb.Helper()
	cols, err := st.Board(context.Background(), studioID)
	if err != nil {
		tb.Fatal(err)
	}
	var cards, late, timers, commissioned int
	for _, col := range cols {
		for _, c := range col.Cards {
			cards++
			timers += len(c.Timers)
			if c.Late {
				late++
			}
			if c.CommissionID != "" {
				commissioned++
			}
		}
	}
	if cards != boardActivePieces || late == 0 || timers == 0 || commissioned == 0 {
		tb.Fatalf("the board shows %d cards (%d commissioned, %d late, %d open timers), want %d with some of each", cards, commissioned, late, timers, boardActivePieces)
	}
}
