package store_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"atelier/internal/store"
	"atelier/internal/store/storetest"
	"atelier/internal/studio"
)

const (
	mailSubject = "Ihre Miniatur — Oma Rosé"
	mailBody    = "Liebe Frau Rosé,\nes gibt Neuigkeiten."
)

// A mail and its job are written with the caller's transaction: both after
// a commit, neither after a rollback.
func TestQueueMailCommitsWithItsJob(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ana := mustStudio(t, s, "ana")
		boom := errors.New("boom")
		err := s.WriteTx(ctx, func(tx *store.Tx) error {
			if err := s.QueueMailTx(ctx, tx, ana.ID, "", "rose@example.com", mailSubject, mailBody); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("want the caller's error, got %v", err)
		}
		if items := mustOutbox(t, s, ana.ID); len(items) != 0 || mailJobs(t, s) != "" {
			t.Fatalf("a rolled-back mail left %d rows and jobs %q", len(items), mailJobs(t, s))
		}

		messageID := addMessage(t, s, ana.ID)
		err = s.WriteTx(ctx, func(tx *store.Tx) error {
			return s.QueueMailTx(ctx, tx, ana.ID, messageID, "rose@example.com", mailSubject, mailBody)
		})
		if err != nil {
			t.Fatal(err)
		}
		items := mustOutbox(t, s, ana.ID)
		if len(items) != 1 {
			t.Fatalf("%d mails, want 1", len(items))
		}
		o := items[0]
		if o.Status != studio.OutboxPending || o.MessageID != messageID || o.To != "rose@example.com" ||
			o.Subject != mailSubject || o.Body != mailBody || o.Attempts != 0 || o.SentAt != nil {
			t.Fatalf("queued %+v", o)
		}
		if got, want := mailJobs(t, s), `available:{"outbox_id": "`+o.ID+`"}`; normalizeJSON(got) != normalizeJSON(want) {
			t.Fatalf("jobs %s, want %s", got, want)
		}
	})
}

func TestOutboxLifecycle(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ana := mustStudio(t, s, "ana")
		sent := mustQueue(t, s, ana.ID)
		if err := s.MarkOutboxAttempt(ctx, sent.ID, "dial tcp: connection refused"); err != nil {
			t.Fatal(err)
		}
		o := mustItem(t, s, sent.ID)
		if o.Status != studio.OutboxPending || o.Attempts != 1 || o.LastError != "dial tcp: connection refused" {
			t.Fatalf("after a failed attempt: %+v", o)
		}
		if err := s.MarkOutboxSent(ctx, sent.ID); err != nil {
			t.Fatal(err)
		}
		o = mustItem(t, s, sent.ID)
		if o.Status != studio.OutboxSent || o.Attempts != 2 || o.SentAt == nil || time.Since(*o.SentAt) > time.Minute {
			t.Fatalf("after sending: %+v", o)
		}
		// A settled mail stays as it is: a job that runs again changes nothing.
		for _, mark := range []func() error{
			func() error { return s.MarkOutboxSent(ctx, sent.ID) },
			func() error { return s.MarkOutboxAttempt(ctx, sent.ID, "late") },
			func() error { return s.MarkOutboxFailed(ctx, sent.ID, "late") },
		} {
			if err := mark(); err != nil {
				t.Fatal(err)
			}
		}
		if again := mustItem(t, s, sent.ID); again.Status != studio.OutboxSent || again.Attempts != 2 || again.LastError != o.LastError {
			t.Fatalf("a settled mail changed: %+v", again)
		}

		failed := mustQueue(t, s, ana.ID)
		long := strings.Repeat("ü", 1500)
		if err := s.MarkOutboxFailed(ctx, failed.ID, "550 "+long); err != nil {
			t.Fatal(err)
		}
		o = mustItem(t, s, failed.ID)
		if o.Status != studio.OutboxFailed || o.Attempts != 1 || len([]rune(o.LastError)) != 1000 || o.SentAt != nil {
			t.Fatalf("after giving up: %+v", o)
		}

		wantCode(t, s.MarkOutboxSent(ctx, "nosuchmail"), studio.NotFound)
		_, err := s.OutboxItem(ctx, "nosuchmail")
		wantCode(t, err, studio.NotFound)
	})
}

func TestOutboxListsNewestFirstPerStudio(t *testing.T) {
	storetest.EachDialect(t, func(t *testing.T, d store.Dialect) {
		now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
		s := storetest.Open(t, d, func() time.Time { return now })
		ana, ben := mustStudio(t, s, "ana"), mustStudio(t, s, "ben")
		var want []string
		for range 3 {
			now = now.Add(time.Minute)
			want = append([]string{mustQueue(t, s, ana.ID).ID}, want...)
		}
		mustQueue(t, s, ben.ID)
		var got []string
		for _, o := range mustOutbox(t, s, ana.ID) {
			got = append(got, o.ID)
		}
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Fatalf("outbox %v, want %v", got, want)
		}
		if n := len(mustOutbox(t, s, ben.ID)); n != 1 {
			t.Fatalf("ben has %d mails, want 1", n)
		}
	})
}

