package cluster

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// checkMail holds the mailbox against the studio's messages answered 201.
// The outbox sends each mail at least once: a mail is marked sent after
// the SMTP server accepted it, so an instance that dies (or loses the
// database) between the two leaves it pending, and the retry sends it
// again, under the same Message-ID (outbox-<id>), which a mail client
// shows once. So: every message has one outbox mail, every outbox mail
// arrived, and a second copy is allowed only of a mail whose job was
// tried again; it must carry the same Message-ID. It returns the
// summary's line.
func (w *workload) checkMail(t *testing.T, studioID string) string {
	db := w.c.db
	count := func(q string, args ...any) int {
		t.Helper()
		var n int
		must(t, db.QueryRow(q, args...).Scan(&n))
		return n
	}
	waitFor(t, 120*time.Second, "the outbox to be sent", func() (bool, string) {
		n := count(`SELECT count(*) FROM outbox WHERE studio_id = $1 AND status <> 'sent'`, studioID)
		return n == 0, fmt.Sprintf("%d mails not sent", n)
	})
	type item struct{ to, body string }
	byMessage := map[string][]string{}
	items := map[string]item{}
	rows, err := db.Query(`SELECT id, coalesce(message_id, ''), to_email, body FROM outbox WHERE studio_id = $1`, studioID)
	must(t, err)
	for rows.Next() {
		var id, msg string
		var it item
		must(t, rows.Scan(&id, &msg, &it.to, &it.body))
		items[id] = it
		byMessage[msg] = append(byMessage[msg], id)
	}
	must(t, rows.Err())
	rows.Close()

	copies := map[string]int{}
	received := w.c.mail.Received()
	for _, r := range received {
		p := r.Parse(t)
		id := strings.TrimPrefix(strings.Trim(p.Header.Get("Message-Id"), "<>"), "outbox-")
		id, _, _ = strings.Cut(id, "@")
		it, ok := items[id]
		if !ok {
			t.Errorf("a mail with Message-ID %q that is no outbox mail of the studio", p.Header.Get("Message-Id"))
			continue
		}
		copies[id]++
		if len(r.To) != 1 || r.To[0] != it.to || !strings.Contains(p.Body, it.body) {
			t.Errorf("outbox mail %s arrived for %v with body %q, want %s with %q", id, r.To, p.Body, it.to, it.body)
		}
	}
	again := 0
	for _, m := range w.messages {
		ids := byMessage[m.id]
		if len(ids) != 1 {
			t.Errorf("message %s answered 201 has %d outbox mails", m.id, len(ids))
			continue
		}
		id := ids[0]
		if items[id].to != m.to {
			t.Errorf("message %s's mail goes to %s, want %s", m.id, items[id].to, m.to)
		}
		switch n := copies[id]; {
		case n == 0:
			t.Errorf("message %s's mail (outbox %s) was marked sent but never arrived", m.id, id)
		case n > 1:
			attempt := count(`SELECT coalesce(max(attempt), 0) FROM river_job WHERE kind = 'send_mail' AND args->>'outbox_id' = $1`, id)
			if attempt < 2 || n > attempt {
				t.Errorf("message %s's mail (outbox %s) arrived %d times in %d attempts", m.id, id, n, attempt)
			}
			again++
		}
	}
	if len(w.messages) == 0 {
		t.Error("no message to a client was answered 201")
	}
	return fmt.Sprintf("%d messages to clients answered 201, %d mails received over SMTP, each message's mail there (%d sent again after an interrupted attempt, under its Message-ID)",
		len(w.messages), len(received), again)
}
