package store

import (
	"context"
)

// Backlog is what an operator watches besides the requests: background
// jobs by kind and state, timers past due that have not fired, and mail
// waiting to go or given up on. Read across every studio.
type Backlog struct {
	// Jobs counts River's jobs that are not completed, by kind and state
	// (available, scheduled, running, retryable, discarded, cancelled).
	Jobs []JobCount
	// TimersDue are timers whose time has come and that have not fired:
	// more than a few means the timer job is behind.
	TimersDue int
	// OutboxPending and OutboxFailed are mails waiting to be sent and mails
	// given up on.
	OutboxPending, OutboxFailed int
}

// JobCount is the number of jobs of one kind in one state.
type JobCount struct {
	Kind, State string
	N           int
}

// Backlog reads the backlog in one transaction.
func (s *Store) Backlog(ctx context.Context) (b Backlog, err error) {
	err = s.read(ctx, func(tx *Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT kind, state, COUNT(*) FROM river_job WHERE state <> 'completed' GROUP BY kind, state ORDER BY kind, state`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var c JobCount
			if err := rows.Scan(&c.Kind, &c.State, &c.N); err != nil {
				return err
			}
			b.Jobs = append(b.Jobs, c)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM timers WHERE fired_at IS NULL AND due_at <= $1`, tx.now).Scan(&b.TimersDue); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, `SELECT COUNT(CASE WHEN status = 'pending' THEN 1 END), COUNT(CASE WHEN status = 'failed' THEN 1 END) FROM outbox`).
			Scan(&b.OutboxPending, &b.OutboxFailed)
	})
	return b, err
}
