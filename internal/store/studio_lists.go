package store

import (
	"context"
	"database/sql"
	"regexp"
	"strings"

	"atelier/internal/studio"
)

// Clay is one of the clays a studio works with.
type Clay struct {
	Key  string
	Name string
}

var listKey = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,39}$`)

func keyProblem(key string) string {
	if !listKey.MatchString(key) {
		return "must be 1 to 40 lower-case letters, digits, hyphens or underscores"
	}
	return ""
}

// Clays lists the studio's clays: the presets and its own.
func (s *Store) Clays(ctx context.Context, studioID string) (out []Clay, err error) {
	err = s.read(ctx, func(tx *Tx) error {
		return each(ctx, tx, `SELECT key, name FROM clay_brands WHERE studio_id = $1 ORDER BY name, key`, []any{studioID}, func(r *sql.Rows) error {
			var c Clay
			err := r.Scan(&c.Key, &c.Name)
			out = append(out, c)
			return err
		})
	})
	return out, err
}

// SaveClay adds a clay of the studio's own, or renames one.
func (s *Store) SaveClay(ctx context.Context, studioID string, c Clay) (Clay, error) {
	f := studio.Fields{}
	if why := keyProblem(c.Key); why != "" {
		f.Add("key", why)
	}
	c.Name = strings.TrimSpace(c.Name)
	f.Text("name", c.Name, studio.NameText)
	if err := f.Err(); err != nil {
		return c, err
	}
	return c, s.write(ctx, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO clay_brands (studio_id, key, name) VALUES ($1, $2, $3)
			ON CONFLICT (studio_id, key) DO UPDATE SET name = excluded.name`, studioID, c.Key, c.Name)
		return err
	})
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
