package storetest

import (
	"context"
	"testing"

	"atelier/internal/store"
)

// seedPaletteSuggestion keeps a palette suggestion of the piece, so that
// backups are seen to carry them.
func seedPaletteSuggestion(tb testing.TB, s *store.Store, studioID, pieceID, photoID string) {
	tb.Helper()
	_, err := s.SavePaletteSuggestion(context.Background(), store.PaletteSuggestion{StudioID: studioID, PieceID: pieceID, Count: 3,
		PhotoIDs: []string{photoID}, MeanDeltaE: 4.25, P95DeltaE: 9.5, Colours: []store.SuggestedColour{
			{Hex: "#E8B99A", Role: "base", Share: 0.5, Paint: "Acrylic paint, titanium white", PaintDeltaE: 12.5},
			{Hex: "#8A5A44", Role: "shadow", Share: 0.3}, {Hex: "#FFF1E6", Role: "highlight", Share: 0.2}}})
	if err != nil {
		tb.Fatal(err)
	}
}
