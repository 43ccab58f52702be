package store

import (
	"context"
	"time"
)

// ThrottleHorizon is how long throttle events are kept: longer than any
// rate-limit window.
const ThrottleHorizon = 24 * time.Hour

// SweepExpired deletes expired browser sessions and throttle events older
// than ThrottleHorizon, and tells how many of each went.
func (s *Store) SweepExpired(ctx context.Context) (sessions, events int64, err error) {
	err = s.write(ctx, func(tx *Tx) error {
		q := `DELETE FROM sessions WHERE expiry < $1`
		arg := any(tx.now)
		if s.dialect == SQLite {
			// scs's sqlite3store keeps the expiry as a Julian day number.
			q = `DELETE FROM sessions WHERE expiry < julianday($1)`
			arg = tx.now.Format("2006-01-02T15:04:05.999")
		}
		res, err := tx.ExecContext(ctx, q, arg)
		if err != nil {
			return err
		}
		if sessions, err = res.RowsAffected(); err != nil {
			return err
		}
		res, err = tx.ExecContext(ctx, `DELETE FROM throttle_events WHERE at < $1`, tx.now.Add(-ThrottleHorizon))
		if err != nil {
			return err
		}
		events, err = res.RowsAffected()
		return err
	})
	return sessions, events, err
}
