package store

import (
	"context"
	"slices"
	"time"

	"atelier/internal/studio"
)

// Limit is a rate limit: at most Max events of Key within Window.
type Limit struct {
	Key    string
	Max    int
	Window time.Duration
}

// throttleWait tells how long to wait before the limit allows another
// event; zero when it is not exhausted. Counting lives in the database so
// that every instance sees the same count.
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

// Admission is an event that the limits admitted and counted. Release
// takes it back from keys it should not count against after all (a
// sign-in that succeeded is no failure).
type Admission struct {
	keys []string
	at   time.Time
}

// Admit counts one event against every limit and admits it, or refuses it
// when any limit is exhausted, in one write transaction: the keys' locks
// (PostgreSQL) or the one writer (SQLite) make check and count one step,
// so that of N simultaneous events exactly the limit's number pass, on
// every instance. A refusal counts nothing and is a RateLimited error
// saying when to try again; what names the events in its message.
func (s *Store) Admit(ctx context.Context, what string, limits ...Limit) (a Admission, err error) {
	err = s.write(ctx, func(tx *Tx) error {
		if err := lockKeys(ctx, tx, limits); err != nil {
			return err
		}
		var wait time.Duration
		for _, l := range limits {
			w, err := throttleWait(ctx, tx, l)
			if err != nil {
				return err
			}
			wait = max(wait, w)
		}
		if wait > 0 {
			return TooMany(what, wait)
		}
		a.at = tx.now
		for _, l := range limits {
			if _, err := tx.ExecContext(ctx, `INSERT INTO throttle_events (key, at) VALUES ($1, $2)`, l.Key, tx.now); err != nil {
				return err
			}
			a.keys = append(a.keys, l.Key)
		}
		return nil
	})
	return a, err
}

// lockKeys takes a transaction lock per key on PostgreSQL, in one order so
// that two admissions never wait on each other; SQLite's writer holds the
// whole database already.
func lockKeys(ctx context.Context, tx *Tx, limits []Limit) error {
	if tx.lock == "" {
		return nil
	}
	keys := make([]string, len(limits))
	for i, l := range limits {
		keys[i] = l.Key
	}
	slices.Sort(keys)
	for _, k := range slices.Compact(keys) {
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, k); err != nil {
			return err
		}
	}
	tx.locked()
	return nil
}

// Release takes an admitted event back from the given keys.
func (s *Store) Release(ctx context.Context, a Admission, keys ...string) error {
	return s.write(ctx, func(tx *Tx) error {
		for _, k := range keys {
			if !slices.Contains(a.keys, k) {
				continue
			}
			if _, err := tx.ExecContext(ctx, `DELETE FROM throttle_events WHERE key = $1 AND at = $2`, k, a.at); err != nil {
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

// TooMany is the error for an exhausted limit, with the wait in words and,
// for the Retry-After header, in seconds.
func TooMany(what string, wait time.Duration) *studio.Error {
	mins := int(wait.Round(time.Minute) / time.Minute)
	when := "in a minute"
	if mins > 1 {
		when = "in " + itoa(mins) + " minutes"
	}
	e := studio.Errorf(studio.RateLimited, "Too many %s. Please try again %s.", what, when)
	e.Data = map[string]any{studio.RetryAfter: max(1, int((wait+time.Second-1)/time.Second))}
	return e
}
