// Package requestid carries a request's id through its context and into
// every log line written with that context, and keeps the request's
// secrets out of every log line.
package requestid

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"regexp"
	"sync"
)

type key struct{}

// request is what a request's context carries for its log lines: its id
// and the secrets it holds, which are learnt as the request is routed.
type request struct {
	id      string
	mu      sync.Mutex
	secrets []string
}

// With returns ctx carrying id.
func With(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, key{}, &request{id: id})
}

// From returns the id ctx carries, or "".
func From(ctx context.Context) string {
	if req, ok := ctx.Value(key{}).(*request); ok {
		return req.id
	}
	return ""
}

// Secret marks values as secrets of the request ctx belongs to (a portal
// token in its path, a set-up code in its form): no line logged with
// that context shows them. Without a request in ctx it does nothing.
func Secret(ctx context.Context, values ...string) {
	req, ok := ctx.Value(key{}).(*request)
	if !ok {
		return
	}
	req.mu.Lock()
	defer req.mu.Unlock()
	for _, v := range values {
		if len(v) >= minSecret {
			req.secrets = append(req.secrets, v)
		}
	}
}

func secretsOf(ctx context.Context) []string {
	req, ok := ctx.Value(key{}).(*request)
	if !ok {
		return nil
	}
	req.mu.Lock()
	defer req.mu.Unlock()
	return append([]string(nil), req.secrets...)
}

var acceptable = regexp.MustCompile(`^[A-Za-z0-9._-]{8,64}$`)

// Choose keeps an id a load balancer sent when it looks like one, so that
// its logs and ours line up, and makes a fresh one otherwise.
func Choose(incoming string) string {
	if acceptable.MatchString(incoming) {
		return incoming
	}
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// Handler adds the request_id attribute to every record logged with a
// context that carries one, and redacts secrets from every record: the
// server wraps its logger in it, so it is the one place every log line
// passes.
type Handler struct{ slog.Handler }

// Wrap returns h wrapped in Handler, once.
func Wrap(h slog.Handler) slog.Handler {
	if _, ok := h.(Handler); ok {
		return h
	}
	return Handler{h}
}

func (h Handler) Handle(ctx context.Context, r slog.Record) error {
	rd := redactor{secrets: secretsOf(ctx)}
	out := slog.NewRecord(r.Time, r.Level, rd.string(r.Message), r.PC)
	r.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(rd.attr(a))
		return true
	})
	if id := From(ctx); id != "" {
		out.AddAttrs(slog.String("request_id", id))
	}
	return h.Handler.Handle(ctx, out)
}

func (h Handler) WithAttrs(attrs []slog.Attr) slog.Handler {
	rd := redactor{}
	clean := make([]slog.Attr, len(attrs))
	for i, a := range attrs {
		clean[i] = rd.attr(a)
	}
	return Handler{h.Handler.WithAttrs(clean)}
}

func (h Handler) WithGroup(name string) slog.Handler { return Handler{h.Handler.WithGroup(name)} }
