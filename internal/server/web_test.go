package server

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"atelier/internal/files"
	"atelier/internal/files/filestest"
	"atelier/internal/store"
	"atelier/internal/store/storetest"
	"atelier/internal/studio"
	"atelier/internal/web"
)

// browser is a cookie-keeping client that does not follow redirects, so
// that tests see each answer.
type browser struct {
	t    *testing.T
	base string
	c    *http.Client
}

func newBrowser(t *testing.T, base string) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, base: base, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (b *browser) get(path string) (*http.Response, string) {
	b.t.Helper()
	return b.send(http.MethodGet, path, nil, nil)
}

func (b *browser) post(path string, form url.Values, header http.Header) (*http.Response, string) {
	b.t.Helper()
	return b.send(http.MethodPost, path, strings.NewReader(form.Encode()), header)
}

func (b *browser) send(method, path string, body io.Reader, header http.Header) (*http.Response, string) {
	b.t.Helper()
	req, _ := http.NewRequest(method, b.base+path, body)
	if body != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, v := range header {
		req.Header[k] = v
	}
	res, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	return res, string(raw)
}

func want(t *testing.T, res *http.Response, body string, status int, contains ...string) {
	t.Helper()
	if res.StatusCode != status {
		t.Fatalf("%s %s: status %d, want %d\n%s", res.Request.Method, res.Request.URL.Path, res.StatusCode, status, body)
	}
	for _, c := range contains {
		if !strings.Contains(body, c) && !strings.Contains(res.Header.Get("Location"), c) {
			t.Fatalf("%s %s: answer lacks %q\n%s", res.Request.Method, res.Request.URL.Path, c, body)
		}
	}
}

// setUpStudio serves a fresh install and sets studio "ana" up through the
// set-up page, returning the owner's signed-in browser and the server.
func setUpStudio(t *testing.T, s *store.Store) (*browser, *httptest.Server) {
	t.Helper()
	b, ts, _ := serveStudio(t, s, Config{})
	return b, ts
}

