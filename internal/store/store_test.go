package store_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"atelier/internal/store"
	"atelier/internal/store/storetest"
	"atelier/internal/studio"
)

var ctx = context.Background()

func mustStudio(t *testing.T, s *store.Store, slug string) studio.Studio {
	t.Helper()
	st, err := s.CreateStudio(ctx, studio.NewStudio(slug, "Studio "+slug, "Artist "+slug))
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func mustUser(t *testing.T, s *store.Store, slug, email string, role studio.Role) studio.User {
	t.Helper()
	u, err := s.CreateUser(ctx, studio.NewUser{StudioSlug: slug, Email: email, Name: "Someone", Role: role, Password: "a long password"})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func wantCode(t *testing.T, err error, code studio.Code) {
	t.Helper()
	if got := studio.ErrorCode(err); got != code {
		t.Fatalf("want %s, got %v", code, err)
	}
}

func TestMigrateIsIdempotent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		v1, err := s.Migrate(ctx)
		if err != nil || v1 < 1 {
			t.Fatalf("version %d, %v", v1, err)
		}
		v2, err := s.Migrate(ctx)
		if err != nil || v2 != v1 {
			t.Fatalf("second migrate: version %d, %v", v2, err)
		}
		if err := s.Ping(ctx); err != nil {
			t.Fatal(err)
		}
	})
}

func TestStudios(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		st := mustStudio(t, s, "ana")
		if st.ID == "" || st.Currency != "EUR" || st.Timezone != "UTC" || st.Units != studio.Metric || st.CreatedAt.IsZero() {
			t.Fatalf("defaults: %+v", st)
		}
		got, err := s.StudioBySlug(ctx, "ana")
		if err != nil || got.ID != st.ID || got.Name != "Studio ana" || got.CreatedAt.Location() != time.UTC {
			t.Fatalf("by slug: %+v %v", got, err)
		}
		_, err = s.CreateStudio(ctx, studio.NewStudio("ana", "Other", "Other"))
		wantCode(t, err, studio.Conflict)
		_, err = s.CreateStudio(ctx, studio.NewStudio("Bad Slug", "Other", "Other"))
		wantCode(t, err, studio.Invalid)
		if n, _ := s.CountStudios(ctx); n != 1 {
			t.Fatalf("refused studios were written: %d studios", n)
		}
		_, err = s.StudioBySlug(ctx, "nobody")
		wantCode(t, err, studio.NotFound)

		tz, units := "Europe/Vienna", studio.Imperial
		up, err := s.UpdateStudio(ctx, st.ID, studio.StudioUpdate{Timezone: &tz, Units: &units})
		if err != nil || up.Timezone != tz || up.Units != units || up.Name != st.Name {
			t.Fatalf("update: %+v %v", up, err)
		}
		bad := "ZZZ"
		_, err = s.UpdateStudio(ctx, st.ID, studio.StudioUpdate{Currency: &bad})
		wantCode(t, err, studio.Invalid)
		again, _ := s.Studio(ctx, st.ID)
		if again.Currency != "EUR" || again.Timezone != tz {
			t.Fatalf("a refused update changed the studio: %+v", again)
		}
		_, err = s.UpdateStudio(ctx, "missing", studio.StudioUpdate{Timezone: &tz})
		wantCode(t, err, studio.NotFound)
	})
}

