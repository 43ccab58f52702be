package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"time"

	"atelier/internal/auth"
	"atelier/internal/studio"
)

// PhotoMask is one version of the figure's cut-out on a photo. The mask
// is a greyscale PNG (255 inside the figure, 0 outside) of Width × Height,
// the upright photo's size, stored as File.
type PhotoMask struct {
	ID       string
	StudioID string
	PhotoID  string
	// Version counts the photo's cut-outs from 1; the highest is the one
	// in use, the older ones are kept.
	Version int
	// Request is what the artist drew, as the JSON the API took.
	Request []byte
	AreaPx  int
	Width   int
	Height  int
	// TopPx and BottomPx bound the figure's rows: the first row with a
	// figure pixel and the row below the last.
	TopPx, BottomPx int
	File            studio.File
	CreatedAt       time.Time
	UserID          string
}

// NewPhotoMask is a cut-out to record; File is its stored PNG.
type NewPhotoMask struct {
	Request         []byte
	AreaPx          int
	Width, Height   int
	TopPx, BottomPx int
	File            studio.File
	UserID          string
}

const maskColumns = `m.id, m.studio_id, m.photo_id, m.version, m.request, m.area_px, m.width, m.height, m.top_px, m.bottom_px,
	m.created_at, m.user_id, f.id, f.studio_id, f.sha256, f.size, f.content_type, f.name, f.created_at`

const maskFrom = ` FROM photo_masks m JOIN files f ON f.studio_id = m.studio_id AND f.id = m.file_id`

func scanMask(row interface{ Scan(...any) error }) (PhotoMask, error) {
	var m PhotoMask
	var request string
	var user sql.NullString
	f := &m.File
	err := row.Scan(&m.ID, &m.StudioID, &m.PhotoID, &m.Version, &request, &m.AreaPx, &m.Width, &m.Height, &m.TopPx, &m.BottomPx,
		&m.CreatedAt, &user, &f.ID, &f.StudioID, &f.SHA256, &f.Size, &f.ContentType, &f.Name, &f.CreatedAt)
	m.Request, m.UserID = []byte(request), user.String
	m.CreatedAt, f.CreatedAt = m.CreatedAt.UTC(), f.CreatedAt.UTC()
	return m, err
}

