package store_test

import (
	"bytes"
	"crypto/rand"
	"strings"
	"sync"
	"testing"

	"atelier/internal/auth"
	"atelier/internal/store"
	"atelier/internal/store/storetest"
	"atelier/internal/studio"
)

func randomSecret(t *testing.T) []byte {
	t.Helper()
	b := make([]byte, auth.SecretKeyLen)
	rand.Read(b)
	return b
}

func mustCalendarToken(t *testing.T, s *store.Store, userID string, secret []byte) string {
	t.Helper()
	tok, err := s.CalendarToken(ctx, userID, secret)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// A user's calendar token is made on first use, shown again as it was,
// found by its hash, kept sealed, replaced by a rotation, and replaced too
// when the install secret it was sealed under is gone.
func TestCalendarTokens(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		mustStudio(t, s, "ana")
		owner := mustUser(t, s, "ana", "ana@example.com", studio.Owner)
		helper := mustUser(t, s, "ana", "bo@example.com", studio.Assistant)
		secret := randomSecret(t)

		tok := mustCalendarToken(t, s, owner.ID, secret)
		if !strings.HasPrefix(tok, store.CalendarTokenPrefix) || len(tok) < len(store.CalendarTokenPrefix)+26 {
			t.Fatalf("token %q: want the prefix and at least 128 bits", tok)
		}
		if again := mustCalendarToken(t, s, owner.ID, secret); again != tok {
			t.Fatalf("the token changed between two looks: %q, %q", tok, again)
		}
		if other := mustCalendarToken(t, s, helper.ID, secret); other == tok {
			t.Fatal("two users share a calendar token")
		}
		f, err := s.CalendarFeed(ctx, tok)
		if err != nil || f.User.ID != owner.ID || f.Studio.Slug != "ana" {
			t.Fatalf("feed of the token: %+v, %v", f.User, err)
		}

		// The database holds the hash and a seal, never the token.
		var hash string
		var sealed []byte
		if err := s.DB().QueryRowContext(ctx, `SELECT token_hash, token_sealed FROM calendar_tokens WHERE user_id = $1`, owner.ID).Scan(&hash, &sealed); err != nil {
			t.Fatal(err)
		}
		if hash != auth.HashToken(tok) || bytes.Contains(sealed, []byte(tok)) || strings.Contains(hash, tok) {
			t.Fatal("the calendar token is stored in the clear")
		}

		rotated, err := s.RotateCalendarToken(ctx, owner.ID, secret)
		if err != nil || rotated == tok {
			t.Fatalf("rotate: %q, %v", rotated, err)
		}
		if _, err := s.CalendarFeed(ctx, tok); studio.ErrorCode(err) != studio.NotFound {
			t.Fatalf("the rotated token still finds a feed: %v", err)
		}
		if shown := mustCalendarToken(t, s, owner.ID, secret); shown != rotated {
			t.Fatalf("after rotation the token shown is %q, want %q", shown, rotated)
		}

		// Under a new install secret the old seal cannot be opened: a new
		// token is issued and the old one is dead.
		fresh := mustCalendarToken(t, s, owner.ID, randomSecret(t))
		if fresh == rotated {
			t.Fatal("a token sealed under another secret was shown")
		}
		if _, err := s.CalendarFeed(ctx, rotated); studio.ErrorCode(err) != studio.NotFound {
			t.Fatalf("the replaced token still finds a feed: %v", err)
		}

		for _, bad := range []string{"", "nonsense", store.CalendarTokenPrefix, store.CalendarTokenPrefix + "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", strings.TrimPrefix(fresh, store.CalendarTokenPrefix)} {
			if _, err := s.CalendarFeed(ctx, bad); studio.ErrorCode(err) != studio.NotFound {
				t.Errorf("CalendarFeed(%q) = %v, want not found", bad, err)
			}
		}
		if _, err := s.CalendarToken(ctx, "no-such-user", secret); studio.ErrorCode(err) != studio.NotFound {
			t.Fatalf("a token for no user: %v", err)
		}
	})
}

