package studio

import (
	"strings"
	"time"
	"unicode/utf8"
)

// OutboxStatus is where an e-mail of the outbox stands.
type OutboxStatus string

const (
	// OutboxPending waits to be sent, or to be tried again.
	OutboxPending OutboxStatus = "pending"
	// OutboxSent was accepted by the mail server.
	OutboxSent OutboxStatus = "sent"
	// OutboxFailed was given up: the server refused it for good, or every
	// attempt failed.
	OutboxFailed OutboxStatus = "failed"
)

// Limits of outgoing mail.
const (
	MaxMailSubject = 200     // characters
	MaxMailBody    = 100_000 // characters
)

// OutboxItem is one e-mail to a client, kept until it is sent so that a
// mail server being down loses nothing.
type OutboxItem struct {
	ID       string
	StudioID string
	// MessageID is the studio's message the mail announces; "" when the
	// mail stands alone or the message was deleted.
	MessageID string
	To        string
	Subject   string
	Body      string
	Status    OutboxStatus
	// Attempts counts the tries at sending; LastError is why the latest
	// failed one failed.
	Attempts  int
	LastError string
	CreatedAt time.Time
	SentAt    *time.Time
}

// CutMailSubject shortens a subject to MaxMailSubject characters, ending
// it with "…" when cut: subjects are made from names the studio and its
// clients chose, and a long one must not stop a message from being posted.
func CutMailSubject(subject string) string {
	if utf8.RuneCountInString(subject) <= MaxMailSubject {
		return subject
	}
	return strings.TrimRight(string([]rune(subject)[:MaxMailSubject-1]), " ") + "…"
}

// Validate checks what a mail needs before it is queued: one plain
// address, a one-line subject (so that no header can be smuggled in) and a
// body.
func (o OutboxItem) Validate() error {
	f := Fields{}
	if why := EmailProblem(o.To); why != "" {
		f.Add("to", why)
	}
	f.Text("subject", o.Subject, TextRule{Max: MaxMailSubject, Required: true})
	f.Text("body", o.Body, TextRule{Max: MaxMailBody, Lines: true, Required: true})
	return f.Err()
}
