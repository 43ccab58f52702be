package store

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// EditionRef names an edition for a link to it.
type EditionRef struct {
	ID        string
	Title     string
	Size      int
	CreatedAt time.Time
}

// EditionReissues are the editions an edition is linked to by reissue:
// the one it was reissued from (nil for a first edition) and those
// reissued from it, oldest first. An edition the studio does not have is
// not found.
func (s *Store) EditionReissues(ctx context.Context, studioID, id string) (of *EditionRef, as []EditionRef, err error) {
	err = s.read(ctx, func(tx *Tx) error {
		var from sql.NullString
		err := tx.QueryRowContext(ctx, `SELECT reissue_of FROM editions WHERE studio_id = $1 AND id = $2`, studioID, id).Scan(&from)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("edition")
		}
		if err != nil {
			return err
		}
		err = each(ctx, tx, `SELECT id, title, size, created_at, id = $3 FROM editions WHERE studio_id = $1 AND (reissue_of = $2 OR id = $3)
			ORDER BY created_at, id`, []any{studioID, id, from.String}, func(r *sql.Rows) error {
			var e EditionRef
			var earlier bool
			if err := r.Scan(&e.ID, &e.Title, &e.Size, &e.CreatedAt, &earlier); err != nil {
				return err
			}
			e.CreatedAt = e.CreatedAt.UTC()
			if earlier {
				of = &e
			} else {
				as = append(as, e)
			}
			return nil
		})
		return err
	})
	return of, as, err
}
