package studio

import (
	"testing"
	"time"
)

func zone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatalf("time zone %s: %v", name, err)
	}
	return loc
}

// Times in words across time zones and changes of summer time: a day is a
// date in the studio's zone, never 24 hours.
func TestClockAt(t *testing.T) {
	vienna, newYork := zone(t, "Europe/Vienna"), zone(t, "America/New_York")
	kathmandu, lordHowe := zone(t, "Asia/Kathmandu"), zone(t, "Australia/Lord_Howe")
	at := func(loc *time.Location, s string) time.Time {
		v, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	tests := []struct {
		name     string
		clock    Clock
		t, now   time.Time
		want     string
		wantDate string
	}{
		{"today, the time alone", Clock{Loc: vienna}, at(vienna, "2026-06-10 18:43"), at(vienna, "2026-06-10 09:00"), "18:43", "today"},
		{"a 12-hour studio", Clock{Loc: newYork, Hours12: true}, at(newYork, "2026-06-10 18:43"), at(newYork, "2026-06-10 09:00"), "6:43 pm", "today"},
		{"past midnight on a 12-hour clock", Clock{Loc: newYork, Hours12: true}, at(newYork, "2026-06-10 00:05"), at(newYork, "2026-06-10 09:00"), "12:05 am", "today"},
		{"noon on a 12-hour clock", Clock{Loc: newYork, Hours12: true}, at(newYork, "2026-06-11 12:00"), at(newYork, "2026-06-10 09:00"), "tomorrow at 12:00 pm", "tomorrow"},
		{"yesterday", Clock{Loc: vienna}, at(vienna, "2026-06-09 09:10"), at(vienna, "2026-06-10 08:00"), "yesterday at 09:10", "yesterday"},
		// Spring forward in Vienna on 29 March 2026: 23:30 the day before
		// is 11½ hours earlier but yesterday; 00:45 the day before is
		// 23¾ hours before 00:30 on the 29th, and yesterday too.
		{"yesterday across spring forward", Clock{Loc: vienna}, at(vienna, "2026-03-28 23:30"), at(vienna, "2026-03-29 12:00"), "yesterday at 23:30", "yesterday"},
		{"under 24 hours but two dates back", Clock{Loc: vienna}, at(vienna, "2026-03-27 23:59"), at(vienna, "2026-03-29 00:30"), "Friday at 23:59", "Friday"},
		// Fall back in New York on 1 November 2026: the 25-hour day is one
		// date.
		{"the long day of fall back", Clock{Loc: newYork, Hours12: true}, at(newYork, "2026-11-01 00:30"), at(newYork, "2026-11-01 23:30"), "12:30 am", "today"},
		{"tomorrow across fall back", Clock{Loc: newYork}, at(newYork, "2026-11-02 00:10"), at(newYork, "2026-10-31 23:50").Add(24 * time.Hour), "tomorrow at 00:10", "tomorrow"},
		// A UTC instant is read in the studio's zone, quarter-hour offsets
		// and half-hour summer time included.
		{"Kathmandu's +5:45", Clock{Loc: kathmandu}, time.Date(2026, 6, 10, 18, 20, 0, 0, time.UTC), time.Date(2026, 6, 10, 12, 0, 0, 0, time.UTC), "tomorrow at 00:05", "tomorrow"},
		{"Lord Howe's half-hour summer time", Clock{Loc: lordHowe}, time.Date(2026, 1, 10, 13, 0, 0, 0, time.UTC), time.Date(2026, 1, 10, 1, 0, 0, 0, time.UTC), "tomorrow at 00:00", "tomorrow"},
		{"within the week", Clock{Loc: vienna}, at(vienna, "2026-06-14 10:00"), at(vienna, "2026-06-10 10:00"), "Sunday at 10:00", "Sunday"},
		{"this year", Clock{Loc: vienna}, at(vienna, "2026-03-03 10:00"), at(vienna, "2026-06-10 10:00"), "3 Mar at 10:00", "3 Mar"},
		{"another year", Clock{Loc: vienna}, at(vienna, "2025-03-03 10:00"), at(vienna, "2026-06-10 10:00"), "3 Mar 2025 at 10:00", "3 Mar 2025"},
		{"no zone is UTC", Clock{}, time.Date(2026, 6, 10, 18, 43, 0, 0, time.UTC), time.Date(2026, 6, 10, 9, 0, 0, 0, time.UTC), "18:43", "today"},
	}
	for _, tt := range tests {
		if got := tt.clock.At(tt.t, tt.now); got != tt.want {
			t.Errorf("%s: At = %q, want %q", tt.name, got, tt.want)
		}
		if got := tt.clock.Date(tt.t, tt.now); got != tt.wantDate {
			t.Errorf("%s: Date = %q, want %q", tt.name, got, tt.wantDate)
		}
	}
}

func TestClockDue(t *testing.T) {
	vienna := zone(t, "Europe/Vienna")
	now := time.Date(2026, 6, 10, 18, 31, 0, 0, vienna)
	c := Clock{Loc: vienna, Hours12: true}
	for _, tt := range []struct {
		t    time.Time
		want string
	}{
		{now.Add(12 * time.Minute), "at 6:43 pm, in 12 min"},
		{now.Add(-5 * time.Minute), "at 6:26 pm, 5 min ago"},
		{now.Add(14*time.Hour + 39*time.Minute), "tomorrow at 9:10 am, in 14 h 39 min"},
	} {
		if got := c.Due(tt.t, now); got != tt.want {
			t.Errorf("Due = %q, want %q", got, tt.want)
		}
	}
}

func TestRelative(t *testing.T) {
	for _, tt := range []struct {
		d    time.Duration
		want string
	}{
		{0, "now"},
		{29 * time.Second, "now"},
		{-20 * time.Second, "now"},
		{31 * time.Second, "in 1 min"},
		{12 * time.Minute, "in 12 min"},
		{-5 * time.Minute, "5 min ago"},
		{60 * time.Minute, "in 1 h"},
		{125 * time.Minute, "in 2 h 5 min"},
		{47*time.Hour + 59*time.Minute, "in 47 h 59 min"},
		{48 * time.Hour, "in 2 days"},
		{-80 * time.Hour, "3 days ago"},
	} {
		if got := Relative(tt.d); got != tt.want {
			t.Errorf("Relative(%v) = %q, want %q", tt.d, got, tt.want)
		}
	}
}

func TestStudioClock(t *testing.T) {
	c := Studio{Timezone: "America/New_York", Units: Imperial}.Clock()
	if c.Loc.String() != "America/New_York" || !c.Hours12 {
		t.Errorf("an imperial New York studio: %+v", c)
	}
	if c := (Studio{Timezone: "Mars/Olympus", Units: Metric}).Clock(); c.Loc != time.UTC || c.Hours12 {
		t.Errorf("an unknown zone: %+v", c)
	}
}
