package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"atelier/internal/auth"
	"atelier/internal/studio"
)

const studioColumns = `id, slug, name, artist, currency, timezone, units, temperature_unit, pixel_limit, website_origins, created_at, updated_at`

func scanStudio(row interface{ Scan(...any) error }) (studio.Studio, error) {
	var s studio.Studio
	var origins string
	err := row.Scan(&s.ID, &s.Slug, &s.Name, &s.Artist, &s.Currency, &s.Timezone, &s.Units, &s.TemperatureUnit, &s.PixelLimit, &origins, &s.CreatedAt, &s.UpdatedAt)
	s.WebsiteOrigins = splitLines(origins)
	s.CreatedAt, s.UpdatedAt = s.CreatedAt.UTC(), s.UpdatedAt.UTC()
	return s, err
}

// CreateStudio validates s and adds it; a slug already taken is a conflict.
func (s *Store) CreateStudio(ctx context.Context, st studio.Studio) (studio.Studio, error) {
	if err := st.Validate(); err != nil {
		return studio.Studio{}, err
	}
	err := s.write(ctx, func(tx *Tx) error {
		var err error
		st, err = insertStudio(ctx, tx, st)
		return err
	})
	return st, err
}

func insertStudio(ctx context.Context, tx *Tx, st studio.Studio) (studio.Studio, error) {
	st.ID, st.CreatedAt, st.UpdatedAt = auth.NewID(), tx.now, tx.now
	_, err := tx.ExecContext(ctx, `INSERT INTO studios (`+studioColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
		st.ID, st.Slug, st.Name, st.Artist, st.Currency, st.Timezone, st.Units, st.TemperatureUnit, st.PixelLimit,
		strings.Join(st.WebsiteOrigins, "\n"), st.CreatedAt, st.UpdatedAt)
	if isUniqueViolation(err) {
		return st, &studio.Error{Code: studio.Conflict, Message: "That studio address is taken.",
			Fields: map[string]string{"slug": "is already used by another studio"}}
	}
	return st, err
}

// StudioBySlug finds a studio by the slug in its public addresses.
func (s *Store) StudioBySlug(ctx context.Context, slug string) (st studio.Studio, err error) {
	err = s.read(ctx, func(tx *Tx) error {
		st, err = studioWhere(ctx, tx, "slug = $1", slug)
		return err
	})
	return st, err
}

// Studio finds a studio by id.
func (s *Store) Studio(ctx context.Context, id string) (st studio.Studio, err error) {
	err = s.read(ctx, func(tx *Tx) error {
		st, err = studioWhere(ctx, tx, "id = $1", id)
		return err
	})
	return st, err
}

// CountStudios tells how many studios the install has.
func (s *Store) CountStudios(ctx context.Context) (n int, err error) {
	err = s.read(ctx, func(tx *Tx) error {
		return tx.QueryRowContext(ctx, `SELECT count(*) FROM studios`).Scan(&n)
	})
	return n, err
}

// UpdateStudio changes the settings of the studio with the given id.
func (s *Store) UpdateStudio(ctx context.Context, id string, upd studio.StudioUpdate) (st studio.Studio, err error) {
	err = s.write(ctx, func(tx *Tx) error {
		if st, err = studioWhere(ctx, tx, "id = $1", id); err != nil {
			return err
		}
		if st, err = upd.Apply(st); err != nil {
			return err
		}
		st.UpdatedAt = tx.now
		_, err = tx.ExecContext(ctx, `UPDATE studios SET name = $1, artist = $2, currency = $3, timezone = $4, units = $5,
			temperature_unit = $6, pixel_limit = $7, website_origins = $8, updated_at = $9 WHERE id = $10`,
			st.Name, st.Artist, st.Currency, st.Timezone, st.Units, st.TemperatureUnit, st.PixelLimit,
			strings.Join(st.WebsiteOrigins, "\n"), st.UpdatedAt, st.ID)
		return err
	})
	return st, err
}

func studioWhere(ctx context.Context, tx *Tx, where string, args ...any) (studio.Studio, error) {
	st, err := scanStudio(tx.QueryRowContext(ctx, `SELECT `+studioColumns+` FROM studios WHERE `+where, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return st, notFound("studio")
	}
	return st, err
}

func splitLines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}
