package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/riverqueue/river"

	"atelier/internal/store"
	"atelier/internal/studio"
)

// The reorder digest: once a local day, from digestHour in the studio's
// time zone, a studio with items at or below their reorder level gets one
// e-mail to its owners listing them. The job runs every DigestEvery and
// looks at every studio; the day's record (store.RecordMaterialDigest),
// written with the mail in one transaction, keeps a second run, process or
// rescue from sending it twice. A studio with nothing to reorder records
// nothing, so an item that runs low later that day is still mailed.
//
// Unlike the outbox's other mail, the digest is queued only when mail is
// on: with mail off the day is recorded without a mail, so turning mail on
// later sends no stale list (the dashboard shows the same list anyway).

const (
	// DigestEvery is how often the digest job looks at the studios.
	DigestEvery = 30 * time.Minute
	// digestHour is the local hour from which a studio's digest is due.
	digestHour = 7
	// maxDigestItems bounds the items one mail lists; the rest are counted.
	maxDigestItems = 100
)

// DigestArgs is the periodic reorder digest of every studio.
type DigestArgs struct{}

// Kind names the job in River's table.
func (DigestArgs) Kind() string { return "material_digest" }

// InsertOpts keeps a failing run from retrying for long: the next
// periodic run comes within half an hour anyway.
func (DigestArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{MaxAttempts: 3} }

func digestPeriodically() *river.PeriodicJob {
	return river.NewPeriodicJob(river.PeriodicInterval(DigestEvery),
		func() (river.JobArgs, *river.InsertOpts) { return DigestArgs{}, nil },
		&river.PeriodicJobOpts{ID: "material_digest", RunOnStart: true})
}

type digestWorker struct {
	river.WorkerDefaults[DigestArgs]
	st      *store.Store
	mailOn  bool
	baseURL string
	now     func() time.Time
	log     *slog.Logger
}

func newDigestWorker(st *store.Store, cfg Config) *digestWorker {
	return &digestWorker{st: st, mailOn: cfg.Mailer != nil, baseURL: strings.TrimRight(cfg.BaseURL, "/"), now: cfg.Now, log: cfg.Log}
}

// Work visits every studio. One studio's failure does not hold up the
// others; the run fails, and River tries it again, once all were visited.
func (w *digestWorker) Work(ctx context.Context, _ *river.Job[DigestArgs]) error {
	studios, err := w.st.Studios(ctx)
	if err != nil {
		return fmt.Errorf("listing the studios: %w", err)
	}
	now := w.now()
	var errs []error
	for _, st := range studios {
		if err := w.digest(ctx, st, now); err != nil {
			errs = append(errs, fmt.Errorf("reorder digest of studio %s: %w", st.ID, err))
		}
	}
	return errors.Join(errs...)
}

// digest records, and mails when mail is on, the studio's digest of its
// local day, if it is due and has anything to list.
func (w *digestWorker) digest(ctx context.Context, st studio.Studio, now time.Time) error {
	day, due := digestDue(st, now)
	if !due {
		return nil
	}
	if done, err := w.st.MaterialDigestDone(ctx, st.ID, day); err != nil || done {
		return err
	}
	items, err := w.st.ReorderMaterials(ctx, st.ID)
	if err != nil || len(items) == 0 {
		return err
	}
	d := store.MaterialDigest{StudioID: st.ID, Day: day, Items: len(items)}
	if w.mailOn {
		d.Subject, d.Body = digestMail(st, items, w.baseURL+"/materials")
	}
	recorded, err := w.st.RecordMaterialDigest(ctx, d)
	if recorded {
		w.log.InfoContext(ctx, "reorder digest", "studio_id", st.ID, "day", day, "items", len(items), "mailed", w.mailOn)
	}
	return err
}

// digestDue gives the studio's local date at now, and whether its digest
// is due then (from digestHour on).
func digestDue(st studio.Studio, now time.Time) (day string, due bool) {
	loc, err := time.LoadLocation(st.Timezone)
	if err != nil {
		loc = time.UTC
	}
	local := now.In(loc)
	return local.Format(time.DateOnly), local.Hour() >= digestHour
}

// digestMail writes the digest's mail: the items, each with its stock,
// its reorder level and its supplier, and where the inventory is.
func digestMail(st studio.Studio, items []studio.Material, link string) (subject, body string) {
	n := len(items)
	subject = fmt.Sprintf("Atelier: %d material%s to reorder", n, plural(n))
	var b strings.Builder
	fmt.Fprintf(&b, "Hello,\n\n%s has %d item%s at or below the reorder level:\n\n", st.Name, n, plural(n))
	for _, m := range items[:min(n, maxDigestItems)] {
		fmt.Fprintf(&b, "- %s — in stock %s %s, reorder at %s %s", m.Name, m.Quantity, m.Unit, m.ReorderLevel, m.Unit)
		if m.Supplier != "" {
			fmt.Fprintf(&b, ", from %s", m.Supplier)
		}
		b.WriteString("\n")
	}
	if n > maxDigestItems {
		fmt.Fprintf(&b, "- and %d more\n", n-maxDigestItems)
	}
	fmt.Fprintf(&b, "\nThe inventory: %s\n\nAtelier sends this list once a day while items are low.\n", link)
	return subject, b.String()
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
