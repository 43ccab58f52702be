package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"atelier/internal/studio"
)

// personJSON is a worker as the studio_hours row keeps it.
type personJSON struct {
	UserID   string           `json:"user_id"`
	Weekdays *studio.WeekJSON `json:"weekdays,omitempty"`
}

// Capacity is when the studio works; a studio that set nothing works the
// default week with its first owner alone.
func (s *Store) Capacity(ctx context.Context, studioID string) (c studio.Capacity, err error) {
	err = s.read(ctx, func(tx *Tx) error {
		c, err = capacity(ctx, tx, studioID)
		return err
	})
	return c, err
}

func capacity(ctx context.Context, tx *Tx, studioID string) (studio.Capacity, error) {
	var week, off, people string
	err := tx.QueryRowContext(ctx, `SELECT weekdays, days_off, people FROM studio_hours WHERE studio_id = $1`, studioID).Scan(&week, &off, &people)
	if errors.Is(err, sql.ErrNoRows) {
		owner, err := firstOwner(ctx, tx, studioID)
		return studio.DefaultCapacity(owner), err
	}
	if err != nil {
		return studio.Capacity{}, err
	}
	var c studio.Capacity
	var w studio.WeekJSON
	var ps []personJSON
	if err := errors.Join(json.Unmarshal([]byte(week), &w), json.Unmarshal([]byte(off), &c.DaysOff), json.Unmarshal([]byte(people), &ps)); err != nil {
		return c, fmt.Errorf("store: studio %s has unreadable hours: %w", studioID, err)
	}
	f := studio.Fields{}
	c.Week = w.Week(f, "weekdays")
	present, err := presentPeople(ctx, tx, studioID)
	if err != nil {
		return c, err
	}
	for _, p := range ps {
		if !present[p.UserID] {
			continue // removed from the studio since: no longer works
		}
		worker := studio.Worker{UserID: p.UserID}
		if p.Weekdays != nil {
			week := p.Weekdays.Week(f, "people")
			worker.Week = &week
		}
		c.Workers = append(c.Workers, worker)
	}
	if len(f) > 0 {
		return c, fmt.Errorf("store: studio %s has unreadable hours: %v", studioID, f.Err())
	}
	if len(c.Workers) == 0 {
		owner, err := firstOwner(ctx, tx, studioID)
		c.Workers = []studio.Worker{{UserID: owner}}
		return c, err
	}
	return c, nil
}

// firstOwner is the studio's longest-standing owner who was not removed.
func firstOwner(ctx context.Context, tx *Tx, studioID string) (string, error) {
	var owner string
	err := tx.QueryRowContext(ctx, `SELECT id FROM users WHERE studio_id = $1 AND role = 'owner' AND removed_at IS NULL ORDER BY created_at, id LIMIT 1`,
		studioID).Scan(&owner)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return owner, err
}

// presentPeople are the ids of the studio's people who were not removed.
func presentPeople(ctx context.Context, tx *Tx, studioID string) (map[string]bool, error) {
	out := map[string]bool{}
	err := each(ctx, tx, `SELECT id FROM users WHERE studio_id = $1 AND removed_at IS NULL`, []any{studioID}, func(r *sql.Rows) error {
		var id string
		err := r.Scan(&id)
		out[id] = true
		return err
	})
	return out, err
}

// SetCapacity keeps the studio's hours, days off and workers, checked: each
// worker must be one of the studio's people.
func (s *Store) SetCapacity(ctx context.Context, studioID string, c studio.Capacity) (out studio.Capacity, err error) {
	c = c.Normalised()
	if err := c.Validate(); err != nil {
		return c, err
	}
	err = s.write(ctx, func(tx *Tx) error {
		people := make([]personJSON, 0, len(c.Workers))
		for i, w := range c.Workers {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM users WHERE studio_id = $1 AND id = $2 AND removed_at IS NULL`, studioID, w.UserID).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				return studio.FieldError(fmt.Sprintf("people[%d]", i), "is not one of the studio's people")
			}
			p := personJSON{UserID: w.UserID}
			if w.Week != nil {
				j := w.Week.JSON()
				p.Weekdays = &j
			}
			people = append(people, p)
		}
		week, _ := json.Marshal(c.Week.JSON())
		off, _ := json.Marshal(append([]string{}, c.DaysOff...))
		ps, _ := json.Marshal(people)
		_, err := tx.ExecContext(ctx, `INSERT INTO studio_hours (studio_id, weekdays, days_off, people, updated_at) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (studio_id) DO UPDATE SET weekdays = excluded.weekdays, days_off = excluded.days_off, people = excluded.people,
			updated_at = excluded.updated_at`, studioID, string(week), string(off), string(ps), tx.now)
		return err
	})
	return c, err
}