func TestQueueMailRefusesWhatCannotBeSent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ana := mustStudio(t, s, "ana")
		for name, q := range map[string][3]string{
			"CRLF in the subject": {"rose@example.com", "Hallo\r\nBcc: evil@example.com", mailBody},
			"LF in the subject":   {"rose@example.com", "Hallo\nBcc: evil@example.com", mailBody},
			"NEL in the subject":  {"rose@example.com", "Hallo\u0085Bcc: evil@example.com", mailBody},
			"CRLF in the address": {"rose@example.com\r\nBcc: evil@example.com", "Hallo", mailBody},
			"two addresses":       {"rose@example.com, evil@example.com", "Hallo", mailBody},
			"no subject":          {"rose@example.com", " ", mailBody},
			"no body":             {"rose@example.com", "Hallo", ""},
		} {
			_, err := s.QueueMail(ctx, ana.ID, q[0], q[1], q[2])
			if studio.ErrorCode(err) != studio.Invalid {
				t.Errorf("%s: got %v, want invalid", name, err)
			}
		}
		if n := len(mustOutbox(t, s, ana.ID)); n != 0 {
			t.Fatalf("%d refused mails were queued", n)
		}
		_, err := s.QueueMail(ctx, "nosuchstudio", "rose@example.com", "Hallo", mailBody)
		wantCode(t, err, studio.NotFound)
	})
}

// A deleted message leaves its mail in the outbox, pointing nowhere.
func TestOutboxOutlivesItsMessage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ana := mustStudio(t, s, "ana")
		messageID := addMessage(t, s, ana.ID)
		err := s.WriteTx(ctx, func(tx *store.Tx) error {
			return s.QueueMailTx(ctx, tx, ana.ID, messageID, "rose@example.com", mailSubject, mailBody)
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.DB().ExecContext(ctx, `DELETE FROM messages WHERE id = $1`, messageID); err != nil {
			t.Fatal(err)
		}
		if items := mustOutbox(t, s, ana.ID); len(items) != 1 || items[0].MessageID != "" {
			t.Fatalf("outbox %+v", items)
		}
	})
}

func mustQueue(t *testing.T, s *store.Store, studioID string) studio.OutboxItem {
	t.Helper()
	o, err := s.QueueMail(ctx, studioID, "rose@example.com", mailSubject, mailBody)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func mustItem(t *testing.T, s *store.Store, id string) studio.OutboxItem {
	t.Helper()
	o, err := s.OutboxItem(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func mustOutbox(t *testing.T, s *store.Store, studioID string) []studio.OutboxItem {
	t.Helper()
	items, err := s.Outbox(ctx, studioID)
	if err != nil {
		t.Fatal(err)
	}
	return items
}

// addMessage writes a commission and a message of it with plain SQL, so
// that these tests need nothing of the commissions code.
func addMessage(t *testing.T, s *store.Store, studioID string) string {
	t.Helper()
	now := time.Now().UTC()
	_, err := s.DB().ExecContext(ctx, `INSERT INTO commissions (id, studio_id, status, subject_name, contact_name,
		contact_email, portal_token_hash, created_at, updated_at)
		VALUES ('c1', $1, 'inquiry', 'Oma Rosé', 'Rosé', 'rose@example.com', 'hash', $2, $2)`, studioID, now)
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.DB().ExecContext(ctx, `INSERT INTO messages (id, studio_id, commission_id, author, body, created_at)
		VALUES ('m1', $1, 'c1', 'studio', 'Neuigkeiten', $2)`, studioID, now)
	if err != nil {
		t.Fatal(err)
	}
	return "m1"
}

// mailJobs lists the send_mail jobs as state:args.
func mailJobs(t *testing.T, s *store.Store) string {
	t.Helper()
	argsExpr := "args"
	if s.Dialect() == store.SQLite {
		argsExpr = "json(args)" // River keeps SQLite's binary JSONB
	}
	rows, err := s.DB().QueryContext(ctx, `SELECT state, `+argsExpr+` FROM river_job WHERE kind = 'send_mail' ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var jobs []string
	for rows.Next() {
		var state, args string
		if err := rows.Scan(&state, &args); err != nil {
			t.Fatal(err)
		}
		jobs = append(jobs, state+":"+args)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return strings.Join(jobs, ",")
}

// normalizeJSON drops the spaces PostgreSQL's jsonb puts after colons.
func normalizeJSON(s string) string { return strings.ReplaceAll(s, " ", "") }

// A subject made of long names is cut rather than refused, so that the
// message it announces can still be posted.
func TestQueueMailCutsALongSubject(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ana := mustStudio(t, s, "ana")
		o, err := s.QueueMail(ctx, ana.ID, "rose@example.com", strings.Repeat("Oma Rosé ", 40), mailBody)
		if err != nil {
			t.Fatal(err)
		}
		if got := mustItem(t, s, o.ID).Subject; len([]rune(got)) != studio.MaxMailSubject || !strings.HasSuffix(got, "…") {
			t.Fatalf("subject %q", got)
		}
	})
}
