package server

import (
	"context"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"atelier/internal/store"
	"atelier/internal/store/storetest"
	"atelier/internal/studio"
)

// A commission and a piece printed: the content without the navigation,
// the forms or the buttons.
func TestBrowserPrintsPagesWithoutControls(t *testing.T) {
	ctx := headless(t)
	s := storetest.Open(t, store.SQLite, nil)
	_, ts := setUpStudio(t, s)
	ana := mustSlug(t, s, "ana")
	height := 40.0
	c, _, err := s.CreateInquiry(context.Background(), ana.ID, studio.InquiryFields{SubjectName: "Grandpa Joe", ContactName: "Lea",
		ContactEmail: "lea@example.com", TargetHeightMM: &height}, nil)
	if err != nil {
		t.Fatal(err)
	}
	piece := newWebPiece(t, s, "Grandma Rose")
	signIn(t, ctx, ts.URL, 1280, 800)
	if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"}); err != nil {
		t.Fatal(err)
	}
	for _, page := range []string{"/commissions/" + c.ID, "/pieces/" + piece} {
		if err := chromedp.Do(ctx, chromedp.Navigate(ts.URL+page), chromedp.WaitReady(chromedp.CSS("main h1"))); err != nil {
			t.Fatal(err)
		}
		shown, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[".bar", "main form", "main button"].filter(sel =>
			Array.from(document.querySelectorAll(sel)).some(e => e.offsetParent !== null))`))
		if err != nil || len(shown) > 0 {
			t.Errorf("%s printed with %v (%v)", page, shown, err)
		}
		if title, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector("main h1").offsetParent !== null`)); !title {
			t.Errorf("%s printed without its title", page)
		}
	}
	// On screen the controls are there: the test can fail.
	if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "screen"}); err != nil {
		t.Fatal(err)
	}
	if shown, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector(".bar").offsetParent !== null`)); !shown {
		t.Error("the navigation is hidden on screen too")
	}
}
