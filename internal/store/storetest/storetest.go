// Package storetest opens real, isolated, migrated stores for tests: SQLite
// always, and PostgreSQL when ATELIER_TEST_DATABASE_URL names a server.
package storetest

import (
	"context"
	"database/sql"
	"net/url"
	"os"
	"testing"
	"time"

	"atelier/internal/auth"
	"atelier/internal/store"
)

// EnvDatabaseURL names the PostgreSQL server the tests may use. Each test
// gets a schema of its own there, dropped when the test ends.
const EnvDatabaseURL = "ATELIER_TEST_DATABASE_URL"

// Dialects lists the databases to test on. In CI (CI set) a missing
// PostgreSQL is a failure, never a silent skip.
func Dialects(tb testing.TB) []store.Dialect {
	if os.Getenv(EnvDatabaseURL) != "" {
		return []store.Dialect{store.SQLite, store.Postgres}
	}
	if os.Getenv("CI") != "" {
		tb.Fatalf("CI is set but %s is not: the PostgreSQL half of the suite must run in CI", EnvDatabaseURL)
	}
	return []store.Dialect{store.SQLite}
}

// Each runs fn as a subtest per dialect, each with a fresh store.
func Each(t *testing.T, fn func(t *testing.T, s *store.Store)) {
	t.Helper()
	EachDialect(t, func(t *testing.T, d store.Dialect) { fn(t, Open(t, d, nil)) })
}

// EachDialect runs fn as a subtest (or sub-benchmark) named after each
// dialect, for tests that open their stores themselves: several, with a
// clock, or with the rest of a server. fn may call t.Parallel.
func EachDialect[T subtester[T]](t T, fn func(t T, d store.Dialect)) {
	t.Helper()
	for _, d := range Dialects(t) {
		t.Run(string(d), func(t T) { fn(t, d) })
	}
}

// subtester is *testing.T or *testing.B.
type subtester[T any] interface {
	testing.TB
	Run(name string, f func(T)) bool
}

// Open returns a migrated store of dialect d that lives as long as the
// test. now, when not nil, is the store's clock.
func Open(tb testing.TB, d store.Dialect, now func() time.Time) *store.Store {
	tb.Helper()
	cfg := Config(tb, d)
	cfg.Now = now
	s, err := store.Open(context.Background(), cfg)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	if _, err := s.Migrate(context.Background()); err != nil {
		tb.Fatal(err)
	}
	return s
}

// SecretKey is the install secret of test stores.
var SecretKey = []byte("atelier-test-install-secret-0123")

// Config returns a store configuration for an empty database of dialect d
// that is removed when the test ends.
func Config(tb testing.TB, d store.Dialect) store.Config {
	tb.Helper()
	if d == store.SQLite {
		return store.Config{DataDir: tb.TempDir(), SecretKey: SecretKey}
	}
	return store.Config{DatabaseURL: NewSchema(tb), DataDir: tb.TempDir(), SecretKey: SecretKey}
}

// NewSchema creates a PostgreSQL schema for this test alone and returns a
// URL whose search_path points at it.
func NewSchema(tb testing.TB) string {
	tb.Helper()
	base := os.Getenv(EnvDatabaseURL)
	if base == "" {
		tb.Fatalf("%s is not set", EnvDatabaseURL)
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { admin.Close() })
	schema := "test_" + auth.NewID()
	if _, err := admin.Exec(`CREATE SCHEMA ` + schema); err != nil {
		tb.Fatalf("creating schema on %s: %v", EnvDatabaseURL, err)
	}
	tb.Cleanup(func() {
		if _, err := admin.Exec(`DROP SCHEMA ` + schema + ` CASCADE`); err != nil {
			tb.Errorf("dropping test schema: %v", err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		tb.Fatalf("%s must be a postgres:// URL: %v", EnvDatabaseURL, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}
