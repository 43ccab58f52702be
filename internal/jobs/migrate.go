package jobs

import (
	"context"
	"database/sql"
	"fmt"
	"hash/fnv"
	"log/slog"

	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"

	"atelier/internal/store"
)

// Migrate creates or updates River's tables in the store's database. It
// applies only what is missing, so it runs on every start. On PostgreSQL
// the tables go to the first schema of the connection's search_path (River's
// Schema is left empty on purpose), which keeps isolated test schemas apart.
func Migrate(ctx context.Context, st *store.Store) error {
	if st.Dialect() == store.SQLite {
		pool, err := st.OpenJobPool(ctx)
		if err != nil {
			return err
		}
		defer pool.Close()
		return migrate(ctx, riversqlite.New(pool))
	}
	unlock, err := lockSchema(ctx, st.DB())
	if err != nil {
		return err
	}
	defer unlock()
	return migrate(ctx, riverdatabasesql.New(st.DB()))
}

func migrate(ctx context.Context, driver riverdriver.Driver[*sql.Tx]) error {
	// Errors are returned; River's progress lines would only clutter the
	// output of `atelier migrate`.
	m, err := rivermigrate.New(driver, &rivermigrate.Config{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return fmt.Errorf("jobs: migrating: %w", err)
	}
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("jobs: migrating: %w", err)
	}
	return nil
}

// lockSchema makes concurrent migrations of one schema wait for each other:
// River checks which versions exist and then applies the rest, so two
// processes starting at once would both try to create the same tables. The
// lock is per schema, so isolated test schemas do not wait on one another,
// and it belongs to a transaction of its own, so that it is released
// whatever happens, when that transaction ends.
func lockSchema(ctx context.Context, db *sql.DB) (unlock func(), err error) {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("jobs: migrating: %w", err)
	}
	var schema string
	if err := tx.QueryRowContext(ctx, `SELECT current_schema()`).Scan(&schema); err != nil {
		tx.Rollback()
		return nil, fmt.Errorf("jobs: migrating: no schema in search_path: %w", err)
	}
	h := fnv.New64a()
	h.Write([]byte("atelier-river-migrate:" + schema))
	if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(h.Sum64()>>1)); err != nil {
		tx.Rollback()
		return nil, fmt.Errorf("jobs: migrating: taking the migration lock: %w", err)
	}
	return func() { tx.Rollback() }, nil
}
