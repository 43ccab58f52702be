package store_test

import (
	"testing"

	"atelier/internal/store"
	"atelier/internal/store/storetest"
)

// A rolling upgrade migrates the database before the instances are
// replaced: an older binary on a database ahead of it (a migration it does
// not know applied) stays ready, and its `atelier migrate` (which the
// systemd unit runs before each start) has nothing to do and succeeds.
func TestAnOlderBinaryKeepsWorkingOnANewerSchema(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		before, err := s.Migrate(ctx)
		if err != nil {
			t.Fatal(err)
		}
		// What a newer binary's next migration leaves behind.
		if _, err := s.DB().ExecContext(ctx, `INSERT INTO goose_db_version (version_id, is_applied) VALUES ($1, true)`, before+1); err != nil {
			t.Fatal(err)
		}
		if pending, err := s.MigrationsPending(ctx); err != nil || pending {
			t.Fatalf("on a newer schema: pending %v, %v", pending, err)
		}
		if v, err := s.Migrate(ctx); err != nil || v != before+1 {
			t.Fatalf("migrate on a newer schema: version %d, %v; want %d", v, err, before+1)
		}
	})
}
