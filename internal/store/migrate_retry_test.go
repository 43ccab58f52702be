package store

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
)

// A migration that loses a deadlock to a live transaction is run again; any
// other error ends the migrating at once, and the tries are bounded.
func TestUpRetryingRunsADeadlockedMigrationAgain(t *testing.T) {
	deadlock := fmt.Errorf("partial migration error (type:sql,version:26): %w", &pgconn.PgError{Code: "40P01", Message: "deadlock detected"})
	for _, tc := range []struct {
		name  string
		errs  []error
		calls int
		fails bool
	}{
		{"clean", []error{nil}, 1, false},
		{"a deadlock, then through", []error{deadlock, deadlock, nil}, 3, false},
		{"another error", []error{errors.New("syntax error"), nil}, 1, true},
		{"deadlocked every time", []error{deadlock, deadlock, deadlock, deadlock, deadlock, nil}, migrateAttempts, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			calls := 0
			err := upRetrying(context.Background(), func(context.Context) error {
				calls++
				return tc.errs[calls-1]
			})
			if calls != tc.calls || (err != nil) != tc.fails {
				t.Fatalf("%d calls, error %v; want %d calls, failing %v", calls, err, tc.calls, tc.fails)
			}
		})
	}
}
