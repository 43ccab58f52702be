package mail

import (
	"cmp"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/smtp"
	"net/textproto"
	"os"
	"time"

	"atelier/internal/studio"
)

// Sender sends messages through the server of its Config, one connection
// per message. It is safe for concurrent use.
type Sender struct {
	cfg Config
	now func() time.Time
}

// sendTimeout bounds one Send whose context allows longer: net/smtp would
// otherwise wait forever on a server that stops answering.
const sendTimeout = time.Minute

// NewSender returns a Sender for cfg. now is the clock of the Date header;
// nil means time.Now.
func NewSender(cfg Config, now func() time.Time) *Sender {
	if now == nil {
		now = time.Now
	}
	return &Sender{cfg: cfg, now: now}
}

// Send delivers m to the server. An invalid m is a studio.Error; use
// Permanent to tell a refusal that a retry cannot cure from a passing
// failure.
func (s *Sender) Send(ctx context.Context, m Message) error {
	env, err := s.compose(m)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, sendTimeout)
	defer cancel()
	c, err := s.connect(ctx)
	if err != nil {
		return withCause(ctx, err)
	}
	defer c.Close()
	if err := s.transmit(c, env); err != nil {
		return withCause(ctx, err)
	}
	// The server has accepted the message: a failed QUIT must not make the
	// caller send it again.
	c.Quit()
	return nil
}

// connect opens a session that is ready for MAIL FROM.
func (s *Sender) connect(ctx context.Context) (*smtp.Client, error) {
	conn, err := s.dial(ctx)
	if err != nil {
		return nil, err
	}
	c, err := smtp.NewClient(conn, s.cfg.Host)
	if err != nil {
		conn.Close()
		return nil, fmt.Errorf("mail: greeting from %s: %w", s.cfg.Addr(), err)
	}
	if err := s.greet(c); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

// dial connects, in TLS from the start for smtps://. net/smtp takes no
// context, so the connection carries ctx's deadline and is cut when ctx is
// cancelled.
func (s *Sender) dial(ctx context.Context) (net.Conn, error) {
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", s.cfg.Addr())
	if err != nil {
		return nil, fmt.Errorf("mail: connecting to %s: %w", s.cfg.Addr(), err)
	}
	deadline, _ := ctx.Deadline()
	conn.SetDeadline(deadline)
	context.AfterFunc(ctx, func() { conn.SetDeadline(time.Unix(1, 0)) })
	if !s.cfg.ImplicitTLS {
		return conn, nil
	}
	tc := tls.Client(conn, s.tlsConfig())
	if err := tc.HandshakeContext(ctx); err != nil {
		conn.Close()
		return nil, fmt.Errorf("mail: TLS with %s: %w", s.cfg.Addr(), err)
	}
	return tc, nil
}

// greet says EHLO, upgrades to TLS when the server offers it and logs in.
// A certificate that does not verify is an error, never a reason to go on
// in clear text; and net/smtp's PlainAuth refuses to send the password
// unencrypted to any host but localhost.
func (s *Sender) greet(c *smtp.Client) error {
	if err := c.Hello(cmp.Or(s.cfg.LocalName, "localhost")); err != nil {
		return fmt.Errorf("mail: EHLO to %s: %w", s.cfg.Addr(), err)
	}
	if ok, _ := c.Extension("STARTTLS"); ok && !s.cfg.ImplicitTLS {
		if err := c.StartTLS(s.tlsConfig()); err != nil {
			return fmt.Errorf("mail: STARTTLS with %s: %w", s.cfg.Addr(), err)
		}
	}
	if s.cfg.Username == "" {
		return nil
	}
	if ok, _ := c.Extension("AUTH"); !ok {
		return fmt.Errorf("mail: %s offers no AUTH, but ATELIER_SMTP_URL has a user name", s.cfg.Addr())
	}
	if err := c.Auth(smtp.PlainAuth("", s.cfg.Username, s.cfg.Password, s.cfg.Host)); err != nil {
		return fmt.Errorf("mail: logging in to %s: %w", s.cfg.Addr(), err)
	}
	return nil
}

func (s *Sender) tlsConfig() *tls.Config {
	return &tls.Config{ServerName: s.cfg.Host, InsecureSkipVerify: s.cfg.InsecureSkipVerify, MinVersion: tls.VersionTLS12}
}

// transmit sends one message in an open session.
func (s *Sender) transmit(c *smtp.Client, env envelope) error {
	if err := c.Mail(s.cfg.From.Address); err != nil {
		return fmt.Errorf("mail: MAIL FROM refused: %w", err)
	}
	if err := c.Rcpt(env.rcpt); err != nil {
		return refused("recipient", err)
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("mail: DATA refused: %w", err)
	}
	if _, err := w.Write(env.data); err != nil {
		return fmt.Errorf("mail: writing the message: %w", err)
	}
	if err := w.Close(); err != nil {
		return refused("message", err)
	}
	return nil
}

// RejectedError is a server's permanent refusal (a 5xx reply) of a
// recipient or a message: sending the same message again cannot help.
type RejectedError struct {
	What string // "recipient" or "message"
	Err  error
}

func (e *RejectedError) Error() string { return "mail: " + e.What + " rejected: " + e.Err.Error() }
func (e *RejectedError) Unwrap() error { return e.Err }

// refused wraps the server's refusal of what, as a RejectedError when it
// is permanent. A refusal of MAIL FROM or of the login is not: it is the
// configuration, which the operator can mend while the retries go on.
func refused(what string, err error) error {
	if te, ok := errors.AsType[*textproto.Error](err); ok && te.Code >= 500 {
		return &RejectedError{What: what, Err: err}
	}
	return fmt.Errorf("mail: %s refused: %w", what, err)
}

// Permanent reports whether sending the same message again cannot succeed:
// the message is invalid, or the server refused it for good.
func Permanent(err error) bool {
	_, rejected := errors.AsType[*RejectedError](err)
	return rejected || studio.ErrorCode(err) == studio.Invalid
}

// withCause names the cancellation or deadline of ctx when it is why the
// conversation broke off, rather than a bare i/o timeout.
func withCause(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("%w (%w)", err, context.Cause(ctx))
	}
	// The connection's deadline is ctx's and may fire a moment before ctx
	// itself notices. A context's deadline is on the real clock, so that is
	// the clock to read it against, not the store's.
	if d, ok := ctx.Deadline(); ok && errors.Is(err, os.ErrDeadlineExceeded) && time.Until(d) <= 0 {
		return fmt.Errorf("%w (%w)", err, context.DeadlineExceeded)
	}
	return err
}
