package store_test

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"atelier/internal/store"
	"atelier/internal/store/storetest"
	"atelier/internal/studio"
)

// paletteCommission makes an accepted commission with a back and a front
// reference photo (in that order) and returns its piece, walked to stage.
func paletteCommission(t *testing.T, s *store.Store, studioID string, stage studio.Stage) store.PieceDetail {
	t.Helper()
	ctx := context.Background()
	in := studio.InquiryFields{SubjectName: "Grandma Rose", Relationship: "grandmother", ContactName: "Lea", ContactEmail: "lea@example.com", Story: "Sundays."}
	c, _, err := s.CreateInquiry(ctx, studioID, in, []store.NewPhoto{
		{Angle: studio.Back, SHA256: strings.Repeat("b", 64), ContentType: "image/png", Width: 40, Height: 30},
		{Angle: studio.Front, SHA256: strings.Repeat("f", 64), ContentType: "image/png", Width: 40, Height: 30}})
	if err != nil {
		t.Fatal(err)
	}
	price, deposit := int64(45000), int64(15000)
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
	return storetest.WalkPiece(t, s, studioID, p.ID, stage)
}

func suggestionOf(d store.PieceDetail, photos []string) store.PaletteSuggestion {
	return store.PaletteSuggestion{StudioID: d.StudioID, PieceID: d.ID, Count: 4, PhotoIDs: photos, MeanDeltaE: 3.5, P95DeltaE: 7.25,
		Colours: []store.SuggestedColour{
			{Hex: "#d9a58a", Role: "base", Share: 0.55, Paint: "Flesh", PaintDeltaE: 2.1},
			{Hex: "#5a3a2c", Role: "shadow", Share: 0.2, Paint: "Burnt umber", PaintDeltaE: 9},
			{Hex: "#f7e9df", Role: "highlight", Share: 0.15, Paint: "Flesh", PaintDeltaE: 4},
			{Hex: "#2f6db5", Role: "accent", Share: 0.1}}}
}

// A piece's photos are found for a suggestion: by default the
// commission's references, the front first; named ones in the order
// named; a photo of another piece, a duplicate or too many are refused
// by field, and another studio's piece is not found.
func TestPaletteSources(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		ana, ben := mustStudio(t, s, "ana"), mustStudio(t, s, "ben")
		d := paletteCommission(t, s, ana.ID, studio.ColourPlan)
		other := paletteCommission(t, s, ana.ID, studio.Concept)
		src, err := s.PaletteSources(ctx, ana.ID, d.ID, nil)
		if err != nil || len(src) != 2 || src[0].Photo.Angle != studio.Front || src[1].Photo.Angle != studio.Back {
			t.Fatalf("the default photos: %+v %v", src, err)
		}
		if src[0].PixelLimit <= 0 || src[0].File.SHA256 != strings.Repeat("f", 64) {
			t.Fatalf("the source's file and limit: %+v", src[0])
		}
		back := src[1].Photo.ID
		if got, err := s.PaletteSources(ctx, ana.ID, d.ID, []string{back}); err != nil || len(got) != 1 || got[0].Photo.ID != back {
			t.Fatalf("a named photo: %+v %v", got, err)
		}
		otherSrc, err := s.PaletteSources(ctx, ana.ID, other.ID, nil)
		if err != nil {
			t.Fatal(err)
		}
		for name, ids := range map[string][]string{
			"another piece's photo": {otherSrc[0].Photo.ID},
			"a photo twice":         {back, back},
			"seven photos":          {"a", "b", "c", "d", "e", "f", "g"},
		} {
			_, err := s.PaletteSources(ctx, ana.ID, d.ID, ids)
			if e, ok := err.(*studio.Error); !ok || e.Code != studio.Invalid || e.Fields["photo_ids"] == "" {
				t.Errorf("%s: %v", name, err)
			}
		}
		if _, err := s.PaletteSources(ctx, ben.ID, d.ID, nil); studio.ErrorCode(err) != studio.NotFound {
			t.Fatalf("another studio's piece: %v", err)
		}
	})
}

