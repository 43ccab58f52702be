package server

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"atelier/internal/store"
	"atelier/internal/store/storetest"
)

// Today on a phone 390 px wide, as the artist at the bench sees it: no
// sideways scroll, every section of the navigation on screen with the
// unread badge, touch-sized controls, the coat's countdown ring ticking,
// and the Copy button the script adds to the questionnaire's address.
func TestBrowserTodayOnAPhone(t *testing.T) {
	ctx := headless(t)
	s := storetest.Open(t, store.SQLite, nil)
	_, ts := setUpStudio(t, s)
	todayStudio(t, s)
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
	fits := func(page string) {
		t.Helper()
		if wide, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth`)); err != nil || wide {
			t.Fatalf("%s scrolls sideways (%v)", page, err)
		}
	}
	smallTargets := func(page string) {
		t.Helper()
		small, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll(".bar a, .bar button, main a, main button, main input"))
			.filter(e => e.offsetParent !== null && e.getBoundingClientRect().height < 44).map(e => e.outerHTML.slice(0, 80))`))
		if err != nil || len(small) > 0 {
			t.Fatalf("touch targets under 44 px on %s: %v %v", page, small, err)
		}
	}
	signIn(t, ctx, ts.URL, 390, 844)
	run("open Today", chromedp.Navigate(ts.URL+"/dashboard"), chromedp.WaitVisible(chromedp.ID("timers")))
	fits("Today")
	smallTargets("Today")

	// Every section is on screen, none past the right edge.
	nav, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll(".bar nav a"))
		.filter(a => { const r = a.getBoundingClientRect(); return r.width > 0 && r.left >= 0 && r.right <= window.innerWidth; })
		.map(a => a.firstChild.textContent.trim())`))
	if err != nil {
		t.Fatal(err)
	}
	for _, section := range []string{"Today", "Board", "Bakes", "Commissions", "Editions", "Materials", "Calendar", "Archive", "Team", "Settings"} {
		if !slices.Contains(nav, section) {
			t.Fatalf("the phone's navigation shows %v, not %s", nav, section)
		}
	}
	badge, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector(".bar nav a[href='/dashboard']").textContent.replace(/\s+/g, " ").trim()`))
	if err != nil || badge != "Today 2, 2 unread messages" {
		t.Fatalf("the Today link reads %q (%v)", badge, err)
	}

	// The ring is there, round and ticking.
	clock := regexp.MustCompile(`^\d+:\d\d(:\d\d)?$`)
	read := func() string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("#timers .countdown.ring").textContent.trim()`))
		if err != nil || !clock.MatchString(v) {
			t.Fatalf("the countdown ring reads %q (%v)", v, err)
		}
		return v
	}
	first := read()
	round, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => { const r = document.querySelector("#timers .countdown.ring").getBoundingClientRect();
		return r.width >= 100 && Math.abs(r.width - r.height) < 2; })()`))
	if err != nil || !round {
		dims, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`JSON.stringify(document.querySelector("#timers .countdown.ring").getBoundingClientRect())`))
		t.Fatalf("the countdown is not a ring: %s (%v)", dims, err)
	}
	ticked := false
	for range 30 {
		if read() != first {
			ticked = true
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if !ticked {
		t.Fatalf("the countdown stays at %s", first)
	}

	// The script shows the Copy button, and a tap copies or selects.
	run("copy the address", chromedp.ScrollIntoView(chromedp.CSS(`button[data-copy-from]`)), chromedp.WaitVisible(chromedp.CSS(`button[data-copy-from]`)),
		chromedp.Click(chromedp.CSS(`button[data-copy-from]`)))
	var said string
	for range 50 {
		said, err = chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("button[data-copy-from]").textContent`))
		if err == nil && said != "Copy" {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if said != "Copied" && said != "Selected: copy it now" {
		t.Fatalf("after a tap the Copy button reads %q (%v)", said, err)
	}
	if said == "Copied" {
		if note, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("questionnaire-url-copied"))); err != nil || note == "" {
			t.Fatalf("no word that the address is copied (%v)", err)
		}
	}
	selected, err := chromedp.Run(ctx, chromedp.Evaluate[string](`window.getSelection().toString() || (document.activeElement.id === "questionnaire-url" ? document.activeElement.value.slice(document.activeElement.selectionStart, document.activeElement.selectionEnd) : "")`))
	if err != nil || selected != "http://localhost:8080/s/ana/commission" {
		t.Fatalf("the address is not selected: %q (%v)", selected, err)
	}
	fits("Today after the copy")
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err == nil {
		err = os.WriteFile(filepath.Join(shots, "today-phone.png"), png, 0o644)
	}
	if err != nil {
		t.Fatal(err)
	}

	// At the desk the same page spreads out, still without sideways scroll.
	run("Today at the desk", chromedp.EmulateViewport(1280, 800), chromedp.Navigate(ts.URL+"/dashboard"), chromedp.WaitVisible(chromedp.ID("timers")))
	fits("Today at the desk")
	png, err = chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err == nil {
		err = os.WriteFile(filepath.Join(shots, "today-desk.png"), png, 0o644)
	}
	if err != nil {
		t.Fatal(err)
	}
	run("back to the phone", chromedp.EmulateViewport(390, 844))

	delivered := storetest.CollectorGradeNew(t, s, mustSlug(t, s, "ana").ID)
	if _, err := s.AdvancePiece(context.Background(), mustSlug(t, s, "ana").ID, delivered, ""); err != nil {
		t.Fatal(err)
	}
	run("open the archive", chromedp.Navigate(ts.URL+"/archive"), chromedp.WaitVisible(chromedp.ID("piece-"+delivered)))
	fits("the archive")
	smallTargets("the archive")
	png, err = chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err == nil {
		err = os.WriteFile(filepath.Join(shots, "archive-phone.png"), png, 0o644)
	}
	if err != nil {
		t.Fatal(err)
	}
}
