package backup_test

import (
	"testing"

	"atelier/internal/store"
)

// checkMasks checks that the restored studio has its photo's cut-outs
// (both versions, the last in use, its PNG's file row with it) and the
// guide lines the artist placed, as the seed made them.
func checkMasks(t *testing.T, dst *store.Store, slug string) {
	t.Helper()
	st, err := dst.StudioBySlug(ctx, slug)
	if err != nil {
		t.Fatal(err)
	}
	studioID := st.ID
	var photo string
	if err := dst.DB().QueryRowContext(ctx, `SELECT photo_id FROM photo_masks WHERE studio_id = $1 LIMIT 1`, studioID).Scan(&photo); err != nil {
		t.Fatalf("no mask after the restore: %v", err)
	}
	ms, err := dst.PhotoMasks(ctx, studioID, photo)
	if err != nil || len(ms) != 2 || ms[0].Version != 2 || ms[0].AreaPx != 91000 || ms[0].File.SHA256 == "" {
		t.Fatalf("the masks after the restore: %+v %v", ms, err)
	}
	g, ok, err := dst.PhotoFaceGuides(ctx, studioID, photo)
	if err != nil || !ok || g.NoseBase != 210.5 || g.Chin != 290 {
		t.Fatalf("the guides after the restore: %+v %v %v", g, ok, err)
	}
}
