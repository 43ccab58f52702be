// Package jobs runs Atelier's durable background work with River on the
// store's own database, SQLite or PostgreSQL: jobs survive restarts, run
// once however many instances share the database, and are committed in the
// same transaction as the rows they belong to. The store enqueues them
// itself, in any process that opens it (see store/river.go); this package
// works them.
package jobs

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"

	"atelier/internal/files"
	"atelier/internal/store"
)

// Defaults for Config.
const (
	DefaultSweepEvery  = 10 * time.Minute
	DefaultOrphanGrace = time.Hour
)

const (
	// maxWorkers bounds the jobs run at once by one process; SQLite takes one
	// writer at a time anyway.
	maxWorkers = 4
	// softStopTimeout is how long Stop lets running jobs finish before it
	// cancels their contexts.
	softStopTimeout = 20 * time.Second
)

// Config is what the workers need.
type Config struct {
	// Files is the blob store the sweep cleans up. Required.
	Files *files.Store
	// Log receives River's and the workers' logs; nil discards them.
	Log *slog.Logger
	// Now is the clock of the orphan grace period; nil means time.Now.
	Now func() time.Time
	// SweepEvery is how often the sweep runs (and once at start);
	// zero means DefaultSweepEvery.
	SweepEvery time.Duration
	// OrphanGrace is how old an unreferenced blob must be before the sweep
	// deletes it, so that an upload whose row is not committed yet survives;
	// zero means DefaultOrphanGrace.
	OrphanGrace time.Duration
	// Mailer sends the outbox's mail; nil means mail is off (see mail.go).
	Mailer Mailer
	// MailRetry tunes the retries of mail; the zero value is production's.
	MailRetry MailRetry

	// register adds workers, for the tests of this package.
	register func(*river.Workers)
}

func (c Config) withDefaults() Config {
	if c.Log == nil {
		c.Log = slog.New(slog.DiscardHandler)
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	c.SweepEvery = cmp.Or(c.SweepEvery, DefaultSweepEvery)
	c.OrphanGrace = cmp.Or(c.OrphanGrace, DefaultOrphanGrace)
	return c
}

// Runner is the River client of one process.
type Runner struct {
	client *river.Client[*sql.Tx]
	// pool is River's own SQLite connection; nil on PostgreSQL, where River
	// shares the store's pool.
	pool *sql.DB
}

// New prepares the River client that works the jobs on st's database,
// whose River tables st.Migrate has created. Jobs are worked only after
// Start; call Stop in any case to release the client.
func New(ctx context.Context, st *store.Store, cfg Config) (*Runner, error) {
	cfg = cfg.withDefaults()
	if cfg.Files == nil {
		return nil, errors.New("jobs: a blob store is required")
	}
	driver, pool, err := driverFor(ctx, st)
	if err != nil {
		return nil, err
	}
	client, err := river.NewClient(driver, riverConfig(st, cfg))
	if err != nil {
		if pool != nil {
			pool.Close()
		}
		return nil, fmt.Errorf("jobs: creating the River client: %w", err)
	}
	return &Runner{client: client, pool: pool}, nil
}

// driverFor picks River's driver for the store's database.
func driverFor(ctx context.Context, st *store.Store) (riverdriver.Driver[*sql.Tx], *sql.DB, error) {
	if st.Dialect() != store.SQLite {
		return riverdatabasesql.New(st.DB()), nil, nil
	}
	pool, err := st.OpenJobPool(ctx)
	if err != nil {
		return nil, nil, err
	}
	return riversqlite.New(pool), pool, nil
}

func riverConfig(st *store.Store, cfg Config) *river.Config {
	workers := river.NewWorkers()
	river.AddWorker(workers, newSweepWorker(st, cfg))
	river.AddWorker(workers, newMailWorker(st, cfg))
	river.AddWorker(workers, newThumbnailWorker(st, cfg))
	river.AddWorker(workers, newTimerWorker(st, cfg))
	if cfg.register != nil {
		cfg.register(workers)
	}
	// Without LISTEN/NOTIFY (the database/sql driver) River polls for
	// jobs inserted by other transactions; a quarter second keeps a fresh
	// thumbnail or a fired timer from waiting a whole second.
	poll := 250 * time.Millisecond
	return &river.Config{
		FetchPollInterval: poll,
		Logger:            cfg.Log,
		Queues:            map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: maxWorkers}},
		Workers:           workers,
		PeriodicJobs:      []*river.PeriodicJob{sweepPeriodically(cfg.SweepEvery)},
		SoftStopTimeout:   softStopTimeout,
	}
}

// Start works jobs until Stop. The work outlives ctx on purpose: the server
// first stops taking requests and then calls Stop, so a shutdown signal
// must not cancel jobs while the last requests are still enqueueing some.
func (r *Runner) Start(ctx context.Context) error {
	if err := r.client.Start(context.WithoutCancel(ctx)); err != nil {
		return fmt.Errorf("jobs: starting: %w", err)
	}
	return nil
}

// Stop stops fetching jobs, waits for running ones (cancelling them after
// a while) and releases the client. Jobs not yet run stay in the database
// for the next start. It may be called without Start.
func (r *Runner) Stop(ctx context.Context) error {
	err := r.client.Stop(ctx)
	if err != nil {
		err = fmt.Errorf("jobs: stopping: %w", err)
	}
	if r.pool != nil {
		err = errors.Join(err, r.pool.Close())
	}
	return err
}
