package store_test

import (
	"crypto/sha256"
	"encoding/hex"
	"testing"

	"atelier/internal/store"
	"atelier/internal/store/storetest"
	"atelier/internal/studio"
)

// blobFile describes content as the blob store would have stored it.
func blobFile(studioID, content, name string) studio.File {
	sum := sha256.Sum256([]byte(content))
	return studio.File{StudioID: studioID, SHA256: hex.EncodeToString(sum[:]), Size: int64(len(content)), ContentType: "image/jpeg", Name: name}
}

func variantsOf(studioID, tag string) []store.PhotoVariant {
	return []store.PhotoVariant{
		{Size: 1600, Width: 1600, Height: 1200, File: blobFile(studioID, tag+"1600", "p-1600.jpg")},
		{Size: 400, Width: 400, Height: 300, File: blobFile(studioID, tag+"400", "p-400.jpg")},
		// A small original comes out the same at two sizes: one file.
		{Size: 160, Width: 160, Height: 120, File: blobFile(studioID, tag+"400", "p-160.jpg")},
	}
}

func countRows(t *testing.T, s *store.Store, table string) (n int) {
	t.Helper()
	if err := s.DB().QueryRowContext(ctx, `SELECT count(*) FROM `+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestPhotoOriginal(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ana, ben := mustStudio(t, s, "ana"), mustStudio(t, s, "ben")
		photo := storetest.Photo(t, s, blobFile(ana.ID, "original", "grandma.jpg"), 4000, 3000)

		src, err := s.PhotoOriginal(ctx, ana.ID, photo)
		if err != nil {
			t.Fatal(err)
		}
		if src.File.Name != "grandma.jpg" || src.File.SHA256 != blobFile("", "original", "").SHA256 || src.PixelLimit != studio.DefaultPixelLimit {
			t.Fatalf("%+v", src)
		}
		_, err = s.PhotoOriginal(ctx, ben.ID, photo)
		wantCode(t, err, studio.NotFound) // another studio's photo
		_, err = s.PhotoOriginal(ctx, ana.ID, "nope")
		wantCode(t, err, studio.NotFound)
	})
}

func TestAddPhotoVariants(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ana, ben := mustStudio(t, s, "ana"), mustStudio(t, s, "ben")
		photo := storetest.Photo(t, s, blobFile(ana.ID, "original", "grandma.jpg"), 2000, 1500)
		if vs, err := s.PhotoVariants(ctx, ana.ID, photo); err != nil || len(vs) != 0 {
			t.Fatalf("before the job: %v, %v", vs, err)
		}

		if err := s.AddPhotoVariants(ctx, ana.ID, photo, variantsOf(ana.ID, "a")); err != nil {
			t.Fatal(err)
		}
		first, err := s.PhotoVariants(ctx, ana.ID, photo)
		if err != nil || len(first) != 3 {
			t.Fatalf("%+v, %v", first, err)
		}
		for i, want := range []int{1600, 400, 160} {
			if v := first[i]; v.Size != want || v.Width != want || v.File.ID == "" || v.File.ContentType != "image/jpeg" {
				t.Errorf("variant %d: %+v", i, v)
			}
		}
		if first[1].File.ID != first[2].File.ID {
			t.Error("the same content was recorded as two files")
		}
		files := countRows(t, s, "files")

		// The job ran again: nothing changes.
		if err := s.AddPhotoVariants(ctx, ana.ID, photo, variantsOf(ana.ID, "a")); err != nil {
			t.Fatal(err)
		}
		again, _ := s.PhotoVariants(ctx, ana.ID, photo)
		for i := range again {
			if again[i] != first[i] {
				t.Errorf("a second run changed variant %d: %+v, then %+v", i, first[i], again[i])
			}
		}
		if n := countRows(t, s, "files"); n != files {
			t.Errorf("a second run added %d files", n-files)
		}

		// Another studio cannot add to, or see, ana's photo.
		err = s.AddPhotoVariants(ctx, ben.ID, photo, variantsOf(ben.ID, "b"))
		wantCode(t, err, studio.NotFound)
		_, err = s.PhotoVariants(ctx, ben.ID, photo)
		wantCode(t, err, studio.NotFound)
		if n := countRows(t, s, "files"); n != files {
			t.Errorf("a refused call wrote %d files", n-files)
		}
	})
}

// A photo deleted while its job ran gets no variants, and no files.
func TestAddPhotoVariantsOfADeletedPhoto(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ana := mustStudio(t, s, "ana")
		photo := storetest.Photo(t, s, blobFile(ana.ID, "original", "grandma.jpg"), 2000, 1500)
		files := countRows(t, s, "files")
		if _, err := s.DB().ExecContext(ctx, `DELETE FROM photos WHERE id = $1`, photo); err != nil {
			t.Fatal(err)
		}
		err := s.AddPhotoVariants(ctx, ana.ID, photo, variantsOf(ana.ID, "a"))
		wantCode(t, err, studio.NotFound)
		if n := countRows(t, s, "files"); n != files {
			t.Errorf("%d files were written for a deleted photo", n-files)
		}
		_, err = s.PhotoOriginal(ctx, ana.ID, photo)
		wantCode(t, err, studio.NotFound)
	})
}
