package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"atelier/internal/auth"
	"atelier/internal/studio"
)

// The outbox keeps every e-mail to a client until the server has accepted
// it. A mail is queued in the transaction that writes what it announces,
// together with the job that sends it (see jobs/mail.go), so that neither
// exists without the other.

const outboxColumns = `id, studio_id, message_id, to_email, subject, body, status, attempts, last_error, created_at, sent_at`

const (
	// outboxListLimit is how many of the newest mails Outbox lists.
	outboxListLimit = 200
	// maxOutboxError bounds last_error: a server's reply can run long, and
	// the studio's page shows it on one line.
	maxOutboxError = 1000
)

func scanOutboxItem(row interface{ Scan(...any) error }) (studio.OutboxItem, error) {
	var o studio.OutboxItem
	var message sql.NullString
	var sent sql.NullTime
	err := row.Scan(&o.ID, &o.StudioID, &message, &o.To, &o.Subject, &o.Body, &o.Status,
		&o.Attempts, &o.LastError, &o.CreatedAt, &sent)
	o.MessageID, o.CreatedAt, o.SentAt = message.String, o.CreatedAt.UTC(), nullTime(sent)
	return o, err
}

// QueueMail queues a mail of a studio that announces no message, such as
// a test mail from the settings.
func (s *Store) QueueMail(ctx context.Context, studioID, to, subject, body string) (o studio.OutboxItem, err error) {
	err = s.write(ctx, func(tx *Tx) error {
		var one int
		err := tx.QueryRowContext(ctx, `SELECT 1 FROM studios WHERE id = $1`, studioID).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("studio")
		}
		if err != nil {
			return err
		}
		o, err = s.insertOutboxItem(ctx, tx, studio.OutboxItem{StudioID: studioID, To: to, Subject: subject, Body: body})
		return err
	})
	return o, err
}

// queueMail adds a pending mail to the outbox and the job that sends it,
// inside the caller's transaction: if the transaction rolls back, neither
// is left; if it commits, the mail is sent (or retried) even when the mail
// server is down right now. messageID may be "" for a mail that announces
// no message. A subject longer than studio.MaxMailSubject is cut; an
// invalid address, a subject with a line break or an empty body is a
// studio.Error (Invalid).
func (s *Store) queueMail(ctx context.Context, tx *Tx, studioID, messageID, to, subject, body string) error {
	_, err := s.insertOutboxItem(ctx, tx, studio.OutboxItem{StudioID: studioID, MessageID: messageID, To: to, Subject: subject, Body: body})
	return err
}

func (s *Store) insertOutboxItem(ctx context.Context, tx *Tx, o studio.OutboxItem) (studio.OutboxItem, error) {
	o.Subject = studio.CutMailSubject(o.Subject)
	if err := o.Validate(); err != nil {
		return o, err
	}
	o.ID, o.Status, o.CreatedAt = auth.NewID(), studio.OutboxPending, tx.now
	_, err := tx.ExecContext(ctx, `INSERT INTO outbox (id, studio_id, message_id, to_email, subject, body, status, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		o.ID, o.StudioID, sql.NullString{String: o.MessageID, Valid: o.MessageID != ""}, o.To, o.Subject, o.Body, o.Status, o.CreatedAt)
	if err != nil {
		return o, fmt.Errorf("store: queueing mail: %w", err)
	}
	return o, s.enqueue(ctx, tx, SendMailJob{OutboxID: o.ID})
}

// OutboxItem finds a mail by its id alone, for the worker that sends it;
// the studio's pages list theirs with Outbox.
func (s *Store) OutboxItem(ctx context.Context, id string) (o studio.OutboxItem, err error) {
	err = s.read(ctx, func(tx *Tx) error {
		o, err = scanOutboxItem(tx.QueryRowContext(ctx, `SELECT `+outboxColumns+` FROM outbox WHERE id = $1`, id))
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("mail")
		}
		return err
	})
	return o, err
}

// Outbox lists a studio's newest mails (at most 200), newest first.
func (s *Store) Outbox(ctx context.Context, studioID string) (items []studio.OutboxItem, err error) {
	err = s.read(ctx, func(tx *Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT `+outboxColumns+` FROM outbox WHERE studio_id = $1
			ORDER BY created_at DESC, id DESC LIMIT $2`, studioID, outboxListLimit)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			o, err := scanOutboxItem(rows)
			if err != nil {
				return err
			}
			items = append(items, o)
		}
		return rows.Err()
	})
	return items, err
}

// MarkOutboxSent records that the server accepted a mail.
func (s *Store) MarkOutboxSent(ctx context.Context, id string) error {
	return s.write(ctx, func(tx *Tx) error {
		return updatePendingOutbox(ctx, tx, id, `status = 'sent', attempts = attempts + 1, sent_at = $2`, tx.now)
	})
}

// MarkOutboxAttempt records a failed attempt that will be tried again.
func (s *Store) MarkOutboxAttempt(ctx context.Context, id, errText string) error {
	return s.write(ctx, func(tx *Tx) error {
		return updatePendingOutbox(ctx, tx, id, `attempts = attempts + 1, last_error = $2`, outboxError(errText))
	})
}

// MarkOutboxFailed records the last failed attempt at a mail, which is
// given up.
func (s *Store) MarkOutboxFailed(ctx context.Context, id, errText string) error {
	return s.write(ctx, func(tx *Tx) error {
		return updatePendingOutbox(ctx, tx, id, `status = 'failed', attempts = attempts + 1, last_error = $2`, outboxError(errText))
	})
}

// updatePendingOutbox applies set (whose parameters start at $2) to a
// pending mail. A mail already sent or given up is left as it is, so that
// a job that runs twice changes nothing; a missing one is not found.
func updatePendingOutbox(ctx context.Context, tx *Tx, id, set string, args ...any) error {
	res, err := tx.ExecContext(ctx, `UPDATE outbox SET `+set+` WHERE id = $1 AND status = 'pending'`, append([]any{id}, args...)...)
	if err != nil {
		return fmt.Errorf("store: updating mail %s: %w", id, err)
	}
	if n, err := res.RowsAffected(); err != nil || n > 0 {
		return err
	}
	var one int
	err = tx.QueryRowContext(ctx, `SELECT 1 FROM outbox WHERE id = $1`, id).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return notFound("mail")
	}
	return err
}

// outboxError makes an error's text fit last_error.
func outboxError(text string) string {
	text = strings.TrimSpace(strings.ToValidUTF8(text, "\uFFFD"))
	runes := 0
	for i := range text {
		if runes == maxOutboxError {
			return text[:i]
		}
		runes++
	}
	return text
}
