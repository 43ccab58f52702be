package mail_test

import (
	"bytes"
	"context"
	"net"
	"net/mail"
	"strings"
	"testing"
	"time"

	atmail "atelier/internal/mail"
	"atelier/internal/mail/mailtest"
	"atelier/internal/studio"
)

const (
	subject = "Ihre Miniatur — Oma Rosé ist fertig gebacken und wartet auf die letzte Lasur"
	body    = "Liebe Frau Rosé,\n\ndie Büste ist gebacken. Größe: 12 cm.\n.Eine Zeile mit Punkt vorn, = und Umlauten: äöü ß.\nGrüße aus dem Atelier"
)

var fixedNow = time.Date(2026, 3, 14, 15, 9, 26, 0, time.FixedZone("CET", 3600))

func sender(t *testing.T, srv *mailtest.Server) *atmail.Sender {
	t.Helper()
	cfg, err := atmail.ParseURL(srv.URL("Atelier Rosé <studio@example.com>"))
	if err != nil {
		t.Fatal(err)
	}
	return atmail.NewSender(cfg, func() time.Time { return fixedNow })
}

func TestSendInEveryTLSMode(t *testing.T) {
	for name, opts := range map[string]mailtest.Options{
		"plain, no login":     {},
		"STARTTLS with login": {TLS: mailtest.StartTLS, Username: "ana", Password: "p@ss word"},
		"implicit TLS":        {TLS: mailtest.ImplicitTLS, Username: "ana", Password: "pw"},
	} {
		t.Run(name, func(t *testing.T) {
			srv := mailtest.Start(t, opts)
			err := sender(t, srv).Send(t.Context(), atmail.Message{To: "Oma Rosé <rose@example.com>", Subject: subject, Body: body})
			if err != nil {
				t.Fatal(err)
			}
			got := srv.Received()
			if len(got) != 1 || got[0].From != "studio@example.com" || len(got[0].To) != 1 || got[0].To[0] != "rose@example.com" {
				t.Fatalf("received %+v", got)
			}
		})
	}
}

func TestSendWritesAnRFC5322Message(t *testing.T) {
	srv := mailtest.Start(t, mailtest.Options{})
	m := atmail.Message{To: "rose@example.com", Subject: subject, Body: body, ReplyTo: "Ana <ana@example.com>", ID: "outbox-01ABC"}
	if err := sender(t, srv).Send(t.Context(), m); err != nil {
		t.Fatal(err)
	}
	raw := srv.Wait(t, 1)[0].Data
	checkLines(t, raw)
	p := srv.Received()[0].Parse(t)
	for k, want := range map[string]string{
		"Message-Id":                "<outbox-01ABC@example.com>",
		"To":                        "<rose@example.com>",
		"Reply-To":                  `"Ana" <ana@example.com>`,
		"Mime-Version":              "1.0",
		"Content-Type":              "text/plain; charset=utf-8",
		"Content-Transfer-Encoding": "quoted-printable",
	} {
		if got := p.Header.Get(k); got != want {
			t.Errorf("%s: %q, want %q", k, got, want)
		}
	}
	if date, err := p.Header.Date(); err != nil || !date.Equal(fixedNow) {
		t.Errorf("Date %q (%v), want %v", p.Header.Get("Date"), err, fixedNow)
	}
	from, err := p.Header.AddressList("From")
	if err != nil || len(from) != 1 || from[0].Name != "Atelier Rosé" || from[0].Address != "studio@example.com" {
		t.Errorf("From %q: %v %v", p.Header.Get("From"), from, err)
	}
	if p.Subject != subject {
		t.Errorf("Subject %q, want %q", p.Subject, subject)
	}
	if want := strings.ReplaceAll(body, "\n", "\r\n") + "\r\n"; p.Body != want {
		t.Errorf("body %q, want %q", p.Body, want)
	}
}

// checkLines wants CRLF after every line, no bare CR or LF, no line over
// 78 characters in the header and none over 76 in the encoded body.
func checkLines(t *testing.T, raw []byte) {
	t.Helper()
	if bytes.Count(raw, []byte("\n")) != bytes.Count(raw, []byte("\r\n")) || bytes.Count(raw, []byte("\r")) != bytes.Count(raw, []byte("\r\n")) {
		t.Errorf("bare CR or LF in\n%q", raw)
	}
	if !bytes.HasSuffix(raw, []byte("\r\n")) {
		t.Error("the message does not end in CRLF")
	}
	head, rest, _ := strings.Cut(string(raw), "\r\n\r\n")
	for _, l := range strings.Split(head, "\r\n") {
		if len(l) > 78 {
			t.Errorf("header line of %d characters: %q", len(l), l)
		}
	}
	for _, l := range strings.Split(rest, "\r\n") {
		if len(l) > 76 {
			t.Errorf("body line of %d characters: %q", len(l), l)
		}
	}
	if strings.ContainsFunc(string(raw), func(r rune) bool { return r > 127 }) {
		t.Error("the message is not 7-bit")
	}
}

