package web

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"atelier/internal/plan"
	"atelier/internal/store"
	"atelier/internal/studio"
)

// shipCard is the quote form's answer to "if I accept this today, when
// can I ship?": the planner's what-if for the commission, in words.
type shipCard struct {
	// Unavailable says in a sentence why there is no date; the rest is
	// empty then.
	Unavailable string
	// Ready and Latest are the 50 % and 90 % dates for people ("18 Dec"),
	// ReadyISO and LatestISO the same as YYYY-MM-DD for <time>.
	Ready, Latest       string
	ReadyISO, LatestISO string
	// Basis says what the date was worked out for.
	Basis string
	// Warning is set when the promised date falls before Latest.
	Warning string
	// Pushed are the open pieces the commission would push.
	Pushed []pushedPiece
}

// pushedPiece is an open piece the new commission would delay.
type pushedPiece struct {
	ID, Subject string
	// By is "pushed by 3 days".
	By string
	// Misses: it would then miss its promise, Promised (for people).
	Misses   bool
	Promised string
}

// shipOf asks the planner when the commission could ship if accepted now:
// one piece of its requested height in the studio's first clay, the
// request naming none; promised is the date the quote form holds. A
// commission the planner cannot take gets a sentence, never an error.
func (w *Web) shipOf(r *http.Request, p studio.Principal, d store.CommissionDetail, promised string) *shipCard {
	if d.Inquiry.TargetHeightMM == nil {
		return &shipCard{Unavailable: "The ship date needs the requested height: add it to the request."}
	}
	clays, err := w.store.Clays(r.Context(), p.Studio.ID)
	if err != nil || len(clays) == 0 {
		if err != nil {
			w.log.ErrorContext(r.Context(), "listing clays for a ship date", "commission", d.ID, "err", err)
		}
		return &shipCard{Unavailable: "The ship date needs the clays: add one on the Clays page."}
	}
	clay := clays[0]
	pr := studio.Proposal{TargetHeightMM: *d.Inquiry.TargetHeightMM, ClayBrands: []string{clay.Key}, Count: 1}
	prob, res, err := w.store.WhatIf(r.Context(), p.Studio.ID, pr)
	var se *studio.Error
	switch {
	case errors.As(err, &se) && se.Code == studio.Invalid:
		return &shipCard{Unavailable: "The ship date cannot be worked out for this request: check its height."}
	case errors.As(err, &se):
		return &shipCard{Unavailable: se.Message}
	case err != nil:
		w.log.ErrorContext(r.Context(), "planning a commission's ship date", "commission", d.ID, "err", err)
		return &shipCard{Unavailable: "The ship date could not be worked out just now."}
	}
	card := shipView(prob, res, promised, p.Studio.Clock(), prob.Now)
	card.Basis = fmt.Sprintf("For one piece of %s in %s, after the open work.", studio.FormatLength(pr.TargetHeightMM, p.Studio.Units), clayName(clay))
	return &card
}

func clayName(c studio.Clay) string {
	if c.Name != "" {
		return c.Name
	}
	return c.Key
}

// shipView writes a what-if for people: its dates in the studio's zone,
// a warning when promised (YYYY-MM-DD, or "") is before the 90 % date,
// and the open pieces pushed later, by subject.
func shipView(p plan.Problem, res plan.WhatIf, promised string, c studio.Clock, now time.Time) shipCard {
	loc := c.Loc
	if loc == nil {
		loc = time.UTC
	}
	out := shipCard{Ready: calendarDay(res.ShipP50, now, loc), Latest: calendarDay(res.ShipP90, now, loc),
		ReadyISO: res.ShipP50.In(loc).Format(time.DateOnly), LatestISO: res.ShipP90.In(loc).Format(time.DateOnly)}
	if day, err := time.ParseInLocation(time.DateOnly, promised, loc); err == nil && out.LatestISO > promised {
		out.Warning = fmt.Sprintf("The promised date %s is earlier than the date you can ship with 90 %% confidence (%s).", calendarDay(day, now, loc), out.Latest)
	}
	subject := map[string]string{}
	for _, pc := range p.Pieces {
		subject[pc.ID] = pc.Subject
	}
	for _, d := range res.Delays {
		if d.Days <= 0 {
			continue
		}
		pp := pushedPiece{ID: d.PieceID, Subject: subject[d.PieceID], By: fmt.Sprintf("pushed by %d day%s", d.Days, plural(d.Days)), Misses: d.Late}
		if day, err := time.ParseInLocation(time.DateOnly, d.Promised, loc); err == nil {
			pp.Promised = calendarDay(day, now, loc)
		}
		out.Pushed = append(out.Pushed, pp)
	}
	return out
}

// calendarDay is a date for planning, in loc: "18 Dec" this year, "18
// Dec 2027" another; never "Monday", which a promise cannot be held to.
func calendarDay(t, now time.Time, loc *time.Location) string {
	if t.In(loc).Year() == now.In(loc).Year() {
		return t.In(loc).Format("2 Jan")
	}
	return t.In(loc).Format("2 Jan 2006")
}
