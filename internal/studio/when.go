package studio

import (
	"fmt"
	"time"
)

// Clock writes times for people, in the studio's time zone: "18:43",
// "yesterday at 09:10", "dry at 6:43 pm, in 12 min". Pages and messages
// use it; the API keeps RFC 3339 in UTC.
type Clock struct {
	Loc *time.Location
	// Hours12 writes "6:43 pm" rather than "18:43".
	Hours12 bool
}

// Clock is the studio's clock: its time zone (UTC when the zone is
// unknown to this machine), and the 12-hour clock for a studio that
// measures in inches, as the countries that do read the time so.
func (s Studio) Clock() Clock {
	loc, err := time.LoadLocation(s.Timezone)
	if err != nil || s.Timezone == "" {
		loc = time.UTC
	}
	return Clock{Loc: loc, Hours12: s.Units == Imperial}
}

func (c Clock) loc() *time.Location {
	if c.Loc == nil {
		return time.UTC
	}
	return c.Loc
}

// Time is the time of day: "18:43" or "6:43 pm".
func (c Clock) Time(t time.Time) string {
	t = t.In(c.loc())
	if !c.Hours12 {
		return t.Format("15:04")
	}
	return t.Format("3:04") + map[bool]string{true: " am", false: " pm"}[t.Hour() < 12]
}

// daysBetween is the number of calendar days from a's date to b's, both
// read in loc: a day is a date, whatever its length across a change of
// summer time.
func daysBetween(a, b time.Time, loc *time.Location) int {
	civil := func(t time.Time) time.Time {
		y, m, d := t.In(loc).Date()
		return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	}
	return int(civil(b).Sub(civil(a)).Hours() / 24)
}

// Date is a day for people, seen from now: "today", "yesterday",
// "tomorrow", "Monday" within the week either side, "3 Mar" this year,
// "3 Mar 2025" another.
func (c Clock) Date(t, now time.Time) string {
	loc := c.loc()
	switch d := daysBetween(now, t, loc); {
	case d == 0:
		return "today"
	case d == -1:
		return "yesterday"
	case d == 1:
		return "tomorrow"
	case d > -7 && d < 7:
		return t.In(loc).Format("Monday")
	case t.In(loc).Year() == now.In(loc).Year():
		return t.In(loc).Format("2 Jan")
	}
	return t.In(loc).Format("2 Jan 2006")
}

// At is a moment for people, seen from now: the time alone today
// ("18:43"), else the day and the time ("yesterday at 09:10", "Monday at
// 6:43 pm", "3 Mar 2025 at 09:10").
func (c Clock) At(t, now time.Time) string {
	if daysBetween(now, t, c.loc()) == 0 {
		return c.Time(t)
	}
	return c.Date(t, now) + " at " + c.Time(t)
}

// Due is a moment with how far it is: "at 18:43, in 12 min", "at 18:43,
// 5 min ago", "tomorrow at 09:10, in 14 h 27 min".
func (c Clock) Due(t, now time.Time) string {
	at := c.At(t, now)
	if daysBetween(now, t, c.loc()) == 0 {
		at = "at " + at
	}
	return at + ", " + Relative(t.Sub(now))
}

// Relative is a span from now for people: "in 12 min", "5 min ago", "in
// 2 h 5 min", "in 3 days", "now" within the minute.
func Relative(d time.Duration) string {
	past := d < 0
	if past {
		d = -d
	}
	mins := int((d + 30*time.Second) / time.Minute)
	var span string
	switch {
	case mins == 0:
		return "now"
	case mins < 60:
		span = fmt.Sprintf("%d min", mins)
	case mins < 48*60:
		span = fmt.Sprintf("%d h", mins/60)
		if m := mins % 60; m > 0 {
			span += fmt.Sprintf(" %d min", m)
		}
	default:
		span = fmt.Sprintf("%d days", (mins+12*60)/(24*60))
	}
	if past {
		return span + " ago"
	}
	return "in " + span
}
