package store

import (
	"context"
	"embed"
	"fmt"
	"hash/fnv"
	"io/fs"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

// Migrations are append-only: a released file is never edited, a change is
// a new file. Each dialect has its own folder with the same numbers.
//
//go:embed migrations
var migrations embed.FS

// Migrate brings the schema up to date. It is safe to run from several
// processes at once: on PostgreSQL an advisory lock serialises them.
func (s *Store) Migrate(ctx context.Context) (version int64, err error) {
	p, err := s.migrator(ctx)
	if err != nil {
		return 0, err
	}
	if _, err := p.Up(ctx); err != nil {
		return 0, fmt.Errorf("store: migrating: %w", err)
	}
	return p.GetDBVersion(ctx)
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
