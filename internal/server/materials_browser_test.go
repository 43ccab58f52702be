package server

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"atelier/internal/store"
	"atelier/internal/store/storetest"
	"atelier/internal/studio"
)

// The inventory at the bench, on a phone 390 px wide: a purchase and a use
// on a piece recorded with the row's quick forms, no sideways scroll and
// touch-sized controls, and the piece's cost card counting the use.
func TestBrowserMaterials(t *testing.T) {
	ctx := headless(t)
	s := storetest.Open(t, store.SQLite, nil)
	_, ts := setUpStudio(t, s)
	piece := newWebPiece(t, s, "Grandma Rose")
	clay, err := s.CreateMaterial(context.Background(), mustSlug(t, s, "ana").ID, "",
		studio.Material{Name: "Premo beige", Category: studio.CatClay, Unit: studio.UnitBlock, ReorderLevel: studio.WholeUnits(1)})
	if err != nil {
		t.Fatal(err)
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
	text := func(id string) string {
		t.Helper()
		got, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID(id)))
		if err != nil {
			t.Fatalf("reading #%s: %v", id, err)
		}
		return got
	}
	// textBecomes waits for an element's text to become want: an in-place
	// update swaps the row under the reader, so a single read can meet the
	// old node or none.
	textBecomes := func(id, want string) {
		t.Helper()
		var got string
		for range 100 {
			v, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(document.getElementById(`+strconv.Quote(id)+`) || {}).textContent || ""`))
			if got = strings.TrimSpace(v); err == nil && got == want {
				return
			}
			time.Sleep(50 * time.Millisecond)
		}
		t.Fatalf("#%s reads %q, want %q", id, got, want)
	}
	fits := func(page string) {
		t.Helper()
		if wide, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth`)); err != nil || wide {
			t.Fatalf("%s scrolls sideways (%v)", page, err)
		}
	}
	signIn(t, ctx, ts.URL, 390, 844)
	run("open the piece", chromedp.Navigate(ts.URL+"/pieces/"+piece), chromedp.WaitVisible(chromedp.ID("cost")))
	if got := text("cost-materials"); got != "0.00 EUR" {
		t.Fatalf("materials on a new piece: %q", got)
	}
	run("open the inventory", chromedp.Navigate(ts.URL+"/materials"), chromedp.WaitVisible(chromedp.ID("material-"+clay.ID)))
	fits("the inventory")
	small, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll(".material-list button, .material-list input, .material-list select, main form button"))
		.filter(e => e.offsetParent !== null && e.getBoundingClientRect().height < 44).map(e => e.outerHTML.slice(0, 80))`))
	if err != nil || len(small) > 0 {
		t.Fatalf("touch targets under 44 px on the inventory: %v %v", small, err)
	}
	run("record a purchase", chromedp.SetValue(chromedp.ID("buy-qty-"+clay.ID), "2"), chromedp.SetValue(chromedp.ID("buy-cost-"+clay.ID), "3.50"),
		chromedp.Click(chromedp.ID("buy-"+clay.ID)), chromedp.WaitVisible(chromedp.CSS(".flash")))
	textBecomes("stock-"+clay.ID, "2 block")
	run("record a use", chromedp.Click(chromedp.ID("use-"+clay.ID)), chromedp.WaitVisible(chromedp.CSS(".flash")))
	textBecomes("stock-"+clay.ID, "1 block")
	fits("the inventory after the moves")
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err == nil {
		err = os.WriteFile(filepath.Join(shots, "materials-phone.png"), png, 0o644)
	}
	if err != nil {
		t.Fatal(err)
	}
	run("open the piece again", chromedp.Navigate(ts.URL+"/pieces/"+piece), chromedp.WaitVisible(chromedp.ID("cost")), chromedp.ScrollIntoView(chromedp.ID("cost")))
	if got := text("cost-materials"); got != "3.50 EUR" {
		t.Fatalf("materials after one block used: %q", got)
	}
	if total := text("cost-total"); !strings.HasSuffix(total, " EUR") {
		t.Fatalf("the total: %q", total)
	}
	fits("the piece's page")

	// One block left at a reorder level of one: the dashboard's Reorder
	// card lists it, fits the phone and links to its row.
	run("open the dashboard", chromedp.Navigate(ts.URL+"/dashboard"), chromedp.WaitVisible(chromedp.ID("reorder")))
	fits("the dashboard")
	small, err = chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("#reorder a"))
		.filter(e => e.getBoundingClientRect().height < 44).map(e => e.outerHTML.slice(0, 80))`))
	if err != nil || len(small) > 0 {
		t.Fatalf("touch targets under 44 px on the Reorder card: %v %v", small, err)
	}
	if got := text("reorder"); !strings.Contains(got, "Premo beige") || !strings.Contains(got, "1 block in stock") {
		t.Fatalf("the Reorder card: %q", got)
	}
	png, err = chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err == nil {
		err = os.WriteFile(filepath.Join(shots, "dashboard-reorder-phone.png"), png, 0o644)
	}
	if err != nil {
		t.Fatal(err)
	}
	run("follow the item", chromedp.Click(chromedp.CSS(`#reorder li a`)), chromedp.WaitVisible(chromedp.ID("material-"+clay.ID)))
}
