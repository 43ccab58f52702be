package store

import "context"

// AppendLeaf appends raw bytes to a studio's log as an edition entry, in a
// write of its own: for benchmarks of the log alone.
func (s *Store) AppendLeaf(ctx context.Context, studioID, ref string, data []byte) error {
	return s.write(ctx, func(tx *Tx) error {
		_, err := appendLeaf(ctx, tx, studioID, entryEdition, ref, data)
		return err
	})
}
