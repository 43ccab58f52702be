package store_test

import (
	"testing"

	"atelier/internal/store"
	"atelier/internal/store/storetest"
	"atelier/internal/studio"
)

func maskOf(studioID, content string, area int) store.NewPhotoMask {
	f := blobFile(studioID, content, "mask.png")
	f.ContentType = "image/png"
	return store.NewPhotoMask{Request: []byte(`{"rect":{"x":1,"y":2,"w":30,"h":40}}`), AreaPx: area,
		Width: 300, Height: 400, TopPx: 10, BottomPx: 390, File: f, UserID: "u1"}
}

func TestPhotoMaskVersions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ana, ben := mustStudio(t, s, "ana"), mustStudio(t, s, "ben")
		photo := storetest.Photo(t, s, blobFile(ana.ID, "original", "grandma.jpg"), 400, 300)

		if _, ok, err := s.LatestPhotoMask(ctx, ana.ID, photo); err != nil || ok {
			t.Fatalf("before any cut-out: %v %v", ok, err)
		}
		m1, err := s.SavePhotoMask(ctx, ana.ID, photo, maskOf(ana.ID, "mask one", 5000))
		if err != nil {
			t.Fatal(err)
		}
		m2, err := s.SavePhotoMask(ctx, ana.ID, photo, maskOf(ana.ID, "mask two", 6000))
		if err != nil {
			t.Fatal(err)
		}
		if m1.Version != 1 || m2.Version != 2 || m2.File.ID == "" || m2.File.ContentType != "image/png" {
			t.Fatalf("versions: %+v %+v", m1, m2)
		}
		got, ok, err := s.LatestPhotoMask(ctx, ana.ID, photo)
		if err != nil || !ok || got.ID != m2.ID || got.AreaPx != 6000 || got.Width != 300 || got.Height != 400 ||
			got.TopPx != 10 || got.BottomPx != 390 || got.UserID != "u1" || string(got.Request) != string(m2.Request) ||
			!got.CreatedAt.Equal(m2.CreatedAt) || got.File.SHA256 != m2.File.SHA256 {
			t.Fatalf("latest: %+v %v %v, want %+v", got, ok, err, m2)
		}
		all, err := s.PhotoMasks(ctx, ana.ID, photo)
		if err != nil || len(all) != 2 || all[0].Version != 2 || all[1].Version != 1 {
			t.Fatalf("the older version is kept: %+v %v", all, err)
		}

		// Another studio's photo is not found, for reading or writing, and
		// nothing is written.
		_, err = s.SavePhotoMask(ctx, ben.ID, photo, maskOf(ben.ID, "ben's", 1))
		wantCode(t, err, studio.NotFound)
		_, _, err = s.LatestPhotoMask(ctx, ben.ID, photo)
		wantCode(t, err, studio.NotFound)
		_, err = s.PhotoMasks(ctx, ben.ID, photo)
		wantCode(t, err, studio.NotFound)
		_, err = s.SavePhotoMask(ctx, ana.ID, "nope", maskOf(ana.ID, "x", 1))
		wantCode(t, err, studio.NotFound)
		if n := countRows(t, s, "photo_masks"); n != 2 {
			t.Fatalf("%d masks", n)
		}
	})
}

func TestFaceGuides(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ana, ben := mustStudio(t, s, "ana"), mustStudio(t, s, "ben")
		photo := storetest.Photo(t, s, blobFile(ana.ID, "original", "grandma.jpg"), 400, 300)

		if _, ok, err := s.PhotoFaceGuides(ctx, ana.ID, photo); err != nil || ok {
			t.Fatalf("none yet: %v %v", ok, err)
		}
		g, err := s.PutFaceGuides(ctx, ana.ID, photo, store.FaceGuides{Eyes: 100, NoseBase: 140.5, Mouth: 160, Chin: 200, UserID: "u1"})
		if err != nil {
			t.Fatal(err)
		}
		g2, err := s.PutFaceGuides(ctx, ana.ID, photo, store.FaceGuides{Eyes: 90, NoseBase: 130, Mouth: 160, Chin: 210})
		if err != nil {
			t.Fatal(err)
		}
		got, ok, err := s.PhotoFaceGuides(ctx, ana.ID, photo)
		if err != nil || !ok || got.Eyes != 90 || got.NoseBase != 130 || got.Mouth != 160 || got.Chin != 210 || got.Default ||
			got.UserID != "" || !got.UpdatedAt.Equal(g2.UpdatedAt) || got.PhotoID != photo {
			t.Fatalf("replaced: %+v %v %v (first %+v)", got, ok, err, g)
		}

		// Out of order down the face: refused, naming the field.
		_, err = s.PutFaceGuides(ctx, ana.ID, photo, store.FaceGuides{Eyes: 100, NoseBase: 90, Mouth: 160, Chin: 200})
		wantCode(t, err, studio.Invalid)
		if e, _ := err.(*studio.Error); e == nil || e.Fields["nose_base"] == "" {
			t.Fatalf("names nose_base: %v", err)
		}
		if err := (store.FaceGuides{Eyes: 10, NoseBase: 20, Mouth: 30, Chin: 301}).Problem(300); studio.ErrorCode(err) != studio.Invalid {
			t.Fatalf("below the photo: %v", err)
		}

		_, err = s.PutFaceGuides(ctx, ben.ID, photo, g)
		wantCode(t, err, studio.NotFound)
		_, _, err = s.PhotoFaceGuides(ctx, ben.ID, photo)
		wantCode(t, err, studio.NotFound)
		wantCode(t, s.DeleteFaceGuides(ctx, ben.ID, photo), studio.NotFound)

		if err := s.DeleteFaceGuides(ctx, ana.ID, photo); err != nil {
			t.Fatal(err)
		}
		if _, ok, err := s.PhotoFaceGuides(ctx, ana.ID, photo); err != nil || ok {
			t.Fatalf("deleted: %v %v", ok, err)
		}
		if err := s.DeleteFaceGuides(ctx, ana.ID, photo); err != nil {
			t.Fatalf("deleting none: %v", err)
		}
	})
}

func TestPieceMaskedPhotos(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ana, ben := mustStudio(t, s, "ana"), mustStudio(t, s, "ben")
		mustFile(t, s, ana.ID, "front")
		mustFile(t, s, ana.ID, "variant")
		storetest.SeedCommission(t, s, ana.ID, sha("front"), sha("variant"))
		var pieceID string
		if err := s.DB().QueryRowContext(ctx, `SELECT id FROM pieces WHERE studio_id = $1 AND commission_id IS NOT NULL`, ana.ID).Scan(&pieceID); err != nil {
			t.Fatal(err)
		}
		p, got, err := s.PieceMaskedPhotos(ctx, ana.ID, pieceID)
		if err != nil || p.ID != pieceID || len(got) != 1 || got[0].Photo.Angle != studio.Front || got[0].Mask.Version != 2 {
			t.Fatalf("the commission's front photo, with its last cut-out: %+v %+v %v", p, got, err)
		}
		_, _, err = s.PieceMaskedPhotos(ctx, ben.ID, pieceID)
		wantCode(t, err, studio.NotFound)
	})
}
