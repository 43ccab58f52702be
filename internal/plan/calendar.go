package plan

import (
	"errors"
	"slices"
	"sort"
	"time"

	"atelier/internal/studio"
)

// The planner counts time in minutes from the plan's now, as float64: a
// calendar turns working minutes into clock minutes for one person (or
// for the studio), across evenings, weekends, days off and DST changes.

// MaxHorizonDays is how far ahead a plan may reach: work that would end
// later than this is a studio with far more open work than hours.
const MaxHorizonDays = 20 * 366

// ErrBeyondHorizon says the open work does not fit in MaxHorizonDays.
var ErrBeyondHorizon = errors.New("plan: the open work would take more than 20 years at the studio's hours")

// calendar is a sorted list of working intervals, extended a year at a
// time as the plan reaches further.
type calendar struct {
	now     time.Time
	loc     *time.Location
	week    studio.Week
	daysOff map[string]bool
	// start and end of each interval, in minutes from now; cum is the
	// working minutes before each interval.
	start, end, cum []float64
	days            int // days laid out so far, from now's local date
	y               int
	m               time.Month
	d               int
}

func newCalendar(now time.Time, loc *time.Location, week studio.Week, daysOff []string) *calendar {
	if loc == nil {
		loc = time.UTC
	}
	off := make(map[string]bool, len(daysOff))
	for _, d := range daysOff {
		off[d] = true
	}
	local := now.In(loc)
	c := &calendar{now: now, loc: loc, week: week, daysOff: off, y: local.Year(), m: local.Month(), d: local.Day()}
	return c
}

// clone is a copy that extends on its own: calendars grow as a plan
// reaches further, so concurrent simulations each need theirs.
func (c *calendar) clone() *calendar {
	d := *c
	d.start, d.end, d.cum = slices.Clone(c.start), slices.Clone(c.end), slices.Clone(c.cum)
	return &d
}

// extend lays out another year of working intervals; false when the
// horizon is reached.
func (c *calendar) extend() bool {
	if c.days >= MaxHorizonDays {
		return false
	}
	for range 366 {
		day := time.Date(c.y, c.m, c.d+c.days, 0, 0, 0, 0, c.loc)
		c.days++
		if c.daysOff[day.Format(time.DateOnly)] {
			continue
		}
		for _, s := range c.week[day.Weekday()] {
			a := time.Date(day.Year(), day.Month(), day.Day(), 0, s.Start, 0, 0, c.loc)
			b := time.Date(day.Year(), day.Month(), day.Day(), 0, s.End, 0, 0, c.loc)
			lo, hi := minutesSince(c.now, a), minutesSince(c.now, b)
			lo = max(lo, 0)
			if hi <= lo {
				continue
			}
			prev := 0.0
			if n := len(c.start); n > 0 {
				prev = c.cum[n-1] + c.end[n-1] - c.start[n-1]
			}
			c.start, c.end, c.cum = append(c.start, lo), append(c.end, hi), append(c.cum, prev)
		}
	}
	return true
}

func minutesSince(now, t time.Time) float64 { return t.Sub(now).Minutes() }

// at turns minutes from now back into a time, to the second.
func at(now time.Time, m float64) time.Time {
	return now.Add(time.Duration(m * float64(time.Minute))).Round(time.Second)
}

// index is the first interval that ends after t, extending as needed; -1
// beyond the horizon.
func (c *calendar) index(t float64) int {
	for {
		i := sort.SearchFloat64s(c.end, t)
		for i < len(c.end) && c.end[i] <= t {
			i++
		}
		if i < len(c.end) {
			return i
		}
		if !c.extend() {
			return -1
		}
	}
}

// next is the first working minute at or after t; ok false beyond the
// horizon.
func (c *calendar) next(t float64) (float64, bool) {
	i := c.index(t)
	if i < 0 {
		return 0, false
	}
	return max(t, c.start[i]), true
}

// working reports whether t is inside working hours.
func (c *calendar) working(t float64) bool {
	n, ok := c.next(t)
	return ok && n == t
}

// add is when work of w minutes begun at t (or at the next working
// minute) ends: it pauses outside the hours.
func (c *calendar) add(t, w float64) (float64, bool) {
	i := c.index(t)
	if i < 0 {
		return 0, false
	}
	t = max(t, c.start[i])
	target := c.cum[i] + (t - c.start[i]) + w
	for {
		n := len(c.start)
		if c.cum[n-1]+c.end[n-1]-c.start[n-1] >= target {
			break
		}
		if !c.extend() {
			return 0, false
		}
	}
	// The first interval whose end reaches the target holds the end.
	j := i + sort.Search(len(c.start)-i, func(k int) bool { return c.cum[i+k]+c.end[i+k]-c.start[i+k] >= target })
	return c.start[j] + (target - c.cum[j]), true
}