func TestUsers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		mustStudio(t, s, "ana")
		mustStudio(t, s, "ben")
		u := mustUser(t, s, "ana", "Ana@Example.com", studio.Owner)
		if u.Email != "ana@example.com" {
			t.Fatalf("email not normalised: %q", u.Email)
		}
		// One e-mail identifies one user in the whole install, whatever the case.
		_, err := s.CreateUser(ctx, studio.NewUser{StudioSlug: "ben", Email: "ANA@example.com", Name: "X", Role: studio.Owner, Password: "a long password"})
		wantCode(t, err, studio.Conflict)
		_, err = s.CreateUser(ctx, studio.NewUser{StudioSlug: "nobody", Email: "x@example.com", Name: "X", Role: studio.Owner, Password: "a long password"})
		wantCode(t, err, studio.NotFound)
		_, err = s.CreateUser(ctx, studio.NewUser{StudioSlug: "ana", Email: "x@example.com", Name: "X", Role: "boss", Password: "short"})
		wantCode(t, err, studio.Invalid)
		if e := err.(*studio.Error); e.Fields["role"] == "" || e.Fields["password"] == "" {
			t.Fatalf("every bad field is named: %v", e.Fields)
		}
		mustUser(t, s, "ben", "ben@example.com", studio.Owner)
		users, err := s.Users(ctx, u.StudioID)
		if err != nil || len(users) != 1 || users[0].ID != u.ID {
			t.Fatalf("a studio sees only its own users: %+v %v", users, err)
		}
		got, err := s.UserByEmail(ctx, " ANA@example.com")
		if err != nil || got.ID != u.ID || got.Role != studio.Owner {
			t.Fatalf("by email: %+v %v", got, err)
		}
	})
}

func TestTokens(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ana := mustStudio(t, s, "ana")
		ben := mustStudio(t, s, "ben")
		mustUser(t, s, "ana", "ana@example.com", studio.Owner)
		mustUser(t, s, "ben", "ben@example.com", studio.Owner)

		secret, tok, err := s.CreateToken(ctx, store.NewToken{Email: "ana@example.com", Name: "shop"})
		if err != nil || tok.StudioID != ana.ID || tok.Name != "shop" {
			t.Fatalf("create: %+v %v", tok, err)
		}
		p, err := s.Authenticate(ctx, secret)
		if err != nil || p.User.Email != "ana@example.com" || p.Studio.Slug != "ana" || p.TokenID != tok.ID {
			t.Fatalf("authenticate: %+v %v", p, err)
		}
		list, _ := s.Tokens(ctx, ana.ID)
		if len(list) != 1 || list[0].LastUsedAt == nil || list[0].UserEmail != "ana@example.com" {
			t.Fatalf("list after use: %+v", list)
		}
		// A token for a user of another studio cannot be made from this one.
		_, _, err = s.CreateToken(ctx, store.NewToken{StudioID: ana.ID, Email: "ben@example.com"})
		wantCode(t, err, studio.NotFound)
		_, _, err = s.CreateToken(ctx, store.NewToken{Email: "nobody@example.com"})
		wantCode(t, err, studio.NotFound)
		_, _, err = s.CreateToken(ctx, store.NewToken{Email: "not an email"})
		wantCode(t, err, studio.Invalid)

		// Another studio cannot revoke it by id.
		_, err = s.RevokeTokenByID(ctx, ben.ID, tok.ID)
		wantCode(t, err, studio.NotFound)
		if _, err := s.Authenticate(ctx, secret); err != nil {
			t.Fatalf("token must still work: %v", err)
		}
		rev, err := s.RevokeToken(ctx, secret)
		if err != nil || rev.RevokedAt == nil {
			t.Fatalf("revoke: %+v %v", rev, err)
		}
		_, err = s.Authenticate(ctx, secret)
		wantCode(t, err, studio.Unauthorized)
		if _, err := s.RevokeToken(ctx, secret); err != nil {
			t.Fatalf("revoking twice is harmless: %v", err)
		}
		_, err = s.RevokeToken(ctx, "atl_unknown")
		wantCode(t, err, studio.NotFound)
		for _, bad := range []string{"", "atl_", "atl_aaaa", secret + "x", "Bearer " + secret} {
			_, err = s.Authenticate(ctx, bad)
			wantCode(t, err, studio.Unauthorized)
		}
	})
}

// Writers from many goroutines queue rather than fail with "database is locked".
func TestConcurrentWrites(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		var wg sync.WaitGroup
		errs := make(chan error, 40)
		for i := range 40 {
			wg.Go(func() {
				_, err := s.CreateStudio(ctx, studio.NewStudio(fmt.Sprintf("s%02d", i), "S", "A"))
				errs <- err
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		if n, _ := s.CountStudios(ctx); n != 40 {
			t.Fatalf("want 40 studios, got %d", n)
		}
	})
}
