package store_test

import (
	"context"
	"slices"
	"sync"
	"testing"

	"atelier/internal/store"
	"atelier/internal/store/storetest"
	"atelier/internal/studio"
)

func newEdition(t testing.TB, s *store.Store, studioID string, size int) store.EditionDetail {
	t.Helper()
	d, err := s.CreateEdition(context.Background(), studioID, studio.Edition{Title: "Grandma Rose", Subject: "Grandma Rose", Size: size,
		ClayBrands: []string{"premo"}, TargetHeightMM: 40, Master: &studio.Stored{Name: "Rose master", Location: "shelf 2"},
		Moulds: []studio.Stored{{Name: "Head mould", Location: "drawer A"}}})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// issueAll asks for numbers from many goroutines at once, on the stores
// given in turn, and returns the numbers issued and how many were refused
// because the edition was complete.
func issueAll(t *testing.T, stores []*store.Store, studioID, editionID string, clients int) (numbers []int, full int) {
	var mu sync.Mutex
	var wg sync.WaitGroup
	for i := range clients {
		wg.Go(func() {
			p, _, err := stores[i%len(stores)].IssueEditionPiece(context.Background(), studioID, "", editionID, store.EditionPieceFields{})
			mu.Lock()
			defer mu.Unlock()
			switch studio.ErrorCode(err) {
			case "":
				numbers = append(numbers, p.EditionNumber)
			case studio.Conflict:
				full++
			default:
				t.Errorf("issuing a number: %v", err)
			}
		})
	}
	wg.Wait()
	slices.Sort(numbers)
	return numbers, full
}

func oneToN(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i + 1
	}
	return out
}

// 64 clients asking at once for the numbers of an edition of 20 get
// exactly 1..20, each once, on either database — and through two stores
// (two server instances) sharing one PostgreSQL.
func TestEditionNumbersAreIssuedOnceEach(t *testing.T) {
	storetest.EachDialect(t, func(t *testing.T, d store.Dialect) {
		cfg := storetest.Config(t, d)
		stores := []*store.Store{}
		instances := 1
		if d == store.Postgres {
			instances = 2
		}
		for range instances {
			s, err := store.Open(context.Background(), cfg)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			if _, err := s.Migrate(context.Background()); err != nil {
				t.Fatal(err)
			}
			stores = append(stores, s)
		}
		st, err := stores[0].CreateStudio(context.Background(), studio.NewStudio("ana", "Ana", "Ana"))
		if err != nil {
			t.Fatal(err)
		}
		e := newEdition(t, stores[0], st.ID, 20)
		numbers, full := issueAll(t, stores, st.ID, e.ID, 64)
		if !slices.Equal(numbers, oneToN(20)) || full != 44 {
			t.Fatalf("numbers %v and %d refused, want 1..20 and 44", numbers, full)
		}
		got, err := stores[0].Edition(context.Background(), st.ID, e.ID)
		if err != nil || got.Issued != 20 || len(got.Pieces) != 20 || got.Pieces[19].Number != 20 {
			t.Fatalf("edition after the rush: issued %d, %d pieces, %v", got.Issued, len(got.Pieces), err)
		}
	})
}

func TestEditionRules(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		st, _ := s.CreateStudio(ctx, studio.NewStudio("ana", "Ana", "Ana"))
		other, _ := s.CreateStudio(ctx, studio.NewStudio("ben", "Ben", "Ben"))
		for _, bad := range []studio.Edition{
			{Title: "Big", Subject: "x", Size: 30, TargetHeightMM: 40},
			{Title: "Tiny", Subject: "x", Size: 5, TargetHeightMM: 40},
			{Title: "", Subject: "x", Size: 12, TargetHeightMM: 40},
			{Title: "Clay", Subject: "x", Size: 12, TargetHeightMM: 40, ClayBrands: []string{"playdough"}},
			{Title: "Zero", Subject: "x", Size: 0, SizeReason: "none", TargetHeightMM: 40},
		} {
			if _, err := s.CreateEdition(ctx, st.ID, bad); studio.ErrorCode(err) != studio.Invalid {
				t.Errorf("%+v accepted: %v", bad, err)
			}
		}
		big, err := s.CreateEdition(ctx, st.ID, studio.Edition{Title: "Big", Subject: "x", Size: 30, SizeReason: "a club's order", TargetHeightMM: 40})
		if err != nil || big.Size != 30 {
			t.Fatalf("a size with its reason: %v", err)
		}
		e := newEdition(t, s, st.ID, 10)
		if _, _, err := s.IssueEditionPiece(ctx, other.ID, "", e.ID, store.EditionPieceFields{}); studio.ErrorCode(err) != studio.NotFound {
			t.Errorf("another studio's edition: %v", err)
		}
		subject := "Rose, number one"
		p, joined, err := s.IssueEditionPiece(ctx, st.ID, "", e.ID, store.EditionPieceFields{Subject: &subject})
		if err != nil || joined.Issued != 1 || joined.Size != 10 || p.EditionNumber != 1 || p.EditionID != e.ID || p.Subject != subject || p.TargetHeightMM != 40 {
			t.Fatalf("first piece %+v of %+v: %v", p.Piece, joined, err)
		}
		if _, err := s.CreatePiece(ctx, st.ID, "", studio.NewPieceFields{Subject: "x", TargetHeightMM: 40, EditionID: "nosuch"}); studio.ErrorCode(err) != studio.Invalid {
			t.Errorf("a piece of an unknown edition: %v", err)
		}
		via, err := s.CreatePiece(ctx, st.ID, "", studio.NewPieceFields{Subject: "Second", TargetHeightMM: 40, EditionID: e.ID})
		if err != nil || via.EditionNumber != 2 {
			t.Fatalf("a piece of the edition through CreatePiece: %+v %v", via.Piece, err)
		}
		re, err := s.ReissueEdition(ctx, st.ID, e.ID, 0, "")
		if err != nil || re.ReissueOf != e.ID || re.Size != 10 || re.Master == nil || re.Master.ID != e.Master.ID || len(re.Moulds) != 1 || re.Moulds[0].ID != e.Moulds[0].ID || re.Issued != 0 {
			t.Fatalf("reissue %+v %v", re.Edition, err)
		}
	})
}

// BenchmarkIssueNumbers: 64 clients at once take all the numbers of an
// edition of 1,000; the metric is numbers issued per second.
func BenchmarkIssueNumbers(b *testing.B) {
	storetest.EachDialect(b, func(b *testing.B, d store.Dialect) {
		s := storetest.Open(b, d, nil)
		st, err := s.CreateStudio(context.Background(), studio.NewStudio("ana", "Ana", "Ana"))
		if err != nil {
			b.Fatal(err)
		}
		const size, clients = 1000, 64
		var issued int
		for b.Loop() {
			e, err := s.CreateEdition(context.Background(), st.ID, studio.Edition{Title: "Rush", Subject: "x", Size: size, SizeReason: "benchmark", TargetHeightMM: 40})
			if err != nil {
				b.Fatal(err)
			}
			var wg sync.WaitGroup
			for range clients {
				wg.Go(func() {
					for {
						_, _, err := s.IssueEditionPiece(context.Background(), st.ID, "", e.ID, store.EditionPieceFields{})
						if studio.ErrorCode(err) == studio.Conflict {
							return
						}
						if err != nil {
							b.Error(err)
							return
						}
					}
				})
			}
			wg.Wait()
			issued += size
		}
		b.ReportMetric(float64(issued)/b.Elapsed().Seconds(), "numbers/s")
	})
}
