package store_test

import (
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"atelier/internal/store"
	"atelier/internal/store/storetest"
	"atelier/internal/studio"
)

func TestChangeRoleKeepsAnOwner(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ana := mustStudio(t, s, "ana")
		owner := mustUser(t, s, "ana", "ana@example.com", studio.Owner)
		bo := mustUser(t, s, "ana", "bo@example.com", studio.Assistant)

		u, err := s.ChangeRole(ctx, ana.ID, bo.ID, studio.Owner)
		if err != nil || u.Role != studio.Owner {
			t.Fatalf("promote: %+v %v", u, err)
		}
		if _, err := s.ChangeRole(ctx, ana.ID, owner.ID, studio.Assistant); err != nil {
			t.Fatalf("demote one of two owners: %v", err)
		}
		_, err = s.ChangeRole(ctx, ana.ID, bo.ID, studio.Assistant)
		wantCode(t, err, studio.Conflict)
		if !strings.Contains(err.Error(), "only owner") {
			t.Fatalf("message: %v", err)
		}
		_, err = s.ChangeRole(ctx, ana.ID, bo.ID, "boss")
		wantCode(t, err, studio.Invalid)
		// Another studio's person is nobody here.
		mustStudio(t, s, "ben")
		ben := mustUser(t, s, "ben", "ben@example.com", studio.Owner)
		_, err = s.ChangeRole(ctx, ana.ID, ben.ID, studio.Assistant)
		wantCode(t, err, studio.NotFound)
	})
}

// Two owners demoting each other at the same moment: one wins, the other
// finds themselves the last owner, and the studio keeps exactly one.
func TestConcurrentDemotionsLeaveAnOwner(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ana := mustStudio(t, s, "ana")
		a := mustUser(t, s, "ana", "a@example.com", studio.Owner)
		b := mustUser(t, s, "ana", "b@example.com", studio.Owner)
		var ok, refused atomic.Int32
		var wg sync.WaitGroup
		for _, id := range []string{a.ID, b.ID} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := s.ChangeRole(ctx, ana.ID, id, studio.Assistant)
				switch studio.ErrorCode(err) {
				case "":
					ok.Add(1)
				case studio.Conflict:
					refused.Add(1)
				default:
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		if ok.Load() != 1 || refused.Load() != 1 {
			t.Fatalf("%d demoted, %d refused", ok.Load(), refused.Load())
		}
		if n := countOwners(t, s, ana.ID); n != 1 {
			t.Fatalf("%d owners left", n)
		}
	})
}

func countOwners(t *testing.T, s *store.Store, studioID string) int {
	t.Helper()
	users, err := s.Users(ctx, studioID)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, u := range users {
		if u.Role == studio.Owner {
			n++
		}
	}
	return n
}

func TestRemovedUserCannotSignInOrUseTokens(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ana := mustStudio(t, s, "ana")
		owner := mustUser(t, s, "ana", "ana@example.com", studio.Owner)
		bo := mustUser(t, s, "ana", "bo@example.com", studio.Assistant)
		secret, _, err := s.CreateToken(ctx, store.NewToken{Email: bo.Email})
		if err != nil {
			t.Fatal(err)
		}
		_, err = s.RemoveUser(ctx, ana.ID, owner.ID)
		wantCode(t, err, studio.Conflict)

		if _, err := s.RemoveUser(ctx, ana.ID, bo.ID); err != nil {
			t.Fatal(err)
		}
		_, err = s.Authenticate(ctx, secret)
		wantCode(t, err, studio.Unauthorized)
		_, err = s.CheckLogin(ctx, bo.Email, "a long password")
		wantCode(t, err, studio.Unauthorized)
		// A session holds the user's id; it no longer finds anyone.
		_, err = s.Principal(ctx, bo.ID)
		wantCode(t, err, studio.NotFound)
		users, _ := s.Users(ctx, ana.ID)
		if len(users) != 1 || users[0].ID != owner.ID {
			t.Fatalf("team: %+v", users)
		}
		// The token list still says whose the revoked token was.
		tokens, _ := s.Tokens(ctx, ana.ID)
		if len(tokens) != 1 || tokens[0].RevokedAt == nil || tokens[0].UserEmail != bo.Email {
			t.Fatalf("tokens: %+v", tokens)
		}
		_, err = s.RemoveUser(ctx, ana.ID, bo.ID)
		wantCode(t, err, studio.NotFound)
	})
}

