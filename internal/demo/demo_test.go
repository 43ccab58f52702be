package demo_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"atelier/internal/demo"
	"atelier/internal/files"
	"atelier/internal/files/filestest"
	"atelier/internal/store"
	"atelier/internal/store/storetest"
	"atelier/internal/studio"
)

func seed(t *testing.T, s *store.Store, blobs *files.Store) demo.Login {
	t.Helper()
	login, err := demo.Seed(context.Background(), s, blobs, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return login
}

// The demo shows the whole product: every commission status and every
// stage, photos whose files are there, countdowns, messages, an edition
// with a certificate, stock running low, and an owner who can sign in.
func TestSeedMakesAStudioWithEverythingToSee(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		blobs, _ := filestest.Open(t)
		login := seed(t, s, blobs)
		if !login.Seeded || login.PortalPath == "" {
			t.Fatalf("a first seeding must say so and name a portal: %+v", login)
		}
		u, err := s.CheckLogin(ctx, login.Email, login.Password)
		if err != nil || u.Role != studio.Owner {
			t.Fatalf("the printed login does not sign in as the owner: %v %+v", err, u)
		}
		st, err := s.StudioBySlug(ctx, demo.Slug)
		if err != nil {
			t.Fatal(err)
		}
		list, err := s.Commissions(ctx, st.ID, store.CommissionFilter{})
		if err != nil {
			t.Fatal(err)
		}
		var statuses []studio.CommissionStatus
		var details []store.CommissionDetail
		for _, c := range list {
			statuses = append(statuses, c.Status)
			d, err := s.Commission(ctx, st.ID, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			details = append(details, d)
		}
		for _, want := range studio.CommissionStatuses {
			if !slices.Contains(statuses, want) {
				t.Errorf("no commission is %s", want)
			}
		}
		stages, timers := piecesOf(t, s, st.ID, details)
		for _, want := range studio.Stages {
			if !slices.Contains(stages, want) {
				t.Errorf("no piece is at %s", want)
			}
		}
		for _, kind := range []string{store.TimerBakeDone, "coat_dry"} {
			if !slices.Contains(timers, kind) {
				t.Errorf("no %s timer is running, only %v", kind, timers)
			}
		}
		checkPhotosAndMessages(t, s, blobs, st.ID, details)
		checkEditionAndStock(t, s, st.ID)
	})
}

// piecesOf lists the stages of the studio's pieces, delivered ones too,
// and the kinds of the timers still running.
func piecesOf(t *testing.T, s *store.Store, studioID string, details []store.CommissionDetail) (stages []studio.Stage, timers []string) {
	t.Helper()
	ctx := context.Background()
	cols, err := s.Board(ctx, studioID)
	if err != nil {
		t.Fatal(err)
	}
	for _, col := range cols {
		for _, c := range col.Cards {
			stages = append(stages, c.Stage)
			for _, tm := range c.Timers {
				if tm.FiredAt == nil && tm.DueAt.After(time.Now()) {
					timers = append(timers, tm.Kind)
				}
			}
		}
	}
	for _, d := range details {
		if d.PieceID == "" {
			continue
		}
		p, err := s.Piece(ctx, studioID, d.PieceID)
		if err != nil {
			t.Fatal(err)
		}
		stages = append(stages, p.Stage)
	}
	return stages, timers
}

func checkPhotosAndMessages(t *testing.T, s *store.Store, blobs *files.Store, studioID string, details []store.CommissionDetail) {
	t.Helper()
	ctx := context.Background()
	var refs, process, client, fromStudio int
	for _, d := range details {
		for _, ph := range d.Photos {
			if ph.Kind == studio.ReferencePhoto {
				refs++
			} else {
				process++
			}
			f, err := s.File(ctx, studioID, ph.FileID)
			if err != nil {
				t.Fatal(err)
			}
			if ok, err := blobs.Exists(ctx, f.SHA256); err != nil || !ok {
				t.Errorf("photo %s of %s has no file: %v", ph.ID, d.Inquiry.SubjectName, err)
			}
		}
		for _, m := range d.Messages {
			if m.Author == studio.ByClient {
				client++
			} else {
				fromStudio++
			}
		}
	}
	if refs < len(details) || process == 0 {
		t.Errorf("%d reference photos for %d commissions and %d process photos", refs, len(details), process)
	}
	if client == 0 || fromStudio == 0 {
		t.Errorf("messages: %d from clients, %d from the studio", client, fromStudio)
	}
}

