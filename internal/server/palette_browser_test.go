package server

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"atelier/internal/store"
	"atelier/internal/store/storetest"
)

// The colour plan on a phone: a palette suggested with a tap, its
// swatches and preview shown without sideways scrolling, and adopted with
// one more tap.
func TestBrowserPaletteSuggest(t *testing.T) {
	ctx := headless(t)
	s := storetest.Open(t, store.SQLite, nil)
	_, ts, blobs := serveStudio(t, s, Config{})
	_, piece := paletteWebPiece(t, s, blobs)
	shots := os.Getenv("ATELIER_TEST_SCREENSHOTS")
	if shots == "" {
		shots = t.TempDir()
	}
	signIn(t, ctx, ts.URL, 390, 844)
	if err := chromedp.Do(ctx, chromedp.Navigate(ts.URL+"/pieces/"+piece), chromedp.WaitVisible(chromedp.ID("suggest-palette")),
		chromedp.Click(chromedp.ID("suggest-palette")), chromedp.WaitVisible(chromedp.ID("adopt-palette"))); err != nil {
		t.Fatalf("suggesting: %v", err)
	}
	// The preview is drawn on request; it is lazy, so scrolled to first.
	if err := chromedp.Do(ctx, chromedp.ScrollIntoView(chromedp.ID("adopt-palette"))); err != nil {
		t.Fatal(err)
	}
	loaded := false
	for range 100 {
		if loaded, _ = chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector(".palette-compare figure:last-child img").naturalWidth > 0`)); loaded {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if !loaded {
		t.Fatal("the preview did not load")
	}
	if wide, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth`)); err != nil || wide {
		t.Fatalf("the colour plan scrolls sideways (%v)", err)
	}
	png, err := chromedp.Run(ctx, chromedp.Screenshot(chromedp.ID("palette-suggest")))
	if err == nil {
		err = os.WriteFile(filepath.Join(shots, "palette-suggest-phone.png"), png, 0o644)
	}
	if err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.ID("adopt-palette")), chromedp.WaitVisible(chromedp.CSS(".flash"))); err != nil {
		t.Fatalf("adopting: %v", err)
	}
	if msg, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(".flash"))); err != nil || msg != "The suggested palette is the piece's palette now: 4 colours." {
		t.Fatalf("after adopting: %q %v", msg, err)
	}
}
