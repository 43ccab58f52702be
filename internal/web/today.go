package web

import (
	"fmt"
	"net/http"
	"time"

	"atelier/internal/store"
	"atelier/internal/studio"
)

// todayData is the artist's day: what runs, what is due, what waits on
// whom, what came in, and the questionnaire to share. A studio with
// nothing yet gets its first steps instead.
type todayData struct {
	Timers         []todayTimer
	Due            []dueLine
	OnYou, OnOther []store.BoardCard
	Inquiries      []studio.Commission
	InquiryCount   int
	MoreInquiries  int
	Unread         []store.UnreadMessage
	UnreadCount    int
	MoreUnread     int
	Reorder        *reorderCard
	Questionnaire  string
	Started, Owner bool
	// Alone is a studio of one user: its first steps invite an assistant.
	Alone     bool
	DueWithin int
	// Busy is false when nothing is due, running or waiting.
	Busy bool
	// Date is the studio's today, in words.
	Date string
}

// todayTimer is a running timer with the piece it runs for, shown as the
// piece's page shows it: a countdown ring app.js animates.
type todayTimer struct {
	PieceID, Subject string
	*timerView
}

// dueLine is a commission against its promised date, in words.
type dueLine struct {
	ID, Subject, Client, Promised, When string
	Late                                bool
}

func (w *Web) dashboard(rw http.ResponseWriter, r *http.Request, p studio.Principal) error {
	day, err := w.store.Today(r.Context(), p.Studio.ID)
	if err != nil {
		return err
	}
	reorder, err := w.store.ReorderMaterials(r.Context(), p.Studio.ID)
	if err != nil {
		return err
	}
	users, err := w.store.Users(r.Context(), p.Studio.ID)
	if err != nil {
		return err
	}
	d := newTodayData(day, p.Studio, w.cfg.Now())
	d.Reorder, d.Owner, d.Alone = newReorderCard(reorder), p.User.Role == studio.Owner, len(users) == 1
	d.Questionnaire = w.cfg.BaseURL + "/s/" + p.Studio.Slug + "/commission"
	w.render(rw, r, http.StatusOK, "dashboard", pageData{Title: "Today", Principal: &p, Nav: "dashboard", Data: d})
	return nil
}

func newTodayData(day store.Today, st studio.Studio, now time.Time) todayData {
	d := todayData{OnYou: day.WaitingOnYou, OnOther: day.WaitingOnOther, Inquiries: day.Inquiries, InquiryCount: day.InquiryCount,
		MoreInquiries: day.InquiryCount - len(day.Inquiries), Unread: day.Unread, UnreadCount: day.UnreadCount,
		MoreUnread: day.UnreadCount - len(day.Unread), Started: day.Started, DueWithin: store.DueWithin,
		Date: now.In(studioLocation(st)).Format("Monday 2 January")}
	for _, t := range day.Timers {
		d.Timers = append(d.Timers, todayTimer{PieceID: t.PieceID, Subject: t.Subject, timerView: newTimerView(t.Timer, now, st)})
	}
	for _, c := range day.Due {
		d.Due = append(d.Due, dueLine{ID: c.ID, Subject: c.Inquiry.SubjectName, Client: c.Inquiry.ContactName,
			Promised: promisedDate(c.PromisedDate), When: daysWord(c.DaysLeft), Late: c.Late})
	}
	d.Busy = len(d.Timers)+len(d.Due)+len(d.OnYou)+len(d.OnOther)+d.InquiryCount+d.UnreadCount > 0
	return d
}

// promisedDate shows a YYYY-MM-DD date as people write it.
func promisedDate(date string) string {
	t, err := time.Parse(time.DateOnly, date)
	if err != nil {
		return date
	}
	return t.Format("Mon 2 Jan")
}

// daysWord says how far a promised date is: "today", "in 3 days", "2 days late".
func daysWord(n int) string {
	switch {
	case n == 0:
		return "due today"
	case n == 1:
		return "due tomorrow"
	case n == -1:
		return "1 day late"
	case n < 0:
		return fmt.Sprintf("%d days late", -n)
	}
	return fmt.Sprintf("due in %d days", n)
}