// serveStudio is setUpStudio with a configuration of the test's own, and
// the blob store at hand, so that a test can put photos and their
// variants where the pages serve them from.
func serveStudio(t *testing.T, s *store.Store, cfg Config) (*browser, *httptest.Server, *files.Store) {
	t.Helper()
	blobs, _ := filestest.Open(t)
	ts := httptest.NewServer(New(cfg, s, blobs).Handler())
	t.Cleanup(ts.Close)
	b := newBrowser(t, ts.URL)
	code, err := s.IssueSetupCode(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	res, body := b.post("/setup", setupForm(code), nil)
	want(t, res, body, 303)
	return b, ts, blobs
}

func setupForm(code string) url.Values {
	return url.Values{"code": {code}, "name": {"Ana's Miniatures"}, "slug": {"ana"}, "artist": {"Ana Petrova"},
		"currency": {"eur"}, "timezone": {"Europe/Vienna"}, "units": {"imperial"}, "temperature": {"F"},
		"owner_name": {"Ana"}, "email": {"ana@example.com"}, "password": {"a long password"}}
}

// The first run and accounts, as a browser meets them, on both databases.
func TestWebFirstRunAndAccounts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		blobs, _ := filestest.Open(t)
		srv := New(Config{AccountLimit: web.Limit{Max: 3, Window: time.Hour}}, s, blobs)
		ts := httptest.NewServer(srv.Handler())
		defer ts.Close()
		b := newBrowser(t, ts.URL)

		res, body := b.get("/")
		want(t, res, body, 303, "/setup")
		res, body = b.get("/login")
		want(t, res, body, 303, "/setup")
		res, body = b.get("/setup")
		want(t, res, body, 200, "Set up your studio", `name="code"`)
		if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") || strings.Contains(csp, "unsafe-inline") {
			t.Fatalf("CSP %q", csp)
		}

		code, err := s.IssueSetupCode(ctx)
		if err != nil {
			t.Fatal(err)
		}
		// A wrong code: the form again, nothing written, the typed secret not echoed.
		res, body = b.post("/setup", setupForm("AAAA-BBBB-CCCC"), nil)
		want(t, res, body, 422, "is not the set-up code")
		if n, _ := s.CountStudios(ctx); n != 0 {
			t.Fatal("a wrong code created a studio")
		}
		bad := setupForm(code)
		bad.Set("slug", "Not A Slug")
		bad.Set("password", "short")
		res, body = b.post("/setup", bad, nil)
		want(t, res, body, 422, `id="slug-error"`, `id="password-error"`, `value="Ana&#39;s Miniatures"`)
		if strings.Contains(body, code) {
			t.Fatal("the set-up code was echoed into the page")
		}
		// A form posted from another site is refused.
		res, body = b.post("/setup", setupForm(code), http.Header{"Origin": {"https://evil.example"}, "Sec-Fetch-Site": {"cross-site"}})
		want(t, res, body, 403, "another site")

		res, body = b.post("/setup", setupForm(code), nil)
		want(t, res, body, 303, "/dashboard")
		cookie := sessionCookie(t, res)
		if !cookie.HttpOnly || cookie.SameSite != http.SameSiteLaxMode || cookie.Secure {
			t.Fatalf("session cookie %+v", cookie)
		}
		res, body = b.get("/dashboard")
		want(t, res, body, 200, "Ana&#39;s Miniatures", "Your studio is ready")
		st, _ := s.StudioBySlug(ctx, "ana")
		if st.Currency != "EUR" || st.Units != studio.Imperial || st.TemperatureUnit != studio.Fahrenheit || st.Timezone != "Europe/Vienna" {
			t.Fatalf("studio %+v", st)
		}
		// Set-up is gone now, and the used code does not work again.
		res, body = b.get("/setup")
		want(t, res, body, 404, "already set up")
		res, body = b.post("/setup", setupForm(code), nil)
		want(t, res, body, 404)

		res, body = b.post("/logout", nil, nil)
		want(t, res, body, 303, "/login")
		res, body = b.get("/dashboard")
		want(t, res, body, 303, "/login?next=%2Fdashboard")

		// A cross-origin login is refused before the password is looked at.
		res, body = b.post("/login", url.Values{"email": {"ana@example.com"}, "password": {"a long password"}}, http.Header{"Sec-Fetch-Site": {"cross-site"}})
		want(t, res, body, 403)
		res, body = b.post("/login", url.Values{"email": {""}, "password": {""}}, nil)
		want(t, res, body, 422, "Enter your e-mail address", "Enter your password")
		// Wrong passwords until throttled.
		for range 3 {
			res, body = b.post("/login", url.Values{"email": {"ana@example.com"}, "password": {"not the password"}}, nil)
			want(t, res, body, 401, "do not match an account")
		}
		res, body = b.post("/login", url.Values{"email": {"ANA@example.com"}, "password": {"a long password"}}, nil)
		want(t, res, body, 429, "Too many failed sign-ins")
		if res.Header.Get("Retry-After") == "" {
			t.Fatal("429 without Retry-After")
		}
		// Another account from the same address is not locked by ana's failures.
		s.CreateUser(ctx, studio.NewUser{StudioSlug: "ana", Email: "asst@example.com", Name: "Bo", Role: studio.Assistant, Password: "assistant password"})
		res, body = b.post("/login", url.Values{"email": {"asst@example.com"}, "password": {"assistant password"}, "next": {"//evil.example/x"}}, nil)
		want(t, res, body, 303)
		if loc := res.Header.Get("Location"); loc != "/dashboard" {
			t.Fatalf("an off-site next was followed: %q", loc)
		}
		res, body = b.get("/dashboard")
		want(t, res, body, 200, "signed in as an assistant")
		res, body = b.get("/team")
		want(t, res, body, 403, "Only the studio")
		res, body = b.post("/settings", url.Values{"name": {"Mine"}}, nil)
		want(t, res, body, 403)

		// An expired session sends the browser to sign in again.
		if _, err := s.DB().Exec(`UPDATE sessions SET expiry = ` + expiredValue(s)); err != nil {
			t.Fatal(err)
		}
		res, body = b.get("/dashboard")
		want(t, res, body, 303, "/login")
	})
}

