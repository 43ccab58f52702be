package server

import (
	"bytes"
	"context"
	"encoding/json"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"atelier/internal/store"
	"atelier/internal/store/storetest"
	"atelier/internal/studio"
)

// calendarPath asks the API for who's calendar address and returns its path.
func (f *fixture) calendarPath(t *testing.T, who string) string {
	t.Helper()
	res, body := f.do(t, "GET", "/api/v1/me", who, "")
	var me struct {
		CalendarURL string `json:"calendar_url"`
	}
	if err := json.Unmarshal(body, &me); err != nil || res.StatusCode != 200 {
		t.Fatalf("GET /api/v1/me: %d %s", res.StatusCode, body)
	}
	return feedPath(t, me.CalendarURL)
}

var feedURL = regexp.MustCompile(`^http://localhost:8080(/cal/cal_[a-z2-7]{32}\.ics)$`)

func feedPath(t *testing.T, u string) string {
	t.Helper()
	m := feedURL.FindStringSubmatch(u)
	if m == nil {
		t.Fatalf("calendar URL %q: want the base URL, /cal/, a token of 160 bits and .ics", u)
	}
	return m[1]
}

// fetchFeed gets a feed without any credentials, as a calendar app does.
func (f *fixture) fetchFeed(t *testing.T, path string) []byte {
	t.Helper()
	res, body := f.do(t, "GET", path, "", "")
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "text/calendar; charset=utf-8" {
		t.Fatalf("GET %s: %d %q\n%s", path, res.StatusCode, res.Header.Get("Content-Type"), body)
	}
	return body
}

// A calendar feed seen from outside: found by its secret path alone, valid
// iCalendar line by line and to an independent parser, stable across
// fetches, and gone once rotated.
func TestCalendarFeed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		path := f.calendarPath(t, "owner")
		if again := f.calendarPath(t, "owner"); again != path {
			t.Fatalf("the address changed between two looks: %s, %s", path, again)
		}

		// A coat drying on a piece whose subject needs escaping and folding,
		// and a quoted commission with a deadline.
		subject := "Grandma Rose; with «Kipferl», a rolling pin, the blue apron and Sunday's flour dust"
		thick := 9.0
		d, err := s.CreatePiece(ctx, f.ana.ID, "", studio.NewPieceFields{Subject: subject, ClayBrands: []string{"premo"}, TargetHeightMM: 40, MaxThicknessMM: &thick})
		if err != nil {
			t.Fatal(err)
		}
		storetest.WalkPiece(t, s, f.ana.ID, d.ID, studio.Finish)
		if d, err = s.LogCoat(ctx, f.ana.ID, d.ID, "", studio.MattePolyurethane, false, nil); err != nil || len(d.Timers) != 1 {
			t.Fatalf("coat: %+v, %v", d.Timers, err)
		}
		timer := d.Timers[0]
		c, _, err := s.CreateInquiry(ctx, f.ana.ID, studio.InquiryFields{SubjectName: "Uncle Tom", ContactName: "Lea", ContactEmail: "lea@example.com", Deadline: "2099-02-01"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		price, deposit := int64(45000), int64(0)
		if _, err := s.MoveCommission(ctx, f.ana.ID, c.ID, "", studio.Move{To: studio.Quoted, PriceCents: &price, DepositCents: &deposit, PromisedDate: "2099-01-15"}); err != nil {
			t.Fatal(err)
		}

		feed := f.fetchFeed(t, path)
		events := checkICS(t, feed)
		wantUIDs := []string{"deadline-" + c.ID + "@atelier", "promised-" + c.ID + "@atelier", "timer-" + timer.ID + "@atelier"}
		if uids := uids(events); !slices.Equal(uids, wantUIDs) {
			t.Fatalf("UIDs %v, want %v\n%s", uids, wantUIDs, feed)
		}
		if ev := events["timer-"+timer.ID+"@atelier"]; ev["SUMMARY"] != `Coat 1 dry: Grandma Rose\; with «Kipferl»\, a rolling pin\, the blue apron and Sunday's flour dust` ||
			ev["DTEND"] != timer.DueAt.UTC().Format("20060102T150405Z") {
			t.Fatalf("timer event %v", ev)
		}
		if ev := events["promised-"+c.ID+"@atelier"]; ev["DTSTART;VALUE=DATE"] != "20990115" || ev["DTEND;VALUE=DATE"] != "20990116" {
			t.Fatalf("promised date event %v", ev)
		}
		parseWithPython(t, feed, map[string]pyEvent{
			"timer-" + timer.ID + "@atelier": {Summary: "Coat 1 dry: " + subject,
				End: timer.DueAt.UTC().Truncate(time.Second).Format("2006-01-02T15:04:05+00:00")},
			"promised-" + c.ID + "@atelier": {Summary: "Promised: Uncle Tom (for Lea)", Start: "2099-01-15", End: "2099-01-16"},
			"deadline-" + c.ID + "@atelier": {Summary: "Client's deadline: Uncle Tom (for Lea)", Start: "2099-02-01", End: "2099-02-02"},
		})

		// Nothing changed: the same bytes, and the ETag spares the transfer.
		res, again := f.do(t, "GET", path, "", "")
		if !bytes.Equal(again, feed) {
			t.Fatalf("two fetches differ:\n%s\n---\n%s", feed, again)
		}
		req := httptest.NewRequest("GET", path, nil)
		req.Header.Set("If-None-Match", res.Header.Get("ETag"))
		rec := httptest.NewRecorder()
		f.srv.Handler().ServeHTTP(rec, req)
		if res.Header.Get("ETag") == "" || rec.Code != http.StatusNotModified {
			t.Fatalf("If-None-Match %q: %d, want 304", res.Header.Get("ETag"), rec.Code)
		}

		// The assistant sees the same studio's dates; another studio none.
		if got := uids(checkICS(t, f.fetchFeed(t, f.calendarPath(t, "assistant")))); len(got) != 3 {
			t.Fatalf("the assistant's feed has %v", got)
		}
		if got := uids(checkICS(t, f.fetchFeed(t, f.calendarPath(t, "ben")))); len(got) != 0 {
			t.Fatalf("another studio's feed has %v", got)
		}

		// A fired timer leaves the feed.
		if _, err := s.FireTimer(ctx, timer.ID); err != nil {
			t.Fatal(err)
		}
		if _, ok := checkICS(t, f.fetchFeed(t, path))["timer-"+timer.ID+"@atelier"]; ok {
			t.Fatal("a fired timer is still in the feed")
		}

		// Rotated: a new address, and the old one is unknown.
		res, body := f.do(t, "POST", "/api/v1/me/calendar/rotate", "owner", "")
		var rotated struct {
			CalendarURL string `json:"calendar_url"`
		}
		if err := json.Unmarshal(body, &rotated); err != nil || res.StatusCode != 200 {
			t.Fatalf("rotate: %d %s", res.StatusCode, body)
		}
		newPath := feedPath(t, rotated.CalendarURL)
		if newPath == path || f.calendarPath(t, "owner") != newPath {
			t.Fatalf("after rotation: %s (was %s), /me says %s", newPath, path, f.calendarPath(t, "owner"))
		}
		f.fetchFeed(t, newPath)
		token := strings.TrimSuffix(strings.TrimPrefix(path, "/cal/"), ".ics")
		for _, p := range []string{
			path,                                // rotated
			strings.TrimSuffix(newPath, ".ics"), // no .ics
			newPath + ".ics",                    // twice
			strings.TrimSuffix(newPath, "ics") + "ical",     // another suffix
			"/cal/cal_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.ics", // unknown
			"/cal/.ics",
		} {
			if res, body := f.do(t, "GET", p, "", ""); res.StatusCode != 404 {
				t.Errorf("GET %s: %d, want 404\n%s", p, res.StatusCode, body)
			}
		}
		if res, _ := f.do(t, "POST", "/api/v1/me/calendar/rotate", "", ""); res.StatusCode != 401 {
			t.Fatalf("rotate without a token: %d", res.StatusCode)
		}
		if strings.Contains(f.logs.String(), token) || !strings.Contains(f.logs.String(), `"path":"/cal/REDACTED"`) {
			t.Fatalf("a calendar token reached the log, or the feed was not logged redacted:\n%s", f.logs)
		}
	})
}

