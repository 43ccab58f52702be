package jobs

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"atelier/internal/files/filestest"
	"atelier/internal/mail"
	"atelier/internal/mail/mailtest"
	"atelier/internal/store"
	"atelier/internal/store/storetest"
	"atelier/internal/studio"
)

const (
	mailSubject = "Ihre Miniatur — Oma Rosé"
	mailBody    = "Liebe Frau Rosé,\n\ndie Büste ist gebacken: 12 cm, Grüße aus dem Atelier.\n.Punkt am Zeilenanfang = kein Problem"
)

// quickly retries every 100 ms instead of River's back-off of seconds
// to days.
var quickly = MailRetry{Delay: 100 * time.Millisecond}

// mailSetup is a store with a studio and a started runner that sends
// through srv (or has mail off when srv is nil).
type mailSetup struct {
	st     *store.Store
	runner *Runner
	studio studio.Studio
}

func startMail(t *testing.T, d store.Dialect, srv *mailtest.Server, retry MailRetry) mailSetup {
	t.Helper()
	st := openStore(t, storetest.Config(t, d))
	ana, err := st.CreateStudio(t.Context(), studio.NewStudio("ana", "Studio Ana", "Ana"))
	if err != nil {
		t.Fatal(err)
	}
	blobs, _ := filestest.Open(t)
	cfg := Config{Files: blobs, Log: testLog(t), MailRetry: retry}
	if srv != nil {
		mc, err := mail.ParseURL(srv.URL("Atelier Ana <studio@example.com>"))
		if err != nil {
			t.Fatal(err)
		}
		cfg.Mailer = mail.NewSender(mc, nil)
	}
	return mailSetup{st: st, runner: start(t, st, cfg), studio: ana}
}