func expiredValue(s *store.Store) string {
	if s.Dialect() == store.Postgres {
		return `now() - interval '1 hour'`
	}
	return `julianday('now') - 1`
}

func sessionCookie(t *testing.T, res *http.Response) *http.Cookie {
	t.Helper()
	for _, c := range res.Cookies() {
		if c.Name == "atelier_session" {
			return c
		}
	}
	t.Fatal("no session cookie")
	return nil
}

// The owner's team page: people, passwords, tokens shown once.
func TestWebTeam(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		b, ts := setUpStudio(t, s)
		res, body := b.get("/team")
		want(t, res, body, 200, "ana@example.com", "No API tokens yet")
		res, body = b.post("/team/users", url.Values{"name": {"Bo"}, "email": {"bo@example"}, "password": {"short"}, "role": {"assistant"}}, nil)
		want(t, res, body, 422, `id="email-error"`, `id="password-error"`, `value="Bo"`)
		res, body = b.post("/team/users", url.Values{"name": {"Bo"}, "email": {"bo@example.com"}, "password": {"bo's first password"}, "role": {"assistant"}}, nil)
		want(t, res, body, 303, "/team")
		res, body = b.get("/team")
		want(t, res, body, 200, "Bo can now sign in as bo@example.com")
		bo, _ := s.UserByEmail(ctx, "bo@example.com")
		// Bo is signed in elsewhere when the owner resets the password.
		boBrowser := newBrowser(t, ts.URL)
		res, body = boBrowser.post("/login", url.Values{"email": {"bo@example.com"}, "password": {"bo's first password"}}, nil)
		want(t, res, body, 303, "/dashboard")
		res, body = b.post("/team/users/"+bo.ID+"/password", url.Values{"password": {"tiny"}}, nil)
		want(t, res, body, 422, "at least 10 characters", "<details open>")
		res, body = b.post("/team/users/"+bo.ID+"/password", url.Values{"password": {"bo's second password"}}, nil)
		want(t, res, body, 303)
		if _, err := s.CheckLogin(ctx, "bo@example.com", "bo's second password"); err != nil {
			t.Fatal("the reset password does not work")
		}
		// The reset ended Bo's session; the new password opens a new one.
		res, body = boBrowser.get("/dashboard")
		want(t, res, body, 303, "/login")
		res, body = boBrowser.post("/login", url.Values{"email": {"bo@example.com"}, "password": {"bo's second password"}}, nil)
		want(t, res, body, 303)
		res, body = boBrowser.get("/dashboard")
		want(t, res, body, 200, "signed in as an assistant")
		// The owner's own session is untouched.
		res, body = b.get("/team")
		want(t, res, body, 200)
		res, body = b.post("/team/users/nosuchuser/password", url.Values{"password": {"a long password"}}, nil)
		want(t, res, body, 404)

		res, body = b.post("/team/tokens", url.Values{"name": {"Etsy shop"}, "email": {"bo@example.com"}}, nil)
		want(t, res, body, 303, "/team#tokens")
		res, body = b.get("/team")
		want(t, res, body, 200, "Copy this token now", "Etsy shop")
		secret := body[strings.Index(body, "atl_") : strings.Index(body, "atl_")+36]
		p, err := s.Authenticate(ctx, secret)
		if err != nil || p.User.Email != "bo@example.com" {
			t.Fatalf("the shown token does not work: %v", err)
		}
		res, body = b.get("/team")
		if strings.Contains(body, secret) {
			t.Fatal("the token was shown a second time")
		}
		res, body = b.post("/team/tokens/"+p.TokenID+"/revoke", nil, nil)
		want(t, res, body, 303)
		if _, err := s.Authenticate(ctx, secret); err == nil {
			t.Fatal("revoked token still works")
		}
		res, body = b.post("/team/tokens", url.Values{"email": {"someone@elsewhere.example"}}, nil)
		want(t, res, body, 404)

		res, body = b.post("/settings", url.Values{"name": {"Ana Minis"}, "artist": {"Ana P"}, "currency": {"EURO"}, "timezone": {"Nowhere/Land"}, "units": {"metric"}, "temperature": {"C"}, "megapixels": {"50"}}, nil)
		want(t, res, body, 422, `id="currency-error"`, `id="timezone-error"`, `value="Ana Minis"`)
		res, body = b.post("/settings", url.Values{"name": {"Ana Minis"}, "artist": {"Ana P"}, "currency": {"usd"}, "timezone": {"America/New_York"}, "units": {"metric"}, "temperature": {"C"},
			"megapixels": {"50"}, "website_origins": {"shop.example.com"}}, nil)
		want(t, res, body, 422, `id="website_origins-error"`)
		res, body = b.post("/settings", url.Values{"name": {"Ana Minis"}, "artist": {"Ana P"}, "currency": {"usd"}, "timezone": {"America/New_York"}, "units": {"metric"}, "temperature": {"C"},
			"megapixels": {"many"}, "website_origins": {""}}, nil)
		want(t, res, body, 422, `id="megapixels-error"`)
		res, body = b.post("/settings", url.Values{"name": {"Ana Minis"}, "artist": {"Ana P"}, "currency": {"usd"}, "timezone": {"America/New_York"}, "units": {"metric"}, "temperature": {"C"},
			"megapixels": {"24"}, "website_origins": {"https://shop.example.com\r\nhttps://ana.example/"}}, nil)
		want(t, res, body, 303, "/settings")
		res, body = b.get("/settings")
		want(t, res, body, 200, "Settings saved", `value="USD"`, `value="America/New_York"`, `value="24"`, "https://shop.example.com\nhttps://ana.example</textarea>")
	})
}

