package server

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"atelier/internal/store"
	"atelier/internal/store/storetest"
)

// addBo adds the assistant Bo through the team page and signs Bo in on a
// browser of their own.
func addBo(t *testing.T, b *browser, base string) *browser {
	t.Helper()
	res, body := b.post("/team/users", url.Values{"name": {"Bo"}, "email": {"bo@example.com"}, "password": {"bo's first password"}, "role": {"assistant"}}, nil)
	want(t, res, body, 303)
	bo := newBrowser(t, base)
	res, body = bo.post("/login", url.Values{"email": {"bo@example.com"}, "password": {"bo's first password"}}, nil)
	want(t, res, body, 303, "/dashboard")
	return bo
}

func bearer(t *testing.T, base, method, path, secret, body string) int {
	t.Helper()
	req, _ := http.NewRequest(method, base+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+secret)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

// The owner changes roles and removes a person on the team page: the last
// owner stays one, and a removed person's session and token stop working
// while what they did keeps their name.
func TestWebTeamChangesRolesAndRemovesPeople(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		b, ts := setUpStudio(t, s)
		res, body := b.get("/team")
		want(t, res, body, 200, "Change role", "Remove…")
		ana, _ := s.UserByEmail(ctx, "ana@example.com")
		res, body = b.post("/team/users/"+ana.ID+"/role", url.Values{"role": {"assistant"}}, nil)
		wantRefused(t, b, res, body, "/team", "only owner")
		res, body = b.post("/team/users/"+ana.ID+"/remove", nil, nil)
		wantRefused(t, b, res, body, "/team", "only owner")

		boBrowser := addBo(t, b, ts.URL)
		bo, _ := s.UserByEmail(ctx, "bo@example.com")
		secret, _, err := s.CreateToken(ctx, store.NewToken{Email: bo.Email, Name: "Bo's script"})
		if err != nil {
			t.Fatal(err)
		}
		res, body = b.post("/team/users/"+bo.ID+"/role", url.Values{"role": {"owner"}}, nil)
		want(t, res, body, 303, "/team")
		res, body = b.get("/team")
		want(t, res, body, 200, "Bo is now an owner.")
		res, body = boBrowser.get("/team")
		want(t, res, body, 200)
		res, body = b.post("/team/users/"+bo.ID+"/role", url.Values{"role": {"boss"}}, nil)
		want(t, res, body, 422)
		res, body = b.post("/team/users/nosuchuser/role", url.Values{"role": {"owner"}}, nil)
		want(t, res, body, 404)

		res, body = b.post("/team/users/"+bo.ID+"/remove", nil, nil)
		want(t, res, body, 303, "/team")
		res, body = b.get("/team")
		want(t, res, body, 200, "Bo is no longer on the team")
		if strings.Contains(body, "Remove Bo from the team") {
			t.Fatal("a removed person is still listed")
		}
		res, body = boBrowser.get("/dashboard")
		want(t, res, body, 303, "/login")
		if code := bearer(t, ts.URL, "GET", "/api/v1/me", secret, ""); code != 401 {
			t.Fatalf("a removed person's token answers %d", code)
		}
		res, body = newBrowser(t, ts.URL).post("/login", url.Values{"email": {"bo@example.com"}, "password": {"bo's first password"}}, nil)
		want(t, res, body, 401)
		// Their row stays, under their name, for the history that points to it.
		var name string
		if err := s.DB().QueryRowContext(ctx, `SELECT name FROM users WHERE id = $1 AND removed_at IS NOT NULL`, bo.ID).Scan(&name); err != nil || name != "Bo" {
			t.Fatalf("removed row: %q %v", name, err)
		}
		res, body = b.post("/team/users/"+bo.ID+"/remove", nil, nil)
		want(t, res, body, 404)
	})
}

// The API does what the team page does.
func TestAPIChangesRolesAndRemovesUsers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		b, ts := setUpStudio(t, s)
		addBo(t, b, ts.URL)
		ana, _ := s.UserByEmail(ctx, "ana@example.com")
		bo, _ := s.UserByEmail(ctx, "bo@example.com")
		owner, _, err := s.CreateToken(ctx, store.NewToken{Email: ana.Email})
		if err != nil {
			t.Fatal(err)
		}
		boToken, _, _ := s.CreateToken(ctx, store.NewToken{Email: bo.Email})
		tokens := map[string]string{"ana": owner, "bo": boToken}
		for _, c := range []struct {
			as, method, path, body string
			status                 int
		}{
			{"ana", "PATCH", "/api/v1/users/" + ana.ID, `{"role":"assistant"}`, 409},
			{"bo", "PATCH", "/api/v1/users/" + bo.ID, `{"role":"owner"}`, 403}, // an assistant
			{"ana", "PATCH", "/api/v1/users/" + bo.ID, `{"role":"boss"}`, 422},
			{"ana", "PATCH", "/api/v1/users/" + bo.ID, `{"role":"owner"}`, 200},
			{"ana", "PATCH", "/api/v1/users/" + ana.ID, `{"role":"assistant"}`, 200},
			{"ana", "PATCH", "/api/v1/users/" + ana.ID, `{"role":"owner"}`, 403}, // an assistant now
			{"bo", "DELETE", "/api/v1/users/" + bo.ID, ``, 409},
			{"bo", "DELETE", "/api/v1/users/nosuchuser", ``, 404},
		} {
			if got := bearer(t, ts.URL, c.method, c.path, tokens[c.as], c.body); got != c.status {
				t.Fatalf("%s as %s %s %s: %d, want %d", c.method, c.as, c.path, c.body, got, c.status)
			}
		}
		// Bo, now the owner, removes Ana, whose token then stops working.
		if got := bearer(t, ts.URL, "DELETE", "/api/v1/users/"+ana.ID, boToken, ""); got != 200 {
			t.Fatalf("remove: %d", got)
		}
		if got := bearer(t, ts.URL, "GET", "/api/v1/me", owner, ""); got != 401 {
			t.Fatalf("a removed person's token: %d", got)
		}
	})
}