// A person removed and added again comes back in their own row, so that
// their history is theirs again, with the new password and role.
func TestReaddingARemovedUserReinstatesThem(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ana := mustStudio(t, s, "ana")
		mustUser(t, s, "ana", "ana@example.com", studio.Owner)
		bo := mustUser(t, s, "ana", "bo@example.com", studio.Assistant)
		if _, err := s.RemoveUser(ctx, ana.ID, bo.ID); err != nil {
			t.Fatal(err)
		}
		u, err := s.CreateUser(ctx, studio.NewUser{StudioSlug: "ana", Email: "Bo@example.com", Name: "Bo again", Role: studio.Owner, Password: "another long one"})
		if err != nil || u.ID != bo.ID || u.Role != studio.Owner || u.Name != "Bo again" {
			t.Fatalf("%+v %v", u, err)
		}
		if _, err := s.CheckLogin(ctx, bo.Email, "another long one"); err != nil {
			t.Fatal(err)
		}
		// Another studio cannot claim the address.
		mustStudio(t, s, "ben")
		_, err = s.CreateUser(ctx, studio.NewUser{StudioSlug: "ben", Email: bo.Email, Name: "X", Role: studio.Owner, Password: "a long password"})
		wantCode(t, err, studio.Conflict)
	})
}

func TestPasswordResetLinkWorksOnceWithinTheHour(t *testing.T) {
	storetest.EachDialect(t, func(t *testing.T, d store.Dialect) {
		var now atomic.Int64
		now.Store(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC).UnixNano())
		s := storetest.Open(t, d, func() time.Time { return time.Unix(0, now.Load()).UTC() })
		ana := mustStudio(t, s, "ana")
		bo := mustUser(t, s, "ana", "bo@example.com", studio.Assistant)

		var tokens []string
		compose := func(u studio.User, token string) (string, string) {
			tokens = append(tokens, token)
			return "Set a new password", "Hello " + u.Name + ": https://example.com/reset/" + token
		}
		if err := s.RequestPasswordReset(ctx, "nobody@example.com", compose); err != nil || len(tokens) != 0 {
			t.Fatalf("unknown address: %v, %d links", err, len(tokens))
		}
		if err := s.RequestPasswordReset(ctx, " BO@example.com", compose); err != nil || len(tokens) != 1 {
			t.Fatalf("known address: %v, %d links", err, len(tokens))
		}
		out, err := s.Outbox(ctx, ana.ID)
		if err != nil || len(out) != 1 || out[0].To != bo.Email || !strings.Contains(out[0].Body, tokens[0]) {
			t.Fatalf("outbox: %+v %v", out, err)
		}

		_, err = s.ResetPassword(ctx, tokens[0], "short")
		wantCode(t, err, studio.Invalid)
		u, err := s.ResetPassword(ctx, tokens[0], "a brand new password")
		if err != nil || u.ID != bo.ID || u.PasswordChangedAt == nil {
			t.Fatalf("%+v %v", u, err)
		}
		if _, err := s.CheckLogin(ctx, bo.Email, "a brand new password"); err != nil {
			t.Fatal(err)
		}
		_, err = s.ResetPassword(ctx, tokens[0], "yet another password")
		wantCode(t, err, studio.NotFound)

		// A link older than the hour is refused.
		if err := s.RequestPasswordReset(ctx, bo.Email, compose); err != nil {
			t.Fatal(err)
		}
		now.Add(int64(store.PasswordResetTTL + time.Second))
		_, err = s.PasswordResetUser(ctx, tokens[1])
		wantCode(t, err, studio.NotFound)
		_, err = s.ResetPassword(ctx, tokens[1], "yet another password")
		wantCode(t, err, studio.NotFound)

		// A removed person's links end with them.
		if err := s.RequestPasswordReset(ctx, bo.Email, compose); err != nil {
			t.Fatal(err)
		}
		mustUser(t, s, "ana", "ana@example.com", studio.Owner)
		if _, err := s.RemoveUser(ctx, ana.ID, bo.ID); err != nil {
			t.Fatal(err)
		}
		_, err = s.ResetPassword(ctx, tokens[2], "yet another password")
		wantCode(t, err, studio.NotFound)
	})
}
