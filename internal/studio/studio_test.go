package studio

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestStudioValidate(t *testing.T) {
	ok := NewStudio("ana-minis", "Ana's Miniatures", "Ana Petrova")
	tests := []struct {
		name   string
		mutate func(*Studio)
		field  string // "" means valid
	}{
		{"defaults are valid", func(*Studio) {}, ""},
		{"vienna", func(s *Studio) { s.Timezone = "Europe/Vienna"; s.Currency = "JPY"; s.Units = Imperial }, ""},
		{"empty slug", func(s *Studio) { s.Slug = "" }, "slug"},
		{"upper-case slug", func(s *Studio) { s.Slug = "Ana" }, "slug"},
		{"slug with space", func(s *Studio) { s.Slug = "ana minis" }, "slug"},
		{"slug ends in hyphen", func(s *Studio) { s.Slug = "ana-" }, "slug"},
		{"double hyphen", func(s *Studio) { s.Slug = "ana--minis" }, "slug"},
		{"one-letter slug", func(s *Studio) { s.Slug = "a" }, "slug"},
		{"long slug", func(s *Studio) { s.Slug = strings.Repeat("a", 41) }, "slug"},
		{"no name", func(s *Studio) { s.Name = " " }, "name"},
		{"long name", func(s *Studio) { s.Name = strings.Repeat("é", 101) }, "name"},
		{"newline in name", func(s *Studio) { s.Name = "a\nb" }, "name"},
		{"no artist", func(s *Studio) { s.Artist = "" }, "artist"},
		{"lower-case currency", func(s *Studio) { s.Currency = "eur" }, "currency"},
		{"made-up currency", func(s *Studio) { s.Currency = "XYZ" }, "currency"},
		{"unknown zone", func(s *Studio) { s.Timezone = "Mars/Olympus" }, "timezone"},
		{"local zone", func(s *Studio) { s.Timezone = "Local" }, "timezone"},
		{"units", func(s *Studio) { s.Units = "cubits" }, "units"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := ok
			tt.mutate(&s)
			err := s.Validate()
			if tt.field == "" {
				if err != nil {
					t.Fatalf("want valid, got %v", err)
				}
				return
			}
			e, isErr := err.(*Error)
			if !isErr || e.Code != Invalid || e.Fields[tt.field] == "" {
				t.Fatalf("want invalid %s, got %#v", tt.field, err)
			}
			if len(e.Fields) != 1 {
				t.Fatalf("want only %s at fault, got %v", tt.field, e.Fields)
			}
		})
	}
}

func TestStudioUpdateApply(t *testing.T) {
	s := NewStudio("ana", "Ana", "Ana P")
	name, cur := "  Ana's Studio ", "USD"
	got, err := StudioUpdate{Name: &name, Currency: &cur}.Apply(s)
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != "Ana's Studio" || got.Currency != "USD" || got.Timezone != "UTC" {
		t.Fatalf("unexpected %+v", got)
	}
	bad := "nowhere"
	if _, err := (StudioUpdate{Timezone: &bad}).Apply(s); ErrorCode(err) != Invalid {
		t.Fatalf("want invalid, got %v", err)
	}
}

func TestNewUserValidate(t *testing.T) {
	tests := []struct {
		name  string
		user  NewUser
		field string
	}{
		{"valid", NewUser{Email: " Ana@Example.com ", Name: "Ana", Role: Owner, Password: "long enough pw"}, ""},
		{"no at", NewUser{Email: "ana.example.com", Name: "Ana", Role: Owner, Password: "long enough pw"}, "email"},
		{"display name", NewUser{Email: "Ana <ana@example.com>", Name: "Ana", Role: Owner, Password: "long enough pw"}, "email"},
		{"no dot in domain", NewUser{Email: "ana@localhost", Name: "Ana", Role: Owner, Password: "long enough pw"}, "email"},
		{"role", NewUser{Email: "ana@example.com", Name: "Ana", Role: "admin", Password: "long enough pw"}, "role"},
		{"short password", NewUser{Email: "ana@example.com", Name: "Ana", Role: Assistant, Password: "short"}, "password"},
		{"no name", NewUser{Email: "ana@example.com", Role: Assistant, Password: "long enough pw"}, "name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.user.Validate()
			if tt.field == "" {
				if err != nil {
					t.Fatal(err)
				}
				if tt.user.Email != "ana@example.com" {
					t.Fatalf("email not normalised: %q", tt.user.Email)
				}
				return
			}
			e, ok := err.(*Error)
			if !ok || e.Fields[tt.field] == "" {
				t.Fatalf("want %s invalid, got %v", tt.field, err)
			}
		})
	}
}

func TestErrorCode(t *testing.T) {
	if ErrorCode(nil) != "" || ErrorCode(Errorf(Conflict, "x")) != Conflict {
		t.Fatal("codes of nil and *Error")
	}
	if ErrorCode(errors.ErrUnsupported) != Internal {
		t.Fatal("a plain error is internal")
	}
	if (Principal{User: User{Role: Assistant}}).CanManage() == nil || (Principal{User: User{Role: Owner}}).CanManage() != nil {
		t.Fatal("only owners manage")
	}
}

func TestSessionValid(t *testing.T) {
	changed := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	u := User{}
	if !u.SessionValid(changed) {
		t.Fatal("a password never changed ends no session")
	}
	u.PasswordChangedAt = &changed
	if u.SessionValid(changed.Add(-time.Second)) || !u.SessionValid(changed.Add(time.Second)) {
		t.Fatal("only sessions signed in after the change count")
	}
}
