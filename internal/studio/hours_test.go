package studio

import (
	"strings"
	"testing"
)

func week(f Fields, j WeekJSON) Week { return j.Week(f, "weekdays") }

func TestCapacityValidate(t *testing.T) {
	owner := []Worker{{UserID: "u1"}}
	tests := []struct {
		name string
		week WeekJSON
		off  []string
		who  []Worker
		says string // "" for valid
	}{
		{"the default week", DefaultWeek().JSON(), nil, owner, ""},
		{"a split day and a Saturday morning", WeekJSON{"mon": {{"09:00", "12:30"}, {"13:30", "18:00"}}, "sat": {{"10:00", "13:00"}}}, []string{"2026-12-24"}, owner, ""},
		{"to midnight", WeekJSON{"fri": {{"20:00", "24:00"}}}, nil, owner, ""},
		{"hours that end before they start", WeekJSON{"mon": {{"17:00", "09:00"}}}, nil, owner, "weekdays.mon 17:00–09:00 ends before it starts"},
		{"hours that overlap", WeekJSON{"tue": {{"13:00", "18:00"}, {"09:00", "14:00"}}}, nil, owner, "weekdays.tue 13:00–18:00 overlaps 09:00–14:00"},
		{"a week with no working hours", WeekJSON{"mon": {}}, nil, owner, "weekdays has no working hours: nothing could ever finish"},
		{"not a time", WeekJSON{"mon": {{"9am", "5pm"}}}, nil, owner, "must be times written HH:MM"},
		{"past midnight", WeekJSON{"mon": {{"09:00", "24:30"}}}, nil, owner, "must be times written HH:MM"},
		{"not a day", WeekJSON{"monday": {{"09:00", "17:00"}}}, nil, owner, "weekdays.monday is not a day"},
		{"a day off that is no date", DefaultWeek().JSON(), []string{"24.12.2026"}, owner, "is not a date written YYYY-MM-DD"},
		{"nobody works", DefaultWeek().JSON(), nil, nil, "people must name at least one person"},
		{"someone twice", DefaultWeek().JSON(), nil, []Worker{{UserID: "u1"}, {UserID: "u1"}}, "people[1] is listed twice"},
		{"a person's own empty week", DefaultWeek().JSON(), nil, []Worker{{UserID: "u1", Week: &Week{}}}, "people[0].weekdays has no working hours"},
	}
	for _, tt := range tests {
		f := Fields{}
		c := Capacity{Week: week(f, tt.week), DaysOff: tt.off, Workers: tt.who}
		err := f.Err()
		if err == nil {
			err = c.Validate()
		}
		switch {
		case tt.says == "" && err != nil:
			t.Errorf("%s: %v", tt.name, err)
		case tt.says != "" && (err == nil || !strings.Contains(err.Error(), tt.says)):
			t.Errorf("%s: %v, want %q", tt.name, err, tt.says)
		case err != nil && ErrorCode(err) != Invalid:
			t.Errorf("%s: code %v", tt.name, ErrorCode(err))
		}
	}
}

func TestWeekRoundTrip(t *testing.T) {
	f := Fields{}
	w := WeekJSON{"mon": {{"13:30", "18:00"}, {"09:00", "12:30"}}, "sun": {}}.Week(f, "weekdays")
	c := Capacity{Week: w, DaysOff: []string{"2026-12-31", "2026-12-24", "2026-12-31"}, Workers: []Worker{{UserID: "u"}}}.Normalised()
	got := c.Week.JSON()
	if len(f) > 0 || got["mon"][0][0] != "09:00" || got["mon"][0][1] != "12:30" || len(got["tue"]) != 0 || len(got) != 7 {
		t.Errorf("the week back: %v %v", got, f)
	}
	if strings.Join(c.DaysOff, ",") != "2026-12-24,2026-12-31" || c.Week.Minutes() != 210+270 {
		t.Errorf("normalised: %v, %d min", c.DaysOff, c.Week.Minutes())
	}
}