// Text anyone typed is shown escaped.
func TestWebEscapesInput(t *testing.T) {
	s := storetest.Open(t, store.SQLite, nil)
	blobs, _ := filestest.Open(t)
	ts := httptest.NewServer(New(Config{}, s, blobs).Handler())
	defer ts.Close()
	b := newBrowser(t, ts.URL)
	code, _ := s.IssueSetupCode(context.Background())
	form := setupForm(code)
	form.Set("name", `<script>alert(1)</script>`)
	res, body := b.post("/setup", form, nil)
	want(t, res, body, 303)
	res, body = b.get("/dashboard")
	want(t, res, body, 200, "&lt;script&gt;alert(1)&lt;/script&gt;")
	if strings.Contains(body, "<script>alert") {
		t.Fatal("unescaped script in the page")
	}
	res, body = b.get("/static/app.css?v=nope")
	want(t, res, body, 200, ":root")
	if res.Header.Get("Cache-Control") != "no-cache" {
		t.Fatal("a stale asset URL must not be cached forever")
	}
}

// A client commissions through the web questionnaire and follows it in the
// portal; the studio sees it, quotes it, and the portal shows the quote.
func TestWebCommissionPages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		studioSide, ts := setUpStudio(t, s)
		var res *http.Response
		var body string

		client := newBrowser(t, ts.URL)
		res, body = client.get("/s/ana/commission")
		want(t, res, body, 200, "Commission a portrait miniature", `name="photo_front"`, `value="1.5"`)
		res, body = client.get("/s/nobody/commission")
		want(t, res, body, 404)

		fields := map[string]string{"subject_name": "Grandma Rose", "contact_name": "Lea", "contact_email": "not-an-address",
			"target_height": "1.5", "height_unit": "in", "budget": "250", "story": "<b>bold</b> & loved"}
		ct, form := multipartBody(t, fields, part{"photo_front", "front.jpg", testJPEG(t, 64, 80)})
		res, body = client.send("POST", "/s/ana/commission", form, http.Header{"Content-Type": {ct}})
		want(t, res, body, 422, `id="contact_email-error"`, `value="Grandma Rose"`, "kept for the next try")
		fields["contact_email"] = "lea@example.com"
		ct, form = multipartBody(t, fields, part{"photo_front", "front.jpg", testJPEG(t, 64, 80)})
		res, body = client.send("POST", "/s/ana/commission", form, http.Header{"Content-Type": {ct}})
		want(t, res, body, 303, "/p/")
		portal := strings.TrimSuffix(res.Header.Get("Location"), "?new=1")
		res, body = client.get(portal + "?new=1")
		want(t, res, body, 200, "A miniature of Grandma Rose", "Keep this page", "Still needed: profile, three quarter")

		list, _ := s.Commissions(ctx, mustSlug(t, s, "ana").ID, store.CommissionFilter{})
		if len(list) != 1 || *list[0].Inquiry.TargetHeightMM != 38.1 || *list[0].Inquiry.BudgetCents != 25000 {
			t.Fatalf("stored %+v", list)
		}
		id := list[0].ID
		res, body = studioSide.get("/commissions?missing=1")
		want(t, res, body, 200, "Grandma Rose", "missing profile, three quarter")
		res, body = studioSide.get("/commissions/" + id)
		want(t, res, body, 200, "&lt;b&gt;bold&lt;/b&gt; &amp; loved", "Send a quote", "1.5 in")
		res, body = studioSide.post("/commissions/"+id+"/status", url.Values{"status": {"quoted"}, "price": {"four hundred"}, "deposit": {"100"}, "promised_date": {"2099-03-01"}}, nil)
		want(t, res, body, 422, "must be an amount in EUR", `value="2099-03-01"`)
		res, body = studioSide.post("/commissions/"+id+"/status", url.Values{"status": {"shipped"}}, nil)
		want(t, res, body, 422, "can become: quoted, declined, cancelled")
		res, body = studioSide.post("/commissions/"+id+"/status", url.Values{"status": {"quoted"}, "price": {"450"}, "deposit": {"150"}, "promised_date": {"2099-03-01"}}, nil)
		want(t, res, body, 303)
		res, body = studioSide.post("/commissions/"+id+"/messages", url.Values{"body": {"Could you send a profile photo?"}}, nil)
		want(t, res, body, 303)

		res, body = client.get(portal)
		want(t, res, body, 200, "450.00 EUR", "150.00 EUR", "2099-03-01", "Could you send a profile photo?")
		res, body = client.post(portal+"/messages", url.Values{"body": {""}}, nil)
		want(t, res, body, 422, "write a message")
		res, body = client.post(portal+"/messages", url.Values{"body": {"Sent it just now."}}, nil)
		want(t, res, body, 303)
		ct, form = multipartBody(t, nil, part{"photo_right_profile", "side.txt", []byte("not an image")})
		res, body = client.send("POST", portal+"/photos", form, http.Header{"Content-Type": {ct}})
		want(t, res, body, 422, "photo_right_profile")
		res, body = client.get("/p/not-a-real-token")
		want(t, res, body, 404)
	})
}

func mustSlug(t *testing.T, s *store.Store, slug string) studio.Studio {
	t.Helper()
	st, err := s.StudioBySlug(context.Background(), slug)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// wantRefused checks a refused button's answer (post/redirect/get): 303
// back to page, which then says why, as an alert.
func wantRefused(t *testing.T, b *browser, res *http.Response, body, page string, says ...string) {
	t.Helper()
	want(t, res, body, 303, page)
	res, body = b.get(strings.SplitN(page, "#", 2)[0])
	want(t, res, body, 200, append([]string{`class="flash flash-error" role="alert"`}, says...)...)
}
