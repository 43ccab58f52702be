package store

import (
	"context"
	"database/sql"

	"atelier/internal/studio"
)

// PieceThumbs are the photos that can stand for the pieces on the board,
// those with a thumbnail made: the latest process photo of each piece, and
// the front reference of each commission (any reference when no front).
type PieceThumbs struct {
	// Process maps a piece's id to its latest process photo's id.
	Process map[string]string
	// Front maps a commission's id to its front reference photo's id.
	Front map[string]string
}

// Of is the photo that stands for a piece: its latest process photo, else
// its commission's front reference; "" when it has neither yet.
func (t PieceThumbs) Of(pieceID, commissionID string) string {
	if id := t.Process[pieceID]; id != "" {
		return id
	}
	return t.Front[commissionID]
}

// BoardThumbs finds the thumbnails of the pieces still on the board in one
// query: only photos whose smallest variant exists, so that every image
// the board shows answers at once.
func (s *Store) BoardThumbs(ctx context.Context, studioID string) (t PieceThumbs, err error) {
	t = PieceThumbs{Process: map[string]string{}, Front: map[string]string{}}
	// fronts marks the commissions whose chosen reference is a front view.
	fronts := map[string]bool{}
	err = s.read(ctx, func(tx *Tx) error {
		return each(ctx, tx, `SELECT p.id, p.piece_id, p.commission_id, p.kind, p.angle
			FROM photos p JOIN photo_variants v ON v.photo_id = p.id AND v.size = 160
			WHERE p.studio_id = $1 AND (
				p.piece_id IN (SELECT id FROM pieces WHERE studio_id = $1 AND stage <> 'delivered')
				OR (p.kind = 'reference' AND p.commission_id IN (SELECT commission_id FROM pieces WHERE studio_id = $1 AND stage <> 'delivered')))
			ORDER BY p.created_at, p.id`, []any{studioID}, func(r *sql.Rows) error {
			var id, kind string
			var piece, commission, angle sql.NullString
			if err := r.Scan(&id, &piece, &commission, &kind, &angle); err != nil {
				return err
			}
			switch {
			case kind == studio.ProcessPhoto && piece.Valid:
				t.Process[piece.String] = id // ordered by time: the last one wins
			case kind == studio.ReferencePhoto && commission.Valid:
				c, isFront := commission.String, studio.Angle(angle.String) == studio.Front
				if _, seen := t.Front[c]; !seen || isFront && !fronts[c] {
					t.Front[c], fronts[c] = id, isFront
				}
			}
			return nil
		})
	})
	return t, err
}

// LastCoatKind is the finish the studio logged last, so that the finish
// picker offers it again; "" before the first coat.
func (s *Store) LastCoatKind(ctx context.Context, studioID string) (kind studio.CoatKind, err error) {
	err = s.read(ctx, func(tx *Tx) error {
		err := tx.QueryRowContext(ctx, `SELECT kind FROM coats WHERE studio_id = $1 ORDER BY applied_at DESC, id DESC LIMIT 1`, studioID).Scan(&kind)
		if err == sql.ErrNoRows {
			return nil
		}
		return err
	})
	return kind, err
}