// SavePhotoMask records a new version of a photo's cut-out: the file row
// of its PNG (or the one the studio already has for the same content) and
// the version after the photo's last, in one transaction. A photo the
// studio does not have is NotFound.
func (s *Store) SavePhotoMask(ctx context.Context, studioID, photoID string, n NewPhotoMask) (m PhotoMask, err error) {
	if n.Width <= 0 || n.Height <= 0 || n.AreaPx < 0 || n.TopPx < 0 || n.BottomPx < n.TopPx || n.BottomPx > n.Height {
		return m, fmt.Errorf("store: a mask of %d × %d with %d pixels in rows %d–%d", n.Width, n.Height, n.AreaPx, n.TopPx, n.BottomPx)
	}
	err = s.write(ctx, func(tx *Tx) error {
		// The photo's lock (PostgreSQL) puts two saves one after the other,
		// so that each takes its own version number.
		if err := photoExists(ctx, tx, studioID, photoID, tx.lock); err != nil {
			return err
		}
		var last sql.NullInt64
		if err := tx.QueryRowContext(ctx, `SELECT max(version) FROM photo_masks WHERE studio_id = $1 AND photo_id = $2`,
			studioID, photoID).Scan(&last); err != nil {
			return err
		}
		n.File.StudioID = studioID
		f, err := createFile(ctx, tx, n.File)
		if err != nil {
			return err
		}
		m = PhotoMask{ID: auth.NewID(), StudioID: studioID, PhotoID: photoID, Version: int(last.Int64) + 1,
			Request: n.Request, AreaPx: n.AreaPx, Width: n.Width, Height: n.Height, TopPx: n.TopPx, BottomPx: n.BottomPx,
			File: f, CreatedAt: tx.now, UserID: n.UserID}
		_, err = tx.ExecContext(ctx, `INSERT INTO photo_masks (id, studio_id, photo_id, version, request, area_px, width, height,
			top_px, bottom_px, file_id, created_at, user_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
			m.ID, studioID, photoID, m.Version, string(m.Request), m.AreaPx, m.Width, m.Height, m.TopPx, m.BottomPx,
			f.ID, m.CreatedAt, sql.NullString{String: n.UserID, Valid: n.UserID != ""})
		return err
	})
	return m, err
}

// LatestPhotoMask returns the photo's last cut-out; ok is false when it
// has none. A photo the studio does not have is NotFound.
func (s *Store) LatestPhotoMask(ctx context.Context, studioID, photoID string) (m PhotoMask, ok bool, err error) {
	err = s.read(ctx, func(tx *Tx) error {
		if err := photoExists(ctx, tx, studioID, photoID, ""); err != nil {
			return err
		}
		m, ok, err = latestMask(ctx, tx, studioID, photoID)
		return err
	})
	return m, ok, err
}

func latestMask(ctx context.Context, tx *Tx, studioID, photoID string) (PhotoMask, bool, error) {
	m, err := scanMask(tx.QueryRowContext(ctx, `SELECT `+maskColumns+maskFrom+`
		WHERE m.studio_id = $1 AND m.photo_id = $2 ORDER BY m.version DESC LIMIT 1`, studioID, photoID))
	if errors.Is(err, sql.ErrNoRows) {
		return PhotoMask{}, false, nil
	}
	return m, err == nil, err
}

// PhotoMasks lists every version of the photo's cut-out, newest first.
func (s *Store) PhotoMasks(ctx context.Context, studioID, photoID string) (ms []PhotoMask, err error) {
	err = s.read(ctx, func(tx *Tx) error {
		if err := photoExists(ctx, tx, studioID, photoID, ""); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT `+maskColumns+maskFrom+`
			WHERE m.studio_id = $1 AND m.photo_id = $2 ORDER BY m.version DESC`, studioID, photoID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			m, err := scanMask(rows)
			if err != nil {
				return err
			}
			ms = append(ms, m)
		}
		return rows.Err()
	})
	return ms, err
}

// MaskedPhoto is a photo of a piece with its last cut-out.
type MaskedPhoto struct {
	Photo studio.Photo
	Mask  PhotoMask
}

// PieceMaskedPhotos finds the piece and those of its photos (its own, and
// the references of its commission) that have a cut-out, oldest photo
// first, each with its last cut-out. A piece the studio does not have is
// NotFound.
func (s *Store) PieceMaskedPhotos(ctx context.Context, studioID, pieceID string) (p studio.Piece, out []MaskedPhoto, err error) {
	err = s.read(ctx, func(tx *Tx) error {
		p, err = pieceWhere(ctx, tx, "studio_id = $1 AND id = $2", studioID, pieceID)
		if err != nil {
			return err
		}
		photos, err := photosWhere(ctx, tx, `p.studio_id = $1 AND (p.piece_id = $2 OR p.commission_id = $3)
			AND EXISTS (SELECT 1 FROM photo_masks m WHERE m.studio_id = p.studio_id AND m.photo_id = p.id)`,
			studioID, pieceID, sql.NullString{String: p.CommissionID, Valid: p.CommissionID != ""})
		if err != nil {
			return err
		}
		for _, ph := range photos {
			m, ok, err := latestMask(ctx, tx, studioID, ph.ID)
			if err != nil {
				return err
			}
			if ok {
				out = append(out, MaskedPhoto{Photo: ph, Mask: m})
			}
		}
		return nil
	})
	return p, out, err
}

// FaceGuides are the heights of the face's guide lines on a photo, as
// rows of the upright photo in pixels, from the top: the eyes, the base of
// the nose, the mouth and the chin, in that order down the face. Default
// says they are the classic proportions rather than the artist's.
type FaceGuides struct {
	PhotoID                     string
	Eyes, NoseBase, Mouth, Chin float64
	Default                     bool
	UpdatedAt                   time.Time
	UserID                      string
}

