package server

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"atelier/internal/store"
	"atelier/internal/store/storetest"
	"atelier/internal/studio"
)

// chromiumOrSkip finds the browser, or skips the test when it is missing
// and ATELIER_TEST_CHROMIUM is not set; CI sets it, so there it must run.
func chromiumOrSkip(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("ATELIER_TEST_CHROMIUM") != "" {
		t.Fatal("ATELIER_TEST_CHROMIUM is set but no Chromium is installed")
	}
	t.Skip("no Chromium on this machine; set ATELIER_TEST_CHROMIUM=1 to require it")
	return ""
}

// headless starts Chromium for one test, kept from the network beyond
// this machine, for at most three minutes: time for a busy 2-core machine,
// and a bound on a test that would otherwise hang.
func headless(t *testing.T) context.Context {
	t.Helper()
	return headlessFor(t, 3*time.Minute)
}

// headlessFor is headless for a test that runs longer (the crawl).
func headlessFor(t *testing.T, limit time.Duration) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumOrSkip(t)), chromedp.NoSandbox, chromedp.DisableGPU, chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-quic", true))
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx)
	ctx, cancelTimeout := context.WithTimeout(ctx, limit)
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })
	return ctx
}

// signIn signs the studio's owner in, in Chromium, at the given viewport,
// and waits for the app's bar.
func signIn(t *testing.T, ctx context.Context, base string, width, height int64) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(width, height), chromedp.Navigate(base+"/login"), chromedp.WaitVisible(chromedp.ID("email")),
		chromedp.SetValue(chromedp.ID("email"), "ana@example.com"), chromedp.SetValue(chromedp.ID("password"), "a long password"),
		chromedp.Click(chromedp.CSS(`main button[type=submit]`)), chromedp.WaitVisible(chromedp.CSS(`.bar`))); err != nil {
		t.Fatalf("signing in in Chromium: %v", err)
	}
}

// The public verification page in a real browser, as a collector who
// scans the QR code on a phone or opens the link at a desk sees it: the
// verdict visible at once, the page no wider than the screen, no script
// or style inline; and after the record on file is altered, "Not
// genuine". Screenshots go to ATELIER_TEST_SCREENSHOTS when it is set.
func TestBrowserVerifyPage(t *testing.T) {
	ctx := headless(t)
	s := storetest.Open(t, store.SQLite, nil)
	_, ts := setUpStudio(t, s)
	_, pieces, serial := certifiedEdition(t, s)
	// The piece changes hands once: the provenance names its new owner.
	_, code, err := s.CertificateForPrint(context.Background(), mustSlug(t, s, "ana").ID, serial)
	if err != nil || code == "" {
		t.Fatalf("no transfer code at the first print: %v", err)
	}
	if _, err := s.TransferCertificate(context.Background(), studio.Transfer{Serial: serial, Code: code, NewOwnerName: "Zoë Ørsted", ShowName: true}); err != nil {
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
	check := func(size string, verdict string) {
		t.Helper()
		got, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(".verdict-word")))
		if err != nil || got != verdict {
			t.Fatalf("%s: verdict %q, want %q (%v)", size, got, verdict, err)
		}
		visible, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => { const r = document.querySelector(".verdict-word").getBoundingClientRect();
			return r.width > 0 && r.height > 0 && r.top >= 0 && r.bottom <= window.innerHeight && r.left >= 0 && r.right <= window.innerWidth })()`))
		if err != nil || !visible {
			t.Fatalf("%s: the verdict is not in view without scrolling (%v)", size, err)
		}
		wide, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth`))
		if err != nil || wide {
			t.Fatalf("%s: the page scrolls sideways (%v)", size, err)
		}
		inline, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("script:not([src]), [style], [onclick]").length`))
		if err != nil || inline != 0 {
			t.Fatalf("%s: %d inline scripts or styles (%v)", size, inline, err)
		}
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err == nil {
			err = os.WriteFile(filepath.Join(shots, "verify-"+strings.ToLower(strings.ReplaceAll(verdict, " ", "-"))+"-"+size+".png"), png, 0o644)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, v := range []struct {
		name string
		w, h int64
	}{{"phone", 390, 844}, {"desk", 1280, 800}} {
		run("open the page on the "+v.name, chromedp.EmulateViewport(v.w, v.h), chromedp.Navigate(ts.URL+"/v/"+serial), chromedp.WaitVisible(chromedp.ID("verdict")))
		check(v.name, "Genuine")
		edition, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("edition")))
		if err != nil || !strings.Contains(edition, "1 of 12 certified so far") {
			t.Fatalf("%s: edition %q (%v)", v.name, edition, err)
		}
		run("scroll to the provenance", chromedp.ScrollIntoView(chromedp.ID("provenance")))
		history, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("provenance")))
		if err != nil || !strings.Contains(history, "issued by") || !strings.Contains(history, "to Zoë Ørsted") {
			t.Fatalf("%s: provenance %q (%v)", v.name, history, err)
		}
		if wide, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth`)); err != nil || wide {
			t.Fatalf("%s: the provenance makes the page scroll sideways (%v)", v.name, err)
		}
	}

	// The artist's side on a phone: the certificate and label cards of the
	// certified piece fit the screen, with touch-sized links and buttons.
	signIn(t, ctx, ts.URL, 390, 844)
	run("open the piece", chromedp.Navigate(ts.URL+"/pieces/"+pieces[0]), chromedp.WaitVisible(chromedp.ID("certificate-serial")),
		chromedp.ScrollIntoView(chromedp.ID("certificate")))
	if wide, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth`)); err != nil || wide {
		t.Fatalf("the piece's page scrolls sideways (%v)", err)
	}
	small, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("#certificate a, #labels button, #labels select, #labels input"))
		.filter(e => e.offsetParent !== null && e.getBoundingClientRect().height < 44 && e.type !== "radio").map(e => e.outerHTML.slice(0, 80))`))
	if err != nil || len(small) > 0 {
		t.Fatalf("touch targets under 44 px on the cards: %v %v", small, err)
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err == nil {
		err = os.WriteFile(filepath.Join(shots, "verify-piece-phone.png"), png, 0o644)
	}
	if err != nil {
		t.Fatal(err)
	}

	if _, err := s.DB().Exec(`UPDATE certificates SET signed = replace(signed, 'subject: "', 'subject: "X')`); err != nil {
		t.Fatal(err)
	}
	for _, v := range []struct {
		name string
		w, h int64
	}{{"phone", 390, 844}, {"desk", 1280, 800}} {
		run("open the altered record on the "+v.name, chromedp.EmulateViewport(v.w, v.h), chromedp.Navigate(ts.URL+"/v/"+serial), chromedp.WaitVisible(chromedp.ID("verdict")))
		check(v.name, "Not genuine")
		reason, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("reason")))
		if err != nil || !strings.Contains(reason, "does not match the record") {
			t.Fatalf("%s: reason %q (%v)", v.name, reason, err)
		}
	}
}