var resetLink = regexp.MustCompile(`http://atelier\.test/reset/(rst_[a-z2-7]+)`)

// Forgot password: the same answer for any address, a one-time link by
// mail for a real one, that works once and within the hour, and a limit
// on how often it is asked for.
func TestWebForgotPasswordSendsALinkThatWorksOnce(t *testing.T) {
	storetest.EachDialect(t, func(t *testing.T, d store.Dialect) {
		ctx := context.Background()
		var offset atomic.Int64
		clock := func() time.Time { return time.Now().Add(time.Duration(offset.Load())) }
		s := storetest.Open(t, d, clock)
		owner, ts, _ := serveStudio(t, s, Config{MailEnabled: true, BaseURL: "http://atelier.test", Now: clock})
		ana, _ := s.StudioBySlug(ctx, "ana")
		b := newBrowser(t, ts.URL)
		res, body := b.get("/login")
		want(t, res, body, 200, `href="/forgot"`)
		const neutral = "a link to set a new password is on its way"
		res, body = b.post("/forgot", url.Values{"email": {"nobody@example.com"}}, nil)
		want(t, res, body, 200, neutral)
		res, body = b.post("/forgot", url.Values{"email": {"not an address"}}, nil)
		want(t, res, body, 422, `id="email-error"`)
		if out, _ := s.Outbox(ctx, ana.ID); len(out) != 0 {
			t.Fatalf("mail for an unknown address: %+v", out)
		}
		res, body = b.post("/forgot", url.Values{"email": {"Ana@Example.com"}}, nil)
		want(t, res, body, 200, neutral)
		out, _ := s.Outbox(ctx, ana.ID)
		if len(out) != 1 || out[0].To != "ana@example.com" || !resetLink.MatchString(out[0].Body) {
			t.Fatalf("outbox: %+v", out)
		}
		path := "/reset/" + resetLink.FindStringSubmatch(out[0].Body)[1]

		res, body = b.get(path)
		want(t, res, body, 200, "ana@example.com", `name="password"`)
		res, body = b.post(path, url.Values{"password": {"short"}}, nil)
		want(t, res, body, 422, "at least 10 characters")
		res, body = b.post(path, url.Values{"password": {"a reset password"}}, nil)
		want(t, res, body, 303, "/login?email=ana%40example.com")
		res, body = b.get("/login?email=ana%40example.com")
		want(t, res, body, 200, "Your new password is set", `value="ana@example.com"`)
		// The owner's other session ended; the new password signs in.
		res, body = owner.get("/dashboard")
		want(t, res, body, 303, "/login")
		res, body = b.post("/login", url.Values{"email": {"ana@example.com"}, "password": {"a reset password"}}, nil)
		want(t, res, body, 303, "/dashboard")
		// A link works once.
		res, body = b.post(path, url.Values{"password": {"another new password"}}, nil)
		want(t, res, body, 404, "expired or was used")
		res, body = b.get(path)
		want(t, res, body, 404, "Ask for a new link")

		// A link older than the hour is refused.
		res, body = b.post("/forgot", url.Values{"email": {"ana@example.com"}}, nil)
		want(t, res, body, 200, neutral)
		out, _ = s.Outbox(ctx, ana.ID)
		expired := "/reset/" + resetLink.FindStringSubmatch(out[0].Body)[1]
		offset.Add(int64(store.PasswordResetTTL + time.Minute))
		res, body = b.post(expired, url.Values{"password": {"another new password"}}, nil)
		want(t, res, body, 404, "expired")

		// At most three requests an hour for one address: the fourth is refused.
		for range 3 {
			res, body = b.post("/forgot", url.Values{"email": {"ana@example.com"}}, nil)
			want(t, res, body, 200, neutral)
		}
		res, body = b.post("/forgot", url.Values{"email": {"ana@example.com"}}, nil)
		want(t, res, body, 429, "Too many requests for a new password")
		if res.Header.Get("Retry-After") == "" {
			t.Fatal("no Retry-After")
		}
	})
}

// Without mail, nothing is sent and the page says whom to ask.
func TestWebForgotPasswordWithoutMailSaysToAskTheOwner(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		_, ts := setUpStudio(t, s)
		b := newBrowser(t, ts.URL)
		res, body := b.get("/forgot")
		want(t, res, body, 200, "Ask the studio")
		res, body = b.post("/forgot", url.Values{"email": {"ana@example.com"}}, nil)
		want(t, res, body, 200, "Ask the studio")
		ana, _ := s.StudioBySlug(ctx, "ana")
		if out, _ := s.Outbox(ctx, ana.ID); len(out) != 0 {
			t.Fatalf("mail without mail: %+v", out)
		}
	})
}