// uids lists the events' UIDs in order.
func uids(events map[string]map[string]string) []string {
	return slices.Sorted(maps.Keys(events))
}

var utcTime = regexp.MustCompile(`^\d{8}T\d{6}Z$`)

// checkICS checks an iCalendar document line by line (RFC 5545: CRLF line
// ends, lines of at most 75 octets, times in UTC, one UID per event) and
// returns its events by UID, each its unfolded properties by name with
// parameters.
func checkICS(t *testing.T, doc []byte) map[string]map[string]string {
	t.Helper()
	if !bytes.HasSuffix(doc, []byte("\r\n")) {
		t.Fatalf("the feed does not end in CRLF:\n%q", doc)
	}
	raw := strings.Split(strings.TrimSuffix(string(doc), "\r\n"), "\r\n")
	var lines []string
	for i, l := range raw {
		if strings.ContainsAny(l, "\r\n") {
			t.Fatalf("line %d has a bare CR or LF: %q", i+1, l)
		}
		if len(l) > 75 {
			t.Fatalf("line %d has %d octets, more than 75: %q", i+1, len(l), l)
		}
		if strings.HasPrefix(l, " ") || strings.HasPrefix(l, "\t") {
			if len(lines) == 0 {
				t.Fatal("the feed begins with a continuation line")
			}
			lines[len(lines)-1] += l[1:]
			continue
		}
		lines = append(lines, l)
	}
	if lines[0] != "BEGIN:VCALENDAR" || lines[len(lines)-1] != "END:VCALENDAR" || !slices.Contains(lines, "VERSION:2.0") || !slices.ContainsFunc(lines, func(l string) bool { return strings.HasPrefix(l, "PRODID:") }) {
		t.Fatalf("not a VCALENDAR with VERSION and PRODID:\n%s", doc)
	}
	events := map[string]map[string]string{}
	var ev map[string]string
	for _, l := range lines {
		name, value, ok := strings.Cut(l, ":")
		if !ok {
			t.Fatalf("line without a colon: %q", l)
		}
		switch {
		case l == "BEGIN:VEVENT":
			ev = map[string]string{}
		case l == "END:VEVENT":
			if ev["UID"] == "" || ev["DTSTAMP"] == "" || events[ev["UID"]] != nil {
				t.Fatalf("an event without UID or DTSTAMP, or a UID twice: %v", ev)
			}
			events[ev["UID"]] = ev
			ev = nil
		case ev != nil:
			ev[name] = value
		}
		if base, _, _ := strings.Cut(name, ";"); slices.Contains([]string{"DTSTAMP", "DTSTART", "DTEND", "LAST-MODIFIED"}, base) &&
			!strings.Contains(name, "VALUE=DATE") && !utcTime.MatchString(value) {
			t.Fatalf("a time not in UTC: %q", l)
		}
	}
	return events
}

