package store

import (
	"context"
	"time"

	"github.com/riverqueue/river"
)

// WriteTx and InsertJob let the tests in package store_test, which may
// import package jobs, enqueue a job inside a write transaction the way
// store methods do.
func (s *Store) WriteTx(ctx context.Context, fn func(*Tx) error) error { return s.write(ctx, fn) }

func (s *Store) InsertJob(ctx context.Context, tx *Tx, args river.JobArgs, runAt time.Time) error {
	return s.enqueueAt(ctx, tx, args, runAt)
}
