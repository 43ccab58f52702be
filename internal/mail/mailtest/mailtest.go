// Package mailtest runs a real SMTP server on 127.0.0.1 for tests, built
// on go-smtp's server, and keeps what it receives. It can be brought down
// and up again on the same port, to play a mail server that is away.
package mailtest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"io"
	"log"
	"math/big"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// TLSMode is how the server offers TLS.
type TLSMode int

const (
	// NoTLS offers no TLS at all.
	NoTLS TLSMode = iota
	// StartTLS offers STARTTLS on a clear-text connection.
	StartTLS
	// ImplicitTLS speaks TLS from the first byte (smtps://).
	ImplicitTLS
)

// Options shape the server.
type Options struct {
	TLS TLSMode
	// Username and Password, when set, are required (AUTH PLAIN) before
	// MAIL FROM.
	Username string
	Password string
	// RejectRecipients refuses every RCPT TO for good (550).
	RejectRecipients bool
}

// Received is one message as the server accepted it.
type Received struct {
	From string
	To   []string
	// Data is the message exactly as transmitted, CRLF line endings
	// included.
	Data []byte
}

// Server is an SMTP server for one test.
type Server struct {
	// Addr is 127.0.0.1:port; it stays the same across Down and Up.
	Addr string
	opts Options
	tls  *tls.Config

	mu       sync.Mutex
	srv      *smtp.Server
	received []Received
	refused  int
}

// Start runs a server until the test ends.
func Start(tb testing.TB, opts Options) *Server {
	s := Reserve(tb, opts)
	s.Up(tb)
	return s
}

// Reserve returns a server that is down, on a port that was free: the
// mail server that has not come up yet.
func Reserve(tb testing.TB, opts Options) *Server {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	s := &Server{Addr: ln.Addr().String(), opts: opts, tls: selfSigned(tb)}
	ln.Close()
	tb.Cleanup(s.Down)
	return s
}

// Up starts listening on Addr.
func (s *Server) Up(tb testing.TB) {
	tb.Helper()
	ln, err := s.listen()
	if err != nil {
		tb.Fatalf("mailtest: listening on %s: %v", s.Addr, err)
	}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &session{s: s}, nil }))
	srv.Domain = "mailtest.localhost"
	// A closed listener and cut connections are the point of Down.
	srv.ErrorLog = log.New(io.Discard, "", 0)
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	if s.opts.TLS == StartTLS {
		srv.TLSConfig = s.tls
	}
	if s.opts.TLS == ImplicitTLS {
		ln = tls.NewListener(ln, s.tls)
	}
	s.mu.Lock()
	s.srv = srv
	s.mu.Unlock()
	go srv.Serve(ln)
}

// listen retries for a moment in case the port is still being released.
func (s *Server) listen() (net.Listener, error) {
	var err error
	for range 50 {
		var ln net.Listener
		if ln, err = net.Listen("tcp", s.Addr); err == nil {
			return ln, nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	return nil, err
}

// Down closes the listener and every open connection.
func (s *Server) Down() {
	s.mu.Lock()
	srv := s.srv
	s.srv = nil
	s.mu.Unlock()
	if srv != nil {
		srv.Close()
	}
}

// URL is an ATELIER_SMTP_URL for this server with the given sender. TLS
// certificates are not verified: the server's is self-signed.
func (s *Server) URL(from string) string {
	u := url.URL{Scheme: "smtp", Host: s.Addr}
	if s.opts.TLS == ImplicitTLS {
		u.Scheme = "smtps"
	}
	if s.opts.Username != "" {
		u.User = url.UserPassword(s.opts.Username, s.opts.Password)
	}
	q := url.Values{"from": {from}}
	if s.opts.TLS != NoTLS {
		q.Set("insecure_skip_verify", "1")
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// Received returns the messages accepted so far.
func (s *Server) Received() []Received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Received(nil), s.received...)
}

// Refused counts the recipients refused so far.
func (s *Server) Refused() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.refused
}

// Wait waits until n messages have arrived and returns them.
func (s *Server) Wait(tb testing.TB, n int) []Received {
	tb.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		if got := s.Received(); len(got) >= n {
			return got
		}
		if time.Now().After(deadline) {
			tb.Fatalf("mailtest: %d messages arrived, want %d", len(s.Received()), n)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (s *Server) accept(r Received) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.received = append(s.received, r)
}

func (s *Server) refuse() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refused++
	return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "No such mailbox"}
}

// session is one SMTP conversation.
type session struct {
	s      *Server
	authed bool
	from   string
	to     []string
}

func (se *session) AuthMechanisms() []string {
	if se.s.opts.Username == "" {
		return nil
	}
	return []string{sasl.Plain}
}

func (se *session) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != se.s.opts.Username || pass != se.s.opts.Password {
			return smtp.ErrAuthFailed
		}
		se.authed = true
		return nil
	}), nil
}

func (se *session) Mail(from string, _ *smtp.MailOptions) error {
	if se.s.opts.Username != "" && !se.authed {
		return smtp.ErrAuthRequired
	}
	se.from = from
	return nil
}

func (se *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if se.s.opts.RejectRecipients {
		return se.s.refuse()
	}
	se.to = append(se.to, to)
	return nil
}

func (se *session) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	se.s.accept(Received{From: se.from, To: se.to, Data: data})
	return nil
}

func (se *session) Reset()        { se.from, se.to = "", nil }
func (se *session) Logout() error { return nil }

// Parsed is a received message read back the way a mail client would.
type Parsed struct {
	Header mail.Header
	// Subject is decoded from its encoded words.
	Subject string
	// Body is decoded from quoted-printable, with its CRLFs as they came.
	Body string
}

// Parse reads the message back, failing the test when it is malformed.
func (r Received) Parse(tb testing.TB) Parsed {
	tb.Helper()
	m, err := mail.ReadMessage(strings.NewReader(string(r.Data)))
	if err != nil {
		tb.Fatalf("mailtest: unreadable message: %v\n%s", err, r.Data)
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
	if err != nil {
		tb.Fatalf("mailtest: bad Subject: %v", err)
	}
	body := io.Reader(m.Body)
	if strings.EqualFold(m.Header.Get("Content-Transfer-Encoding"), "quoted-printable") {
		body = quotedprintable.NewReader(m.Body)
	}
	text, err := io.ReadAll(body)
	if err != nil {
		tb.Fatalf("mailtest: bad body: %v", err)
	}
	return Parsed{Header: m.Header, Subject: subject, Body: string(text)}
}

// selfSigned makes a certificate for 127.0.0.1 that lasts the test.
func selfSigned(tb testing.TB) *tls.Config {
	tb.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		tb.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "mailtest"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		DNSNames:     []string{"localhost"},
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		tb.Fatal(err)
	}
	return &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}
}