// Problem checks the guides on an upright photo height px tall: each a
// row inside it, and in order down the face. It returns the studio's
// Invalid error naming the first field at fault, or nil.
func (g FaceGuides) Problem(height int) error {
	f := studio.Fields{}
	prev, prevName := 0.0, ""
	for _, v := range []struct {
		name string
		y    float64
	}{{"eyes", g.Eyes}, {"nose_base", g.NoseBase}, {"mouth", g.Mouth}, {"chin", g.Chin}} {
		switch {
		case math.IsNaN(v.y) || v.y < 0 || v.y > float64(height):
			f.Add(v.name, fmt.Sprintf("must be a row of the photo in pixels, 0 to %d", height))
		case prevName != "" && v.y < prev:
			f.Add(v.name, "must not be above "+prevName+": the lines go down the face as eyes, nose base, mouth, chin")
		}
		prev, prevName = v.y, v.name
	}
	return f.Err()
}

// PhotoFaceGuides returns the guides the artist placed on the photo; ok is
// false when there are none. A photo the studio does not have is NotFound.
func (s *Store) PhotoFaceGuides(ctx context.Context, studioID, photoID string) (g FaceGuides, ok bool, err error) {
	err = s.read(ctx, func(tx *Tx) error {
		if err := photoExists(ctx, tx, studioID, photoID, ""); err != nil {
			return err
		}
		var user sql.NullString
		err := tx.QueryRowContext(ctx, `SELECT eyes, nose_base, mouth, chin, updated_at, user_id FROM face_guides
			WHERE studio_id = $1 AND photo_id = $2`, studioID, photoID).Scan(&g.Eyes, &g.NoseBase, &g.Mouth, &g.Chin, &g.UpdatedAt, &user)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		ok, g.PhotoID, g.UserID, g.UpdatedAt = true, photoID, user.String, g.UpdatedAt.UTC()
		return nil
	})
	return g, ok, err
}

// PutFaceGuides sets the photo's guides, replacing any before. The caller
// has checked them against the photo's height (FaceGuides.Problem); the
// order is checked here again. A photo the studio does not have is
// NotFound.
func (s *Store) PutFaceGuides(ctx context.Context, studioID, photoID string, g FaceGuides) (out FaceGuides, err error) {
	if err := g.Problem(math.MaxInt32); err != nil {
		return out, err
	}
	err = s.write(ctx, func(tx *Tx) error {
		if err := photoExists(ctx, tx, studioID, photoID, tx.lock); err != nil {
			return err
		}
		out = FaceGuides{PhotoID: photoID, Eyes: g.Eyes, NoseBase: g.NoseBase, Mouth: g.Mouth, Chin: g.Chin, UpdatedAt: tx.now, UserID: g.UserID}
		_, err := tx.ExecContext(ctx, `INSERT INTO face_guides (studio_id, photo_id, eyes, nose_base, mouth, chin, updated_at, user_id)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
			ON CONFLICT (photo_id) DO UPDATE SET eyes = excluded.eyes, nose_base = excluded.nose_base, mouth = excluded.mouth,
			chin = excluded.chin, updated_at = excluded.updated_at, user_id = excluded.user_id`,
			studioID, photoID, out.Eyes, out.NoseBase, out.Mouth, out.Chin, out.UpdatedAt, sql.NullString{String: g.UserID, Valid: g.UserID != ""})
		return err
	})
	return out, err
}

// DeleteFaceGuides removes the artist's guides from the photo, which then
// has the classic proportions again; a photo without any is left as it is.
// A photo the studio does not have is NotFound.
func (s *Store) DeleteFaceGuides(ctx context.Context, studioID, photoID string) error {
	return s.write(ctx, func(tx *Tx) error {
		if err := photoExists(ctx, tx, studioID, photoID, tx.lock); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `DELETE FROM face_guides WHERE studio_id = $1 AND photo_id = $2`, studioID, photoID)
		return err
	})
}
