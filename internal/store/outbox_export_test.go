package store

import "context"

// QueueMailTx lets the tests in package store_test queue a mail inside a
// transaction of their own, as the commissions code does.
func (s *Store) QueueMailTx(ctx context.Context, tx *Tx, studioID, messageID, to, subject, body string) error {
	return s.queueMail(ctx, tx, studioID, messageID, to, subject, body)
}
