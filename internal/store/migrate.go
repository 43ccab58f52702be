package store

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"hash/fnv"
	"io/fs"
	"log/slog"
	"time"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
)

// Migrations are append-only: a released file is never edited, a change is
// a new file. Each dialect has its own folder with the same numbers.
//
//go:embed migrations
var migrations embed.FS

// Migrate brings the schema up to date: our tables and River's job queue,
// which the store enqueues into. It applies only what is missing, so it
// runs on every start, and it is safe to run from several processes at
// once: on PostgreSQL advisory locks serialise them. The version is that
// of our migrations.
func (s *Store) Migrate(ctx context.Context) (version int64, err error) {
	p, err := s.migrator(ctx)
	if err != nil {
		return 0, err
	}
	if err := upRetrying(ctx, func(ctx context.Context) error { _, err := p.Up(ctx); return err }); err != nil {
		return 0, fmt.Errorf("store: migrating: %w", err)
	}
	if err := s.migrateRiver(ctx); err != nil {
		return 0, err
	}
	if err := s.ProvisionStudios(ctx); err != nil {
		return 0, fmt.Errorf("store: giving studios their signing keys: %w", err)
	}
	return p.GetDBVersion(ctx)
}

// migrateAttempts bounds the tries at migrating when a migration loses a
// deadlock.
const migrateAttempts = 5

// upRetrying runs up again when PostgreSQL ended a migration as the loser
// of a deadlock. Migrations run while the previous release serves (a
// rolling upgrade): one that creates a table with foreign keys locks the
// tables it refers to one after the other, and a request's transaction
// writing the same tables in the other order deadlocks with it.
// PostgreSQL then rolls one of the two back; when it is the migration,
// what came before it stays applied, and running up again applies the
// rest.
func upRetrying(ctx context.Context, up func(context.Context) error) error {
	for attempt := 1; ; attempt++ {
		err := up(ctx)
		if err == nil || attempt == migrateAttempts || !isRetryable(err) {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(time.Duration(attempt) * 200 * time.Millisecond):
		}
	}
}

// MigrationsPending tells whether the database is behind the migrations
// this binary carries, for the readiness check: an instance is not ready
// until `atelier migrate` has run.
func (s *Store) MigrationsPending(ctx context.Context) (bool, error) {
	p, err := s.migrator(ctx)
	if err != nil {
		return false, err
	}
	return p.HasPending(ctx)
}

func (s *Store) migrator(ctx context.Context) (*goose.Provider, error) {
	dir, err := fs.Sub(migrations, "migrations/"+string(s.dialect))
	if err != nil {
		return nil, err
	}
	opts := []goose.ProviderOption{goose.WithDisableGlobalRegistry(true)}
	dialect := goose.DialectSQLite3
	if s.dialect == Postgres {
		dialect = goose.DialectPostgres
		// The lock is per schema, so that instances sharing a schema wait for
		// one another while isolated test schemas do not.
		var schema string
		if err := s.writer.QueryRowContext(ctx, "SELECT current_schema()").Scan(&schema); err != nil {
			return nil, err
		}
		h := fnv.New64a()
		h.Write([]byte("atelier-migrate:" + schema))
		locker, err := lock.NewPostgresSessionLocker(lock.WithLockID(int64(h.Sum64()>>1)), lock.WithLockTimeout(1, 300))
		if err != nil {
			return nil, err
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	return goose.NewProvider(dialect, s.writer, dir, opts...)
}

// migrateRiver creates or updates River's tables. On PostgreSQL they go to
// the first schema of the connection's search_path (River's Schema is left
// empty on purpose), which keeps isolated test schemas apart.
func (s *Store) migrateRiver(ctx context.Context) error {
	driver := riverdriver.Driver[*sql.Tx](riversqlite.New(s.writer))
	if s.dialect == Postgres {
		unlock, err := lockSchema(ctx, s.writer)
		if err != nil {
			return err
		}
		defer unlock()
		driver = riverdatabasesql.New(s.writer)
	}
	// Errors are returned; River's progress lines would only clutter the
	// output of `atelier migrate`.
	m, err := rivermigrate.New(driver, &rivermigrate.Config{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return fmt.Errorf("store: migrating River: %w", err)
	}
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("store: migrating River: %w", err)
	}
	return nil
}

// lockSchema makes concurrent migrations of River's tables in one schema
// wait for each other: River checks which versions exist and then applies
// the rest, so two processes starting at once would both try to create the
// same tables. The lock is per schema, so isolated test schemas do not wait
// on one another, and it belongs to a transaction of its own, so that it is
// released whatever happens, when that transaction ends.
func lockSchema(ctx context.Context, db *sql.DB) (unlock func(), err error) {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("store: migrating River: %w", err)
	}
	var schema string
	if err := tx.QueryRowContext(ctx, `SELECT current_schema()`).Scan(&schema); err != nil {
		tx.Rollback()
		return nil, fmt.Errorf("store: migrating River: no schema in search_path: %w", err)
	}
	h := fnv.New64a()
	h.Write([]byte("atelier-river-migrate:" + schema))
	if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(h.Sum64()>>1)); err != nil {
		tx.Rollback()
		return nil, fmt.Errorf("store: migrating River: taking the migration lock: %w", err)
	}
	return func() { tx.Rollback() }, nil
}
