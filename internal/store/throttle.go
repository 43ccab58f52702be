package store

import (
	"context"
	"time"

	"atelier/internal/studio"
)

// Limit is a rate limit: at most Max events of Key within Window.
type Limit struct {
	Key    string
	Max    int
	Window time.Duration
}

// Throttled tells how long to wait before the first of the limits allows
// another event; zero when none is exhausted. Counting lives in the
// database so that every instance sees the same count.
func (s *Store) Throttled(ctx context.Context, limits ...Limit) (wait time.Duration, err error) {
	err = s.read(ctx, func(tx *Tx) error {
		for _, l := range limits {
			w, err := throttleWait(ctx, tx, l)
			if err != nil {
				return err
			}
			wait = max(wait, w)
		}
		return nil
	})
	return wait, err
}

func throttleWait(ctx context.Context, tx *Tx, l Limit) (time.Duration, error) {
	since := tx.now.Add(-l.Window)
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM throttle_events WHERE key = $1 AND at > $2`, l.Key, since).Scan(&n); err != nil {
		return 0, err
	}
	if n < l.Max {
		return 0, nil
	}
	// Wait until the oldest event that still counts leaves the window.
	var oldest time.Time
	err := tx.QueryRowContext(ctx, `SELECT at FROM throttle_events WHERE key = $1 AND at > $2 ORDER BY at DESC LIMIT 1 OFFSET $3`,
		l.Key, since, l.Max-1).Scan(&oldest)
	if err != nil {
		return 0, err
	}
	return max(oldest.Add(l.Window).Sub(tx.now), time.Second), nil
}

// Record counts one event against each key.
func (s *Store) Record(ctx context.Context, keys ...string) error {
	return s.write(ctx, func(tx *Tx) error {
		for _, k := range keys {
			if _, err := tx.ExecContext(ctx, `INSERT INTO throttle_events (key, at) VALUES ($1, $2)`, k, tx.now); err != nil {
				return err
			}
		}
		return nil
	})
}

// Forget clears the events of a key, as a successful login does for its account.
func (s *Store) Forget(ctx context.Context, key string) error {
	return s.write(ctx, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM throttle_events WHERE key = $1`, key)
		return err
	})
}

// TooMany is the error for an exhausted limit, with the wait in words.
func TooMany(what string, wait time.Duration) *studio.Error {
	mins := int(wait.Round(time.Minute) / time.Minute)
	when := "in a minute"
	if mins > 1 {
		when = "in " + itoa(mins) + " minutes"
	}
	return studio.Errorf(studio.RateLimited, "Too many %s. Please try again %s.", what, when)
}
