package storetest

import (
	"context"
	"testing"

	"atelier/internal/store"
	"atelier/internal/studio"
)

// seedMasks gives the commission's front photo two versions of a cut-out
// and the artist's guide lines, so that backups carry photo_masks and
// face_guides. The masks' blob is the photo's own (a file the studio
// already has): what travels is checked here, not what the PNG shows.
func seedMasks(tb testing.TB, s *store.Store, studioID, photoID, photoSHA string) {
	tb.Helper()
	ctx := context.Background()
	for _, area := range []int{90000, 91000} {
		_, err := s.SavePhotoMask(ctx, studioID, photoID, store.NewPhotoMask{
			Request: []byte(`{"rect":{"x":100,"y":40,"w":440,"h":420}}`), AreaPx: area, Width: 640, Height: 480, TopPx: 45, BottomPx: 470,
			File: studio.File{SHA256: photoSHA, ContentType: "image/png", Name: "mask.png"}})
		if err != nil {
			tb.Fatal(err)
		}
	}
	if _, err := s.PutFaceGuides(ctx, studioID, photoID, store.FaceGuides{Eyes: 150, NoseBase: 210.5, Mouth: 240, Chin: 290}); err != nil {
		tb.Fatal(err)
	}
}
