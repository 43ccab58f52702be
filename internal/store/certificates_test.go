package store_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"golang.org/x/mod/sumdb/note"

	"atelier/internal/provenance"
	"atelier/internal/store"
	"atelier/internal/store/storetest"
	"atelier/internal/studio"
)

// A studio is made with its signing key: named by its log origin, and
// published in the signed-note verifier format.
func TestStudioIsMadeWithItsSigningKey(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		mustStudio(t, s, "ana")
		mustStudio(t, s, "ben")
		ana, err := s.StudioKey(context.Background(), "ana")
		if err != nil {
			t.Fatal(err)
		}
		ben, _ := s.StudioKey(context.Background(), "ben")
		tag, ok := strings.CutPrefix(ana.Name, "atelier/ana/")
		if !ok || len(tag) != 8 || strings.Trim(tag, "0123456789abcdef") != "" || !strings.HasPrefix(ben.Name, "atelier/ben/") {
			t.Fatalf("key names %q, %q", ana.Name, ben.Name)
		}
		if _, err := note.NewVerifier(ana.Verifier); err != nil || ana.Verifier == ben.Verifier {
			t.Fatalf("verifier %q: %v", ana.Verifier, err)
		}
		if _, err := s.StudioKey(context.Background(), "nobody"); studio.ErrorCode(err) != studio.NotFound {
			t.Fatalf("unknown studio: %v", err)
		}
	})
}

// Studios that have no key (made before keys existed) get one at the next
// start, once: a key, once made, is never replaced.
func TestKeylessStudiosGetTheirKeyAtStart(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		mustStudio(t, s, "ana")
		if _, err := s.DB().ExecContext(ctx, `DELETE FROM studio_keys`); err != nil {
			t.Fatal(err)
		}
		if _, err := s.StudioKey(ctx, "ana"); studio.ErrorCode(err) != studio.NotFound {
			t.Fatalf("the key is still there: %v", err)
		}
		if _, err := s.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		first, err := s.StudioKey(ctx, "ana")
		if err != nil {
			t.Fatal(err)
		}
		if err := s.KeyStudios(ctx); err != nil {
			t.Fatal(err)
		}
		if again, _ := s.StudioKey(ctx, "ana"); again != first {
			t.Fatalf("the key changed: %v → %v", first, again)
		}
	})
}

// A store opened with another install secret cannot use the key, and a
// sealed key moved to another studio's row does not open there.
func TestSigningKeyOpensOnlyWithItsSecretAndStudio(t *testing.T) {
	storetest.EachDialect(t, func(t *testing.T, d store.Dialect) {
		ctx := context.Background()
		cfg := storetest.Config(t, d)
		s := open(t, cfg)
		ana := mustStudio(t, s, "ana")
		ben := mustStudio(t, s, "ben")
		a := storetest.CollectorGradeNew(t, s, ana.ID)
		b := storetest.CollectorGradeNew(t, s, ben.ID)

		cfg.SecretKey = []byte("another-install-secret-012345678")
		other := open(t, cfg)
		if _, err := other.IssueCertificate(ctx, ana.ID, a, nil); err == nil || studio.ErrorCode(err) != studio.Internal {
			t.Fatalf("signed with a key sealed under another secret: %v", err)
		}
		_, err := s.DB().ExecContext(ctx, `UPDATE studio_keys SET signer_key_sealed = (SELECT signer_key_sealed FROM studio_keys WHERE studio_id = $1) WHERE studio_id = $2`, ana.ID, ben.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.IssueCertificate(ctx, ben.ID, b, nil); err == nil {
			t.Fatal("ben signed with ana's sealed key")
		}
		if _, err := s.IssueCertificate(ctx, ana.ID, a, nil); err != nil {
			t.Fatalf("ana's own key: %v", err)
		}
	})
}

func open(t *testing.T, cfg store.Config) *store.Store {
	t.Helper()
	s, err := store.Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if _, err := s.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return s
}

// Many requests for one piece's certificate at once issue exactly one; the
// others are told which.
func TestOneCertificatePerPieceUnderConcurrentRequests(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		st := mustStudio(t, s, "ana")
		id := storetest.CollectorGradeNew(t, s, st.ID)
		var mu sync.Mutex
		var serials []string
		conflicts := 0
		var wg sync.WaitGroup
		for range 16 {
			wg.Go(func() {
				ic, err := s.IssueCertificate(context.Background(), st.ID, id, nil)
				mu.Lock()
				defer mu.Unlock()
				switch studio.ErrorCode(err) {
				case "":
					serials = append(serials, ic.Serial)
				case studio.Conflict:
					conflicts++
				default:
					t.Errorf("issuing: %v", err)
				}
			})
		}
		wg.Wait()
		if len(serials) != 1 || conflicts != 15 {
			t.Fatalf("%d certificates, %d conflicts", len(serials), conflicts)
		}
		var n int
		s.DB().QueryRowContext(context.Background(), `SELECT count(*) FROM certificates`).Scan(&n)
		if n != 1 {
			t.Fatalf("%d certificates stored", n)
		}
	})
}

