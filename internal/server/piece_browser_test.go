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

// The piece's page at the bench, on a phone 390 px wide: the reference
// photos load beside each other and open in the viewer (next, swipe,
// double-tap zoom, close); every control is a touch target of 44 px or
// more, the stage strip keeps its words; a QC failure is chosen with a big
// Fail button and shown in the failure colour; and a photo from the camera
// input goes up at once as a shared process photo of the stage.
func TestBrowserPiecePageAtTheBench(t *testing.T) {
	ctx := headless(t)
	s := storetest.Open(t, store.SQLite, nil)
	_, ts, blobs := serveStudio(t, s, Config{})
	piece, _ := commissionedPiece(t, s, blobs, true, studio.QC)
	ana := mustSlug(t, s, "ana").ID
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
	eval := func(what, js string) string {
		t.Helper()
		got, err := chromedp.Run(ctx, chromedp.Evaluate[string](js))
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		return got
	}
	// becomes waits for a script's answer to turn true.
	becomes := func(what, js string) {
		t.Helper()
		for range 100 {
			if ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](js)); err == nil && ok {
				return
			}
			time.Sleep(50 * time.Millisecond)
		}
		t.Fatalf("%s: never true: %s", what, js)
	}
	shoot := func(name string) {
		t.Helper()
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err == nil {
			err = os.WriteFile(filepath.Join(shots, name), png, 0o644)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	signIn(t, ctx, ts.URL, 390, 844)
	run("open the piece at QC", chromedp.Navigate(ts.URL+"/pieces/"+piece), chromedp.WaitVisible(chromedp.ID("references")))
	becomes("the references load", `Array.from(document.querySelectorAll("#references img")).every(i => i.complete && i.naturalWidth > 0)`)
	if side := eval("the references side by side", `(() => { const f = document.querySelectorAll("#references figure");
		return f.length === 2 && f[0].getBoundingClientRect().top === f[1].getBoundingClientRect().top ? "yes" : "no" })()`); side != "yes" {
		t.Fatal("the front and the profile are not side by side")
	}
	if wide := eval("the width", `String(document.documentElement.scrollWidth > window.innerWidth)`); wide != "false" {
		t.Fatalf("the piece's page scrolls sideways on a phone: %s", eval("wide elements", `JSON.stringify(Array.from(document.querySelectorAll("main *")).filter(e => e.getBoundingClientRect().right > window.innerWidth + 1).slice(0, 8).map(e => e.outerHTML.slice(0, 100)))`))
	}
	small := eval("touch targets", `JSON.stringify(Array.from(document.querySelectorAll(
		"main button, main a.button, main summary, main label.check, main label.camera, fieldset.passfail label, ol.stages li, .refs a, .photo-grid a, main .back a, main select, main input:not([type=hidden]):not([type=radio]):not([type=checkbox]):not(.camera-input)"))
		.concat(Array.from(document.querySelectorAll("main input[type=checkbox]")).map(c => c.closest("label") || c))
		.filter(e => e.offsetParent !== null && e.getBoundingClientRect().height < 44).map(e => e.outerHTML.slice(0, 90)))`)
	if small != "[]" {
		t.Fatalf("touch targets under 44 px on the piece's page: %s", small)
	}
	if hidden := eval("stage labels", `JSON.stringify(Array.from(document.querySelectorAll("ol.stages li span")).filter(s => s.getBoundingClientRect().width < 20).map(s => s.textContent))`); hidden != "[]" {
		t.Fatalf("stage names hidden on the phone: %s", hidden)
	}
	shoot("piece-qc-phone.png")

	// The viewer: the large front, the profile next, a swipe back, a
	// double tap to zoom, and closed again.
	run("open the viewer", chromedp.Click(chromedp.CSS(`#references a`)), chromedp.WaitVisible(chromedp.CSS(`.viewer img`)))
	becomes("the large front loads", `(() => { const i = document.querySelector(".viewer img"); return i.src.endsWith("/1600") && i.complete && i.naturalWidth > 0 })()`)
	first := eval("the first photo", `document.querySelector(".viewer img").src`)
	run("next photo", chromedp.Click(chromedp.CSS(`.viewer .next`)))
	if next := eval("the next photo", `document.querySelector(".viewer img").src`); next == first || !strings.HasSuffix(next, "/1600") {
		t.Fatalf("next shows %s after %s", next, first)
	}
	eval("swipe", `(() => { const i = document.querySelector(".viewer img");
		const at = (type, x) => i.dispatchEvent(new PointerEvent(type, {bubbles: true, pointerId: 7, clientX: x, clientY: 400, isPrimary: true}));
		at("pointerdown", 300); at("pointermove", 120); at("pointerup", 80); return "" })()`)
	if back := eval("after the swipe", `document.querySelector(".viewer img").src`); back != first {
		t.Fatalf("a swipe right did not go back to the first photo: %s", back)
	}
	eval("double tap", `(() => { const i = document.querySelector(".viewer img");
		for (const n of [1, 2]) { i.dispatchEvent(new PointerEvent("pointerdown", {bubbles: true, pointerId: n, clientX: 200, clientY: 400}));
		i.dispatchEvent(new PointerEvent("pointerup", {bubbles: true, pointerId: n, clientX: 200, clientY: 400})); } return "" })()`)
	if zoom := eval("zoom", `document.querySelector(".viewer img").style.transform`); !strings.Contains(zoom, "scale(2.5)") {
		t.Fatalf("a double tap did not zoom: %q", zoom)
	}
	shoot("piece-viewer-phone.png")
	run("close the viewer", chromedp.Click(chromedp.CSS(`.viewer .close`)), chromedp.WaitNotPresent(chromedp.CSS(`.viewer`)))

	// QC: the eyes fail, in the failure colour, the rest pass.
	run("fail the eyes", chromedp.Click(chromedp.CSS(`label[for="qc-eyes-fail"]`)))
	failRed := eval("the colour of the error", `getComputedStyle(document.querySelector(".error") || document.body).color`)
	if bg := eval("the Fail button", `getComputedStyle(document.querySelector('label[for="qc-eyes-fail"]')).backgroundColor`); bg != "rgb(161, 21, 27)" {
		t.Fatalf("a chosen Fail shows in %s, not the failure colour (errors are %s)", bg, failRed)
	}
	for _, c := range studio.QCChecks {
		if c.Key != "eyes" {
			run("pass "+c.Key, chromedp.Click(chromedp.CSS(`label[for="qc-`+c.Key+`-pass"]`)))
		}
	}
	run("record QC", chromedp.Click(chromedp.ID("record-qc")), chromedp.WaitVisible(chromedp.CSS(`.qc-attempts li.qc-failed`)))
	if col := eval("the failed attempt", `getComputedStyle(document.querySelector(".qc-attempts li.qc-failed")).color`); col != "rgb(161, 21, 27)" {
		t.Fatalf("the failed attempt is shown in %s, not the failure colour", col)
	}

	// Back at Paint: the camera, shared with the client, up at once.
	jpeg := filepath.Join(t.TempDir(), "IMG_0002.jpg")
	if err := os.WriteFile(jpeg, testJPEG(t, 120, 90), 0o644); err != nil {
		t.Fatal(err)
	}
	run("share and take a photo", chromedp.WaitVisible(chromedp.ID("camera")), chromedp.Click(chromedp.ID("shared")),
		chromedp.SetUploadFiles(chromedp.ID("photo"), []string{jpeg}))
	becomes("the photo is saved", `(document.querySelector(".flash, .toast") || {}).textContent === "Photo saved: 1 process photo of the piece so far."`)
	d, err := s.Piece(context.Background(), ana, piece)
	if err != nil || len(d.Photos) != 1 || d.Photos[0].Stage != string(studio.Paint) || !d.Photos[0].Shared {
		t.Fatalf("the camera's photo: %+v (%v)", d.Photos, err)
	}
	shoot("piece-paint-photo-phone.png")

	// The board: the card carries the photo, every control is touch-sized.
	drawVariants(t, s, blobs)
	run("open the board", chromedp.Navigate(ts.URL+"/board"), chromedp.WaitVisible(chromedp.ID("piece-"+piece)))
	becomes("the thumbnail loads", `(() => { const i = document.querySelector("#piece-`+piece+` img.thumb"); return !!i && i.complete && i.naturalWidth > 0 })()`)
	small = eval("board touch targets", `JSON.stringify(Array.from(document.querySelectorAll("main button, main a.button, main summary, .piece-card a.subject, main input:not([type=hidden])"))
		.filter(e => e.offsetParent !== null && e.getBoundingClientRect().height < 44).map(e => e.outerHTML.slice(0, 90)))`)
	if small != "[]" {
		t.Fatalf("touch targets under 44 px on the board: %s", small)
	}
	if wide := eval("the board's width", `String(document.documentElement.scrollWidth > window.innerWidth)`); wide != "false" {
		t.Fatal("the board scrolls sideways on a phone")
	}
	shoot("board-thumbs-phone.png")
}

// The next coat at the bench: while the last coat dries the button waits,
// disabled, saying when; at the end of the countdown it comes alive as
// "Dry — log coat 2" with one notice, though the timer shows twice on the
// page; and it logs the coat.
func TestBrowserCoatButtonComesAliveWhenDry(t *testing.T) {
	ctx := headless(t)
	s := storetest.Open(t, store.SQLite, nil)
	_, ts := setUpStudio(t, s)
	ana := mustSlug(t, s, "ana")
	id := newWebPiece(t, s, "Cousin Jo")
	storetest.WalkPiece(t, s, ana.ID, id, studio.Finish)
	st, err := s.Studio(context.Background(), ana.ID)
	if err != nil {
		t.Fatal(err)
	}
	// Applied so long ago that it is dry in 45 seconds: time enough to sign
	// in and open the page on a busy machine, and still "in 1 min".
	at := time.Now().Add(-time.Duration(st.CoatDryMinutes[studio.MattePolyurethane])*time.Minute + 45*time.Second)
	if _, err := s.LogCoat(context.Background(), ana.ID, id, "", studio.MattePolyurethane, false, &at); err != nil {
		t.Fatal(err)
	}
	run := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, steps...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	signIn(t, ctx, ts.URL, 390, 844)
	run("open the piece", chromedp.Navigate(ts.URL+"/pieces/"+id), chromedp.WaitVisible(chromedp.ID("log-coat")))
	state := func() string {
		t.Helper()
		got, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => { const b = document.getElementById("log-coat");
			return (b.disabled ? "disabled: " : "enabled: ") + b.textContent.trim() + " | toasts: " + document.querySelectorAll(".toast").length })()`))
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	if got := state(); !strings.HasPrefix(got, "disabled: Log coat 2 · dry at ") || !strings.Contains(got, "in 1 min") {
		t.Fatalf("while the coat is wet the button reads %q", got)
	}
	var got string
	for deadline := time.Now().Add(90 * time.Second); time.Now().Before(deadline); {
		if got = state(); got == "enabled: Dry — log coat 2 | toasts: 1" {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if got != "enabled: Dry — log coat 2 | toasts: 1" {
		t.Fatalf("after the coat dried: %q", got)
	}
	time.Sleep(1500 * time.Millisecond) // more ticks must not tell again
	if got := state(); got != "enabled: Dry — log coat 2 | toasts: 1" {
		t.Fatalf("the timer told more than once: %q", got)
	}
	run("log coat 2", chromedp.Click(chromedp.CSS(`input[name="sanded_2000_before"]`)), chromedp.Click(chromedp.ID("log-coat")),
		chromedp.WaitVisible(chromedp.CSS(`.flash`)))
	if d, err := s.Piece(context.Background(), ana.ID, id); err != nil || len(d.PassCoats()) != 2 {
		t.Fatalf("coats after logging the second: %v (%v)", len(d.PassCoats()), err)
	}
}
