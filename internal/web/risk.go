package web

import (
	"time"

	"atelier/internal/plan"
)

// riskMark is a board card's warning that the plan has the piece done
// after its promise: Done is its 90 % date, Promised the promise, both
// for people.
type riskMark struct {
	Done, DoneISO, Promised string
}

// riskMarks are the plan's late pieces by ID: those whose 90 % date falls
// after the end of their promised day.
func riskMarks(p plan.Problem, r plan.Result, now time.Time) map[string]riskMark {
	loc := p.Location
	if loc == nil {
		loc = time.UTC
	}
	out := map[string]riskMark{}
	for i, f := range r.Pieces {
		if !f.Late || i >= len(p.Pieces) {
			continue
		}
		m := riskMark{Done: calendarDay(f.P90, now, loc), DoneISO: f.P90.In(loc).Format(time.DateOnly), Promised: p.Pieces[i].Promised}
		if day, err := time.ParseInLocation(time.DateOnly, m.Promised, loc); err == nil {
			m.Promised = calendarDay(day, now, loc)
		}
		out[f.PieceID] = m
	}
	return out
}
