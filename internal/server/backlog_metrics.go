package server

import (
	"context"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"atelier/internal/store"
)

// backlogCollector reads the store's backlog at each scrape: jobs by kind
// and state, timers past due, mail waiting or given up on. Counted in the
// database, so every instance of a cluster reports the same figures.
type backlogCollector struct {
	store                           *store.Store
	log                             *slog.Logger
	jobs, timersDue, outbox, failed *prometheus.Desc
}

func newBacklogCollector(st *store.Store, log *slog.Logger) *backlogCollector {
	return &backlogCollector{store: st, log: log,
		jobs:      prometheus.NewDesc("atelier_jobs", "Background jobs not completed, by kind and state (available and scheduled are queued; retryable failed and will retry; discarded failed for good).", []string{"kind", "state"}, nil),
		timersDue: prometheus.NewDesc("atelier_timers_due", "Timers whose time has come that have not fired yet.", nil, nil),
		outbox:    prometheus.NewDesc("atelier_outbox_pending", "Mails waiting to be sent.", nil, nil),
		failed:    prometheus.NewDesc("atelier_outbox_failed", "Mails given up on.", nil, nil),
	}
}

func (c *backlogCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.jobs
	ch <- c.timersDue
	ch <- c.outbox
	ch <- c.failed
}

// Collect reports nothing when the database does not answer in time: a
// scrape must not hang, and missing series say enough.
func (c *backlogCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	b, err := c.store.Backlog(ctx)
	if err != nil {
		c.log.Warn("metrics: reading the backlog", "err", err)
		return
	}
	for _, j := range b.Jobs {
		ch <- prometheus.MustNewConstMetric(c.jobs, prometheus.GaugeValue, float64(j.N), j.Kind, j.State)
	}
	ch <- prometheus.MustNewConstMetric(c.timersDue, prometheus.GaugeValue, float64(b.TimersDue))
	ch <- prometheus.MustNewConstMetric(c.outbox, prometheus.GaugeValue, float64(b.OutboxPending))
	ch <- prometheus.MustNewConstMetric(c.failed, prometheus.GaugeValue, float64(b.OutboxFailed))
}
