package server

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"atelier/internal/files/filestest"
	"atelier/internal/store"
	"atelier/internal/store/storetest"
	"atelier/internal/studio"
)

// Every route the table marks as the owner's refuses an assistant, on the
// web side (signed in) and in the API (with the assistant's token), before
// the handler looks at anything; and the marks are really there.
func TestOwnerRoutesRefuseAssistants(t *testing.T) {
	ctx := context.Background()
	s := storetest.Open(t, store.SQLite, nil)
	blobs, _ := filestest.Open(t)
	srv := New(Config{}, s, blobs)
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()
	code, err := s.IssueSetupCode(ctx)
	if err != nil {
		t.Fatal(err)
	}
	st, _, err := s.SetUp(ctx, code, studio.NewStudio("ana", "Ana's Miniatures", "Ana Petrova"),
		studio.NewUser{Email: "ana@example.com", Name: "Ana", Password: "a long password"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateUser(ctx, studio.NewUser{StudioSlug: "ana", Email: "bo@example.com", Name: "Bo", Role: studio.Assistant, Password: "assistant password"}); err != nil {
		t.Fatal(err)
	}
	secret, _, err := s.CreateToken(ctx, store.NewToken{StudioID: st.ID, Email: "bo@example.com", Name: "Bo's script"})
	if err != nil {
		t.Fatal(err)
	}
	bo := newBrowser(t, ts.URL)
	res, body := bo.post("/login", url.Values{"email": {"bo@example.com"}, "password": {"assistant password"}}, nil)
	want(t, res, body, 303, "/dashboard")

	wildcard := regexp.MustCompile(`\{[^}]+\}`)
	marked := map[bool]int{}
	for _, rt := range srv.Routes() {
		if !rt.Owner {
			continue
		}
		method, path, _ := strings.Cut(rt.Pattern, " ")
		path = wildcard.ReplaceAllString(path, "x")
		api := strings.HasPrefix(path, "/api/")
		marked[api]++
		var header http.Header
		if api {
			header = http.Header{"Authorization": {"Bearer " + secret}, "Content-Type": {"application/json"}}
		}
		res, body := bo.send(method, path, strings.NewReader("{}"), header)
		want(t, res, body, 403, "Only the studio")
	}
	// The team and settings pages; users, tokens, studio, clays and checklist in the API.
	if marked[false] < 7 || marked[true] < 9 {
		t.Fatalf("owner routes: %d pages, %d in the API", marked[false], marked[true])
	}
}