type pyEvent struct {
	Summary string `json:"summary"`
	Start   string `json:"start"`
	End     string `json:"end"`
}

// icalendarScript parses the feed with Debian's python3-icalendar and
// prints its events.
const icalendarScript = `
import json, sys
from icalendar import Calendar
cal = Calendar.from_ical(sys.stdin.buffer.read())
events = {}
for ev in cal.walk("VEVENT"):
    events[str(ev["UID"])] = {"summary": str(ev["SUMMARY"]), "start": ev.decoded("DTSTART").isoformat(),
        "end": ev.decoded("DTEND").isoformat(), "stamp": ev.decoded("DTSTAMP").isoformat()}
print(json.dumps(events))
`

// parseWithPython reads the feed back with an independent parser. The
// Python on the PATH may not see Debian's packages: use /usr/bin/python3.
// In CI a missing parser fails the test; elsewhere the check is skipped.
func parseWithPython(t *testing.T, feed []byte, want map[string]pyEvent) {
	t.Helper()
	t.Run("python3-icalendar", func(t *testing.T) {
		if err := exec.Command("/usr/bin/python3", "-c", "import icalendar").Run(); err != nil {
			if os.Getenv("CI") != "" {
				t.Fatalf("CI is set but /usr/bin/python3 cannot import icalendar (%v): .ci/run installs python3-icalendar", err)
			}
			t.Skipf("no python3-icalendar (%v): apt-get install python3-icalendar to check the feed with it", err)
		}
		cmd := exec.Command("/usr/bin/python3", "-c", icalendarScript)
		cmd.Stdin = bytes.NewReader(feed)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("python3-icalendar could not parse the feed: %v\n%s\n%s", err, stderr.String(), feed)
		}
		var got map[string]pyEvent
		if err := json.Unmarshal(out, &got); err != nil {
			t.Fatalf("%v: %s", err, out)
		}
		if len(got) != len(want) {
			t.Fatalf("python3-icalendar found %v, want %v", got, want)
		}
		for uid, w := range want {
			g, ok := got[uid]
			if w.Start == "" {
				w.Start = g.Start // the timer's start is checked in Go
			}
			if !ok || g != w {
				t.Errorf("event %s: python3-icalendar read %+v, want %+v", uid, g, w)
			}
		}
	})
}

// The calendar page shows the signed-in user's address, the same the API
// gives, and replaces it behind a confirmation.
func TestWebCalendarPage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		b, ts := setUpStudio(t, s)
		res, body := b.get("/calendar")
		want(t, res, body, 200, "Calendar feed", "Make a new address", `action="/calendar/rotate"`)
		page := regexp.MustCompile(`http://localhost:8080/cal/cal_[a-z2-7]+\.ics`).FindString(body)
		path := feedPath(t, page)

		// The API, with its own token, shows the same address: web and API
		// share the install secret.
		secret, _, err := s.CreateToken(context.Background(), store.NewToken{Email: "ana@example.com"})
		if err != nil {
			t.Fatal(err)
		}
		req, _ := http.NewRequest("GET", ts.URL+"/api/v1/me", nil)
		req.Header.Set("Authorization", "Bearer "+secret)
		apiRes, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var me struct {
			CalendarURL string `json:"calendar_url"`
		}
		json.NewDecoder(apiRes.Body).Decode(&me)
		apiRes.Body.Close()
		if me.CalendarURL != page {
			t.Fatalf("the API shows %q, the page %q", me.CalendarURL, page)
		}

		res, body = b.get(path)
		want(t, res, body, 200, "BEGIN:VCALENDAR")
		res, body = b.post("/calendar/rotate", url.Values{}, nil)
		want(t, res, body, 303, "/calendar")
		res, body = b.get("/calendar")
		want(t, res, body, 200, "new address")
		if strings.Contains(body, page) {
			t.Fatal("the page still shows the replaced address")
		}
		res, body = b.get(path)
		want(t, res, body, 404)
	})
}
