package store

import (
	"context"
	"database/sql"

	"atelier/internal/studio"
)

// ArchivedPiece is a delivered piece with the photo that stands for it:
// its latest process photo, or else its commission's front reference (any
// reference when there is no front one). Photo is nil when it has none
// with a thumbnail made yet.
type ArchivedPiece struct {
	studio.Piece
	ClientName string
	Photo      *studio.Photo
}

// ArchiveThumb is the photo size the archive shows.
const ArchiveThumb = 400

// Archive lists the studio's delivered pieces, newest first: limit of
// them from offset on, and whether older ones follow.
func (s *Store) Archive(ctx context.Context, studioID string, offset, limit int) (out []ArchivedPiece, more bool, err error) {
	err = s.read(ctx, func(tx *Tx) error {
		err := each(ctx, tx, `SELECT `+pieceColumnsOf("p")+`, c.contact_name
			FROM pieces p LEFT JOIN commissions c ON c.id = p.commission_id
			WHERE p.studio_id = $1 AND p.stage = 'delivered' ORDER BY p.updated_at DESC, p.id DESC
			LIMIT $2 OFFSET $3`, []any{studioID, limit + 1, offset}, func(r *sql.Rows) error {
			var client sql.NullString
			p, err := scanPiece(scanTail{r, []any{&client}})
			out = append(out, ArchivedPiece{Piece: p, ClientName: client.String})
			return err
		})
		if err != nil {
			return err
		}
		if more = len(out) > limit; more {
			out = out[:limit]
		}
		for i := range out {
			if out[i].Photo, err = archivePhoto(ctx, tx, studioID, out[i].Piece); err != nil {
				return err
			}
		}
		return nil
	})
	return out, more, err
}

// archivePhoto picks the photo that stands for a piece; a page holds a
// few dozen pieces at most, so one small query each is cheap.
func archivePhoto(ctx context.Context, tx *Tx, studioID string, p studio.Piece) (*studio.Photo, error) {
	photos, err := photosWhere(ctx, tx, `p.studio_id = $1 AND (p.piece_id = $2 OR (p.commission_id = $3 AND p.kind = 'reference'))`,
		studioID, p.ID, p.CommissionID)
	if err != nil {
		return nil, err
	}
	var best *studio.Photo
	rank := func(ph studio.Photo) int {
		switch {
		case ph.Kind == studio.ProcessPhoto && ph.PieceID == p.ID:
			return 3
		case ph.Angle == studio.Front:
			return 2
		}
		return 1
	}
	// photosWhere gives them oldest first: a later photo of the same rank
	// takes the place of an earlier one.
	for i := range photos {
		if photos[i].Variants[ArchiveThumb] == "" {
			continue
		}
		if best == nil || rank(photos[i]) >= rank(*best) {
			best = &photos[i]
		}
	}
	return best, nil
}

// PiecePhoto finds a photo of a piece of the studio: one of its own or a
// reference of its commission, as the archive shows them.
func (s *Store) PiecePhoto(ctx context.Context, studioID, pieceID, photoID string) (ph studio.Photo, err error) {
	err = s.read(ctx, func(tx *Tx) (err error) {
		ph, err = onePhoto(ctx, tx, `p.studio_id = $1 AND p.id = $2 AND (p.piece_id = $3 OR p.commission_id =
			(SELECT commission_id FROM pieces WHERE studio_id = $1 AND id = $3))`, studioID, photoID, pieceID)
		return err
	})
	return ph, err
}
