package server

import (
	"context"
	"net/http"
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
	"atelier/internal/web"
)

// postAll sends n forms at once and counts the answers by status; every
// refusal for too many must say when to try again.
func postAll(t *testing.T, h http.Handler, path string, n int, form url.Values) map[int]int {
	t.Helper()
	var mu sync.Mutex
	got := map[int]int{}
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			req := httptest.NewRequest("POST", path, strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.RemoteAddr = "198.51.100.7:5000"
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			mu.Lock()
			defer mu.Unlock()
			got[rec.Code]++
			if rec.Code == http.StatusTooManyRequests && rec.Header().Get("Retry-After") == "" {
				t.Errorf("%s: 429 without Retry-After", path)
			}
		})
	}
	wg.Wait()
	return got
}

// Thirty wrong passwords at once meet a limit of five: five are checked,
// the rest refused, on either database.
func TestParallelWrongPasswordsMeetTheLimitExactly(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		if _, err := s.CreateStudio(ctx, studio.NewStudio("ana", "Ana's Miniatures", "Ana Petrova")); err != nil {
			t.Fatal(err)
		}
		if _, err := s.CreateUser(ctx, studio.NewUser{StudioSlug: "ana", Email: "ana@example.com", Name: "Ana", Role: studio.Owner, Password: "a long password"}); err != nil {
			t.Fatal(err)
		}
		blobs, _ := filestest.Open(t)
		srv := New(Config{AccountLimit: web.Limit{Max: 5, Window: 15 * time.Minute}}, s, blobs)
		got := postAll(t, srv.Handler(), "/login", 30, url.Values{"email": {"ana@example.com"}, "password": {"not the password"}})
		// On a busy machine some of the five may be answered 503 (too many
		// passwords being checked at once): each still counts as a guess.
		if got[401]+got[503] != 5 || got[429] != 25 {
			t.Fatalf("answers %v, want 5 × 401 (or 503) and 25 × 429", got)
		}
	})
}

// Twenty-five guesses of the set-up code at once meet a limit of ten.
func TestParallelSetUpGuessesMeetTheLimitExactly(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		if _, err := s.IssueSetupCode(context.Background()); err != nil {
			t.Fatal(err)
		}
		blobs, _ := filestest.Open(t)
		form := setupForm("WRONG-CODE")
		got := postAll(t, New(Config{}, s, blobs).Handler(), "/setup", 25, form)
		// As with passwords, a guess answered 503 on a busy machine counts.
		if got[422]+got[503] != 10 || got[429] != 15 {
			t.Fatalf("answers %v, want 10 × 422 (or 503) and 15 × 429", got)
		}
		if n, _ := s.CountStudios(context.Background()); n != 0 {
			t.Fatalf("a wrong code set up %d studios", n)
		}
	})
}

// Guesses from elsewhere lock the account for unknown browsers only: a
// browser that signed in before keeps its own allowance, and its cookie
// works for its own account alone and cannot be forged.
func TestWrongPasswordsCannotLockTheOwnerOut(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		s.CreateStudio(ctx, studio.NewStudio("ana", "Ana's Miniatures", "Ana Petrova"))
		for _, email := range []string{"ana@example.com", "bo@example.com"} {
			if _, err := s.CreateUser(ctx, studio.NewUser{StudioSlug: "ana", Email: email, Name: "A", Role: studio.Owner, Password: "a long password"}); err != nil {
				t.Fatal(err)
			}
		}
		blobs, _ := filestest.Open(t)
		h := New(Config{AccountLimit: web.Limit{Max: 3, Window: time.Hour}, IPLimit: web.Limit{Max: 100, Window: time.Hour}}, s, blobs).Handler()
		signIn := func(email, password string, cookies ...*http.Cookie) *httptest.ResponseRecorder {
			form := url.Values{"email": {email}, "password": {password}}
			req := httptest.NewRequest("POST", "/login", strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			for _, c := range cookies {
				req.AddCookie(c)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			return rec
		}
		device := func(rec *httptest.ResponseRecorder) *http.Cookie {
			for _, c := range rec.Result().Cookies() {
				if c.Name == "atelier_device" {
					return c
				}
			}
			t.Fatalf("no device cookie after a sign-in: %v", rec.Result().Cookies())
			return nil
		}
		ana := device(signIn("ana@example.com", "a long password"))
		if !ana.HttpOnly || ana.MaxAge <= 0 {
			t.Fatalf("device cookie %+v", ana)
		}
		bo := device(signIn("bo@example.com", "a long password"))
		for range 3 {
			if rec := signIn("ana@example.com", "guess"); rec.Code != 401 {
				t.Fatalf("a guess: %d", rec.Code)
			}
		}
		if rec := signIn("ana@example.com", "a long password"); rec.Code != 429 {
			t.Fatalf("an unknown browser after the guesses: %d, want 429", rec.Code)
		}
		if rec := signIn("ana@example.com", "a long password", ana); rec.Code != 303 {
			t.Fatalf("ana's own browser: %d, want 303", rec.Code)
		}
		forged := &http.Cookie{Name: "atelier_device", Value: strings.Split(ana.Value, ".")[0] + ".forged"}
		bosForAna := &http.Cookie{Name: "atelier_device", Value: bo.Value}
		for name, c := range map[string]*http.Cookie{"a forged cookie": forged, "bo's cookie": bosForAna} {
			if rec := signIn("ana@example.com", "a long password", c); rec.Code != 429 {
				t.Errorf("%s on ana's account: %d, want 429", name, rec.Code)
			}
		}
	})
}
