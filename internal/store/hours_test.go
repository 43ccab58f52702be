package store_test

import (
	"context"
	"testing"

	"atelier/internal/store"
	"atelier/internal/store/storetest"
	"atelier/internal/studio"
)

// A studio's hours: the default week with its owner alone until it sets
// its own; people must be the studio's; a refused change writes nothing.
func TestCapacity(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		st, _ := s.CreateStudio(ctx, studio.NewStudio("ana", "Ana", "Ana"))
		ben, _ := s.CreateStudio(ctx, studio.NewStudio("ben", "Ben", "Ben"))
		owner, err := s.CreateUser(ctx, studio.NewUser{StudioSlug: "ana", Email: "ana@example.com", Name: "Ana", Role: studio.Owner, Password: "a long password"})
		if err != nil {
			t.Fatal(err)
		}
		asst, _ := s.CreateUser(ctx, studio.NewUser{StudioSlug: "ana", Email: "asst@example.com", Name: "Kim", Role: studio.Assistant, Password: "a long password"})
		theirs, _ := s.CreateUser(ctx, studio.NewUser{StudioSlug: "ben", Email: "ben@example.com", Name: "Ben", Role: studio.Owner, Password: "a long password"})

		c, err := s.Capacity(ctx, st.ID)
		if err != nil || c.Week.Minutes() != 5*8*60 || len(c.Workers) != 1 || c.Workers[0].UserID != owner.ID || c.Workers[0].Week != nil {
			t.Fatalf("the default capacity: %+v, %v", c, err)
		}
		mornings := studio.Week{}
		for d := 1; d <= 4; d++ {
			mornings[d] = []studio.Span{{Start: 8 * 60, End: 12 * 60}}
		}
		want := studio.Capacity{Week: studio.DefaultWeek(), DaysOff: []string{"2026-12-31", "2026-12-24"},
			Workers: []studio.Worker{{UserID: owner.ID}, {UserID: asst.ID, Week: &mornings}}}
		if _, err := s.SetCapacity(ctx, st.ID, want); err != nil {
			t.Fatal(err)
		}
		got, err := s.Capacity(ctx, st.ID)
		if err != nil || len(got.Workers) != 2 || got.Workers[1].Week.Minutes() != 16*60 || got.DaysOff[0] != "2026-12-24" {
			t.Fatalf("the capacity back: %+v, %v", got, err)
		}

		for _, bad := range []studio.Capacity{
			{Week: studio.DefaultWeek(), Workers: []studio.Worker{{UserID: theirs.ID}}},
			{Week: studio.DefaultWeek(), Workers: []studio.Worker{{UserID: "nobody"}}},
			{Week: studio.Week{}, Workers: []studio.Worker{{UserID: owner.ID}}},
		} {
			if _, err := s.SetCapacity(ctx, st.ID, bad); studio.ErrorCode(err) != studio.Invalid {
				t.Errorf("%+v: %v", bad, err)
			}
		}
		if again, _ := s.Capacity(ctx, st.ID); len(again.Workers) != 2 || again.Week.Minutes() != got.Week.Minutes() {
			t.Errorf("a refused change wrote: %+v", again)
		}
		if c, _ := s.Capacity(ctx, ben.ID); c.Workers[0].UserID != theirs.ID {
			t.Errorf("the other studio's default: %+v", c)
		}

		// A person removed from the studio no longer works; with nobody
		// left, the owner does.
		if _, err := s.RemoveUser(ctx, st.ID, asst.ID); err != nil {
			t.Fatal(err)
		}
		if c, _ := s.Capacity(ctx, st.ID); len(c.Workers) != 1 || c.Workers[0].UserID != owner.ID {
			t.Errorf("after the assistant left: %+v", c.Workers)
		}
		only := studio.Capacity{Week: studio.DefaultWeek(), Workers: []studio.Worker{{UserID: owner.ID}}}
		if _, err := s.SetCapacity(ctx, st.ID, only); err != nil {
			t.Fatal(err)
		}
		second, err := s.CreateUser(ctx, studio.NewUser{StudioSlug: "ana", Email: "second@example.com", Name: "Lu", Role: studio.Owner, Password: "a long password"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.RemoveUser(ctx, st.ID, owner.ID); err != nil {
			t.Fatal(err)
		}
		if c, _ := s.Capacity(ctx, st.ID); len(c.Workers) != 1 || c.Workers[0].UserID != second.ID {
			t.Errorf("after the only worker left: %+v", c.Workers)
		}
	})
}