// A certificate prints what the piece is: its edition number, measured
// size, clay and finish, the day it passed quality control, the story; it
// verifies, and counts against its edition.
func TestCertificateHoldsThePiecesFacts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		st := mustStudio(t, s, "ana")
		e := newEdition(t, s, st.ID, 12)
		var ids []string
		for range 2 {
			p, _, err := s.IssueEditionPiece(ctx, st.ID, "", e.ID, store.EditionPieceFields{})
			if err != nil {
				t.Fatal(err)
			}
			storetest.CollectorGrade(t, s, st.ID, p.ID)
			ids = append(ids, p.ID)
		}
		facts, err := s.PieceFacts(ctx, st.ID, ids[1])
		if err != nil || facts.Serial != "" || facts.EditionLabel() != "2/12" {
			t.Fatalf("facts before the certificate: %+v %v", facts, err)
		}
		story := "  For Rose.  "
		ic, err := s.IssueCertificate(ctx, st.ID, ids[1], &story)
		if err != nil {
			t.Fatal(err)
		}
		c := ic.Certificate
		if c.EditionLabel() != "2/12" || c.EditionID != e.ID || c.HeightMM != 41 || c.WidthMM != 22 || c.DepthMM != 19 || c.Clay != "Sculpey Premo!" ||
			c.Finish != "matte polyurethane, 2 coats" || c.Completed != st.Today(c.IssuedAt) || c.Story != "For Rose." || c.Artist != "Artist ana" {
			t.Fatalf("certificate %+v", c)
		}
		if _, err := provenance.Verify(ic.Signed, ic.Key.Verifier); err != nil {
			t.Fatal(err)
		}
		check, err := s.CheckCertificate(ctx, c.Serial)
		if err != nil || !check.Genuine || check.Certified != 1 || check.PieceID != ids[1] {
			t.Fatalf("check %+v %v", check, err)
		}
		if facts, _ := s.PieceFacts(ctx, st.ID, ids[1]); facts.Serial != c.Serial {
			t.Fatalf("facts after the certificate %+v", facts)
		}
		if _, err := s.IssueCertificate(ctx, st.ID, ids[0], nil); err != nil {
			t.Fatal(err)
		}
		list, err := s.EditionCertificates(ctx, st.ID, e.ID)
		if err != nil || len(list) != 2 || list[0].EditionNumber != 1 || list[1].EditionNumber != 2 {
			t.Fatalf("edition certificates %v %v", len(list), err)
		}
		if check, _ := s.CheckCertificate(ctx, c.Serial); check.Certified != 2 {
			t.Fatalf("certified %d", check.Certified)
		}
		if _, err := s.CheckCertificate(ctx, "AAAAAAAAAAAAAAAA"); studio.ErrorCode(err) != studio.NotFound {
			t.Fatalf("unknown serial: %v", err)
		}
		if _, err := s.StudioCertificate(ctx, mustStudio(t, s, "ben").ID, c.Serial); studio.ErrorCode(err) != studio.NotFound {
			t.Fatalf("another studio's certificate: %v", err)
		}
	})
}

func TestLabelSettingsDefaultAndKeep(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		st := mustStudio(t, s, "ana")
		ls, err := s.LabelSettings(ctx, st.ID)
		if err != nil || ls.Stock != studio.DefaultLabelStock || ls.Custom != nil {
			t.Fatalf("default %+v %v", ls, err)
		}
		want := studio.LabelSettings{Stock: "custom", OffsetXMM: -2.5, OffsetYMM: 1,
			Custom: &studio.LabelGeometry{PageWidthMM: 100, PageHeightMM: 50, LabelWidthMM: 100, LabelHeightMM: 50, Columns: 1, Rows: 1}}
		for range 2 { // the second time replaces the first
			if err := s.SetLabelSettings(ctx, st.ID, want); err != nil {
				t.Fatal(err)
			}
		}
		got, err := s.LabelSettings(ctx, st.ID)
		if err != nil || got.Stock != "custom" || got.OffsetXMM != -2.5 || *got.Custom != *want.Custom {
			t.Fatalf("kept %+v %v", got, err)
		}
	})
}
