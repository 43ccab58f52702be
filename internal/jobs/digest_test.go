package jobs

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"atelier/internal/files/filestest"
	"atelier/internal/mail"
	"atelier/internal/mail/mailtest"
	"atelier/internal/store"
	"atelier/internal/store/storetest"
	"atelier/internal/studio"
)

// nopMailer stands for a configured mail server in tests that never start
// the mail worker: the digest only queues.
type nopMailer struct{}

func (nopMailer) Send(context.Context, mail.Message) error { return nil }

// digestSetup is a store with a studio in tz, its owner and an assistant,
// an item above its reorder level and the items named in low at one block,
// under their level of two.
type digestSetup struct {
	st  *store.Store
	ana studio.Studio
}

func newDigestSetup(t *testing.T, d store.Dialect, slug, tz string, low ...string) digestSetup {
	t.Helper()
	st := openStore(t, storetest.Config(t, d))
	return digestSetup{st: st, ana: digestStudio(t, st, slug, tz, low...)}
}

func digestStudio(t *testing.T, st *store.Store, slug, tz string, low ...string) studio.Studio {
	t.Helper()
	ctx := t.Context()
	n := studio.NewStudio(slug, "Studio "+slug, "Artist")
	n.Timezone = tz
	s, err := st.CreateStudio(ctx, n)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []studio.NewUser{
		{StudioSlug: slug, Email: slug + "@example.com", Name: "Owner", Role: studio.Owner, Password: "a long password"},
		{StudioSlug: slug, Email: slug + "-help@example.com", Name: "Help", Role: studio.Assistant, Password: "a long password"},
	} {
		if _, err := st.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	items := []studio.Material{{Name: "Plenty of clay", Quantity: studio.WholeUnits(9)}}
	for _, name := range low {
		items = append(items, studio.Material{Name: name, Quantity: studio.WholeUnits(1), Supplier: "Modulor"})
	}
	for _, m := range items {
		m.Category, m.Unit, m.ReorderLevel = studio.CatClay, studio.UnitBlock, studio.WholeUnits(2)
		if _, err := st.CreateMaterial(ctx, s.ID, "", m); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

// run works the digest once at now, as River would.
func (s digestSetup) run(t *testing.T, now time.Time, mailer Mailer) {
	t.Helper()
	runDigest(t, s.st, now, mailer)
}

func runDigest(t *testing.T, st *store.Store, now time.Time, mailer Mailer) {
	t.Helper()
	w := newDigestWorker(st, Config{Now: func() time.Time { return now }, Mailer: mailer, BaseURL: "https://atelier.example/"}.withDefaults())
	if err := w.Work(t.Context(), &river.Job[DigestArgs]{}); err != nil {
		t.Fatal(err)
	}
}

func outbox(t *testing.T, st *store.Store, studioID string) []studio.OutboxItem {
	t.Helper()
	out, err := st.Outbox(t.Context(), studioID)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func utc(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// After 07:00 in the studio's time zone one digest goes to the owner,
// listing each low item, and a second run that day queues nothing; the
// next day brings the next digest.
func TestDigestIsMailedOnceADayAfterSevenLocal(t *testing.T) {
	storetest.EachDialect(t, func(t *testing.T, d store.Dialect) {
		t.Parallel()
		s := newDigestSetup(t, d, "ana", "Europe/Vienna", "Sculpey Premo!, beige", "FIMO soft, white")
		s.run(t, utc("2026-03-02T06:05:00Z"), nopMailer{}) // 07:05 in Vienna
		out := outbox(t, s.st, s.ana.ID)
		if len(out) != 1 {
			t.Fatalf("%d mails queued, want 1", len(out))
		}
		o := out[0]
		if o.To != "ana@example.com" || o.Subject != "Atelier: 2 materials to reorder" {
			t.Fatalf("mail to %q about %q", o.To, o.Subject)
		}
		for _, want := range []string{"- FIMO soft, white — in stock 1 block, reorder at 2 block, from Modulor\n",
			"- Sculpey Premo!, beige — in stock 1 block", "https://atelier.example/materials"} {
			if !strings.Contains(o.Body, want) {
				t.Errorf("the digest lacks %q:\n%s", want, o.Body)
			}
		}
		if strings.Contains(o.Body, "Plenty of clay") {
			t.Errorf("the digest lists an item above its reorder level:\n%s", o.Body)
		}

		s.run(t, utc("2026-03-02T21:00:00Z"), nopMailer{}) // 22:00, same day
		if n := len(outbox(t, s.st, s.ana.ID)); n != 1 {
			t.Fatalf("a second run the same day: %d mails, want 1", n)
		}
		s.run(t, utc("2026-03-03T06:01:00Z"), nopMailer{}) // 07:01 the next day
		if n := len(outbox(t, s.st, s.ana.ID)); n != 2 {
			t.Fatalf("the next day: %d mails, want 2", n)
		}
	})
}

// Before 07:00 local nothing goes, though it is past 07:00 in UTC and in
// another studio's zone, whose digest does go.
func TestDigestWaitsForSevenInTheStudiosZone(t *testing.T) {
	storetest.EachDialect(t, func(t *testing.T, d store.Dialect) {
		t.Parallel()
		s := newDigestSetup(t, d, "ny", "America/New_York", "Sculpey Premo!, beige")
		vienna := digestStudio(t, s.st, "wien", "Europe/Vienna", "Sculpey Premo!, beige")
		s.run(t, utc("2026-03-02T11:55:00Z"), nopMailer{}) // 06:55 in New York, 12:55 in Vienna
		if n := len(outbox(t, s.st, s.ana.ID)); n != 0 {
			t.Fatalf("%d mails before 07:00 in New York", n)
		}
		if n := len(outbox(t, s.st, vienna.ID)); n != 1 {
			t.Fatalf("%d mails to the Vienna studio, want 1", n)
		}
		if done, _ := s.st.MaterialDigestDone(t.Context(), s.ana.ID, "2026-03-02"); done {
			t.Fatal("the day is recorded before the digest was due")
		}
		s.run(t, utc("2026-03-02T12:00:00Z"), nopMailer{}) // 07:00 in New York
		if n := len(outbox(t, s.st, s.ana.ID)); n != 1 {
			t.Fatalf("%d mails at 07:00 in New York, want 1", n)
		}
	})
}

// A studio with nothing at or below its reorder level gets no digest, and
// one that runs low later that day still gets the day's digest.
func TestDigestSkipsAStudioWithNothingToReorder(t *testing.T) {
	storetest.EachDialect(t, func(t *testing.T, d store.Dialect) {
		t.Parallel()
		s := newDigestSetup(t, d, "ana", "UTC")
		s.run(t, utc("2026-03-02T08:00:00Z"), nopMailer{})
		if n := len(outbox(t, s.st, s.ana.ID)); n != 0 {
			t.Fatalf("%d mails with nothing to reorder", n)
		}
		digestStudioItem(t, s.st, s.ana.ID, "Baking paper")
		s.run(t, utc("2026-03-02T15:00:00Z"), nopMailer{})
		if out := outbox(t, s.st, s.ana.ID); len(out) != 1 || out[0].Subject != "Atelier: 1 material to reorder" {
			t.Fatalf("after an item ran low: %+v", out)
		}
	})
}

func digestStudioItem(t *testing.T, st *store.Store, studioID, name string) {
	t.Helper()
	if _, err := st.CreateMaterial(t.Context(), studioID, "", studio.Material{Name: name, Category: studio.CatBaking,
		Unit: studio.UnitSheet, ReorderLevel: studio.WholeUnits(5)}); err != nil {
		t.Fatal(err)
	}
}

// With mail off nothing is queued but the day is recorded, so that mail
// turned on later that day sends no stale digest.
func TestDigestWithMailOffRecordsTheDayWithoutMail(t *testing.T) {
	storetest.EachDialect(t, func(t *testing.T, d store.Dialect) {
		t.Parallel()
		s := newDigestSetup(t, d, "ana", "UTC", "Sculpey Premo!, beige")
		s.run(t, utc("2026-03-02T08:00:00Z"), nil)
		if n := len(outbox(t, s.st, s.ana.ID)); n != 0 {
			t.Fatalf("%d mails queued with mail off", n)
		}
		if done, err := s.st.MaterialDigestDone(t.Context(), s.ana.ID, "2026-03-02"); err != nil || !done {
			t.Fatalf("the day is not recorded with mail off: %v %v", done, err)
		}
		s.run(t, utc("2026-03-02T09:00:00Z"), nopMailer{})
		if n := len(outbox(t, s.st, s.ana.ID)); n != 0 {
			t.Fatalf("mail turned on later the same day sent %d stale digests", n)
		}
	})
}

// The runner schedules the digest itself, at start: the owner receives it
// through the mail server.
func TestDigestRunsOnStartAndArrives(t *testing.T) {
	storetest.EachDialect(t, func(t *testing.T, d store.Dialect) {
		t.Parallel()
		s := newDigestSetup(t, d, "ana", "UTC", "Sculpey Premo!, beige")
		srv := mailtest.Start(t, mailtest.Options{})
		mc, err := mail.ParseURL(srv.URL("Atelier <atelier@example.com>"))
		if err != nil {
			t.Fatal(err)
		}
		blobs, _ := filestest.Open(t)
		now := utc("2026-03-02T09:00:00Z")
		start(t, s.st, Config{Files: blobs, Log: testLog(t), Mailer: mail.NewSender(mc, nil), MailRetry: quickly,
			Now: func() time.Time { return now }})
		waitFor(t, "the digest to arrive", func() bool { return len(srv.Received()) > 0 })
		got := srv.Received()[0]
		if len(got.To) != 1 || got.To[0] != "ana@example.com" || !strings.Contains(string(got.Data), "Sculpey Premo!, beige") {
			t.Fatalf("received %+v\n%s", got.To, got.Data)
		}
	})
}
