package storetest

import (
	"context"
	"testing"

	"atelier/internal/store"
	"atelier/internal/studio"
)

// seedTimelapse records a made time-lapse of the piece whose GIF and
// poster are the blob fileSHA, already stored and recorded, so that the
// backups carry a timelapses row and its files.
func seedTimelapse(tb testing.TB, s *store.Store, studioID, pieceID, fileSHA string) {
	tb.Helper()
	f := &studio.File{SHA256: fileSHA, ContentType: "image/jpeg"}
	if _, err := s.FinishTimelapse(context.Background(), studioID, pieceID, "", store.TimelapseFiles{GIF: f, Poster: f}); err != nil {
		tb.Fatal(err)
	}
}
