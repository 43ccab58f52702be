package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"atelier/internal/studio"
)

// Clay is one of the clays a studio works with, with its curing figures.
type Clay = studio.Clay

func keyProblem(key string) string { return studio.ClayKeyProblem(key) }

const clayColumns = `key, name, temperature_c, temperature_f, min_c, max_c, minutes_per_6mm, minimum_minutes`

func scanClay(r interface{ Scan(...any) error }) (Clay, error) {
	var c Clay
	var tc, tf, lo, hi, per6, least sql.NullInt64
	err := r.Scan(&c.Key, &c.Name, &tc, &tf, &lo, &hi, &per6, &least)
	if tc.Valid {
		c.Baking = studio.Baking{TemperatureC: int(tc.Int64), TemperatureF: int(tf.Int64), MinC: int(lo.Int64), MaxC: int(hi.Int64),
			MinutesPer6mm: int(per6.Int64), MinimumMinutes: int(least.Int64)}
	}
	return c, err
}

// Clays lists the studio's clays: the presets and its own.
func (s *Store) Clays(ctx context.Context, studioID string) (out []Clay, err error) {
	err = s.read(ctx, func(tx *Tx) error {
		out, err = claysOf(ctx, tx, studioID)
		return err
	})
	return out, err
}

func claysOf(ctx context.Context, tx *Tx, studioID string) (out []Clay, err error) {
	err = each(ctx, tx, `SELECT `+clayColumns+` FROM clay_brands WHERE studio_id = $1 ORDER BY name, key`, []any{studioID}, func(r *sql.Rows) error {
		c, err := scanClay(r)
		out = append(out, c)
		return err
	})
	return out, err
}

// ClayMode says what saving a clay may do.
type ClayMode int

const (
	// ClayUpsert adds the clay or changes it (PUT).
	ClayUpsert ClayMode = iota
	// ClayCreate adds a clay; one of the key exists already is a conflict.
	ClayCreate
	// ClayChange changes a clay; an unknown key is not found.
	ClayChange
)

// SaveClay adds a clay of the studio's own or changes one, as mode allows.
func (s *Store) SaveClay(ctx context.Context, studioID, key string, upd studio.ClayUpdate, mode ClayMode) (c Clay, err error) {
	if why := keyProblem(key); why != "" {
		return c, studio.FieldError("key", why)
	}
	err = s.write(ctx, func(tx *Tx) error {
		if err := seedPipeline(ctx, tx, studioID); err != nil {
			return err
		}
		old, err := scanClay(tx.QueryRowContext(ctx, `SELECT `+clayColumns+` FROM clay_brands WHERE studio_id = $1 AND key = $2`+tx.lock, studioID, key))
		exists := err == nil
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		switch {
		case exists && mode == ClayCreate:
			return &studio.Error{Code: studio.Conflict, Message: "The studio has a clay " + key + " already; change it instead.", Fields: map[string]string{"key": "is taken"}}
		case !exists && mode == ClayChange:
			return notFound("clay")
		case !exists:
			old = Clay{Key: key}
		}
		if c, err = upd.Apply(old); err != nil {
			return err
		}
		var figures []any
		if c.Known() {
			figures = []any{c.TemperatureC, c.TemperatureF, c.MinC, c.MaxC, c.MinutesPer6mm, c.MinimumMinutes}
		} else {
			figures = []any{nil, nil, nil, nil, nil, nil}
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO clay_brands (studio_id, `+clayColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
			ON CONFLICT (studio_id, key) DO UPDATE SET name = excluded.name, temperature_c = excluded.temperature_c,
			temperature_f = excluded.temperature_f, min_c = excluded.min_c, max_c = excluded.max_c,
			minutes_per_6mm = excluded.minutes_per_6mm, minimum_minutes = excluded.minimum_minutes`,
			append([]any{studioID, c.Key, c.Name}, figures...)...)
		return err
	})
	return c, err
}

// ChecklistItems lists the studio's checklist, stage by stage.
func (s *Store) ChecklistItems(ctx context.Context, studioID string) (out []studio.ChecklistItem, err error) {
	err = s.read(ctx, func(tx *Tx) error {
		return each(ctx, tx, `SELECT key, stage, label, required FROM checklist_items WHERE studio_id = $1 ORDER BY position, key`, []any{studioID}, func(r *sql.Rows) error {
			var it studio.ChecklistItem
			err := r.Scan(&it.Key, &it.Stage, &it.Label, &it.Required)
			out = append(out, it)
			return err
		})
	})
	return out, err
}

// SaveChecklistItem adds an item to the studio's checklist or changes one;
// a new item goes to the end of its stage.
func (s *Store) SaveChecklistItem(ctx context.Context, studioID string, it studio.ChecklistItem) (studio.ChecklistItem, error) {
	f := studio.Fields{}
	if why := keyProblem(it.Key); why != "" {
		f.Add("key", why)
	}
	if !it.Stage.Valid() || it.Stage == studio.Delivered {
		f.Add("stage", "must be a stage of the pipeline before delivered")
	}
	it.Label = strings.TrimSpace(it.Label)
	f.Text("label", it.Label, studio.LabelText)
	if err := f.Err(); err != nil {
		return it, err
	}
	return it, s.write(ctx, func(tx *Tx) error {
		var last int
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(position), 0) FROM checklist_items WHERE studio_id = $1`, studioID).Scan(&last); err != nil {
			return err
		}
		position := last + 1
		for i, d := range studio.DefaultChecklist {
			if d.Stage == it.Stage {
				position = i // keep a stage's items together, before later stages'
			}
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO checklist_items (studio_id, key, stage, label, required, position) VALUES ($1, $2, $3, $4, $5, $6)
			ON CONFLICT (studio_id, key) DO UPDATE SET stage = excluded.stage, label = excluded.label, required = excluded.required`,
			studioID, it.Key, it.Stage, it.Label, it.Required, position)
		return err
	})
}

// DeleteChecklistItem removes an item from the studio's checklist. Ticks
// already given to it stay in the pieces' records.
func (s *Store) DeleteChecklistItem(ctx context.Context, studioID, key string) error {
	return s.write(ctx, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM checklist_items WHERE studio_id = $1 AND key = $2`, studioID, key)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return notFound("checklist item")
		}
		return nil
	})
}
