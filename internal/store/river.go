package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"time"
)

// JobArgs are the arguments of a background job. River's JobArgs has the
// same single method, so the job types of package jobs are JobArgs here
// without the store importing River or package jobs (which imports us).
type JobArgs interface {
	// Kind names the worker that runs the job.
	Kind() string
}

// JobOpts adjusts one enqueued job.
type JobOpts struct {
	// RunAt delays the job until then; zero means as soon as possible.
	RunAt time.Time
}

// JobInserter adds a job inside tx, so that the job exists if and only if
// tx commits.
type JobInserter func(ctx context.Context, tx *sql.Tx, args JobArgs, opts JobOpts) error

// SetJobInserter tells the store how to enqueue jobs. Package jobs calls it
// once at start-up, before the store is shared between goroutines.
func (s *Store) SetJobInserter(insert JobInserter) { s.jobs = insert }

// insertJob enqueues a job with the rest of tx's writes: a rolled-back
// transaction leaves no job behind, and a job never runs before the rows it
// needs are committed.
func (s *Store) insertJob(ctx context.Context, tx *Tx, args JobArgs, opts JobOpts) error {
	if s.jobs == nil {
		return fmt.Errorf("store: cannot enqueue %s: no job inserter is set", args.Kind())
	}
	if err := s.jobs(ctx, tx.Tx, args, opts); err != nil {
		return fmt.Errorf("store: enqueueing %s: %w", args.Kind(), err)
	}
	return nil
}

// OpenJobPool opens a pool of exactly one connection on the store's SQLite
// file, for River's SQLite driver: River runs its own transactions from
// several goroutines, which one connection serialises instead of failing
// with "database is locked". The caller closes the pool. On PostgreSQL River
// shares DB instead.
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
