package server

import (
	"testing"

	"atelier/internal/store"
	"atelier/internal/store/storetest"
)

// The studio's hours through the API: the default week with the owner
// alone, a week of its own with an assistant on mornings, and each bad
// input refused with 422 and nothing written; only the owner sets them.
func TestStudioHoursThroughTheAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		got := f.mustCall(t, "GET", "/api/v1/studio/hours", "assistant", "", 200)
		week := got["weekdays"].(map[string]any)
		people := got["people"].([]any)
		if len(week["mon"].([]any)) != 1 || len(week["sat"].([]any)) != 0 || len(people) != 1 || people[0].(map[string]any)["email"] != "ana@example.com" {
			t.Fatalf("the default hours: %v", got)
		}
		body := `{"weekdays":{"mon":[["09:00","12:30"],["13:30","17:00"]],"tue":[["09:00","17:00"]],"sat":[["10:00","13:00"]],"sun":[]},
			"days_off":["2026-12-24","2026-12-31"],"people":[{"email":"ana@example.com"},{"email":"ASST@example.com","weekdays":{"wed":[["08:00","12:00"]]}}]}`
		f.mustCall(t, "PUT", "/api/v1/studio/hours", "assistant", body, 403)
		got = f.mustCall(t, "PUT", "/api/v1/studio/hours", "owner", body, 200)
		people = got["people"].([]any)
		if len(people) != 2 || people[1].(map[string]any)["email"] != "asst@example.com" || people[1].(map[string]any)["weekdays"] == nil ||
			len(got["days_off"].([]any)) != 2 || len(got["weekdays"].(map[string]any)["mon"].([]any)) != 2 {
			t.Fatalf("the hours set: %v", got)
		}
		for _, bad := range []string{
			`{"weekdays":{"mon":[["17:00","09:00"]]}}`,
			`{"weekdays":{"mon":[["09:00","13:00"],["12:00","17:00"]]}}`,
			`{"weekdays":{}}`,
			`{"weekdays":{"mon":[["9","17"]]}}`,
			`{"weekdays":{"funday":[["09:00","17:00"]]}}`,
			`{"weekdays":{"mon":[["09:00","17:00"]]},"days_off":["next friday"]}`,
			`{"weekdays":{"mon":[["09:00","17:00"]]},"people":[{"email":"nobody@example.com"}]}`,
			`{"weekdays":{"mon":[["09:00","17:00"]]},"people":[{"email":"ben@example.com"}]}`,
			`{"weekdays":{"mon":[["09:00","17:00"]]},"people":[]}`,
		} {
			f.mustCall(t, "PUT", "/api/v1/studio/hours", "owner", bad, 422)
		}
		if again := f.mustCall(t, "GET", "/api/v1/studio/hours", "owner", "", 200); len(again["people"].([]any)) != 2 {
			t.Fatalf("a refused change wrote: %v", again)
		}
		f.mustCall(t, "PUT", "/api/v1/studio/hours", "owner", `{"weekdays":{"mon":[["09:00","17:00","18:00"]]}}`, 422)
		f.mustCall(t, "PUT", "/api/v1/studio/hours", "owner", `{"weekdays":{"mon":"all day"}}`, 422)
	})
}
