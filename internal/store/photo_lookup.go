package store

import (
	"context"

	"atelier/internal/studio"
)

// StudioPhoto finds one of the studio's photos by its id, whatever it
// belongs to (a commission's reference, a piece's process photo), with its
// variants. A photo of another studio, or none, is NotFound.
func (s *Store) StudioPhoto(ctx context.Context, studioID, photoID string) (ph studio.Photo, err error) {
	err = s.read(ctx, func(tx *Tx) (err error) {
		ph, err = onePhoto(ctx, tx, `p.studio_id = $1 AND p.id = $2`, studioID, photoID)
		return err
	})
	return ph, err
}

// onePhoto is the photo the condition picks out, with its variants;
// NotFound when there is none.
func onePhoto(ctx context.Context, tx *Tx, where string, args ...any) (studio.Photo, error) {
	list, err := photosWhere(ctx, tx, where, args...)
	if err != nil {
		return studio.Photo{}, err
	}
	if len(list) == 0 {
		return studio.Photo{}, notFound("photo")
	}
	return list[0], nil
}
