package store

import (
	"context"
	"database/sql"
	"slices"
	"time"

	"atelier/internal/studio"
)

// Today is the artist's day in one read: what runs, what is due, what
// waits on whom, and what came in from clients.
type Today struct {
	// Timers are the running timers, soonest first.
	Timers []TodayTimer
	// Due are the open commissions whose promised date is past or within
	// DueWithin, soonest first.
	Due []DueCommission
	// WaitingOnYou are the pieces the artist can take further now;
	// WaitingOnOther those held by a timer, the oven or the client (each
	// card's WaitsOn says which), by the domain's own rule (studio.WaitsOn).
	WaitingOnYou, WaitingOnOther []BoardCard
	// Inquiries are the newest new inquiries, at most TodayListMax, of
	// InquiryCount in all.
	Inquiries    []studio.Commission
	InquiryCount int
	// Unread are the latest unread client messages, at most TodayListMax,
	// of UnreadCount in all.
	Unread      []UnreadMessage
	UnreadCount int
	// Started is false for a studio with neither a piece nor a commission
	// yet: Today shows it its first steps instead.
	Started bool
}

// TodayTimer is a running timer and the piece it runs for.
type TodayTimer struct {
	Timer
	Subject string
}

// DueCommission is an open commission against its promised date.
type DueCommission struct {
	studio.Commission
	// Late is true once the promised date is past in the studio's today;
	// DaysLeft counts the days to it (negative when late).
	Late     bool
	DaysLeft int
}

// UnreadMessage is a client's message the studio has not read, with the
// commission it belongs to.
type UnreadMessage struct {
	studio.Message
	SubjectName, ContactName string
}

// DueWithin is how far ahead Today looks for promised dates; TodayListMax
// caps its lists of inquiries and messages, which link to the full ones.
const (
	DueWithin    = 7
	TodayListMax = 5
)

// Today reads the studio's day at the store's now.
func (s *Store) Today(ctx context.Context, studioID string) (d Today, err error) {
	err = s.read(ctx, func(tx *Tx) error {
		st, err := studioWhere(ctx, tx, "id = $1", studioID)
		if err != nil {
			return err
		}
		today := st.Today(tx.now)
		for _, step := range []func() error{
			func() error { return todayPieces(ctx, tx, studioID, today, &d) },
			func() error { return todayDue(ctx, tx, studioID, today, &d) },
			func() error { return todayInquiries(ctx, tx, studioID, &d) },
			func() error { return todayUnread(ctx, tx, studioID, &d) },
			func() error { return todayStarted(ctx, tx, studioID, &d) },
		} {
			if err := step(); err != nil {
				return err
			}
		}
		return nil
	})
	return d, err
}

// todayPieces sorts the pieces in production by what they wait on, and
// collects their running timers.
func todayPieces(ctx context.Context, tx *Tx, studioID, today string, d *Today) error {
	err := activeCards(ctx, tx, studioID, today, func(card BoardCard) error {
		for _, t := range card.Timers {
			if t.DueAt.After(tx.now) {
				d.Timers = append(d.Timers, TodayTimer{Timer: t, Subject: card.Subject})
			}
		}
		if card.WaitsOn == "" {
			d.WaitingOnYou = append(d.WaitingOnYou, card)
		} else {
			d.WaitingOnOther = append(d.WaitingOnOther, card)
		}
		return nil
	})
	slices.SortStableFunc(d.Timers, func(a, b TodayTimer) int { return a.DueAt.Compare(b.DueAt) })
	return err
}

// todayDue finds the open commissions promised within DueWithin days or
// already late. Dates are YYYY-MM-DD text, so they compare as text.
func todayDue(ctx context.Context, tx *Tx, studioID, today string, d *Today) error {
	day, err := time.Parse(time.DateOnly, today)
	if err != nil {
		return err
	}
	horizon := day.AddDate(0, 0, DueWithin).Format(time.DateOnly)
	return each(ctx, tx, `SELECT `+commissionColumns+` FROM commissions
		WHERE studio_id = $1 AND promised_date IS NOT NULL AND promised_date <> '' AND promised_date <= $2
		ORDER BY promised_date, id`, []any{studioID, horizon}, func(r *sql.Rows) error {
		c, err := scanCommission(r)
		if err != nil || !c.Status.Open() {
			return err
		}
		promised, err := time.Parse(time.DateOnly, c.PromisedDate)
		if err != nil {
			return err
		}
		days := int(promised.Sub(day).Hours() / 24)
		d.Due = append(d.Due, DueCommission{Commission: c, Late: days < 0, DaysLeft: days})
		return nil
	})
}

// todayInquiries lists the new inquiries, newest first.
func todayInquiries(ctx context.Context, tx *Tx, studioID string, d *Today) error {
	return each(ctx, tx, `SELECT `+commissionColumns+` FROM commissions WHERE studio_id = $1 AND status = 'inquiry'
		ORDER BY created_at DESC, id`, []any{studioID}, func(r *sql.Rows) error {
		c, err := scanCommission(r)
		if d.InquiryCount++; len(d.Inquiries) < TodayListMax {
			d.Inquiries = append(d.Inquiries, c)
		}
		return err
	})
}

// todayUnread lists the unread client messages, newest first.
func todayUnread(ctx context.Context, tx *Tx, studioID string, d *Today) error {
	return each(ctx, tx, `SELECT m.id, m.commission_id, m.author, m.body, m.created_at, c.subject_name, c.contact_name
		FROM messages m JOIN commissions c ON c.studio_id = m.studio_id AND c.id = m.commission_id
		WHERE m.studio_id = $1 AND m.author = 'client' AND m.read_at IS NULL
		ORDER BY m.created_at DESC, m.id DESC`, []any{studioID}, func(r *sql.Rows) error {
		var m UnreadMessage
		err := r.Scan(&m.ID, &m.CommissionID, &m.Author, &m.Body, &m.CreatedAt, &m.SubjectName, &m.ContactName)
		if d.UnreadCount++; len(d.Unread) < TodayListMax {
			d.Unread = append(d.Unread, m)
		}
		return err
	})
}

// todayStarted tells whether the studio has any piece or commission yet.
func todayStarted(ctx context.Context, tx *Tx, studioID string, d *Today) error {
	var n int
	err := tx.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM pieces WHERE studio_id = $1) + (SELECT COUNT(*) FROM commissions WHERE studio_id = $1)`, studioID).Scan(&n)
	d.Started = n > 0
	return err
}
