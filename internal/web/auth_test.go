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
	rec := httptest.NewRecorder()
	err = w.loginRefused(rec, httptest.NewRequest("POST", "/login", nil), loginForm{Email: "ana@example.com"}, refused, "login:account:ana@example.com")
	if err != nil || rec.Code != 401 || !strings.Contains(rec.Body.String(), "do not match an account") || !strings.Contains(rec.Body.String(), `value="ana@example.com"`) {
		t.Fatalf("%v: %d\n%s", err, rec.Code, rec.Body)
	}
	wait, err := s.Throttled(context.Background(), store.Limit{Key: "login:account:ana@example.com", Max: 1, Window: time.Hour})
	if err != nil || wait == 0 {
		t.Fatalf("the failure was not counted: %v %v", wait, err)
	}
	// Anything else is not the form's to show.
	if err := w.loginRefused(rec, httptest.NewRequest("POST", "/login", nil), loginForm{}, fmt.Errorf("db: %w", context.DeadlineExceeded)); err == nil {
		t.Fatal("an internal error was answered as a refusal")
	}
}
