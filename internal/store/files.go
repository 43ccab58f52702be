package store

import (
	"context"
	"database/sql"
	"errors"

	"atelier/internal/auth"
	"atelier/internal/studio"
)

const fileColumns = `id, studio_id, sha256, size, content_type, name, created_at`

func scanFile(row interface{ Scan(...any) error }) (studio.File, error) {
	var f studio.File
	err := row.Scan(&f.ID, &f.StudioID, &f.SHA256, &f.Size, &f.ContentType, &f.Name, &f.CreatedAt)
	f.CreatedAt = f.CreatedAt.UTC()
	return f, err
}

// CreateFile records an uploaded file of a studio. Content the studio
// already holds is not recorded twice: the existing record is returned.
func (s *Store) CreateFile(ctx context.Context, f studio.File) (out studio.File, err error) {
	err = s.write(ctx, func(tx *Tx) error {
		out, err = createFile(ctx, tx, f)
		return err
	})
	return out, err
}

func createFile(ctx context.Context, tx *Tx, f studio.File) (studio.File, error) {
	existing, err := fileWhere(ctx, tx, "studio_id = $1 AND sha256 = $2", f.StudioID, f.SHA256)
	if err == nil || studio.ErrorCode(err) != studio.NotFound {
		return existing, err
	}
	f.ID, f.CreatedAt, f.Name = auth.NewID(), tx.now, studio.CleanFileName(f.Name)
	_, err = tx.ExecContext(ctx, `INSERT INTO files (`+fileColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		f.ID, f.StudioID, f.SHA256, f.Size, f.ContentType, f.Name, f.CreatedAt)
	return f, err
}

// File finds a file of a studio.
func (s *Store) File(ctx context.Context, studioID, id string) (f studio.File, err error) {
	err = s.read(ctx, func(tx *Tx) error {
		f, err = fileWhere(ctx, tx, "studio_id = $1 AND id = $2", studioID, id)
		return err
	})
	return f, err
}

// BlobInUse reports whether any studio still refers to the blob with the
// given SHA-256.
func (s *Store) BlobInUse(ctx context.Context, sha string) (used bool, err error) {
	err = s.read(ctx, func(tx *Tx) error {
		var one int
		err := tx.QueryRowContext(ctx, `SELECT 1 FROM files WHERE sha256 = $1 LIMIT 1`, sha).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		used = err == nil
		return err
	})
	return used, err
}

func fileWhere(ctx context.Context, tx *Tx, where string, args ...any) (studio.File, error) {
	f, err := scanFile(tx.QueryRowContext(ctx, `SELECT `+fileColumns+` FROM files WHERE `+where, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return f, notFound("file")
	}
	return f, err
}
