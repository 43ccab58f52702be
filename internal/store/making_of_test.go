package store_test

import (
	"context"
	"strings"
	"testing"

	"atelier/internal/store"
	"atelier/internal/store/storetest"
	"atelier/internal/studio"
)

// commissionedPiece makes an accepted commission, its client consenting or
// not to the making being shown, and returns its piece.
func commissionedPiece(t *testing.T, s *store.Store, studioID string, consent bool) (commissionID, pieceID string) {
	t.Helper()
	ctx := context.Background()
	in := studio.InquiryFields{SubjectName: "Rose", Relationship: "grandmother", ContactName: "Lea", ContactEmail: "lea@example.com", ConsentShowProcess: consent}
	c, _, err := s.CreateInquiry(ctx, studioID, in, []store.NewPhoto{{Angle: studio.Front, SHA256: strings.Repeat("ab", 32), ContentType: "image/jpeg", Width: 640, Height: 480}})
	if err != nil {
		t.Fatal(err)
	}
	price, deposit := int64(45000), int64(0)
	if _, err := s.MoveCommission(ctx, studioID, c.ID, "", studio.Move{To: studio.Quoted, PriceCents: &price, DepositCents: &deposit, PromisedDate: "2099-01-01"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.MoveCommission(ctx, studioID, c.ID, "", studio.Move{To: studio.Accepted}); err != nil {
		t.Fatal(err)
	}
	p, err := s.PieceOfCommission(ctx, studioID, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	return c.ID, p.ID
}

// The making-of: published only with the client's consent (a conflict
// saying why otherwise), the page found only while published and
// consented, with the shared process photos alone, the materials used and
// the certificate; withdrawn, it is gone; another studio never finds it.
func TestMakingOf(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		st, _ := s.CreateStudio(ctx, studio.NewStudio("ana", "Ana", "Ana"))
		s.CreateStudio(ctx, studio.NewStudio("ben", "Ben", "Ben"))
		cid, yes := commissionedPiece(t, s, st.ID, true)
		_, no := commissionedPiece(t, s, st.ID, false)

		m, err := s.MakingOf(ctx, st.ID, yes)
		if err != nil || m.PublishedAt != nil || m.Public() || !m.Consent.Given() {
			t.Fatalf("a new piece's making-of: %+v, %v", m, err)
		}
		if _, err := s.PublicMakingOf(ctx, "ana", yes); studio.ErrorCode(err) != studio.NotFound {
			t.Errorf("unpublished, the page: %v", err)
		}

		_, err = s.PublishMakingOf(ctx, st.ID, no, true)
		if e, ok := err.(*studio.Error); !ok || e.Code != studio.Conflict || !strings.Contains(e.Message, "did not agree") {
			t.Errorf("publishing without consent: %v", err)
		}
		if m, _ := s.MakingOf(ctx, st.ID, no); m.PublishedAt != nil || m.Consent.Given() {
			t.Errorf("a refused publication wrote: %+v", m)
		}
		if _, err := s.PublishMakingOf(ctx, st.ID, no, false); err != nil {
			t.Errorf("withdrawing without consent: %v", err)
		}
		if _, err := s.PublishMakingOf(ctx, "nobody", yes, true); studio.ErrorCode(err) != studio.NotFound {
			t.Errorf("another studio's piece: %v", err)
		}

		// Two photos of the sculpt, one shared; a clay used; the page shows
		// the shared one alone.
		storetest.WalkPiece(t, s, st.ID, yes, studio.Sculpt)
		for i, shared := range []bool{true, false} {
			photo := store.NewPhoto{SHA256: strings.Repeat(string(rune('c'+i)), 64), ContentType: "image/jpeg", Width: 800, Height: 600}
			if _, err := s.AddProcessPhotos(ctx, st.ID, yes, studio.Sculpt, shared, "", []store.NewPhoto{photo}); err != nil {
				t.Fatal(err)
			}
		}
		clay := clayBlock(t, s, st.ID, 5)
		for range 2 {
			if _, _, err := s.AddMove(ctx, st.ID, "", clay.ID, studio.StockMove{Kind: studio.MoveUse, Quantity: studio.WholeUnits(1), PieceID: yes}); err != nil {
				t.Fatal(err)
			}
		}

		m, err = s.PublishMakingOf(ctx, st.ID, yes, true)
		if err != nil || m.PublishedAt == nil || !m.Public() {
			t.Fatalf("publishing: %+v, %v", m, err)
		}
		first := *m.PublishedAt
		if again, _ := s.PublishMakingOf(ctx, st.ID, yes, true); again.PublishedAt == nil || !again.PublishedAt.Equal(first) {
			t.Errorf("publishing again moved the date: %+v", again)
		}
		pg, err := s.PublicMakingOf(ctx, "ana", yes)
		if err != nil {
			t.Fatal(err)
		}
		if len(pg.Photos) != 1 || !pg.Photos[0].Shared || pg.Piece.ID != yes || pg.Studio.ID != st.ID || len(pg.History) == 0 {
			t.Errorf("the page: %d photos %+v, piece %q, %d events", len(pg.Photos), pg.Photos, pg.Piece.ID, len(pg.History))
		}
		if pg.Unshared != 1 {
			t.Errorf("%d unshared photos counted, want 1", pg.Unshared)
		}
		if len(pg.Materials) != 1 || pg.Materials[0].Name != clay.Name || pg.Serial != "" {
			t.Errorf("materials %+v, serial %q", pg.Materials, pg.Serial)
		}
		if _, err := s.PublicMakingOf(ctx, "ben", yes); studio.ErrorCode(err) != studio.NotFound {
			t.Errorf("under another studio's address: %v", err)
		}
		if _, err := s.PublicMakingOf(ctx, "nobody", yes); studio.ErrorCode(err) != studio.NotFound {
			t.Errorf("under no studio's address: %v", err)
		}

		// The client takes the consent back: the page is gone at once,
		// though the artist did nothing.
		d, err := s.Commission(ctx, st.ID, cid)
		if err != nil {
			t.Fatal(err)
		}
		in := d.Inquiry
		in.ConsentShowProcess = false
		if _, err := s.UpdateInquiry(ctx, st.ID, cid, "", in); err != nil {
			t.Fatal(err)
		}
		if _, err := s.PublicMakingOf(ctx, "ana", yes); studio.ErrorCode(err) != studio.NotFound {
			t.Errorf("consent withdrawn, the page: %v", err)
		}
		if m, _ := s.MakingOf(ctx, st.ID, yes); m.Public() || m.PublishedAt == nil {
			t.Errorf("consent withdrawn, the state: %+v", m)
		}
		in.ConsentShowProcess = true
		s.UpdateInquiry(ctx, st.ID, cid, "", in)
		if _, err := s.PublishMakingOf(ctx, st.ID, yes, false); err != nil {
			t.Fatal(err)
		}
		if _, err := s.PublicMakingOf(ctx, "ana", yes); studio.ErrorCode(err) != studio.NotFound {
			t.Errorf("withdrawn, the page: %v", err)
		}

		// A piece of an edition has no client to ask.
		ed := editionPiece(t, s, st.ID)
		if m, err := s.PublishMakingOf(ctx, st.ID, ed, true); err != nil || !m.Public() {
			t.Errorf("an edition piece: %+v, %v", m, err)
		}
	})
}
