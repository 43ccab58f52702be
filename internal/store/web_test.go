package store_test

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"atelier/internal/store"
	"atelier/internal/store/storetest"
	"atelier/internal/studio"
)

func TestSetUp(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		code, err := s.IssueSetupCode(ctx)
		if err != nil || len(code) != 14 {
			t.Fatalf("code %q %v", code, err)
		}
		other, _ := s.IssueSetupCode(ctx) // a second instance's code
		owner := studio.NewUser{Email: "ana@example.com", Name: "Ana", Password: "a long password"}
		st := studio.NewStudio("ana", "Ana's Miniatures", "Ana")

		_, _, err = s.SetUp(ctx, "WRONG-CODE-XXXX", st, owner)
		wantCode(t, err, studio.Invalid)
		bad := st
		bad.Slug, bad.Currency = "", "XX"
		_, _, err = s.SetUp(ctx, code, bad, studio.NewUser{Email: "x", Password: "short"})
		if e, ok := err.(*studio.Error); !ok || e.Fields["slug"] == "" || e.Fields["currency"] == "" || e.Fields["email"] == "" || e.Fields["password"] == "" || e.Fields["owner_name"] == "" {
			t.Fatalf("want every bad field of studio and owner at once, got %v", err)
		}
		if n, _ := s.CountStudios(ctx); n != 0 {
			t.Fatal("a refused set-up wrote a studio")
		}
		// Codes forgive case, spaces and hyphens.
		created, u, err := s.SetUp(ctx, " "+lower(other[:4])+" "+other[5:], st, owner)
		if err != nil || created.Slug != "ana" || u.Role != studio.Owner || u.StudioID != created.ID {
			t.Fatalf("set-up: %+v %+v %v", created, u, err)
		}
		// Every code is used up, and set-up is gone once a studio exists.
		_, _, err = s.SetUp(ctx, code, studio.NewStudio("ben", "Ben", "Ben"), studio.NewUser{Email: "ben@example.com", Name: "Ben", Password: "a long password"})
		wantCode(t, err, studio.NotFound)
		if again, _ := s.IssueSetupCode(ctx); again != "" {
			t.Fatal("a set-up code was issued for an install that has a studio")
		}
	})
}

func lower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 32
		}
	}
	return string(b)
}

func TestLoginAndPassword(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		st := mustStudio(t, s, "ana")
		mustStudio(t, s, "ben")
		u := mustUser(t, s, "ana", "ana@example.com", studio.Assistant)
		got, err := s.CheckLogin(ctx, "ANA@example.com ", "a long password")
		if err != nil || got.ID != u.ID {
			t.Fatalf("login: %+v %v", got, err)
		}
		_, err = s.CheckLogin(ctx, "ana@example.com", "a wrong password")
		wantCode(t, err, studio.Unauthorized)
		_, err2 := s.CheckLogin(ctx, "nobody@example.com", "a long password")
		wantCode(t, err2, studio.Unauthorized)
		if err.Error() != err2.Error() {
			t.Fatal("a failed login tells whether the account exists")
		}
		// Only the user's own studio can reset the password.
		ben, _ := s.StudioBySlug(ctx, "ben")
		_, err = s.SetPassword(ctx, ben.ID, u.ID, "another long password")
		wantCode(t, err, studio.NotFound)
		_, err = s.SetPassword(ctx, st.ID, u.ID, "short")
		wantCode(t, err, studio.Invalid)
		if _, err := s.SetPassword(ctx, st.ID, u.ID, "another long password"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.CheckLogin(ctx, "ana@example.com", "another long password"); err != nil {
			t.Fatal(err)
		}
		p, err := s.Principal(ctx, u.ID)
		if err != nil || p.Studio.Slug != "ana" || p.User.Role != studio.Assistant {
			t.Fatalf("principal %+v %v", p, err)
		}
	})
}

func TestThrottle(t *testing.T) {
	storetest.EachDialect(t, func(t *testing.T, d store.Dialect) {
		now := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
		s := storetest.Open(t, d, func() time.Time { return now })
		limit := store.Limit{Key: "login:account:ana", Max: 3, Window: 15 * time.Minute}
		other := store.Limit{Key: "login:ip:1.2.3.4", Max: 10, Window: 15 * time.Minute}
		for i := range 3 {
			if _, err := s.Admit(ctx, "attempts", limit, other); err != nil {
				t.Fatalf("attempt %d throttled: %v", i, err)
			}
			now = now.Add(time.Minute)
		}
		// Three attempts at 10:00, 10:01, 10:02; now 10:03: wait until 10:15.
		_, err := s.Admit(ctx, "attempts", limit, other)
		if e, ok := err.(*studio.Error); !ok || e.Code != studio.RateLimited || e.Data[studio.RetryAfter] != 12*60 {
			t.Fatalf("refusal %v, want a wait of 12m", err)
		}
		now = now.Add(12 * time.Minute)
		adm, err := s.Admit(ctx, "attempts", limit)
		if err != nil {
			t.Fatalf("still throttled after the window: %v", err)
		}
		// A released admission no longer counts.
		if err := s.Release(ctx, adm, limit.Key); err != nil {
			t.Fatal(err)
		}
		// 10:01 and 10:02 are still in the window: room for one more.
		if _, err := s.Admit(ctx, "attempts", limit); err != nil {
			t.Fatalf("a released event still counts: %v", err)
		}
		if _, err := s.Admit(ctx, "attempts", limit); studio.ErrorCode(err) != studio.RateLimited {
			t.Fatalf("a fourth attempt in the window: %v", err)
		}
		s.Forget(ctx, limit.Key)
		if _, err := s.Admit(ctx, "attempts", limit); err != nil {
			t.Fatalf("Forget left events: %v", err)
		}
		s.Forget(ctx, limit.Key)
		now = now.Add(store.ThrottleHorizon + time.Hour)
		if _, events, err := s.SweepExpired(ctx); err != nil || events != 3 {
			t.Fatalf("sweep removed %d events, %v; want the ip's 3", events, err)
		}
	})
}

// Of many attempts at once, exactly the limit's number are admitted, on
// either database: checking and counting are one step.
func TestAdmitCountsConcurrentAttemptsExactly(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		limit := store.Limit{Key: "login:account:ana", Max: 5, Window: time.Hour}
		var admitted, refused atomic.Int32
		var wg sync.WaitGroup
		for range 30 {
			wg.Go(func() {
				_, err := s.Admit(ctx, "attempts", limit, store.Limit{Key: "login:ip:1.2.3.4", Max: 100, Window: time.Hour})
				switch studio.ErrorCode(err) {
				case "":
					admitted.Add(1)
				case studio.RateLimited:
					refused.Add(1)
				default:
					t.Errorf("admit: %v", err)
				}
			})
		}
		wg.Wait()
		if admitted.Load() != 5 || refused.Load() != 25 {
			t.Fatalf("%d admitted and %d refused, want 5 and 25", admitted.Load(), refused.Load())
		}
	})
}
