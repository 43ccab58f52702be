package studio

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestOutboxItemValidate(t *testing.T) {
	ok := OutboxItem{To: "rose@example.com", Subject: "Ihre Miniatur — Oma Rosé", Body: "Fertig!"}
	tests := []struct {
		name  string
		edit  func(*OutboxItem)
		field string // "" when valid
	}{
		{"valid", func(*OutboxItem) {}, ""},
		{"a name with the address", func(o *OutboxItem) { o.To = "Rosé <rose@example.com>" }, "to"},
		{"two addresses", func(o *OutboxItem) { o.To = "rose@example.com, evil@example.com" }, "to"},
		{"CRLF in address", func(o *OutboxItem) { o.To = "rose@example.com\r\nBcc: evil@example.com" }, "to"},
		{"CRLF in subject", func(o *OutboxItem) { o.Subject = "Hallo\r\nBcc: evil@example.com" }, "subject"},
		{"tab in subject", func(o *OutboxItem) { o.Subject = "Hallo\tdu" }, "subject"},
		{"NEL in subject", func(o *OutboxItem) { o.Subject = "Hallo\u0085Bcc: evil@example.com" }, "subject"},
		{"long subject", func(o *OutboxItem) { o.Subject = strings.Repeat("a", MaxMailSubject+1) }, "subject"},
		{"empty body", func(o *OutboxItem) { o.Body = " \n" }, "body"},
		{"bad UTF-8 body", func(o *OutboxItem) { o.Body = "a\xff" }, "body"},
	}
	for _, tt := range tests {
		o := ok
		tt.edit(&o)
		err := o.Validate()
		if tt.field == "" {
			if err != nil {
				t.Errorf("%s: %v", tt.name, err)
			}
			continue
		}
		e, _ := err.(*Error)
		if e == nil || e.Code != Invalid || e.Fields[tt.field] == "" {
			t.Errorf("%s: got %v, want invalid %s", tt.name, err, tt.field)
		}
	}
}

func TestCutMailSubject(t *testing.T) {
	if s := "Studio Ana: about Oma Rosé"; CutMailSubject(s) != s {
		t.Fatalf("a short subject changed: %q", CutMailSubject(s))
	}
	long := strings.Repeat("Oma Rosé ", 40)
	cut := CutMailSubject(long)
	if n := utf8.RuneCountInString(cut); n > MaxMailSubject || !strings.HasSuffix(cut, "…") || !strings.HasPrefix(long, strings.TrimSuffix(cut, "…")) {
		t.Fatalf("cut to %d characters: %q", n, cut)
	}
	if err := (OutboxItem{To: "rose@example.com", Subject: cut, Body: "x"}).Validate(); err != nil {
		t.Fatal(err)
	}
}
