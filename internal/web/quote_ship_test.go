package web

import (
	"reflect"
	"testing"
	"time"

	"atelier/internal/plan"
	"atelier/internal/studio"
)

// TestShipViewWritesDatesWarningAndPushedPieces: the what-if's dates in
// the studio's zone, a warning only when the promise is before the 90 %
// date, and the pushed pieces by subject, those that would miss their
// promise marked; a piece not pushed is not listed.
func TestShipViewWritesDatesWarningAndPushedPieces(t *testing.T) {
	vienna, err := time.LoadLocation("Europe/Vienna")
	if err != nil {
		t.Skip(err)
	}
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	prob := plan.Problem{Location: vienna, Pieces: []plan.Piece{{ID: "a", Subject: "Grandma Rose", Promised: "2026-12-10"}, {ID: "b", Subject: "Rex"}, {ID: "c", Subject: "Joe"}}}
	res := plan.WhatIf{ShipP50: time.Date(2026, 12, 14, 15, 0, 0, 0, time.UTC),
		// 23:30 UTC is the next day in Vienna.
		ShipP90: time.Date(2026, 12, 17, 23, 30, 0, 0, time.UTC),
		Delays:  []plan.Delay{{PieceID: "a", Days: 2, Promised: "2026-12-10", Late: true}, {PieceID: "b", Days: 1}, {PieceID: "c", Days: 0}}}
	clock := studio.Clock{Loc: vienna}
	pushed := []pushedPiece{{ID: "a", Subject: "Grandma Rose", By: "pushed by 2 days", Misses: true, Promised: "10 Dec"}, {ID: "b", Subject: "Rex", By: "pushed by 1 day"}}
	for _, c := range []struct {
		name, promised, warning string
	}{
		{"no promise", "", ""},
		{"a promise after the 90 % date", "2026-12-20", ""},
		{"a promise on the 90 % date", "2026-12-18", ""},
		{"a promise before the 90 % date", "2026-12-12", "The promised date 12 Dec is earlier than the date you can ship with 90 % confidence (18 Dec)."},
		{"a promise next year", "2027-01-02", ""},
		{"a promise typed wrong", "soon", ""},
	} {
		got := shipView(prob, res, c.promised, clock, now)
		want := shipCard{Ready: "14 Dec", Latest: "18 Dec", ReadyISO: "2026-12-14", LatestISO: "2026-12-18", Warning: c.warning, Pushed: pushed}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s:\n got %+v\nwant %+v", c.name, got, want)
		}
	}
	nextYear := res
	nextYear.ShipP90 = time.Date(2027, 1, 5, 12, 0, 0, 0, time.UTC)
	nextYear.Delays = nil
	got := shipView(prob, nextYear, "2026-12-24", clock, now)
	if got.Latest != "5 Jan 2027" || got.Warning != "The promised date 24 Dec is earlier than the date you can ship with 90 % confidence (5 Jan 2027)." || got.Pushed != nil {
		t.Errorf("into next year: %+v", got)
	}
}

// TestRiskMarksOnlyLatePieces: a piece is at risk when the plan says it is
// late, with its 90 % date and promise for people; others are not marked.
func TestRiskMarksOnlyLatePieces(t *testing.T) {
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	prob := plan.Problem{Location: time.UTC, Pieces: []plan.Piece{{ID: "a", Promised: "2026-12-12"}, {ID: "b", Promised: "2027-03-01"}, {ID: "c"}}}
	res := plan.Result{Pieces: []plan.Forecast{
		{PieceID: "a", P90: time.Date(2026, 12, 18, 10, 0, 0, 0, time.UTC), Late: true},
		{PieceID: "b", P90: time.Date(2026, 12, 18, 10, 0, 0, 0, time.UTC)},
		{PieceID: "c", P90: time.Date(2026, 12, 19, 10, 0, 0, 0, time.UTC)},
	}}
	got := riskMarks(prob, res, now)
	want := map[string]riskMark{"a": {Done: "18 Dec", DoneISO: "2026-12-18", Promised: "12 Dec"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
}
