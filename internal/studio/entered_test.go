package studio

import (
	"testing"
	"time"
)

// A time a person logs lies between 2000 and 2100, and a date too.
func TestEnteredTimesAreBounded(t *testing.T) {
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	for _, at := range []time.Time{
		time.Date(1999, 12, 31, 23, 59, 59, 0, time.UTC), time.Date(26, 5, 1, 0, 0, 0, 0, time.UTC), {},
		time.Date(2000, 1, 1, 0, 0, 0, 0, time.FixedZone("", 3600)), // 1999 in UTC
	} {
		if _, err := LoggedAt(&at, now, "at"); err == nil || err.(*Error).Fields["at"] == "" {
			t.Errorf("%v logged: %v", at, err)
		}
	}
	if _, err := LoggedAt(&EarliestEntered, now, "at"); err != nil {
		t.Errorf("the first moment of 2000: %v", err)
	}
	for d, want := range map[string]bool{"1999-12-31": false, "0026-05-01": false, "2101-01-01": false, "9999-12-31": false,
		"2000-01-01": true, "2100-12-31": true, "2026-05-01": true} {
		if ok := DateProblem(d, "1900-01-01", true) == ""; ok != want {
			t.Errorf("date %s accepted %v, want %v", d, ok, want)
		}
	}
	if YearProblem(time.Date(2101, 1, 1, 0, 0, 0, 0, time.UTC)) == "" || YearProblem(time.Date(2100, 12, 31, 23, 0, 0, 0, time.UTC)) != "" {
		t.Error("the end of 2100 is the last moment")
	}
}
