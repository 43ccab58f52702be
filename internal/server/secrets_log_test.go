package server

import (
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"atelier/internal/auth"
	"atelier/internal/store"
	"atelier/internal/store/storetest"
)

// No secret reaches the log, even when every path that carries one fails:
// the store is closed under the server, so each request below logs an
// internal error with whatever its handler knew.
func TestFailuresLogNoSecrets(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		res, out := f.inquiry(t, "ana", inquiryFields(), part{"photo_front", "f.jpg", testJPEG(t, 40, 40)})
		if res.StatusCode != 201 {
			t.Fatalf("inquiry %d %v", res.StatusCode, out)
		}
		portal := strings.TrimPrefix(out["portal_url"].(string), "http://localhost:8080/p/")
		apiToken := f.tokens["owner"]
		// The install is set up, so no code is issued; one is typed anyway.
		code := auth.NewSetupCode()
		s.Close()

		form := func(method, path string, v url.Values) {
			req := httptest.NewRequest(method, path, strings.NewReader(v.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			f.srv.Handler().ServeHTTP(httptest.NewRecorder(), req)
		}
		for _, path := range []string{"/p/" + portal, "/p/" + portal + "/photos/x/160", "/api/v1/portal/" + portal, "/api/v1/portal/" + portal + "/photos/x/160",
			"/api/v1/me?token=" + apiToken, "/login?next=/p/" + portal} {
			f.do(t, "GET", path, "owner", "")
		}
		f.do(t, "POST", "/api/v1/portal/"+portal+"/messages", "", `{"body":"hello"}`)
		f.do(t, "POST", "/api/v1/tokens", "owner", `{"name":"bench"}`)
		f.do(t, "GET", "/api/v1/commissions", "owner", "")
		ct, body := multipartBody(t, map[string]string{"caption": "x"}, part{"photo", "a.jpg", testJPEG(t, 20, 20)})
		f.send(t, "POST", "/api/v1/portal/"+portal+"/photos", "", ct, body)
		ct, body = multipartBody(t, map[string]string{"caption": "x"}, part{"photo", "a.jpg", testJPEG(t, 20, 20)})
		f.send(t, "POST", "/p/"+portal+"/photos", "", ct, body)
		form("POST", "/p/"+portal+"/messages", url.Values{"body": {"hello"}})
		for _, typed := range []string{code, strings.ToLower(code), strings.ReplaceAll(code, "-", "")} {
			form("POST", "/setup", url.Values{"code": {typed}, "name": {"Studio"}, "slug": {"studio"}, "email": {"a@example.com"}, "password": {"a long password"}})
		}
		form("POST", "/login", url.Values{"email": {"ana@example.com"}, "password": {apiToken}, "next": {"/p/" + portal}})

		logs := f.logs.String()
		if strings.Count(logs, `"level":"ERROR"`) < 10 {
			t.Fatalf("the closed store did not make the requests fail:\n%s", logs)
		}
		for _, secret := range []string{apiToken, strings.TrimPrefix(apiToken, "atl_"), portal, code, strings.ToLower(code), strings.ReplaceAll(code, "-", "")} {
			if strings.Contains(logs, secret) {
				t.Errorf("the secret %q reached the log:\n%s", secret, logs)
			}
		}
	})
}
