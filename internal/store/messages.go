package store

import (
	"context"
	"strings"

	"atelier/internal/auth"
	"atelier/internal/studio"
)

// NewMessage is a note to add to a commission's conversation.
type NewMessage struct {
	StudioID     string
	CommissionID string
	// Author is studio.ByClient or studio.ByStudio.
	Author string
	UserID string
	Body   string
	// Email also sends a studio's message to the client by mail (through
	// the outbox), when the install has a mail server.
	Email bool
}

// PostMessage adds a message; a studio's message to the client is also
// queued for e-mail in the same transaction when n.Email is set.
func (s *Store) PostMessage(ctx context.Context, n NewMessage) (m studio.Message, err error) {
	if why := studio.MessageProblem(n.Body); why != "" {
		return m, studio.FieldError("body", why)
	}
	err = s.write(ctx, func(tx *Tx) error {
		d, err := commissionDetail(ctx, tx, "studio_id = $1 AND id = $2", n.StudioID, n.CommissionID)
		if err != nil {
			return err
		}
		m = studio.Message{ID: auth.NewID(), CommissionID: d.ID, Author: n.Author, UserID: n.UserID, Body: strings.TrimSpace(n.Body), CreatedAt: tx.now}
		_, err = tx.ExecContext(ctx, `INSERT INTO messages (id, studio_id, commission_id, author, user_id, body, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			m.ID, n.StudioID, m.CommissionID, m.Author, nullString(m.UserID), m.Body, m.CreatedAt)
		if err != nil || n.Author != studio.ByStudio || !n.Email {
			return err
		}
		st, err := studioWhere(ctx, tx, "id = $1", n.StudioID)
		if err != nil {
			return err
		}
		subject := st.Name + ": about " + d.Inquiry.SubjectName
		return s.queueMail(ctx, tx, n.StudioID, m.ID, d.Inquiry.ContactEmail, subject, m.Body)
	})
	return m, err
}

// MarkMessagesRead records that the studio has read the client's messages
// on a commission: the commission's page calls it when it shows the
// conversation, so that they leave Today's list and the navigation's count.
func (s *Store) MarkMessagesRead(ctx context.Context, studioID, commissionID string) error {
	return s.write(ctx, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE messages SET read_at = $1
			WHERE studio_id = $2 AND commission_id = $3 AND author = 'client' AND read_at IS NULL`, tx.now, studioID, commissionID)
		return err
	})
}

// UnreadMessages counts the client messages the studio has not read yet.
// Every signed-in page shows it, so it is one COUNT on the partial index,
// outside any transaction.
func (s *Store) UnreadMessages(ctx context.Context, studioID string) (n int, err error) {
	err = s.reader.QueryRowContext(ctx, `SELECT COUNT(*) FROM messages WHERE studio_id = $1 AND author = 'client' AND read_at IS NULL`, studioID).Scan(&n)
	return n, err
}
