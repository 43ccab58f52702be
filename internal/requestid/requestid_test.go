package requestid

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
)

// Every secret shape is redacted from the message, strings, errors,
// groups and attributes bound with With; the set-up code announced on
// purpose is not, and a request's own secrets go in any shape.
func TestHandlerRedacts(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(Wrap(slog.NewJSONHandler(&buf, nil)))
	if _, ok := Wrap(log.Handler()).(Handler); !ok || Wrap(log.Handler()) != log.Handler() {
		t.Fatal("Wrap wraps twice")
	}
	const (
		apiToken = "atl_abcdefghijklmnopqrstuvwxyz234567"
		portal   = "mnopqrstuvwxyz234567abcdefghijkl"
		code     = "ABCD-EFGH-JK23"
		typed    = "my typed secret"
	)
	ctx := With(context.Background(), "req-0123456789")
	Secret(ctx, typed, "short")
	log.With("bound", "/p/"+portal).ErrorContext(ctx, "failed at /api/v1/portal/"+portal+"/messages",
		"err", errors.New("token "+apiToken+" and "+typed), "path", "/p/"+portal+"?x=1",
		slog.Group("g", "code", code, "any", struct{ S string }{portal}), "n", 3, "bare", "x "+portal+" y")
	log.Warn("announce", SetupCodeKey, code)
	out := buf.String()
	for _, secret := range []string{apiToken, portal, typed} {
		if strings.Contains(out, secret) {
			t.Errorf("%q in %s", secret, out)
		}
	}
	if strings.Count(out, code) != 1 || !strings.Contains(out, `"setup_code":"`+code+`"`) {
		t.Errorf("the set-up code is redacted where it is announced, or shown elsewhere: %s", out)
	}
	for _, want := range []string{`"request_id":"req-0123456789"`, `"n":3`, `/p/REDACTED`, `atl_REDACTED`} {
		if !strings.Contains(out, want) {
			t.Errorf("%s missing from %s", want, out)
		}
	}
	// Without a request, Secret does nothing and From is empty.
	Secret(context.Background(), typed)
	if From(context.Background()) != "" {
		t.Fatal("an id from nowhere")
	}
}
