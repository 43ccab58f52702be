package studio

import "time"

// Timer is something a piece waits on: a coat drying, later a bake.
type Timer struct {
	ID      string
	PieceID string
	Kind    string
	Label   string
	DueAt   time.Time
	FiredAt *time.Time
}

// WaitsOn says in words what holds a piece, or "" when the artist can go
// on: a timer running (timers soonest first), the oven, or the client, who
// owes the references of an accepted commission.
func WaitsOn(p Piece, timers []Timer, commission CommissionStatus, now time.Time) string {
	switch {
	case len(timers) > 0 && timers[0].DueAt.After(now):
		return timers[0].Label
	case p.Stage == FirstBake:
		return "a bake"
	case commission == Accepted && p.Stage == Concept:
		return "the client's references"
	}
	return ""
}

// Late reports whether a piece is behind its commission's promised date
// (YYYY-MM-DD; "" for none): the date is past in the studio's today and the
// piece is not collector-grade yet.
func Late(p Piece, promised, today string) bool {
	return promised != "" && promised < today && p.Stage.Index() < CollectorGrade.Index()
}
