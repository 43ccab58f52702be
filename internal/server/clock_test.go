package server

import (
	"context"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"atelier/internal/files/filestest"
	"atelier/internal/store"
	"atelier/internal/store/storetest"
	"atelier/internal/studio"
)

// stepClock is a clock far from the wall clock that moves a microsecond
// per reading, so that "after" holds between two readings.
type stepClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *stepClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(time.Microsecond)
	return c.t
}

// The clock given to the server is the one the pages use: a sign-in is
// timed by it (and so compared with a password change timed by the same
// clock in the store), and the countdowns and times a page shows are
// measured from it.
func TestServerClock(t *testing.T) {
	for _, dialect := range storetest.Dialects(t) {
		t.Run(string(dialect), func(t *testing.T) { testServerClock(t, dialect) })
	}
}

func testServerClock(t *testing.T, dialect store.Dialect) {
	ctx := context.Background()
	// 2099-06-01 10:00 in Vienna, where the studio is.
	clock := &stepClock{t: time.Date(2099, 6, 1, 8, 0, 0, 0, time.UTC)}
	s := storetest.Open(t, dialect, clock.now)
	blobs, _ := filestest.Open(t)
	ts := httptest.NewServer(New(Config{Now: clock.now}, s, blobs).Handler())
	defer ts.Close()
	b := newBrowser(t, ts.URL)
	code, err := s.IssueSetupCode(ctx)
	if err != nil {
		t.Fatal(err)
	}
	res, body := b.post("/setup", setupForm(code), nil)
	want(t, res, body, 303, "/dashboard")

	// A password changed "in 2099" by the store's clock, then a sign-in
	// by the server's: the session holds.
	res, body = b.post("/team/users", url.Values{"name": {"Bo"}, "email": {"bo@example.com"}, "password": {"bo's first password"}, "role": {"assistant"}}, nil)
	want(t, res, body, 303)
	bo, _ := s.UserByEmail(ctx, "bo@example.com")
	res, body = b.post("/team/users/"+bo.ID+"/password", url.Values{"password": {"bo's second password"}}, nil)
	want(t, res, body, 303)
	boBrowser := newBrowser(t, ts.URL)
	res, body = boBrowser.post("/login", url.Values{"email": {"bo@example.com"}, "password": {"bo's second password"}}, nil)
	want(t, res, body, 303, "/dashboard")
	res, body = boBrowser.get("/dashboard")
	want(t, res, body, 200, "signed in as an assistant")

	// A coat logged now dries in 30 minutes: today at 10:30 by the
	// server's clock (on the 12-hour clock of a studio in inches), and
	// the board counts the 30 minutes down from it.
	res, body = b.post("/pieces", url.Values{"subject": {"Rose"}, "target_height": {"1.5"}}, nil)
	want(t, res, body, 303, "/pieces/")
	id := strings.TrimPrefix(res.Header.Get("Location"), "/pieces/")
	ana := mustSlug(t, s, "ana")
	storetest.WalkPiece(t, s, ana.ID, id, studio.Finish)
	res, body = b.post("/pieces/"+id+"/coats", url.Values{"kind": {"matte_polyurethane"}}, nil)
	want(t, res, body, 303)
	res, body = b.get("/pieces/" + id)
	want(t, res, body, 200, "Coat 1 logged. It is dry at 10:30 am.")
	res, body = b.get("/board")
	want(t, res, body, 200, "Waiting: Coat 1 dry", `data-countdown="2099-06-01T08:30:00Z"`, ">30:00</span>")
}