// Requests that ask for a user's first token at once all get the same one.
func TestCalendarTokenFirstUseRaces(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		mustStudio(t, s, "ana")
		owner := mustUser(t, s, "ana", "ana@example.com", studio.Owner)
		secret := randomSecret(t)
		const n = 8
		tokens := make([]string, n)
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() { tokens[i], errs[i] = s.CalendarToken(ctx, owner.ID, secret) })
		}
		wg.Wait()
		for i := range n {
			if errs[i] != nil || tokens[i] != tokens[0] {
				t.Fatalf("request %d: %q, %v; want %q", i, tokens[i], errs[i], tokens[0])
			}
		}
	})
}

// The feed holds the studio's running timers and the dates of its open
// commissions, and nothing of another studio; a fired timer leaves it.
func TestCalendarFeedContents(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ana := mustStudio(t, s, "ana")
		owner := mustUser(t, s, "ana", "ana@example.com", studio.Owner)
		bo := mustStudio(t, s, "bo")
		secret := randomSecret(t)

		timerOf := func(st studio.Studio, subject string) store.Timer {
			t.Helper()
			thick := 9.0
			d, err := s.CreatePiece(ctx, st.ID, "", studio.NewPieceFields{Subject: subject, ClayBrands: []string{"premo"}, TargetHeightMM: 40, MaxThicknessMM: &thick})
			if err != nil {
				t.Fatal(err)
			}
			storetest.WalkPiece(t, s, st.ID, d.ID, studio.Finish)
			d, err = s.LogCoat(ctx, st.ID, d.ID, "", studio.MattePolyurethane, false, nil)
			if err != nil || len(d.Timers) != 1 {
				t.Fatalf("coat: %+v, %v", d.Timers, err)
			}
			return d.Timers[0]
		}
		timer := timerOf(ana, "Grandma Rose")
		timerOf(bo, "Someone else's")

		inquiry := func(st studio.Studio, subject, deadline string) studio.Commission {
			t.Helper()
			c, _, err := s.CreateInquiry(ctx, st.ID, studio.InquiryFields{SubjectName: subject, ContactName: "Lea", ContactEmail: "lea@example.com", Deadline: deadline}, nil)
			if err != nil {
				t.Fatal(err)
			}
			return c
		}
		quoted := inquiry(ana, "Uncle Tom", "2099-02-01")
		price, deposit := int64(45000), int64(0)
		if _, err := s.MoveCommission(ctx, ana.ID, quoted.ID, "", studio.Move{To: studio.Quoted, PriceCents: &price, DepositCents: &deposit, PromisedDate: "2099-01-15"}); err != nil {
			t.Fatal(err)
		}
		declined := inquiry(ana, "Declined", "2099-03-01")
		if _, err := s.MoveCommission(ctx, ana.ID, declined.ID, "", studio.Move{To: studio.Declined, Reason: "no time"}); err != nil {
			t.Fatal(err)
		}
		inquiry(ana, "No dates", "")
		inquiry(bo, "Another studio's", "2099-04-01")

		f, err := s.CalendarFeed(ctx, mustCalendarToken(t, s, owner.ID, secret))
		if err != nil {
			t.Fatal(err)
		}
		if len(f.Timers) != 1 || f.Timers[0].ID != timer.ID || f.Timers[0].Subject != "Grandma Rose" || f.Timers[0].Label != "Coat 1 dry" ||
			f.Timers[0].StartedAt.IsZero() || !f.Timers[0].DueAt.After(f.Timers[0].StartedAt) {
			t.Fatalf("feed timers %+v, want the studio's one coat timer", f.Timers)
		}
		if len(f.Commissions) != 1 || f.Commissions[0].ID != quoted.ID || f.Commissions[0].PromisedDate != "2099-01-15" || f.Commissions[0].Inquiry.Deadline != "2099-02-01" {
			t.Fatalf("feed commissions %+v, want the one open commission with dates", f.Commissions)
		}

		if _, err := s.FireTimer(ctx, timer.ID); err != nil {
			t.Fatal(err)
		}
		f, err = s.CalendarFeed(ctx, mustCalendarToken(t, s, owner.ID, secret))
		if err != nil || len(f.Timers) != 0 {
			t.Fatalf("after the timer fired the feed has %+v, %v", f.Timers, err)
		}
	})
}
