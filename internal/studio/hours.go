package studio

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Span is a stretch of working time in a day, in minutes from midnight
// of the studio's time zone: [Start, End).
type Span struct{ Start, End int }

// Week is the working time of each weekday, Sunday first as time.Weekday
// counts.
type Week [7][]Span

// Minutes is the week's working time.
func (w Week) Minutes() int {
	n := 0
	for _, day := range w {
		for _, s := range day {
			n += s.End - s.Start
		}
	}
	return n
}

// WeekdayKeys are the days as the API names them, in time.Weekday order.
var WeekdayKeys = [7]string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}

// Worker is a person of the studio who works on pieces; nil Week means
// the studio's hours.
type Worker struct {
	UserID string
	Week   *Week
}

// Capacity is when the studio works: its hours, the days it is closed,
// and who works.
type Capacity struct {
	Week    Week
	DaysOff []string // YYYY-MM-DD, in order
	Workers []Worker
}

// DefaultWeek is Monday to Friday, 09:00 to 17:00.
func DefaultWeek() Week {
	var w Week
	for d := time.Monday; d <= time.Friday; d++ {
		w[d] = []Span{{9 * 60, 17 * 60}}
	}
	return w
}

// DefaultCapacity is a studio that set none: the default week, no days
// off, the owner alone.
func DefaultCapacity(ownerID string) Capacity {
	return Capacity{Week: DefaultWeek(), Workers: []Worker{{UserID: ownerID}}}
}

// ParseClock reads "09:00" into minutes from midnight; "24:00" ends a day.
func ParseClock(s string) (int, bool) {
	h, m, ok := strings.Cut(strings.TrimSpace(s), ":")
	if !ok || len(h) == 0 || len(h) > 2 || len(m) != 2 {
		return 0, false
	}
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if err1 != nil || err2 != nil || hh < 0 || mm < 0 || mm > 59 || hh > 24 || (hh == 24 && mm != 0) {
		return 0, false
	}
	return hh*60 + mm, true
}

// FormatClock writes minutes from midnight as "09:00".
func FormatClock(min int) string { return fmt.Sprintf("%02d:%02d", min/60, min%60) }

// checkWeek adds the problems of a week to f under field: spans that end
// before they start or overlap, and a week without any working time,
// during which nothing could ever finish.
func checkWeek(f Fields, field string, w Week) {
	for d, day := range w {
		spans := slices.Clone(day)
		slices.SortFunc(spans, func(a, b Span) int { return a.Start - b.Start })
		for i, s := range spans {
			key := field + "." + WeekdayKeys[d]
			switch {
			case s.Start < 0 || s.End > 24*60:
				f.Add(key, "must be times of day from 00:00 to 24:00")
			case s.End <= s.Start:
				f.Add(key, fmt.Sprintf("%s–%s ends before it starts", FormatClock(s.Start), FormatClock(s.End)))
			case i > 0 && s.Start < spans[i-1].End:
				f.Add(key, fmt.Sprintf("%s–%s overlaps %s–%s", FormatClock(s.Start), FormatClock(s.End),
					FormatClock(spans[i-1].Start), FormatClock(spans[i-1].End)))
			}
		}
	}
	if _, bad := f[field]; !bad && w.Minutes() == 0 && !hasPrefix(f, field+".") {
		f.Add(field, "has no working hours: nothing could ever finish")
	}
}

func hasPrefix(f Fields, prefix string) bool {
	for k := range f {
		if strings.HasPrefix(k, prefix) {
			return true
		}
	}
	return false
}

// MaxDaysOff bounds the days off a studio lists.
const MaxDaysOff = 400

// Validate checks the capacity: each week's spans, the days off as dates,
// at least one worker and none twice. Whether the workers are the
// studio's people is the store's to check.
func (c Capacity) Validate() error {
	f := Fields{}
	checkWeek(f, "weekdays", c.Week)
	if len(c.DaysOff) > MaxDaysOff {
		f.Add("days_off", fmt.Sprintf("must list at most %d days", MaxDaysOff))
	}
	for _, d := range c.DaysOff {
		if _, err := time.Parse(time.DateOnly, d); err != nil {
			f.Add("days_off", fmt.Sprintf("%s is not a date written YYYY-MM-DD", Quote(d)))
			break
		}
	}
	if len(c.Workers) == 0 {
		f.Add("people", "must name at least one person who works")
	}
	seen := map[string]bool{}
	for i, w := range c.Workers {
		if seen[w.UserID] {
			f.Add(fmt.Sprintf("people[%d]", i), "is listed twice")
		}
		seen[w.UserID] = true
		if w.Week != nil {
			checkWeek(f, fmt.Sprintf("people[%d].weekdays", i), *w.Week)
		}
	}
	return f.Err()
}

// Normalised returns the capacity with each day's spans and the days off
// in order, and the days off without repeats.
func (c Capacity) Normalised() Capacity {
	sortWeek := func(w Week) Week {
		for d := range w {
			w[d] = slices.Clone(w[d])
			slices.SortFunc(w[d], func(a, b Span) int { return a.Start - b.Start })
		}
		return w
	}
	c.Week = sortWeek(c.Week)
	c.DaysOff = slices.Compact(slices.Sorted(slices.Values(c.DaysOff)))
	workers := make([]Worker, len(c.Workers))
	for i, w := range c.Workers {
		if w.Week != nil {
			week := sortWeek(*w.Week)
			w.Week = &week
		}
		workers[i] = w
	}
	c.Workers = workers
	return c
}

// WeekJSON is a week as the API writes it: {"mon": [["09:00", "17:00"]],
// …, "sun": []}.
type WeekJSON map[string][][]string

// JSON writes the week with every day present.
func (w Week) JSON() WeekJSON {
	out := WeekJSON{}
	for d, day := range w {
		spans := make([][]string, 0, len(day))
		for _, s := range day {
			spans = append(spans, []string{FormatClock(s.Start), FormatClock(s.End)})
		}
		out[WeekdayKeys[d]] = spans
	}
	return out
}

// Week reads the week, adding its problems to f under field: unknown day
// names and times that are not HH:MM. A day left out has no hours.
func (j WeekJSON) Week(f Fields, field string) Week {
	var w Week
	for key, spans := range j {
		d := slices.Index(WeekdayKeys[:], key)
		if d < 0 {
			f.Add(field+"."+key, "is not a day: use mon, tue, wed, thu, fri, sat and sun")
			continue
		}
		for _, s := range spans {
			if len(s) != 2 {
				f.Add(field+"."+key, "must list hours as [start, end] pairs, such as [\"09:00\", \"17:00\"]")
				continue
			}
			start, ok1 := ParseClock(s[0])
			end, ok2 := ParseClock(s[1])
			if !ok1 || !ok2 {
				f.Add(field+"."+key, fmt.Sprintf("%s–%s must be times written HH:MM, such as 09:00", Quote(s[0]), Quote(s[1])))
				continue
			}
			w[d] = append(w[d], Span{start, end})
		}
	}
	return w
}
