package store_test

import (
	"testing"

	"atelier/internal/store"
	"atelier/internal/store/storetest"
	"atelier/internal/studio"
)

func TestStudioPhoto(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ana, ben := mustStudio(t, s, "ana"), mustStudio(t, s, "ben")
		photo := storetest.Photo(t, s, blobFile(ana.ID, "original", "grandma.jpg"), 2000, 1500)
		if err := s.AddPhotoVariants(ctx, ana.ID, photo, variantsOf(ana.ID, "a")); err != nil {
			t.Fatal(err)
		}
		ph, err := s.StudioPhoto(ctx, ana.ID, photo)
		if err != nil || ph.ID != photo || ph.Width != 2000 || ph.Height != 1500 || ph.Variants[1600] == "" || ph.Variants[160] == "" {
			t.Fatalf("%+v, %v", ph, err)
		}
		_, err = s.StudioPhoto(ctx, ben.ID, photo)
		wantCode(t, err, studio.NotFound) // another studio's photo
		_, err = s.StudioPhoto(ctx, ana.ID, "nope")
		wantCode(t, err, studio.NotFound)
	})
}
