package main

import (
	"strings"
	"testing"

	"atelier/internal/mail/mailtest"
	"atelier/internal/store"
	"atelier/internal/store/storetest"
)

// A malformed ATELIER_SMTP_URL stops every command at start, says what is
// wrong and never repeats the password.
func TestBadSMTPURL(t *testing.T) {
	for url, why := range map[string]string{
		"smtp://ana:secret@mail.example.com:587":                        "needs the sender's address as a from parameter",
		"http://ana:secret@mail.example.com?from=studio@example.com":    "must start with smtp:// or smtps://",
		"smtp://ana:secret@mail.example.com?from=studio":                "from parameter that is not",
		"smtp://ana:sec%zzret@mail.example.com?from=studio@example.com": "is not a URL",
		"smtp://mail.example.com?from=studio@example.com&form=x":        `unknown parameter "form"`,
	} {
		c := newCLI(t, store.SQLite)
		c.env["ATELIER_SMTP_URL"] = url
		_, _, err := c.run("", "serve", "--addr", "127.0.0.1:0")
		if err == nil || !strings.HasPrefix(err.Error(), "ATELIER_SMTP_URL ") || !strings.Contains(err.Error(), why) {
			t.Errorf("%s: got %v, want ATELIER_SMTP_URL %s", url, err, why)
		}
		if err != nil && strings.Contains(err.Error(), "secret") {
			t.Errorf("%s: the error shows the password: %v", url, err)
		}
	}
	c := newCLI(t, store.SQLite)
	c.env["ATELIER_SMTP_URL"] = "smtps://ana:secret@mail.example.com?from=studio@example.com"
	c.must("", "migrate")
}

// `atelier serve` with ATELIER_SMTP_URL sends the outbox's mail. Another
// process on the same database queues it, as a second instance would.
func TestServeSendsMail(t *testing.T) {
	storetest.EachDialect(t, func(t *testing.T, d store.Dialect) {
		srv := mailtest.Start(t, mailtest.Options{TLS: mailtest.ImplicitTLS, Username: "ana", Password: "secret"})
		c := newCLI(t, d)
		c.env["ATELIER_SMTP_URL"] = srv.URL("studio@example.com")
		c.must("", "studio", "create", "--slug", "ana", "--name", "Ana", "--artist", "Ana")
		_, stop := c.serve(t)
		defer stop()

		st, err := store.Open(t.Context(), store.Config{DatabaseURL: c.env["ATELIER_DATABASE_URL"], DataDir: c.env["ATELIER_DATA"]})
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		ana, err := st.StudioBySlug(t.Context(), "ana")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.QueueMail(t.Context(), ana.ID, "rose@example.com", "Ihre Miniatur — Oma Rosé", "Fertig!"); err != nil {
			t.Fatal(err)
		}
		if p := srv.Wait(t, 1)[0].Parse(t); p.Subject != "Ihre Miniatur — Oma Rosé" {
			t.Fatalf("subject %q", p.Subject)
		}
	})
}
