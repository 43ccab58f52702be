package server

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"atelier/internal/store"
	"atelier/internal/store/storetest"
	"atelier/internal/studio"
)

// The plan page at a desk, 1280 × 800: the timeline drawn with a lane for
// the artist and one for the oven, bars for the open pieces, the piece
// promised for today marked late in the chart and named in the alert
// above it; and the what-if form answering with a date, or naming the
// field at fault. Screenshots go to ATELIER_TEST_SCREENSHOTS when set.
func TestBrowserPlanPage(t *testing.T) {
	ctx := headless(t)
	s := storetest.Open(t, store.SQLite, nil)
	_, ts := setUpStudio(t, s)
	todayStudio(t, s)
	ana := mustSlug(t, s, "ana")
	tom, _, err := s.CreateInquiry(context.Background(), ana.ID, studio.InquiryFields{SubjectName: "Grandpa Tom", ContactName: "Kit", ContactEmail: "kit@example.com"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	price, deposit := int64(30000), int64(0)
	for _, m := range []studio.Move{{To: studio.Quoted, PriceCents: &price, DepositCents: &deposit, PromisedDate: ana.Today(time.Now())}, {To: studio.Accepted}} {
		if _, err := s.MoveCommission(context.Background(), ana.ID, tom.ID, "", m); err != nil {
			t.Fatal(err)
		}
	}
	shots := os.Getenv("ATELIER_TEST_SCREENSHOTS")
	if shots == "" {
		shots = t.TempDir()
	}
	run := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, steps...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	text := func(js string) string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Evaluate[string](js))
		if err != nil {
			t.Fatalf("%s: %v", js, err)
		}
		return v
	}
	count := func(css string) int {
		t.Helper()
		n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll(`+"`"+css+"`"+`).length`))
		if err != nil {
			t.Fatalf("counting %s: %v", css, err)
		}
		return n
	}
	signIn(t, ctx, ts.URL, 1280, 800)
	run("open the plan", chromedp.Navigate(ts.URL+"/plan"), chromedp.WaitVisible(chromedp.CSS(`svg.gantt-chart`)))
	if lanes := text(`Array.from(document.querySelectorAll(".gantt-lane-label")).map(e => e.textContent.trim()).join("|")`); !strings.Contains(lanes, "Person: Ana") || !strings.Contains(lanes, "Oven: Toaster oven") {
		t.Errorf("lanes %q: want the artist's and the oven's", lanes)
	}
	if n := count(`.gantt-bar`); n < 5 {
		t.Errorf("%d bars for five open pieces", n)
	}
	if n := count(`.gantt-late`); n == 0 {
		t.Error("no bar marked late for the piece promised today")
	}
	if alert := text(`document.querySelector(".plan-late").textContent`); !strings.Contains(alert, "Grandpa Tom") {
		t.Errorf("the late alert reads %q", alert)
	}
	if wide, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth`)); err != nil || wide {
		t.Errorf("the plan scrolls sideways at a desk (%v)", err)
	}
	if png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)); err == nil {
		os.WriteFile(filepath.Join(shots, "plan-desk.png"), png, 0o644)
	}

	// The studio measures in inches: 1.8 in is a 45 mm bust.
	run("ask when new work could ship", chromedp.SetValue(chromedp.ID("height"), "1.8"),
		chromedp.Click(chromedp.CSS(`input[name=clay][value=premo]`)), chromedp.Click(chromedp.CSS(`.what-if button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`.what-if-answer`)))
	if answer := text(`document.querySelector(".what-if-answer").textContent`); !strings.Contains(answer, "Ready by about") || !strings.Contains(answer, "9 times in 10") {
		t.Errorf("the what-if answers %q", answer)
	}
	run("ask without a height", chromedp.SetValue(chromedp.ID("height"), "tall"), chromedp.Click(chromedp.CSS(`.what-if button[type=submit]`)),
		chromedp.WaitVisible(chromedp.ID(`height-error`)))
	if n := count(`.what-if-answer`); n != 0 {
		t.Error("a refused what-if still shows an answer")
	}
	if n := count(`.alert.summary`); n != 1 {
		t.Errorf("%d error summaries: want one, in the what-if's own section", n)
	}
}
