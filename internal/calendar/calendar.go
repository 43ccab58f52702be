// Package calendar serves each user's calendar feed: the studio's running
// timers and its commissions' dates as iCalendar (RFC 5545), at a secret
// address that a phone's calendar app subscribes to. Calendar apps cannot
// send headers, so the secret is in the path.
package calendar

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"net/http"
	"strings"
	"time"

	ics "github.com/arran4/golang-ical"

	"atelier/internal/httpx"
	"atelier/internal/store"
	"atelier/internal/studio"
)

// URL is the full address of the feed of a calendar token.
func URL(baseURL, token string) string {
	return strings.TrimRight(baseURL, "/") + "/cal/" + token + ".ics"
}

// Feed serves the calendar feeds.
type Feed struct {
	Store *store.Store
	// BaseURL is the public address, for the links in the events.
	BaseURL string
	Log     *slog.Logger
}

// Routes is the feed's part of the route table. ServeMux cannot match
// "{token}.ics" within a segment, so the handler takes the ".ics" off; the
// wildcard is named token so that the server keeps it out of its logs.
// Outside the API, a panic is answered with the error page, as for any
// page: a calendar app shows neither.
func (f *Feed) Routes() []httpx.Route {
	return []httpx.Route{{Pattern: "GET /cal/{token}", Handler: http.HandlerFunc(f.show), Public: true, Page: true}}
}

func (f *Feed) show(w http.ResponseWriter, r *http.Request) {
	token, ok := strings.CutSuffix(r.PathValue("token"), ".ics")
	if !ok {
		f.fail(w, r, studio.Errorf(studio.NotFound, "No such calendar."))
		return
	}
	feed, err := f.Store.CalendarFeed(r.Context(), token)
	if err != nil {
		f.fail(w, r, err)
		return
	}
	body := Render(feed, f.BaseURL)
	sum := sha256.Sum256(body)
	h := w.Header()
	h.Set("Content-Type", "text/calendar; charset=utf-8")
	h.Set("Content-Disposition", `inline; filename="atelier.ics"`)
	// Calendar apps poll; the ETag lets them skip an unchanged feed.
	h.Set("ETag", `"`+hex.EncodeToString(sum[:16])+`"`)
	h.Set("Cache-Control", "private, no-cache")
	h.Set("X-Robots-Tag", "noindex")
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(body))
}

// fail answers in plain text: a calendar app shows nothing better.
func (f *Feed) fail(w http.ResponseWriter, r *http.Request, err error) {
	status := httpx.Status(err)
	msg := "No such calendar."
	if status != http.StatusNotFound {
		f.Log.ErrorContext(r.Context(), "calendar feed failed", "err", err)
		msg = "Something went wrong on our side. It has been logged; please try again."
	}
	w.Header().Set("Cache-Control", "no-store")
	http.Error(w, msg, status)
}

// Render writes the feed as an iCalendar document: CRLF line ends, lines
// folded at 75 octets, times in UTC. Every event's UID names its record,
// so that a calendar app updates an event rather than adding it again, and
// every DTSTAMP is the record's own time, so that two renderings of an
// unchanged feed are the same bytes.
func Render(f store.CalendarFeed, baseURL string) []byte {
	base := strings.TrimRight(baseURL, "/")
	cal := ics.NewCalendarFor("Atelier")
	cal.SetProductId("-//Atelier//Calendar feed//EN")
	cal.SetCalscale("GREGORIAN")
	cal.SetMethod(ics.MethodPublish)
	name := "Atelier: " + clean(f.Studio.Name)
	cal.SetName(name)
	cal.SetXWRCalName(name)
	cal.SetRefreshInterval("PT15M")
	cal.SetXPublishedTTL("PT15M")
	for _, t := range f.Timers {
		addTimer(cal, t, base)
	}
	for _, c := range f.Commissions {
		addDates(cal, c, base)
	}
	var b bytes.Buffer
	_ = cal.SerializeTo(&b, ics.WithNewLineWindows) // a bytes.Buffer does not fail
	return b.Bytes()
}

// addTimer shows a running timer from its start until it is due.
func addTimer(cal *ics.Calendar, t store.FeedTimer, base string) {
	e := cal.AddEvent("timer-" + t.ID + "@atelier")
	e.SetDtStampTime(t.StartedAt)
	summary := t.Label
	if t.Subject != "" {
		summary += ": " + t.Subject
	}
	e.SetSummary(clean(summary))
	start := t.StartedAt
	if !t.DueAt.After(start) {
		start = t.DueAt
	}
	e.SetStartAt(start)
	e.SetEndAt(t.DueAt)
	e.SetProperty(ics.ComponentPropertyTransp, "TRANSPARENT")
	e.AddCategory("Timer")
	if t.PieceID != "" {
		e.SetURL(base + "/pieces/" + t.PieceID)
	}
}

// addDates shows a commission's promised date and the client's deadline
// as all-day events.
func addDates(cal *ics.Calendar, c studio.Commission, base string) {
	who := clean(c.Inquiry.SubjectName + " (for " + c.Inquiry.ContactName + ")")
	for _, d := range []struct{ kind, date, summary string }{
		{"promised", c.PromisedDate, "Promised: " + who},
		{"deadline", c.Inquiry.Deadline, "Client's deadline: " + who},
	} {
		day, err := time.Parse(time.DateOnly, d.date)
		if err != nil {
			continue // no date (or, impossibly, a malformed one)
		}
		e := cal.AddEvent(d.kind + "-" + c.ID + "@atelier")
		e.SetDtStampTime(c.UpdatedAt)
		e.SetSummary(d.summary)
		e.SetAllDayStartAt(day)
		e.SetAllDayEndAt(day.AddDate(0, 0, 1))
		e.SetProperty(ics.ComponentPropertyTransp, "TRANSPARENT")
		e.AddCategory("Commission")
		e.SetURL(base + "/commissions/" + c.ID)
	}
}

// clean makes text one line: the library escapes newlines but not other
// control characters, which no calendar line may hold.
func clean(s string) string {
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f }), " ")
}
