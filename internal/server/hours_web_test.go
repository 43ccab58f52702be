package server

import (
	"context"
	"net/url"
	"testing"

	"atelier/internal/store"
	"atelier/internal/store/storetest"
)

// The working-hours page: the default week shown, bad hours refused beside
// their day with nothing saved, a week of its own saved.
func TestWebWorkingHours(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		b, _ := setUpStudio(t, s)
		ana := mustSlug(t, s, "ana")
		res, body := b.get("/settings")
		want(t, res, body, 200, `href="/settings/hours"`)
		res, body = b.get("/settings/hours")
		want(t, res, body, 200, `id="day-mon" name="mon" type="text" autocomplete="off" placeholder="09:00–17:00" value="09:00–17:00"`,
			`id="day-sat" name="sat" type="text" autocomplete="off" placeholder="09:00–17:00" value=""`, `name="works"`, "checked")
		users, _ := s.Users(context.Background(), ana.ID)
		good := url.Values{"mon": {"09:00–12:30, 13:30–17:00"}, "tue": {"9:00-17:00"}, "sat": {"10:00 to 13:00"}, "days_off": {"2026-12-24\n2026-12-31"},
			"works": {users[0].ID}}
		for _, c := range []struct {
			name string
			form url.Values
			says string
		}{
			{"hours that end before they start", with(good, "mon", "17:00–09:00"), `id="day-mon-error"`},
			{"hours that overlap", with(good, "tue", "09:00–13:00, 12:00–17:00"), `id="day-tue-error"`},
			{"words for hours", with(good, "sat", "mornings"), `id="day-sat-error"`},
			{"a week without hours", url.Values{"works": {users[0].ID}}, `id="weekdays-error"`},
			{"a day off that is no date", with(good, "days_off", "christmas"), `id="days_off-error"`},
			{"nobody works", with(good, "works", ""), `id="people-error"`},
		} {
			if c.name == "nobody works" {
				c.form.Del("works")
			}
			res, body := b.post("/settings/hours", c.form, nil)
			want(t, res, body, 422, `id="hours-alert"`, c.says)
			if cap, _ := s.Capacity(context.Background(), ana.ID); cap.Week.Minutes() != 40*60 {
				t.Fatalf("%s: the hours changed to %v", c.name, cap.Week)
			}
		}
		res, body = b.post("/settings/hours", good, nil)
		want(t, res, body, 303, "/settings/hours")
		_, body = b.get("/settings/hours")
		want(t, res, body, 303, "Working hours saved: 18 h a week", `value="09:00–12:30, 13:30–17:00"`, "2026-12-24\n2026-12-31")
	})
}
