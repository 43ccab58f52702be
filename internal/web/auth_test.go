package web

import (
	"context"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"atelier/internal/intake"
	"atelier/internal/store"
	"atelier/internal/store/storetest"
	"atelier/internal/studio"
)

// A refusal that reaches the sign-in wrapped in context is still the
// sign-in form with its reason (it once panicked on a type assertion),
// and still counts against the account.
func TestSignInRefusalWrapped(t *testing.T) {
	s := storetest.Open(t, store.SQLite, nil)
	w, err := New(Config{Log: slog.New(slog.DiscardHandler)}, s, &intake.Desk{Store: s})
	if err != nil {
		t.Fatal(err)
	}
	refused := fmt.Errorf("checking the password: %w", studio.Errorf(studio.Unauthorized, "The e-mail address and password do not match an account."))
	ctx := context.Background()
	account := store.Limit{Key: "login:account:ana@example.com", Max: 1, Window: time.Hour}
	adm, err := s.Admit(ctx, "attempts", account)
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	err = w.loginRefused(rec, httptest.NewRequest("POST", "/login", nil), loginForm{Email: "ana@example.com"}, refused, adm, account.Key)
	if err != nil || rec.Code != 401 || !strings.Contains(rec.Body.String(), "do not match an account") || !strings.Contains(rec.Body.String(), `value="ana@example.com"`) {
		t.Fatalf("%v: %d\n%s", err, rec.Code, rec.Body)
	}
	if _, err := s.Admit(ctx, "attempts", account); studio.ErrorCode(err) != studio.RateLimited {
		t.Fatalf("the failure was not counted: %v", err)
	}
	// Anything else is not the form's to show, and no guess: it is taken back.
	other := store.Limit{Key: "login:account:ben@example.com", Max: 1, Window: time.Hour}
	adm, err = s.Admit(ctx, "attempts", other)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.loginRefused(rec, httptest.NewRequest("POST", "/login", nil), loginForm{}, fmt.Errorf("db: %w", context.DeadlineExceeded), adm, other.Key); err == nil {
		t.Fatal("an internal error was answered as a refusal")
	}
	if _, err := s.Admit(ctx, "attempts", other); err != nil {
		t.Fatalf("an internal error counted as a guess: %v", err)
	}
}