func TestSendRefusesHeaderInjection(t *testing.T) {
	srv := mailtest.Start(t, mailtest.Options{})
	s := sender(t, srv)
	ok := atmail.Message{To: "rose@example.com", Subject: "Hallo", Body: "Text\r\nBcc: fine in a body"}
	for name, edit := range map[string]func(*atmail.Message){
		"CRLF in subject":      func(m *atmail.Message) { m.Subject = "Hallo\r\nBcc: evil@example.com" },
		"LF in subject":        func(m *atmail.Message) { m.Subject = "Hallo\nBcc: evil@example.com" },
		"CR in subject":        func(m *atmail.Message) { m.Subject = "Hallo\rBcc: evil@example.com" },
		"NUL in subject":       func(m *atmail.Message) { m.Subject = "Hallo\x00" },
		"NEL in subject":       func(m *atmail.Message) { m.Subject = "Hallo\u0085Bcc: evil@example.com" },
		"bad UTF-8 in subject": func(m *atmail.Message) { m.Subject = "Hallo \xff" },
		"CRLF in address":      func(m *atmail.Message) { m.To = "rose@example.com\r\nBcc: evil@example.com" },
		"CRLF in name":         func(m *atmail.Message) { m.To = "\"Rose\r\nBcc: evil@example.com\" <rose@example.com>" },
		"two recipients":       func(m *atmail.Message) { m.To = "rose@example.com, evil@example.com" },
		"CRLF in reply-to":     func(m *atmail.Message) { m.ReplyTo = "ana@example.com\nBcc: evil@example.com" },
		"CRLF in id":           func(m *atmail.Message) { m.ID = "x>\r\nBcc: evil@example.com" },
		"non-ASCII address":    func(m *atmail.Message) { m.To = "rosé@example.com" },
		"empty subject":        func(m *atmail.Message) { m.Subject = " " },
	} {
		m := ok
		edit(&m)
		err := s.Send(t.Context(), m)
		if studio.ErrorCode(err) != studio.Invalid || !atmail.Permanent(err) {
			t.Errorf("%s: got %v, want a permanent invalid error", name, err)
		}
	}
	if err := s.Send(t.Context(), ok); err != nil {
		t.Fatal(err)
	}
	got := srv.Received()
	if len(got) != 1 {
		t.Fatalf("received %d messages, want only the valid one", len(got))
	}
	if head, _, _ := bytes.Cut(got[0].Data, []byte("\r\n\r\n")); bytes.Contains(head, []byte("Bcc")) {
		t.Fatalf("a Bcc header got through:\n%s", head)
	}
}

func TestSendFailures(t *testing.T) {
	msg := atmail.Message{To: "rose@example.com", Subject: "Hallo", Body: "Text"}
	t.Run("recipient rejected for good", func(t *testing.T) {
		srv := mailtest.Start(t, mailtest.Options{RejectRecipients: true})
		err := sender(t, srv).Send(t.Context(), msg)
		if !atmail.Permanent(err) || !strings.Contains(err.Error(), "550") {
			t.Fatalf("got %v, want a permanent 550", err)
		}
	})
	t.Run("server down", func(t *testing.T) {
		srv := mailtest.Reserve(t, mailtest.Options{})
		err := sender(t, srv).Send(t.Context(), msg)
		if err == nil || atmail.Permanent(err) {
			t.Fatalf("got %v, want a passing failure", err)
		}
	})
	t.Run("wrong password", func(t *testing.T) {
		srv := mailtest.Start(t, mailtest.Options{TLS: mailtest.StartTLS, Username: "ana", Password: "right"})
		cfg, _ := atmail.ParseURL(strings.Replace(srv.URL("studio@example.com"), "right", "wrong", 1))
		err := atmail.NewSender(cfg, nil).Send(t.Context(), msg)
		// The operator can fix the configuration while the retries go on.
		if err == nil || atmail.Permanent(err) || !strings.Contains(err.Error(), "logging in") {
			t.Fatalf("got %v, want a passing login failure", err)
		}
	})
	t.Run("server that never answers", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer ln.Close()
		cfg, _ := atmail.ParseURL("smtp://" + ln.Addr().String() + "?from=studio@example.com")
		ctx, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
		defer cancel()
		start := time.Now()
		err = atmail.NewSender(cfg, nil).Send(ctx, msg)
		if err == nil || !strings.Contains(err.Error(), "deadline") || time.Since(start) > 5*time.Second {
			t.Fatalf("got %v after %v, want the deadline", err, time.Since(start))
		}
	})
}

// The domain of the Message-ID is the From's.
func TestMessageIDTakesTheDomainOfFrom(t *testing.T) {
	srv := mailtest.Start(t, mailtest.Options{})
	cfg, _ := atmail.ParseURL(srv.URL("studio@example.com"))
	cfg.From = mail.Address{Name: "Studio", Address: "other@example.org"}
	if err := atmail.NewSender(cfg, nil).Send(t.Context(), atmail.Message{To: "a@example.com", Subject: "x", Body: "y"}); err != nil {
		t.Fatal(err)
	}
	if p := srv.Wait(t, 1)[0].Parse(t); !strings.Contains(p.Header.Get("Message-Id"), "@example.org>") {
		t.Fatalf("Message-ID %q", p.Header.Get("Message-Id"))
	}
}

func TestSenderRefusesAFromThatInjects(t *testing.T) {
	srv := mailtest.Start(t, mailtest.Options{})
	cfg, _ := atmail.ParseURL(srv.URL("studio@example.com"))
	cfg.From.Name = "Studio\r\nBcc: evil@example.com"
	err := atmail.NewSender(cfg, nil).Send(t.Context(), atmail.Message{To: "a@example.com", Subject: "x", Body: "y"})
	if studio.ErrorCode(err) != studio.Invalid || len(srv.Received()) != 0 {
		t.Fatalf("got %v and %d messages", err, len(srv.Received()))
	}
}