func (m mailSetup) queue(t *testing.T) studio.OutboxItem {
	t.Helper()
	o, err := m.st.QueueMail(t.Context(), m.studio.ID, "rose@example.com", mailSubject, mailBody)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// waitForItem polls the outbox row until cond holds.
func (m mailSetup) waitForItem(t *testing.T, id, what string, cond func(studio.OutboxItem) bool) studio.OutboxItem {
	t.Helper()
	var o studio.OutboxItem
	waitFor(t, what, func() bool {
		var err error
		o, err = m.st.OutboxItem(t.Context(), id)
		if err != nil {
			t.Fatal(err)
		}
		return cond(o)
	})
	return o
}

// jobStates lists the states of the send_mail jobs.
func (m mailSetup) jobStates(t *testing.T) string {
	t.Helper()
	rows, err := m.st.DB().QueryContext(t.Context(), `SELECT state FROM river_job WHERE kind = 'send_mail' ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var states []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		states = append(states, s)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return strings.Join(states, ",")
}

func isSent(o studio.OutboxItem) bool { return o.Status == studio.OutboxSent }

func TestQueuedMailArrives(t *testing.T) {
	storetest.EachDialect(t, func(t *testing.T, d store.Dialect) {
		t.Parallel()
		srv := mailtest.Start(t, mailtest.Options{TLS: mailtest.StartTLS, Username: "ana", Password: "secret"})
		m := startMail(t, d, srv, quickly)
		o := m.queue(t)
		got := m.waitForItem(t, o.ID, "the mail to be sent", isSent)
		if got.Attempts != 1 || got.SentAt == nil || got.LastError != "" {
			t.Fatalf("sent item %+v", got)
		}
		r := srv.Wait(t, 1)[0]
		if r.From != "studio@example.com" || strings.Join(r.To, ",") != "rose@example.com" {
			t.Fatalf("envelope from %q to %q", r.From, r.To)
		}
		p := r.Parse(t)
		if p.Subject != mailSubject {
			t.Errorf("subject %q, want %q", p.Subject, mailSubject)
		}
		if want := strings.ReplaceAll(mailBody, "\n", "\r\n") + "\r\n"; p.Body != want {
			t.Errorf("body %q, want %q", p.Body, want)
		}
		if from := p.Header.Get("From"); !strings.Contains(from, "<studio@example.com>") {
			t.Errorf("From %q", from)
		}
		if to := p.Header.Get("To"); to != "<rose@example.com>" {
			t.Errorf("To %q", to)
		}
		if id := p.Header.Get("Message-Id"); id != "<outbox-"+o.ID+"@example.com>" {
			t.Errorf("Message-ID %q", id)
		}
	})
}

// The mail server is away: the mail waits in the outbox with each failed
// attempt recorded, and arrives once, and only once, when the server is
// back on the same port.
func TestMailWaitsForTheServer(t *testing.T) {
	storetest.EachDialect(t, func(t *testing.T, d store.Dialect) {
		t.Parallel()
		srv := mailtest.Reserve(t, mailtest.Options{})
		m := startMail(t, d, srv, quickly)
		o := m.queue(t)
		waiting := m.waitForItem(t, o.ID, "two failed attempts", func(o studio.OutboxItem) bool { return o.Attempts >= 2 })
		if waiting.Status != studio.OutboxPending || !strings.Contains(waiting.LastError, "connect") {
			t.Fatalf("while the server is down: %+v", waiting)
		}

		srv.Up(t)
		sent := m.waitForItem(t, o.ID, "the mail to be sent", isSent)
		if sent.Attempts <= waiting.Attempts {
			t.Fatalf("attempts %d after sending, %d before", sent.Attempts, waiting.Attempts)
		}
		// River is done with the job, one attempt per try recorded: no
		// second copy can follow.
		if ends, want := finishedJobs(t, m.st, "send_mail"), fmt.Sprintf("completed after %d", sent.Attempts); ends != want {
			t.Fatalf("jobs ended %q, want %q", ends, want)
		}
		if n := len(srv.Received()); n != 1 {
			t.Fatalf("%d copies arrived, want 1", n)
		}
		if p := srv.Received()[0].Parse(t); p.Subject != mailSubject {
			t.Fatalf("subject %q", p.Subject)
		}
		if states := m.jobStates(t); states != "completed" {
			t.Fatalf("jobs %q, want one completed", states)
		}
	})
}

// A recipient the server refuses for good is tried a few times, then given
// up; nothing is ever delivered.
func TestRejectedMailIsGivenUp(t *testing.T) {
	storetest.EachDialect(t, func(t *testing.T, d store.Dialect) {
		t.Parallel()
		srv := mailtest.Start(t, mailtest.Options{RejectRecipients: true})
		m := startMail(t, d, srv, quickly)
		o := m.queue(t)
		failed := m.waitForItem(t, o.ID, "the mail to be given up", func(o studio.OutboxItem) bool { return o.Status == studio.OutboxFailed })
		if failed.Attempts != rejectedAttempts || !strings.Contains(failed.LastError, "550") || failed.SentAt != nil {
			t.Fatalf("given up: %+v", failed)
		}
		// River is done with the job: no further attempt can follow.
		if ends, want := finishedJobs(t, m.st, "send_mail"), fmt.Sprintf("cancelled after %d", rejectedAttempts); ends != want {
			t.Fatalf("jobs ended %q, want %q", ends, want)
		}
		if n := srv.Refused(); n != rejectedAttempts {
			t.Fatalf("%d attempts reached the server, want %d", n, rejectedAttempts)
		}
		if n := len(srv.Received()); n != 0 {
			t.Fatalf("%d messages delivered", n)
		}
		if states := m.jobStates(t); states != "cancelled" {
			t.Fatalf("jobs %q, want one cancelled", states)
		}
	})
}

// A server that stays away makes the mail fail after the last attempt.
func TestMailIsGivenUpAfterTheLastAttempt(t *testing.T) {
	storetest.EachDialect(t, func(t *testing.T, d store.Dialect) {
		t.Parallel()
		srv := mailtest.Reserve(t, mailtest.Options{})
		m := startMail(t, d, srv, MailRetry{Delay: quickly.Delay, Attempts: 4})
		o := m.queue(t)
		failed := m.waitForItem(t, o.ID, "the mail to be given up", func(o studio.OutboxItem) bool { return o.Status == studio.OutboxFailed })
		if failed.Attempts != 4 || !strings.Contains(failed.LastError, "connect") {
			t.Fatalf("given up: %+v", failed)
		}
	})
}

// With mail off the job completes and the mail stays pending, untried.
func TestMailOffLeavesTheMailPending(t *testing.T) {
	storetest.EachDialect(t, func(t *testing.T, d store.Dialect) {
		t.Parallel()
		m := startMail(t, d, nil, quickly)
		o := m.queue(t)
		waitFor(t, "the job to complete", func() bool { return m.jobStates(t) == "completed" })
		if got, _ := m.st.OutboxItem(t.Context(), o.ID); got.Status != studio.OutboxPending || got.Attempts != 0 {
			t.Fatalf("with mail off: %+v", got)
		}
	})
}

// A second job for a mail already sent sends nothing.
func TestSendMailJobIsIdempotent(t *testing.T) {
	storetest.EachDialect(t, func(t *testing.T, d store.Dialect) {
		t.Parallel()
		srv := mailtest.Start(t, mailtest.Options{})
		m := startMail(t, d, srv, quickly)
		o := m.queue(t)
		m.waitForItem(t, o.ID, "the mail to be sent", isSent)
		if _, err := m.runner.client.Insert(t.Context(), store.SendMailJob{OutboxID: o.ID}, nil); err != nil {
			t.Fatal(err)
		}
		if _, err := m.runner.client.Insert(t.Context(), store.SendMailJob{OutboxID: "gone"}, nil); err != nil {
			t.Fatal(err)
		}
		waitFor(t, "the jobs to complete", func() bool { return m.jobStates(t) == "completed,completed,completed" })
		if n := len(srv.Received()); n != 1 {
			t.Fatalf("%d copies arrived, want 1", n)
		}
	})
}

// A mail the sender cannot write at all is given up at the first attempt.
func TestUnsendableMailIsGivenUpAtOnce(t *testing.T) {
	storetest.EachDialect(t, func(t *testing.T, d store.Dialect) {
		t.Parallel()
		srv := mailtest.Start(t, mailtest.Options{})
		m := startMail(t, d, srv, quickly)
		// A valid address, but one that needs SMTPUTF8, which the sender
		// does not speak.
		o, err := m.st.QueueMail(t.Context(), m.studio.ID, "rosé@example.com", mailSubject, mailBody)
		if err != nil {
			t.Fatal(err)
		}
		failed := m.waitForItem(t, o.ID, "the mail to be given up", func(o studio.OutboxItem) bool { return o.Status == studio.OutboxFailed })
		if failed.Attempts != 1 || !strings.Contains(failed.LastError, "ASCII") {
			t.Fatalf("given up: %+v", failed)
		}
		if n := len(srv.Received()); n != 0 {
			t.Fatalf("%d messages delivered", n)
		}
	})
}
