package store

import "context"

// Hooks into the backup code for the external tests: whether a table is
// left out of backups, the tables of the schema, and the generic dump and
// restore of one table, for tables the tests make of their own.

var EphemeralTable = ephemeralTable

func (s *Store) TableNames(ctx context.Context) (names []string, err error) {
	q := `SELECT name FROM sqlite_master WHERE type = 'table'`
	if s.dialect == Postgres {
		q = `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`
	}
	err = s.read(ctx, func(tx *Tx) error {
		rows, err := tx.QueryContext(ctx, q)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var n string
			if err := rows.Scan(&n); err != nil {
				return err
			}
			names = append(names, n)
		}
		return rows.Err()
	})
	return names, err
}

func (s *Store) DumpTable(ctx context.Context, t BackupTable, studioID string) (rows []Row, err error) {
	err = s.snapshot(ctx, func(tx *Tx) error {
		return dumpTable(ctx, tx, t, studioID, func(_ BackupTable, r Row) error {
			rows = append(rows, r)
			return nil
		})
	})
	return rows, err
}

func (s *Store) RestoreTable(ctx context.Context, t TableRows) error {
	return s.write(ctx, func(tx *Tx) error { return restoreTable(ctx, tx, t) })
}
