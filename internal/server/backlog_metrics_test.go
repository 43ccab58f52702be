package server

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"atelier/internal/store"
	"atelier/internal/store/storetest"
	"atelier/internal/studio"
)

// /metrics reports the backlog an operator watches, read from the
// database: a coat whose drying time has passed (and whose job has not
// run) is a timer due, with its job waiting in River; no mail is waiting.
func TestMetricsReportTheBacklog(t *testing.T) {
	storetest.EachDialect(t, func(t *testing.T, d store.Dialect) {
		var mu sync.Mutex
		clock := time.Now()
		s := storetest.Open(t, d, func() time.Time { mu.Lock(); defer mu.Unlock(); return clock })
		b, _ := setUpStudio(t, s)
		_, body := b.get("/metrics")
		for _, want := range []string{"atelier_timers_due 0", "atelier_outbox_pending 0", "atelier_outbox_failed 0"} {
			if !strings.Contains(body, want) {
				t.Errorf("an idle studio's metrics lack %q", want)
			}
		}
		ana := mustSlug(t, s, "ana").ID
		id := newWebPiece(t, s, "Grandpa Joe")
		storetest.WalkPiece(t, s, ana, id, studio.Finish)
		if _, err := s.LogCoat(context.Background(), ana, id, "", studio.MattePolyurethane, false, nil); err != nil {
			t.Fatal(err)
		}
		_, body = b.get("/metrics")
		if !strings.Contains(body, "atelier_timers_due 0") {
			t.Errorf("a wet coat is a timer due already:\n%s", grepLines(body, "atelier_"))
		}
		mu.Lock()
		clock = clock.Add(24 * time.Hour)
		mu.Unlock()
		_, body = b.get("/metrics")
		if !strings.Contains(body, "atelier_timers_due 1") {
			t.Errorf("a coat dry a day ago is no timer due:\n%s", grepLines(body, "atelier_"))
		}
		if !strings.Contains(body, "atelier_jobs{kind=") {
			t.Errorf("the coat's timer job is not among the jobs:\n%s", grepLines(body, "atelier_"))
		}
	})
}

func grepLines(body, prefix string) string {
	var out []string
	for _, l := range strings.Split(body, "\n") {
		if strings.HasPrefix(l, prefix) && !strings.HasPrefix(l, "atelier_http") {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
