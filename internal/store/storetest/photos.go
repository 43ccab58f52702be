package storetest

import (
	"context"
	"testing"

	"atelier/internal/auth"
	"atelier/internal/store"
	"atelier/internal/studio"
)

// Photo records f as a process photo of the studio, with no commission,
// straight in the table: the tests of the thumbnail pipeline need a photo
// row and nothing of the commission that would normally hold it. It
// returns the photo's id.
func Photo(tb testing.TB, s *store.Store, f studio.File, width, height int) string {
	tb.Helper()
	ctx := context.Background()
	f, err := s.CreateFile(ctx, f)
	if err != nil {
		tb.Fatal(err)
	}
	id := auth.NewID()
	_, err = s.DB().ExecContext(ctx, `INSERT INTO photos (id, studio_id, kind, file_id, width, height, uploaded_by, created_at)
		VALUES ($1, $2, 'process', $3, $4, $5, 'studio', $6)`, id, f.StudioID, f.ID, width, height, f.CreatedAt)
	if err != nil {
		tb.Fatal(err)
	}
	return id
}
