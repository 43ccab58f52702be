package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"path/filepath"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
)

// newJobClient returns the River client the store enqueues jobs with. It
// only inserts, into the caller's transaction, so it needs no pool of its
// own and opens nothing that Close would have to release; package jobs
// works the jobs with a client of its own. Every process that opens the
// store enqueues the same way: a job queued by the CLI is worked by the
// next `atelier serve`.
func newJobClient(d Dialect) (*river.Client[*sql.Tx], error) {
	var driver riverdriver.Driver[*sql.Tx] = riverdatabasesql.New(nil)
	if d == SQLite {
		driver = riversqlite.New(nil)
	}
	// An insert's errors are returned to the caller; River's own log lines
	// would only repeat them.
	client, err := river.NewClient(driver, &river.Config{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return nil, fmt.Errorf("store: creating the job inserter: %w", err)
	}
	return client, nil
}

// enqueue adds a job to run as soon as tx has committed.
func (s *Store) enqueue(ctx context.Context, tx *Tx, args river.JobArgs) error {
	return s.enqueueAt(ctx, tx, args, time.Time{})
}

// enqueueAt adds a job with the rest of tx's writes, to run at runAt (zero
// means as soon as possible): a rolled-back transaction leaves no job
// behind, and a job never runs before the rows it needs are committed.
// River's tables must exist, which Migrate sees to.
func (s *Store) enqueueAt(ctx context.Context, tx *Tx, args river.JobArgs, runAt time.Time) error {
	if _, err := s.jobs.InsertTx(ctx, tx.Tx, args, &river.InsertOpts{ScheduledAt: runAt}); err != nil {
		return fmt.Errorf("store: enqueueing %s: %w", args.Kind(), err)
	}
	return nil
}

// OpenJobPool opens a pool of exactly one connection on the store's SQLite
// file, for the River client that works the jobs: River runs its own
// transactions from several goroutines, which one connection serialises
// instead of failing with "database is locked". The caller closes the pool.
// On PostgreSQL River shares DB instead.
func (s *Store) OpenJobPool(ctx context.Context) (*sql.DB, error) {
	if s.dialect != SQLite {
		return nil, errors.New("store: a separate job pool is for SQLite only")
	}
	var file string
	if err := s.writer.QueryRowContext(ctx, `SELECT file FROM pragma_database_list WHERE name = 'main'`).Scan(&file); err != nil {
		return nil, fmt.Errorf("store: finding the database file: %w", err)
	}
	db, err := sql.Open("sqlite", sqliteDSN(file, "immediate"))
	if err != nil {
		return nil, fmt.Errorf("store: opening the job pool: %w", err)
	}
	db.SetMaxOpenConns(1)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: opening the job pool: %w", err)
	}
	return db, nil
}

// sqliteDSN names the database file with the settings of openSQLite. River's
// transactions read before they write; started IMMEDIATE they wait for the
// write lock through busy_timeout instead of failing at the upgrade when
// another connection wrote in between.
func sqliteDSN(file, txlock string) string {
	q := url.Values{}
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Set("_txlock", txlock)
	q.Set("_time_format", "sqlite")
	return "file:" + filepath.ToSlash(file) + "?" + q.Encode()
}
