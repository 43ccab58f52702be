package store

import (
	"context"
	"database/sql"
	"errors"

	"atelier/internal/studio"
)

// PhotoSource is what the thumbnail job needs to draw a photo's variants.
type PhotoSource struct {
	// File is the uploaded original.
	File studio.File
	// PixelLimit is the studio's limit, checked again before decoding:
	// the job must not trust that the upload was checked.
	PixelLimit int64
}

// PhotoOriginal finds the original file of a studio's photo. A photo that
// does not exist (or was deleted since) is NotFound.
func (s *Store) PhotoOriginal(ctx context.Context, studioID, photoID string) (src PhotoSource, err error) {
	err = s.read(ctx, func(tx *Tx) error {
		var fileID string
		err := tx.QueryRowContext(ctx, `SELECT p.file_id, s.pixel_limit FROM photos p JOIN studios s ON s.id = p.studio_id
			WHERE p.studio_id = $1 AND p.id = $2`, studioID, photoID).Scan(&fileID, &src.PixelLimit)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("photo")
		}
		if err != nil {
			return err
		}
		src.File, err = fileWhere(ctx, tx, "studio_id = $1 AND id = $2", studioID, fileID)
		return err
	})
	return src, err
}

// PhotoVariant is a derived image of a photo: Size is the long side it was
// asked for (1600, 400 or 160), Width and Height what it came out as, and
// File the stored JPEG (its ID is set once recorded).
type PhotoVariant struct {
	Size          int
	Width, Height int
	File          studio.File
}

// AddPhotoVariants records the variants of a photo whose blobs are
// stored: a file row for each (or the one the studio already has for the
// same content) and its photo_variants row, all in one transaction. A
// variant already recorded is replaced, so a job that runs twice leaves
// the same rows. A photo deleted since is NotFound.
func (s *Store) AddPhotoVariants(ctx context.Context, studioID, photoID string, vs []PhotoVariant) error {
	return s.write(ctx, func(tx *Tx) error {
		// On PostgreSQL the photo's lock keeps it from being deleted until
		// the variants are in, and makes two runs of the job (one rescued
		// while the other was still at work) record theirs one after the
		// other: the second finds the files of the first and replaces its
		// rows instead of racing it into the unique constraint. SQLite's
		// write transaction already excludes other writers.
		if err := photoExists(ctx, tx, studioID, photoID, tx.lock); err != nil {
			return err
		}
		for _, v := range vs {
			if err := addPhotoVariant(ctx, tx, studioID, photoID, v); err != nil {
				return err
			}
		}
		return nil
	})
}

// photoExists is NotFound unless the studio has the photo; lock, when
// not empty, is the row-locking clause of the query.
func photoExists(ctx context.Context, tx *Tx, studioID, photoID, lock string) error {
	var one int
	err := tx.QueryRowContext(ctx, `SELECT 1 FROM photos WHERE studio_id = $1 AND id = $2`+lock, studioID, photoID).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return notFound("photo")
	}
	return err
}

func addPhotoVariant(ctx context.Context, tx *Tx, studioID, photoID string, v PhotoVariant) error {
	v.File.StudioID = studioID
	f, err := createFile(ctx, tx, v.File)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO photo_variants (studio_id, photo_id, size, file_id, width, height)
		VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (photo_id, size) DO UPDATE SET file_id = excluded.file_id, width = excluded.width, height = excluded.height`,
		studioID, photoID, v.Size, f.ID, v.Width, v.Height)
	return err
}

// PhotoVariants lists the variants recorded for a studio's photo, largest
// first; none yet is an empty list, an unknown photo NotFound.
func (s *Store) PhotoVariants(ctx context.Context, studioID, photoID string) (vs []PhotoVariant, err error) {
	err = s.read(ctx, func(tx *Tx) error {
		if err := photoExists(ctx, tx, studioID, photoID, ""); err != nil {
			return err
		}
		vs, err = photoVariants(ctx, tx, studioID, photoID)
		return err
	})
	return vs, err
}

func photoVariants(ctx context.Context, tx *Tx, studioID, photoID string) ([]PhotoVariant, error) {
	rows, err := tx.QueryContext(ctx, `SELECT v.size, v.width, v.height, f.id, f.studio_id, f.sha256, f.size, f.content_type, f.name, f.created_at
		FROM photo_variants v JOIN files f ON f.studio_id = v.studio_id AND f.id = v.file_id
		WHERE v.studio_id = $1 AND v.photo_id = $2 ORDER BY v.size DESC`, studioID, photoID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []PhotoVariant
	for rows.Next() {
		var v PhotoVariant
		f := &v.File
		if err := rows.Scan(&v.Size, &v.Width, &v.Height, &f.ID, &f.StudioID, &f.SHA256, &f.Size, &f.ContentType, &f.Name, &f.CreatedAt); err != nil {
			return nil, err
		}
		f.CreatedAt = f.CreatedAt.UTC()
		out = append(out, v)
	}
	return out, rows.Err()
}
