package jobs

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/riverqueue/river"

	"atelier/internal/mail"
	"atelier/internal/store"
	"atelier/internal/studio"
)

// Mail being off (no ATELIER_SMTP_URL): the store still queues every mail
// and its job, since whether a process can send mail is no business of the
// transaction that posts a message, and every process (the server, the
// CLI) then writes the same rows. The worker completes such a job at once
// and leaves the mail pending, never sent: turning mail on later does not
// flood a client with notes about messages they have long read in the
// portal. The outbox page shows them as not sent.

// Mailer sends one e-mail; *mail.Sender is the real one.
type Mailer interface {
	Send(ctx context.Context, m mail.Message) error
}

// MailRetry tunes how the mail worker retries; the zero value is the one
// for production.
type MailRetry struct {
	// Delay between attempts; zero means River's back-off of attempt⁴
	// seconds (1 s, 16 s, 81 s, …), about six and a half days over 20 attempts.
	Delay time.Duration
	// Attempts before a mail is given up; zero means DefaultMailAttempts.
	Attempts int
}

const (
	// DefaultMailAttempts spreads the tries at one mail over about a week
	// of River's back-off: a mail server may be away for a long weekend
	// without anything being lost.
	DefaultMailAttempts = 20
	// rejectedAttempts is how often a mail the server refused for good
	// (5xx) is tried: a few times, in case the refusal came from a passing
	// mistake on the server, not for days.
	rejectedAttempts = 3
	// mailTimeout bounds one attempt, below RescueAfter like every job's
	// limit: a mail still being sent must not be rescued and sent again.
	// The sender gives up by this context (its own limit is longer), so
	// a slow server is still recorded as an attempt and retried.
	mailTimeout = jobTimeout
	// markTimeout is the time allowed to record how an attempt went after
	// the job's context has ended.
	markTimeout = 10 * time.Second
)

type mailWorker struct {
	river.WorkerDefaults[store.SendMailJob]
	st     *store.Store
	mailer Mailer
	retry  MailRetry
	now    func() time.Time
	log    *slog.Logger
	// offLogged makes "mail is off" a single line per process.
	offLogged sync.Once
}

func newMailWorker(st *store.Store, cfg Config) *mailWorker {
	w := &mailWorker{st: st, mailer: cfg.Mailer, retry: cfg.MailRetry, now: cfg.Now, log: cfg.Log}
	if w.retry.Attempts <= 0 {
		w.retry.Attempts = DefaultMailAttempts
	}
	return w
}

func (w *mailWorker) Timeout(*river.Job[store.SendMailJob]) time.Duration { return mailTimeout }

// NextRetry is River's back-off unless the tests asked for a short delay.
func (w *mailWorker) NextRetry(*river.Job[store.SendMailJob]) time.Time {
	if w.retry.Delay <= 0 {
		return time.Time{}
	}
	return w.now().Add(w.retry.Delay)
}

// Work sends one mail of the outbox. It is safe to run again: a mail that
// is no longer pending is left alone.
func (w *mailWorker) Work(ctx context.Context, job *river.Job[store.SendMailJob]) error {
	o, err := w.st.OutboxItem(ctx, job.Args.OutboxID)
	if studio.ErrorCode(err) == studio.NotFound {
		w.log.InfoContext(ctx, "mail gone before it was sent", "outbox_id", job.Args.OutboxID)
		return nil
	}
	if err != nil || o.Status != studio.OutboxPending {
		return err
	}
	if w.mailer == nil {
		w.offLogged.Do(func() {
			w.log.WarnContext(ctx, "mail is off (ATELIER_SMTP_URL is not set): mails stay in the outbox unsent")
		})
		return nil
	}
	// The outbox id as Message-ID: a copy sent again because the server's
	// acknowledgement was lost looks like the same message to the client.
	err = w.mailer.Send(ctx, mail.Message{To: o.To, Subject: o.Subject, Body: o.Body, ID: "outbox-" + o.ID})
	if err != nil {
		return w.failed(ctx, job, o, err)
	}
	if err := w.mark(ctx, func(ctx context.Context) error { return w.st.MarkOutboxSent(ctx, o.ID) }); err != nil {
		// Sent, but not recorded: the retry will send it again, which the
		// shared Message-ID makes harmless.
		return err
	}
	w.log.InfoContext(ctx, "mail sent", "outbox_id", o.ID, "attempt", job.Attempt)
	return nil
}

// failed records a failed attempt and returns sendErr for River to retry
// it, or gives the mail up for good.
func (w *mailWorker) failed(ctx context.Context, job *river.Job[store.SendMailJob], o studio.OutboxItem, sendErr error) error {
	if !w.giveUp(job, sendErr) {
		w.log.WarnContext(ctx, "mail not sent; will retry", "outbox_id", o.ID, "attempt", job.Attempt, "err", sendErr)
		markErr := w.mark(ctx, func(ctx context.Context) error { return w.st.MarkOutboxAttempt(ctx, o.ID, sendErr.Error()) })
		return errors.Join(sendErr, markErr)
	}
	w.log.ErrorContext(ctx, "mail given up", "outbox_id", o.ID, "attempt", job.Attempt, "err", sendErr)
	if err := w.mark(ctx, func(ctx context.Context) error { return w.st.MarkOutboxFailed(ctx, o.ID, sendErr.Error()) }); err != nil {
		// Unrecorded, the mail would look pending for ever: let River try
		// the whole job again while it still may.
		return errors.Join(sendErr, err)
	}
	return river.JobCancel(sendErr)
}

// giveUp reports whether this attempt is the last one.
func (w *mailWorker) giveUp(job *river.Job[store.SendMailJob], err error) bool {
	last := min(w.retry.Attempts, job.MaxAttempts)
	switch {
	case studio.ErrorCode(err) == studio.Invalid:
		// The mail itself cannot be sent (an address mail servers do not
		// take, say): every attempt would fail the same way.
		return true
	case mail.Permanent(err):
		last = min(last, rejectedAttempts)
	}
	return job.Attempt >= last
}

// mark records the outcome of an attempt even when the job's context has
// run out, which is often why the attempt failed.
func (w *mailWorker) mark(ctx context.Context, fn func(context.Context) error) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), markTimeout)
	defer cancel()
	return fn(ctx)
}
