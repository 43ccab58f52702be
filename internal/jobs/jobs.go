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
	// RescueAfter is how long a job may be running before River takes it
	// for the work of a process that died and runs it again (River's
	// default is an hour). River's rescuer looks every 30 s, so a job left
	// running by a crash runs again 20–56 s after it started on
	// PostgreSQL; on SQLite Start rescues it at once (rescueLeftRunning).
	// A job still at work when it is rescued runs twice at once: every
	// worker is written to be safe then.
	RescueAfter = 20 * time.Second
	// jobTimeout bounds a job of a kind without its own limit, below
	// RescueAfter so that a job still at work is cut off before it could
	// be rescued (River refuses a timeout above the rescue time). A
	// 50-megapixel photo takes about 5 s to draw.
	jobTimeout = 15 * time.Second
)

// Config is what the workers need.
type Config struct {
	// Files is the blob store the sweep cleans up. Required.
	Files *files.Store
	// Log receives River's and the workers' logs; nil discards them.
	Log *slog.Logger
	// Now is the clock of the orphan grace period and of the reorder
	// digest's local day; nil means time.Now.
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
	// BaseURL is the install's public address (ATELIER_BASE_URL), for the
	// links in the reorder digest; empty leaves them as paths.
	BaseURL string
	// AllowPrivateWitnesses lets the witness job reach witnesses on
	// loopback and private addresses (ATELIER_WITNESS_ALLOW_PRIVATE).
	AllowPrivateWitnesses bool
	// FFmpeg is the ffmpeg program the time-lapse job runs
	// (ATELIER_FFMPEG); "" looks up "ffmpeg" on PATH, and without one the
	// time-lapse is a GIF only.
	FFmpeg string

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
	log  *slog.Logger
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
	return &Runner{client: client, pool: pool, log: cfg.Log}, nil
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
	river.AddWorker(workers, newWitnessWorker(st, cfg))
	river.AddWorker(workers, newDigestWorker(st, cfg))
	river.AddWorker(workers, newTimelapseWorker(st, cfg))
	if cfg.register != nil {
		cfg.register(workers)
	}
	// Without LISTEN/NOTIFY (the database/sql driver) River polls for
	// jobs inserted by other transactions; a quarter second keeps a fresh
	// thumbnail or a fired timer from waiting a whole second.
	poll := 250 * time.Millisecond
	return &river.Config{
		FetchPollInterval:    poll,
		Logger:               cfg.Log,
		Queues:               map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: maxWorkers}},
		Workers:              workers,
		PeriodicJobs:         []*river.PeriodicJob{sweepPeriodically(cfg.SweepEvery), digestPeriodically()},
		SoftStopTimeout:      softStopTimeout,
		JobTimeout:           jobTimeout,
		RescueStuckJobsAfter: RescueAfter,
	}
}

// Start works jobs until Stop. The work outlives ctx on purpose: the server
// first stops taking requests and then calls Stop, so a shutdown signal
// must not cancel jobs while the last requests are still enqueueing some.
func (r *Runner) Start(ctx context.Context) error {
	if r.pool != nil {
		if err := r.rescueLeftRunning(ctx); err != nil {
			return err
		}
	}
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

// rescueLeftRunning hands the jobs a crashed process left running back to
// River before it starts, on SQLite only: there one `atelier serve` owns
// the database (the CLI enqueues jobs but never works them), so a job
// still running at start belongs to a process that is gone, and waiting
// for River's rescuer would only delay it. A job at its last attempt is
// discarded, as River's rescuer does. The crashed process's leadership is
// dropped too, so that the scheduler (due timers) and the periodic sweep
// start at once instead of after its lease runs out.
func (r *Runner) rescueLeftRunning(ctx context.Context) error {
	res, err := r.pool.ExecContext(ctx, `UPDATE river_job SET
		state = CASE WHEN attempt < max_attempts THEN 'available' ELSE 'discarded' END,
		finalized_at = CASE WHEN attempt < max_attempts THEN NULL ELSE attempted_at END
		WHERE state = 'running'`)
	if err != nil {
		return fmt.Errorf("jobs: rescuing the jobs left running: %w", err)
	}
	if n, _ := res.RowsAffected(); n > 0 {
		r.log.WarnContext(ctx, "jobs left running by a process that stopped are run again", "jobs", n)
	}
	if _, err := r.pool.ExecContext(ctx, `DELETE FROM river_leader`); err != nil {
		return fmt.Errorf("jobs: dropping a stale leadership: %w", err)
	}
	return nil
}
