package store_test

import (
	"sync"
	"testing"
	"time"

	"atelier/internal/store"
	"atelier/internal/store/storetest"
	"atelier/internal/studio"
)

// movableClock is a store clock a test can move forward.
type movableClock struct {
	mu sync.Mutex
	at time.Time
}

func (c *movableClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.at }
func (c *movableClock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.at = c.at.Add(d)
}

// todayInquiry records a client's inquiry for subject.
func todayInquiry(t *testing.T, s *store.Store, studioID, subject string) studio.Commission {
	t.Helper()
	c, _, err := s.CreateInquiry(ctx, studioID, studio.InquiryFields{SubjectName: subject, ContactName: "Lea", ContactEmail: "lea@example.com"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// The day at a glance: a coat's drying timer running, a commission due in
// two days and late once they pass, a piece waiting on its bake, one on
// the client's references and one on the artist, a new inquiry, and the
// client's messages counted until the studio reads them.
func TestTodayGathersTheArtistsDay(t *testing.T) {
	storetest.EachDialect(t, func(t *testing.T, d store.Dialect) {
		clock := &movableClock{at: time.Now().UTC().Truncate(time.Second)}
		s := storetest.Open(t, d, clock.now)
		st := mustStudio(t, s, "ana")

		day, err := s.Today(ctx, st.ID)
		if err != nil || day.Started || len(day.Timers)+len(day.Due)+len(day.WaitingOnYou)+len(day.WaitingOnOther)+day.InquiryCount+day.UnreadCount != 0 {
			t.Fatalf("a new studio's day: %+v, %v", day, err)
		}

		ordered := todayInquiry(t, s, st.ID, "Grandma Rose")
		promised := clock.now().In(time.UTC).AddDate(0, 0, 2)
		price, deposit := int64(45000), int64(0)
		if _, err := s.MoveCommission(ctx, st.ID, ordered.ID, "", studio.Move{To: studio.Quoted, PriceCents: &price, DepositCents: &deposit,
			PromisedDate: st.Today(promised)}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.MoveCommission(ctx, st.ID, ordered.ID, "", studio.Move{To: studio.Accepted}); err != nil {
			t.Fatal(err)
		}
		fresh := todayInquiry(t, s, st.ID, "Uncle Bo")
		newPiece := func(subject string) string {
			p, err := s.CreatePiece(ctx, st.ID, "", studio.NewPieceFields{Subject: subject, ClayBrands: []string{"premo"}, TargetHeightMM: 40})
			if err != nil {
				t.Fatal(err)
			}
			return p.ID
		}
		newPiece("Rex the dog")
		baking := newPiece("Aunt May")
		storetest.WalkPiece(t, s, st.ID, baking, studio.FirstBake)
		coated := newPiece("Grandpa Joe")
		storetest.WalkPiece(t, s, st.ID, coated, studio.Finish)
		if _, err := s.LogCoat(ctx, st.ID, coated, "", studio.MattePolyurethane, true, nil); err != nil {
			t.Fatal(err)
		}
		for _, body := range []string{"Here is her profile.", "And the hat she wore."} {
			clock.add(time.Minute)
			if _, err := s.PostMessage(ctx, store.NewMessage{StudioID: st.ID, CommissionID: ordered.ID, Author: studio.ByClient, Body: body}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := s.PostMessage(ctx, store.NewMessage{StudioID: st.ID, CommissionID: ordered.ID, Author: studio.ByStudio, Body: "Thank you!"}); err != nil {
			t.Fatal(err)
		}

		day, err = s.Today(ctx, st.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !day.Started {
			t.Fatal("a studio with pieces is not started")
		}
		if len(day.Timers) != 1 || day.Timers[0].PieceID != coated || day.Timers[0].Subject != "Grandpa Joe" || !day.Timers[0].DueAt.After(clock.now()) {
			t.Fatalf("running timers: %+v", day.Timers)
		}
		if len(day.Due) != 1 || day.Due[0].ID != ordered.ID || day.Due[0].Late || day.Due[0].DaysLeft != 2 {
			t.Fatalf("due: %+v", day.Due)
		}
		if got := subjects(day.WaitingOnYou); len(got) != 1 || got[0] != "Rex the dog" {
			t.Fatalf("waiting on the artist: %v", got)
		}
		waits := map[string]string{}
		for _, c := range day.WaitingOnOther {
			waits[c.Subject] = c.WaitsOn
		}
		if waits["Aunt May"] != "a bake" || waits["Grandma Rose"] != "the client's references" || waits["Grandpa Joe"] == "" || len(waits) != 3 {
			t.Fatalf("waiting on something else: %v", waits)
		}
		if day.InquiryCount != 1 || day.Inquiries[0].ID != fresh.ID {
			t.Fatalf("new inquiries: %d %+v", day.InquiryCount, day.Inquiries)
		}
		if day.UnreadCount != 2 || day.Unread[0].Body != "And the hat she wore." || day.Unread[0].SubjectName != "Grandma Rose" {
			t.Fatalf("unread: %d %+v", day.UnreadCount, day.Unread)
		}
		if n, err := s.UnreadMessages(ctx, st.ID); err != nil || n != 2 {
			t.Fatalf("unread count: %d, %v", n, err)
		}

		if err := s.MarkMessagesRead(ctx, st.ID, ordered.ID); err != nil {
			t.Fatal(err)
		}
		if n, err := s.UnreadMessages(ctx, st.ID); err != nil || n != 0 {
			t.Fatalf("unread after reading: %d, %v", n, err)
		}
		clock.add(4 * 24 * time.Hour)
		day, err = s.Today(ctx, st.ID)
		if err != nil {
			t.Fatal(err)
		}
		if day.UnreadCount != 0 || len(day.Unread) != 0 {
			t.Fatalf("read messages still listed: %+v", day.Unread)
		}
		if len(day.Due) != 1 || !day.Due[0].Late || day.Due[0].DaysLeft != -2 {
			t.Fatalf("two days past the promised date: %+v", day.Due)
		}
	})
}

// Another studio's messages are neither counted nor marked read.
func TestUnreadMessagesStayWithinTheStudio(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ana, bo := mustStudio(t, s, "ana"), mustStudio(t, s, "bo")
		c := todayInquiry(t, s, ana.ID, "Grandma Rose")
		if _, err := s.PostMessage(ctx, store.NewMessage{StudioID: ana.ID, CommissionID: c.ID, Author: studio.ByClient, Body: "Hello"}); err != nil {
			t.Fatal(err)
		}
		if err := s.MarkMessagesRead(ctx, bo.ID, c.ID); err != nil {
			t.Fatal(err)
		}
		if n, _ := s.UnreadMessages(ctx, bo.ID); n != 0 {
			t.Fatalf("another studio counts %d", n)
		}
		if n, _ := s.UnreadMessages(ctx, ana.ID); n != 1 {
			t.Fatalf("the studio counts %d after another marked it read", n)
		}
	})
}

func subjects(cards []store.BoardCard) (out []string) {
	for _, c := range cards {
		out = append(out, c.Subject)
	}
	return out
}
