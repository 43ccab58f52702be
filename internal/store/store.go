// Package store keeps Atelier's records in SQLite or PostgreSQL with one set
// of SQL. Each public method is one transaction that applies the rules of
// package studio inside it.
//
// Writes are serialised per record on both databases, so that the domain
// decides on the current state: SQLite takes one writer at a time (BEGIN
// IMMEDIATE), and on PostgreSQL the loaders of records that carry a state
// or a counter (pieceWhere, commissionWhere, lockedStudio) take the row's
// lock (SELECT … FOR UPDATE) whenever they run in a write transaction.
// Locks are taken in one order — a piece, then its commission — so that
// two writers never wait on each other; a studio's row is locked only by
// the write that changes the studio. A unique
// constraint that backs a rule and breaks anyway (two writers racing to
// insert) is a conflict, translated once in run, never a 500.
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
	// SecretKey is the install secret. Studios' signing keys are kept
	// sealed with it; without it no studio can be created or sign.
	SecretKey []byte
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
	secret []byte
	// jobs enqueues background jobs inside write transactions; see river.go.
	jobs *river.Client[*sql.Tx]
	// plans keeps each studio's last plan; see planning.go.
	plans planCache
}

// Open connects to the database named by cfg. Call Migrate before use.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	s := &Store{now: cfg.Now, secret: cfg.SecretKey}
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
	// lock ends the SELECT of a record a write decides from: " FOR UPDATE"
	// in a PostgreSQL write transaction, empty otherwise (SQLite's writer
	// holds the whole database already).
	lock  string
	clock func() time.Time
	// secret is the install secret, for the sealed signing keys.
	secret []byte
	// store is the store the transaction belongs to, for the jobs a
	// helper enqueues with the transaction's writes.
	store *Store
	// stamped: now was read again when the first lock was held.
	stamped bool
}

// locked is called by a loader once it holds a record's lock. The
// transaction's time becomes that moment, so that a writer that waited for
// the lock is later than the one it waited for (on SQLite the transaction
// begins holding the lock, and its time is that moment already).
func (tx *Tx) locked() {
	if tx.lock == "" || tx.stamped {
		return
	}
	tx.stamped = true
	tx.now = stamp(tx.clock())
}

// stamp cuts a time to what the databases keep: microseconds are all
// PostgreSQL keeps; cutting there on both lets records move between them
// (backup, restore) unchanged.
func stamp(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// write runs fn in a write transaction and commits it when fn returns nil.
func (s *Store) write(ctx context.Context, fn func(*Tx) error) error {
	return raced(s.writeRaw(ctx, fn))
}

// writeRaw is write with the database's errors as they are.
func (s *Store) writeRaw(ctx context.Context, fn func(*Tx) error) error {
	lock := ""
	if s.dialect == Postgres {
		lock = " FOR UPDATE"
	}
	return s.run(ctx, s.writer, nil, lock, fn)
}

// read runs fn in a transaction that sees one consistent snapshot.
func (s *Store) read(ctx context.Context, fn func(*Tx) error) error {
	var opts *sql.TxOptions
	if s.dialect == Postgres {
		opts = &sql.TxOptions{ReadOnly: true}
	}
	return s.run(ctx, s.reader, opts, "", fn)
}

func (s *Store) run(ctx context.Context, db *sql.DB, opts *sql.TxOptions, lock string, fn func(*Tx) error) error {
	sqlTx, err := db.BeginTx(ctx, opts)
	if err != nil {
		return fmt.Errorf("store: begin: %w", err)
	}
	tx := &Tx{Tx: sqlTx, now: stamp(s.now()), lock: lock, clock: s.now, secret: s.secret, store: s}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: commit: %w", err)
	}
	return nil
}

// raced turns the database's word that a concurrent writer got there first
// into a conflict the person can act on: a unique constraint broken by a
// racing insert, or (PostgreSQL) a deadlock or serialisation failure. Every
// write passes through it.
// Errors the domain already worded pass unchanged.
func raced(err error) error {
	if _, ok := errors.AsType[*studio.Error](err); ok {
		return err
	}
	if isUniqueViolation(err) || isRetryable(err) {
		return studio.Errorf(studio.Conflict, "Someone else changed this at the same moment. Reload it and try again.")
	}
	return err
}

// isRetryable reports a PostgreSQL deadlock or serialisation failure.
func isRetryable(err error) bool {
	pgErr, ok := errors.AsType[*pgconn.PgError](err)
	return ok && (pgErr.Code == "40001" || pgErr.Code == "40P01")
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
