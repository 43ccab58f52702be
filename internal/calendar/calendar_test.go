package calendar

import (
	"bytes"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"atelier/internal/store"
	"atelier/internal/studio"
)

// Render alone: long text folds at 75 octets without splitting a
// character, control characters never reach a line, dates are all-day
// events, and the same feed renders to the same bytes.
func TestRender(t *testing.T) {
	start := time.Date(2026, 12, 1, 10, 0, 0, 123456000, time.FixedZone("CET", 3600))
	long := strings.TrimSuffix(strings.Repeat("Öl und «Kipferl», ", 12), ", ")
	f := store.CalendarFeed{Studio: studio.Studio{Name: "Ana's\r\nMiniatures"},
		Timers: []store.FeedTimer{{Timer: studio.Timer{ID: "t1", PieceID: "p1", Label: "Bake done", DueAt: start.Add(45 * time.Minute)}, Subject: long, StartedAt: start}},
		Commissions: []studio.Commission{
			{ID: "c1", PromisedDate: "2026-12-31", Inquiry: studio.InquiryFields{SubjectName: "Tom", ContactName: "Lea"}, UpdatedAt: start},
			{ID: "c2", Inquiry: studio.InquiryFields{SubjectName: "No dates", ContactName: "Lea"}, UpdatedAt: start},
		}}
	out := Render(f, "https://atelier.example/")
	if !bytes.Equal(out, Render(f, "https://atelier.example/")) {
		t.Fatal("one feed rendered twice differs")
	}
	text := string(out)
	for i, l := range strings.Split(strings.TrimSuffix(text, "\r\n"), "\r\n") {
		if len(l) > 75 || !utf8.ValidString(l) || strings.ContainsAny(l, "\r\n") {
			t.Fatalf("line %d: %q", i+1, l)
		}
	}
	unfolded := strings.ReplaceAll(text, "\r\n ", "")
	for _, want := range []string{
		"X-WR-CALNAME:Atelier: Ana's Miniatures\r\n",
		"SUMMARY:Bake done: " + strings.ReplaceAll(long, ",", `\,`) + "\r\n",
		"DTSTART:20261201T090000Z\r\n", "DTEND:20261201T094500Z\r\n", "DTSTAMP:20261201T090000Z\r\n",
		"URL:https://atelier.example/pieces/p1\r\n",
		"UID:promised-c1@atelier\r\n", "DTSTART;VALUE=DATE:20261231\r\n", "DTEND;VALUE=DATE:20270101\r\n",
	} {
		if !strings.Contains(unfolded, want) {
			t.Errorf("the feed lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "deadline-c1") || strings.Contains(text, "c2@atelier") {
		t.Fatalf("an event for a date not set:\n%s", text)
	}
}

func TestURL(t *testing.T) {
	if got := URL("https://atelier.example/", "cal_x"); got != "https://atelier.example/cal/cal_x.ics" {
		t.Fatal(got)
	}
}
