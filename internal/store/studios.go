package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"atelier/internal/auth"
	"atelier/internal/studio"
)

const studioColumns = `id, slug, name, artist, currency, timezone, units, temperature_unit, pixel_limit, website_origins, grit_progression, coat_dry_minutes, created_at, updated_at`

func scanStudio(row interface{ Scan(...any) error }) (studio.Studio, error) {
	var s studio.Studio
	var origins, grits, dry string
	err := row.Scan(&s.ID, &s.Slug, &s.Name, &s.Artist, &s.Currency, &s.Timezone, &s.Units, &s.TemperatureUnit, &s.PixelLimit, &origins,
		&grits, &dry, &s.CreatedAt, &s.UpdatedAt)
	if err != nil {
		return s, err
	}
	s.WebsiteOrigins, s.GritProgression = splitLines(origins), splitInts(grits)
	if err := json.Unmarshal([]byte(dry), &s.CoatDryMinutes); err != nil {
		return s, fmt.Errorf("store: studio %s has unreadable coat dry times: %w", s.ID, err)
	}
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
	_, err := tx.ExecContext(ctx, `INSERT INTO studios (`+studioColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
		st.ID, st.Slug, st.Name, st.Artist, st.Currency, st.Timezone, st.Units, st.TemperatureUnit, st.PixelLimit,
		strings.Join(st.WebsiteOrigins, "\n"), joinInts(st.GritProgression), dryJSON(st.CoatDryMinutes), st.CreatedAt, st.UpdatedAt)
	if isUniqueViolation(err) {
		return st, &studio.Error{Code: studio.Conflict, Message: "That studio address is taken.",
			Fields: map[string]string{"slug": "is already used by another studio"}}
	}
	if err != nil {
		return st, err
	}
	if err := createKey(ctx, tx, st); err != nil {
		return st, err
	}
	return st, seedPipeline(ctx, tx, st.ID)
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
		if st, err = lockedStudio(ctx, tx, id); err != nil {
			return err
		}
		if st, err = upd.Apply(st); err != nil {
			return err
		}
		st.UpdatedAt = tx.now
		_, err = tx.ExecContext(ctx, `UPDATE studios SET name = $1, artist = $2, currency = $3, timezone = $4, units = $5,
			temperature_unit = $6, pixel_limit = $7, website_origins = $8, grit_progression = $9, coat_dry_minutes = $10,
			updated_at = $11 WHERE id = $12`,
			st.Name, st.Artist, st.Currency, st.Timezone, st.Units, st.TemperatureUnit, st.PixelLimit,
			strings.Join(st.WebsiteOrigins, "\n"), joinInts(st.GritProgression), dryJSON(st.CoatDryMinutes), st.UpdatedAt, st.ID)
		return err
	})
	return st, err
}

// lockedStudio loads a studio to change it, holding its lock in a write
// transaction. Other writes read the studio's settings without the lock.
func lockedStudio(ctx context.Context, tx *Tx, id string) (studio.Studio, error) {
	st, err := scanStudio(tx.QueryRowContext(ctx, `SELECT `+studioColumns+` FROM studios WHERE id = $1`+tx.lock, id))
	if errors.Is(err, sql.ErrNoRows) {
		return st, notFound("studio")
	}
	if err == nil {
		tx.locked()
	}
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

func splitInts(s string) []int {
	var out []int
	for _, f := range strings.Split(s, ",") {
		if n, err := strconv.Atoi(strings.TrimSpace(f)); err == nil {
			out = append(out, n)
		}
	}
	return out
}

func joinInts(ns []int) string {
	parts := make([]string, len(ns))
	for i, n := range ns {
		parts[i] = strconv.Itoa(n)
	}
	return strings.Join(parts, ",")
}

// dryJSON writes the dry times with sorted keys, so equal settings are
// equal text (and backups compare).
func dryJSON(m map[studio.CoatKind]int) string {
	b, _ := json.Marshal(m) // maps of strings to ints always marshal
	return string(b)
}