func checkEditionAndStock(t *testing.T, s *store.Store, studioID string) {
	t.Helper()
	ctx := context.Background()
	eds, err := s.Editions(ctx, studioID)
	if err != nil || len(eds) != 1 || len(eds[0].Pieces) < 3 {
		t.Fatalf("editions: %v %+v", err, eds)
	}
	certs, err := s.EditionCertificates(ctx, studioID, eds[0].ID)
	if err != nil || len(certs) != 1 {
		t.Errorf("the edition's first piece must be certified: %v %d", err, len(certs))
	}
	low, err := s.ReorderMaterials(ctx, studioID)
	if err != nil || len(low) == 0 {
		t.Errorf("some items must be due for reordering: %v %d", err, len(low))
	}
	all, err := s.Materials(ctx, studioID)
	if err != nil || len(all) <= len(low) {
		t.Errorf("most items must be in stock: %d of %d low (%v)", len(low), len(all), err)
	}
}

// A second start finds the demo and renews its password instead of
// making a second demo; the old password no longer signs in.
func TestSeedTwiceRenewsThePasswordAndAddsNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		blobs, _ := filestest.Open(t)
		first := seed(t, s, blobs)
		st, err := s.StudioBySlug(ctx, demo.Slug)
		if err != nil {
			t.Fatal(err)
		}
		before, err := s.Commissions(ctx, st.ID, store.CommissionFilter{})
		if err != nil {
			t.Fatal(err)
		}
		second := seed(t, s, blobs)
		if second.Seeded || second.Password == first.Password || second.Email != first.Email {
			t.Fatalf("second seeding: %+v after %+v", second, first)
		}
		if _, err := s.CheckLogin(ctx, second.Email, second.Password); err != nil {
			t.Errorf("the new password does not sign in: %v", err)
		}
		if _, err := s.CheckLogin(ctx, first.Email, first.Password); err == nil {
			t.Error("the old password still signs in")
		}
		after, err := s.Commissions(ctx, st.ID, store.CommissionFilter{})
		if n, _ := s.CountStudios(ctx); err != nil || len(after) != len(before) || n != 1 {
			t.Errorf("seeding twice made %d studios and %d commissions (first %d): %v", n, len(after), len(before), err)
		}
	})
}

// The demo never mixes with real data: a database with a studio of its
// own is refused, and left as it was.
func TestSeedRefusesADatabaseWithARealStudio(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		blobs, _ := filestest.Open(t)
		if _, err := s.CreateStudio(ctx, studio.NewStudio("ana", "Ana's Miniatures", "Ana Petrova")); err != nil {
			t.Fatal(err)
		}
		_, err := demo.Seed(ctx, s, blobs, time.Now())
		if !errors.Is(err, demo.ErrNotDemo) {
			t.Fatalf("seeding beside a real studio: %v", err)
		}
		if n, _ := s.CountStudios(ctx); n != 1 {
			t.Errorf("the refusal left %d studios", n)
		}
	})
}

// A studio named like the demo but without the demo's owner is not
// taken over.
func TestSeedRefusesAStudioCalledDemoWithoutItsOwner(t *testing.T) {
	s := storetest.Open(t, store.SQLite, nil)
	blobs, _ := filestest.Open(t)
	ctx := context.Background()
	if _, err := s.CreateStudio(ctx, studio.NewStudio(demo.Slug, "Demo Dolls", "Dora")); err != nil {
		t.Fatal(err)
	}
	if _, err := demo.Seed(ctx, s, blobs, time.Now()); err == nil {
		t.Fatal("a studio called demo without the demo's owner was taken for the demo")
	}
}
