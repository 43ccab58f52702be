package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"atelier/internal/studio"
)

// AddProcessPhotos attaches photos of the work to a piece, at its current
// stage or an earlier one. A commissioned piece's photos belong to the
// commission too, so that those shared appear in the client's portal.
func (s *Store) AddProcessPhotos(ctx context.Context, studioID, pieceID string, stage studio.Stage, shared bool, caption string, photos []NewPhoto) (PieceDetail, error) {
	caption = strings.TrimSpace(caption)
	if err := studio.CheckCaption(caption); err != nil {
		return PieceDetail{}, err
	}
	return s.withPiece(ctx, studioID, pieceID, studio.Stages, func(tx *Tx, p studio.Piece) error {
		stage, err := p.PhotoStage(stage)
		if err != nil {
			return err
		}
		for _, np := range photos {
			ph := studio.Photo{StudioID: studioID, CommissionID: p.CommissionID, PieceID: p.ID, Kind: studio.ProcessPhoto,
				Stage: string(stage), Shared: shared, Caption: caption, UploadedBy: studio.ByStudio}
			if _, err := s.insertPhoto(ctx, tx, ph, np); err != nil {
				return err
			}
		}
		return s.timelapsePhotosChanged(ctx, tx, studioID, p.ID)
	})
}

// UpdatePhoto shares a process photo with the client (or stops sharing it)
// and changes its caption. A client's references are theirs already.
func (s *Store) UpdatePhoto(ctx context.Context, studioID, id string, shared *bool, caption *string) (ph studio.Photo, err error) {
	if caption != nil {
		if err := studio.CheckCaption(*caption); err != nil {
			return ph, err
		}
	}
	err = s.write(ctx, func(tx *Tx) error {
		var err error
		if ph, err = onePhoto(ctx, tx, "p.studio_id = $1 AND p.id = $2", studioID, id); err != nil {
			return err
		}
		if ph.Kind != studio.ProcessPhoto && shared != nil {
			return studio.FieldError("shared", "only process photos are shared; reference photos came from the client")
		}
		if shared != nil {
			ph.Shared = *shared
		}
		if caption != nil {
			ph.Caption = strings.TrimSpace(*caption)
		}
		_, err = tx.ExecContext(ctx, `UPDATE photos SET shared = $1, caption = $2 WHERE id = $3`, ph.Shared, ph.Caption, ph.ID)
		return err
	})
	return ph, err
}

func loadPhotos(ctx context.Context, tx *Tx, d *PieceDetail) (err error) {
	d.Photos, err = photosWhere(ctx, tx, "p.piece_id = $1", d.ID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	return err
}