// A suggestion is kept as made, found only through its own piece and
// studio, the latest shown; adopting it sets the palette as the form does
// (names from close paints used once, roles otherwise), and only where
// the colour plan may change.
func TestPaletteSuggestions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		ana, ben := mustStudio(t, s, "ana"), mustStudio(t, s, "ben")
		d := paletteCommission(t, s, ana.ID, studio.ColourPlan)
		early := paletteCommission(t, s, ana.ID, studio.Sculpt)
		if got, err := s.LatestPaletteSuggestion(ctx, ana.ID, d.ID); got != nil || err != nil {
			t.Fatalf("no suggestion yet: %+v %v", got, err)
		}
		first, err := s.SavePaletteSuggestion(ctx, suggestionOf(d, []string{"p1"}))
		if err != nil {
			t.Fatal(err)
		}
		want := suggestionOf(d, []string{"p1", "p2"})
		second, err := s.SavePaletteSuggestion(ctx, want)
		if err != nil || second.ID == "" || second.ID == first.ID {
			t.Fatalf("saved: %+v %v", second, err)
		}
		got, err := s.PaletteSuggestion(ctx, ana.ID, d.ID, second.ID)
		want.ID, want.CreatedAt = second.ID, second.CreatedAt
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Fatalf("read back:\n got %+v\nwant %+v (%v)", got, want, err)
		}
		if latest, err := s.LatestPaletteSuggestion(ctx, ana.ID, d.ID); err != nil || latest == nil || latest.ID != second.ID {
			t.Fatalf("the latest: %+v %v", latest, err)
		}
		for name, where := range map[string][2]string{"another studio": {ben.ID, d.ID}, "another piece": {ana.ID, early.ID}} {
			if _, err := s.PaletteSuggestion(ctx, where[0], where[1], second.ID); studio.ErrorCode(err) != studio.NotFound {
				t.Errorf("%s: %v", name, err)
			}
			if _, err := s.AdoptPaletteSuggestion(ctx, where[0], where[1], second.ID); studio.ErrorCode(err) != studio.NotFound {
				t.Errorf("adopted from %s: %v", name, err)
			}
		}
		if _, err := s.SavePaletteSuggestion(ctx, suggestionOf(store.PieceDetail{Piece: studio.Piece{ID: d.ID, StudioID: ben.ID}}, nil)); studio.ErrorCode(err) != studio.NotFound {
			t.Fatalf("saved on another studio's piece: %v", err)
		}
		adopted, err := s.AdoptPaletteSuggestion(ctx, ana.ID, d.ID, second.ID)
		wantPalette := []studio.Colour{{Name: "base", Hex: "#D9A58A", Role: "base"}, {Name: "shadow", Hex: "#5A3A2C", Role: "shadow"},
			{Name: "highlight", Hex: "#F7E9DF", Role: "highlight"}, {Name: "accent", Hex: "#2F6DB5", Role: "accent"}}
		if err != nil || !reflect.DeepEqual(adopted.Palette, wantPalette) {
			t.Fatalf("adopted: %+v %v", adopted.Palette, err)
		}
		early.StudioID = ana.ID
		e, err := s.SavePaletteSuggestion(ctx, suggestionOf(early, nil))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.AdoptPaletteSuggestion(ctx, ana.ID, early.ID, e.ID); studio.ErrorCode(err) != studio.Conflict {
			t.Fatalf("adopted before the colour plan: %v", err)
		}
	})
}

// A suggestion's colours take a close paint's name when no other colour
// is close to it, their role otherwise; a long paint name is cut to the
// palette's limit.
func TestSuggestionNames(t *testing.T) {
	ps := store.PaletteSuggestion{Colours: []store.SuggestedColour{
		{Hex: "#aaaaaa", Role: "base", Paint: "Flesh", PaintDeltaE: 2},
		{Hex: "#222222", Role: "shadow", Paint: "Mars black", PaintDeltaE: 1},
		{Hex: "#ffffff", Role: "highlight", Paint: "flesh", PaintDeltaE: 3},
		{Hex: "#ff0000", Role: "accent", Paint: "Mars black", PaintDeltaE: 60}}}
	got := ps.PaletteColours()
	names := []string{got[0].Name, got[1].Name, got[2].Name, got[3].Name}
	if want := []string{"base", "Mars black", "highlight", "accent"}; !reflect.DeepEqual(names, want) {
		t.Fatalf("names %q, want %q", names, want)
	}
	if err := studio.CheckPalette(got, ""); err != nil {
		t.Fatal(err)
	}
	ps.Colours[3].Paint, ps.Colours[3].PaintDeltaE = strings.Repeat("Cadmium red ", 10), 4.5
	if got := ps.PaletteColours(); got[3].Name != strings.Repeat("Cadmium red ", 5) || studio.CheckPalette(got, "") != nil {
		t.Fatalf("a long paint name: %q", got[3].Name)
	}
}
