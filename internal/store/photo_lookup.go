package store

import (
	"context"

	"atelier/internal/studio"
)

// StudioPhoto finds one of the studio's photos by its id, whatever it
// belongs to (a commission's reference, a piece's process photo), with its
// variants. A photo of another studio, or none, is NotFound.
func (s *Store) StudioPhoto(ctx context.Context, studioID, photoID string) (ph studio.Photo, err error) {
	err = s.read(ctx, func(tx *Tx) error {
		list, err := photosWhere(ctx, tx, `p.studio_id = $1 AND p.id = $2`, studioID, photoID)
		if err != nil {
			return err
		}
		if len(list) == 0 {
			return notFound("photo")
		}
		ph = list[0]
		return nil
	})
	return ph, err
}
