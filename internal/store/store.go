// Package store keeps Atelier's records in SQLite or PostgreSQL with one set
// of SQL. Each public method is one transaction that applies the rules of
// package studio inside it.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	"github.com/riverqueue/river"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"atelier/internal/studio"
)

// Dialect names the SQL database behind a Store.
type Dialect string

const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// Config says where the records live.
type Config struct {
	// DatabaseURL is a postgres:// URL; empty means SQLite in DataDir.
	DatabaseURL string
	// DataDir holds atelier.db when DatabaseURL is empty. It is created if missing.
	DataDir string
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Store is the database. It is safe for concurrent use.
type Store struct {
	dialect Dialect
	// writer takes write transactions. On SQLite it is a separate pool whose
	// transactions start with BEGIN IMMEDIATE, so concurrent writers queue
	// for the lock instead of failing half-way; reader starts deferred ones.
	writer *sql.DB
	reader *sql.DB
	now    func() time.Time
	// jobs enqueues background jobs inside write transactions; see river.go.
	jobs *river.Client[*sql.Tx]
}

// Open connects to the database named by cfg. Call Migrate before use.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	s := &Store{now: cfg.Now}
	if s.now == nil {
		s.now = time.Now
	}
	var err error
	switch {
	case cfg.DatabaseURL == "":
		err = s.openSQLite(cfg.DataDir)
	case strings.HasPrefix(cfg.DatabaseURL, "postgres://") || strings.HasPrefix(cfg.DatabaseURL, "postgresql://"):
		err = s.openPostgres(cfg.DatabaseURL)
	default:
		return nil, fmt.Errorf("store: ATELIER_DATABASE_URL must be a postgres:// URL")
	}
	if err != nil {
		return nil, err
	}
	if s.jobs, err = newJobClient(s.dialect); err != nil {
		s.Close()
		return nil, err
	}
	if err := s.writer.PingContext(ctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("store: connecting to %s: %w", s.dialect, err)
	}
	return s, nil
}

func (s *Store) openSQLite(dir string) error {
	if dir == "" {
		return errors.New("store: a data directory is required for SQLite")
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return fmt.Errorf("store: creating data directory: %w", err)
	}
	abs, err := filepath.Abs(filepath.Join(dir, "atelier.db"))
	if err != nil {
		return err
	}
	if strings.ContainsAny(abs, "?#") {
		return fmt.Errorf("store: the data directory path may not contain ? or #")
	}
	open := func(txlock string) (*sql.DB, error) { return sql.Open("sqlite", sqliteDSN(abs, txlock)) }
	s.dialect = SQLite
	if s.writer, err = open("immediate"); err != nil {
		return err
	}
	// One writer connection: writes queue in Go rather than spinning on the
	// file lock. Other processes (the CLI) still wait through busy_timeout.
	s.writer.SetMaxOpenConns(1)
	if s.reader, err = open("deferred"); err != nil {
		return err
	}
	s.reader.SetMaxOpenConns(8)
	return nil
}

func (s *Store) openPostgres(dsn string) error {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return err
	}
	db.SetMaxOpenConns(20)
	db.SetMaxIdleConns(10)
	db.SetConnMaxIdleTime(5 * time.Minute)
	s.dialect, s.writer, s.reader = Postgres, db, db
	return nil
}

// Close releases the database connections. The job inserter has none of
// its own.
func (s *Store) Close() error {
	err := s.writer.Close()
	if s.reader != s.writer && s.reader != nil {
		err = errors.Join(err, s.reader.Close())
	}
	return err
}

// Dialect tells which database the store uses.
func (s *Store) Dialect() Dialect { return s.dialect }

// DB is the write pool, for the few packages (jobs, sessions) whose library
// needs a *sql.DB of its own.
func (s *Store) DB() *sql.DB { return s.writer }

// Ping checks that the database answers a query.
func (s *Store) Ping(ctx context.Context) error {
	var one int
	return s.reader.QueryRowContext(ctx, "SELECT 1").Scan(&one)
}

// Tx is a transaction with the store's clock.
type Tx struct {
	*sql.Tx
	now time.Time
}

// write runs fn in a write transaction and commits it when fn returns nil.
func (s *Store) write(ctx context.Context, fn func(*Tx) error) error {
	return s.run(ctx, s.writer, nil, fn)
}

// read runs fn in a transaction that sees one consistent snapshot.
func (s *Store) read(ctx context.Context, fn func(*Tx) error) error {
	var opts *sql.TxOptions
	if s.dialect == Postgres {
		opts = &sql.TxOptions{ReadOnly: true}
	}
	return s.run(ctx, s.reader, opts, fn)
}

func (s *Store) run(ctx context.Context, db *sql.DB, opts *sql.TxOptions, fn func(*Tx) error) error {
	sqlTx, err := db.BeginTx(ctx, opts)
	if err != nil {
		return fmt.Errorf("store: begin: %w", err)
	}
	// Microseconds are all PostgreSQL keeps; cutting there on both databases
	// lets records move between them (backup, restore) unchanged.
	tx := &Tx{Tx: sqlTx, now: s.now().UTC().Truncate(time.Microsecond)}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: commit: %w", err)
	}
	return nil
}

// isUniqueViolation reports whether err is a broken UNIQUE or PRIMARY KEY
// constraint, on either database.
func isUniqueViolation(err error) bool {
	if pgErr, ok := errors.AsType[*pgconn.PgError](err); ok {
		return pgErr.Code == "23505"
	}
	if liteErr, ok := errors.AsType[*sqlite.Error](err); ok {
		c := liteErr.Code()
		return c == sqlite3.SQLITE_CONSTRAINT_UNIQUE || c == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	return false
}

// notFound is the error for a record that does not exist or that the
// caller's studio does not own: the two are indistinguishable on purpose.
func notFound(what string) error {
	return studio.Errorf(studio.NotFound, "No such %s.", what)
}

// nullTime converts a scanned nullable time to a UTC pointer.
func nullTime(t sql.NullTime) *time.Time {
	if !t.Valid {
		return nil
	}
	u := t.Time.UTC()
	return &u
}
