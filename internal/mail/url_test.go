package mail_test

import (
	"strings"
	"testing"

	"atelier/internal/mail"
)

func TestParseURL(t *testing.T) {
	tests := []struct {
		url  string
		want mail.Config
	}{
		{"smtp://ana:s%40cret@mail.example.com:587?from=studio@example.com", mail.Config{
			Host: "mail.example.com", Port: "587", Username: "ana", Password: "s@cret"}},
		{"smtp://mail.example.com?from=studio@example.com", mail.Config{Host: "mail.example.com", Port: "587"}},
		{"smtps://ana:pw@mail.example.com?from=studio@example.com", mail.Config{
			Host: "mail.example.com", Port: "465", Username: "ana", Password: "pw", ImplicitTLS: true}},
		{"smtp://relay.internal:25?from=studio@example.com&helo=atelier.example.com", mail.Config{
			Host: "relay.internal", Port: "25", LocalName: "atelier.example.com"}},
		{"smtp://127.0.0.1:2525/?from=studio@example.com&insecure_skip_verify=1", mail.Config{
			Host: "127.0.0.1", Port: "2525", InsecureSkipVerify: true}},
	}
	for _, tt := range tests {
		got, err := mail.ParseURL(tt.url)
		if err != nil {
			t.Errorf("%s: %v", tt.url, err)
			continue
		}
		if got.From.Address != "studio@example.com" {
			t.Errorf("%s: from %q", tt.url, got.From.Address)
		}
		got.From = tt.want.From
		if got != tt.want {
			t.Errorf("%s:\n got %+v\nwant %+v", tt.url, got, tt.want)
		}
	}
}

func TestParseURLKeepsTheSendersName(t *testing.T) {
	c, err := mail.ParseURL("smtp://mail.example.com?from=" + "Atelier%20Ros%C3%A9%20%3Cstudio@example.com%3E")
	if err != nil {
		t.Fatal(err)
	}
	if c.From.Name != "Atelier Rosé" || c.From.Address != "studio@example.com" {
		t.Fatalf("from %+v", c.From)
	}
}

func TestParseURLRefusesMistakes(t *testing.T) {
	tests := []struct{ url, why string }{
		{"smtp://ana:secret@mail.example.com:587", "from parameter"},
		{"smtp://mail.example.com?from=", "from parameter"},
		{"http://mail.example.com?from=studio@example.com", "smtp:// or smtps://"},
		{"mail.example.com:587", "smtp:// or smtps://"},
		{"smtp:mail.example.com?from=studio@example.com", "no server"},
		{"smtp://:587?from=studio@example.com", "no server"},
		{"smtp://mail.example.com:99999?from=studio@example.com", "port"},
		{"smtp://mail.example.com/inbox?from=studio@example.com", "path"},
		{"smtp://mail.example.com?from=studio@example.com&form=x", `unknown parameter "form"`},
		{"smtp://mail.example.com?from=a@example.com&from=b@example.com", "repeats"},
		{"smtp://mail.example.com?from=not-an-address", "from parameter that is not"},
		{"smtp://mail.example.com?from=studio@example.com%0D%0ABcc:x@example.com", "line break"},
		{"smtp://mail.example.com?from=studio@example.com&insecure_skip_verify=yes", "use 1 or 0"},
		{"smtp://mail.example.com?from=studio@example.com&helo=a%20b", "helo"},
		{"smtp://ana:se%zzret@mail.example.com?from=studio@example.com", "%-encoded"},
	}
	for _, tt := range tests {
		_, err := mail.ParseURL(tt.url)
		if err == nil || !strings.Contains(err.Error(), tt.why) {
			t.Errorf("%s: got %v, want an error about %q", tt.url, err, tt.why)
			continue
		}
		if strings.Contains(err.Error(), "secret") {
			t.Errorf("%s: the error shows the password: %v", tt.url, err)
		}
	}
}
