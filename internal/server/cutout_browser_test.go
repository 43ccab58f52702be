package server

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"

	"atelier/internal/intake"
	"atelier/internal/store"
	"atelier/internal/store/storetest"
)

// The cut-out page at the bench, on a phone 390 px wide with a finger: a
// rectangle dragged round the figure of a synthetic photo on a cluttered
// wall, a stroke down the figure and one round it, Cut out; the saved
// mask matches the figure (intersection over union 0.9 or more), the
// page shows it with its area, and the eyes' guide line dragged up and
// saved lands where the finger left it. Every control is a touch target,
// and the page does not scroll sideways.
func TestBrowserCutoutByTouch(t *testing.T) {
	ctx := headless(t)
	s := storetest.Open(t, store.SQLite, nil)
	b, ts, blobs := serveStudio(t, s, Config{})
	ana := mustSlug(t, s, "ana").ID
	const W, H = 480, 640
	sc := newFigureScene(W, H, true)
	_, photo := scenePhoto(t, s, blobs, ana, sc)
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
	becomes := func(what, js string) {
		t.Helper()
		for range 200 {
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
	// onScreen maps points of the photo to the viewport through the SVG's
	// own transform, as the finger would find them.
	onScreen := func(svg string, pts [][2]float64) [][2]float64 {
		t.Helper()
		raw, _ := json.Marshal(pts)
		var out [][2]float64
		if err := json.Unmarshal([]byte(eval("map to the screen", `(() => { const m = document.getElementById("`+svg+`").getScreenCTM();
			return JSON.stringify(`+string(raw)+`.map(p => { const q = new DOMPoint(p[0], p[1]).matrixTransform(m); return [q.x, q.y]; })) })()`)), &out); err != nil {
			t.Fatal(err)
		}
		return out
	}
	one := 1.0
	touch := func(typ input.DispatchTouchEventType, p *[2]float64) {
		t.Helper()
		params := input.DispatchTouchEventParams{Type: typ, TouchPoints: []*input.TouchPoint{}}
		if p != nil {
			params.TouchPoints = []*input.TouchPoint{{X: p[0], Y: p[1], ID: &one, RadiusX: &one, RadiusY: &one, Force: &one}}
		}
		if _, err := chromedp.Call(ctx, input.DispatchTouchEvent, params); err != nil {
			t.Fatalf("touch %s: %v", typ, err)
		}
	}
	// swipe puts a finger down on the first point, moves it through the
	// others and lifts it.
	swipe := func(svg string, pts [][2]float64) {
		t.Helper()
		scr := onScreen(svg, pts)
		touch(input.DispatchTouchEventTypeTouchStart, &scr[0])
		for i := range scr[1:] {
			touch(input.DispatchTouchEventTypeTouchMove, &scr[i+1])
		}
		touch(input.DispatchTouchEventTypeTouchEnd, nil)
	}
	// along adds points between the corners of a path, every step pixels.
	along := func(step float64, corners ...[2]float64) [][2]float64 {
		out := [][2]float64{corners[0]}
		for i := 1; i < len(corners); i++ {
			a, z := corners[i-1], corners[i]
			n := max(1, int(math.Hypot(z[0]-a[0], z[1]-a[1])/step))
			for k := 1; k <= n; k++ {
				f := float64(k) / float64(n)
				out = append(out, [2]float64{a[0] + f*(z[0]-a[0]), a[1] + f*(z[1]-a[1])})
			}
		}
		return out
	}

	signIn(t, ctx, ts.URL, 390, 844)
	run("a phone with a touch screen", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateTouch),
		chromedp.Navigate(ts.URL+"/photos/"+photo+"/cutout"), chromedp.WaitVisible(chromedp.ID("cutout-tools")))
	if ta := eval("touch-action", `getComputedStyle(document.getElementById("cutout-canvas")).touchAction`); ta != "none" {
		t.Fatalf("the canvas's touch-action is %q: a finger would scroll the page", ta)
	}
	small := eval("touch targets", `JSON.stringify(Array.from(document.querySelectorAll("main button, main a.button, main .choice label, main input:not([type=hidden]):not([type=radio])"))
		.filter(e => e.offsetParent !== null && e.getBoundingClientRect().height < 44).map(e => e.outerHTML.slice(0, 90)))`)
	if small != "[]" {
		t.Fatalf("touch targets under 44 px on the cut-out page: %s", small)
	}
	if wide := eval("the width", `String(document.documentElement.scrollWidth > window.innerWidth)`); wide != "false" {
		t.Fatal("the cut-out page scrolls sideways on a phone")
	}
	eval("scroll to the photo", `(() => { document.getElementById("cutout-canvas").scrollIntoView({block: "start"}); return "" })()`)

	// The rectangle, corner to corner.
	r := sc.rect
	swipe("cutout-canvas", along(60, [2]float64{float64(r.X), float64(r.Y)}, [2]float64{float64(r.X + r.W - 1), float64(r.Y + r.H - 1)}))
	got := eval("the rectangle's fields", `["x", "y", "w", "h"].map(n => document.getElementById(n).value).join(" ")`)
	var x, y, w, h int
	if _, err := fmt.Sscan(got, &x, &y, &w, &h); err != nil {
		t.Fatalf("the fields after the drag: %q", got)
	}
	if abs(x-r.X) > 3 || abs(y-r.Y) > 3 || abs(w-r.W) > 4 || abs(h-r.H) > 4 {
		t.Fatalf("dragged %v, the fields say %q", r, got)
	}
	if rect := eval("the drawn rectangle", `["x", "y", "width", "height"].map(a => document.getElementById("cutout-rect").getAttribute(a)).join(" ")`); rect != got {
		t.Fatalf("the rectangle is drawn at %q, the fields say %q", rect, got)
	}

	// A stroke down the figure, one round it.
	fh, cx := float64(H), float64(W)/2
	eval("a fine brush", `(() => { const b = document.getElementById("brush"); b.value = 10; return "" })()`)
	run("the figure's brush", chromedp.Click(chromedp.ID("tool-figure")))
	swipe("cutout-canvas", along(16, [2]float64{cx, 0.26 * fh}, [2]float64{cx, 0.6 * fh}, [2]float64{cx - 0.15*fh, 0.85 * fh}))
	run("the background's brush", chromedp.Click(chromedp.ID("tool-background")))
	swipe("cutout-canvas", sceneOutline(sc, W, H, int(0.035*fh)))
	if n := eval("the strokes", `String(JSON.parse(document.getElementById("strokes").value).length) + " | " + document.getElementById("stroke-count").textContent`); n != "2 | 2 strokes drawn." {
		t.Fatalf("after two strokes: %s", n)
	}
	if kinds := eval("the strokes drawn", `Array.from(document.querySelectorAll("#cutout-strokes polyline")).map(p => p.getAttribute("class")).join(",")`); kinds != "stroke stroke-figure,stroke stroke-background" {
		t.Fatalf("the strokes drawn: %s", kinds)
	}
	shoot("cutout-drawn-phone.png")

	run("cut out", chromedp.Click(chromedp.ID("cut-out")), chromedp.WaitVisible(chromedp.ID("cutout-result")))
	if flash := eval("the flash", `(document.querySelector(".flash") || {}).textContent || ""`); !strings.HasPrefix(flash, "Cut out: the figure covers") {
		t.Fatalf("after the cut: %q", flash)
	}
	becomes("the result loads", `(() => { const i = document.querySelector("#cutout-result img"); return !!i && i.complete && i.naturalWidth > 0 })()`)
	m, ok, err := s.LatestPhotoMask(context.Background(), ana, photo)
	if err != nil || !ok {
		t.Fatalf("no mask saved: %v", err)
	}
	var req intake.MaskRequest
	if err := json.Unmarshal(m.Request, &req); err != nil || len(req.Strokes) != 2 || req.Strokes[0].Kind != "figure" || req.Strokes[1].Kind != "background" {
		t.Fatalf("the request saved: %s (%v)", m.Request, err)
	}
	if area := eval("the area shown", `document.getElementById("cutout-area").textContent`); strings.ReplaceAll(area, "\u202f", "") != itoa(m.AreaPx) {
		t.Fatalf("the page shows an area of %q, the mask has %d", area, m.AreaPx)
	}
	res, maskPNG := b.get("/photos/" + photo + "/mask.png")
	want(t, res, "", 200)
	if iou := maskIoU(t, []byte(maskPNG), sc.truth, W, H); iou < 0.9 {
		t.Fatalf("the cut-out drawn by touch: IoU %.3f, want 0.9 or more", iou)
	} else {
		t.Logf("IoU %.3f", iou)
	}
	eval("scroll to the photo", `(() => { document.getElementById("cutout-canvas").scrollIntoView({block: "start"}); return "" })()`)
	shoot("cutout-result-phone.png")

	// The eyes' line, dragged up by a finger and saved.
	eval("scroll to the guides", `(() => { document.getElementById("guides-canvas").scrollIntoView({block: "start"}); return "" })()`)
	eyes := eval("the eyes' row", `document.getElementById("eyes").value`)
	var row float64
	if _, err := fmt.Sscan(eyes, &row); err != nil {
		t.Fatalf("the eyes' row: %q", eyes)
	}
	swipe("guides-canvas", along(10, [2]float64{cx, row}, [2]float64{cx, row - 40}))
	moved := eval("the eyes' row after the drag", `document.getElementById("eyes").value + " " + document.querySelector('g[data-guide="eyes"] .guide-line').getAttribute("y1")`)
	var now, line float64
	if _, err := fmt.Sscan(moved, &now, &line); err != nil || math.Abs(now-(row-40)) > 3 || now != line {
		t.Fatalf("the eyes' line from %v: %q", row, moved)
	}
	shoot("cutout-guides-phone.png")
	run("save the lines", chromedp.Click(chromedp.ID("save-guides")), chromedp.WaitVisible(chromedp.ID("reset-guides")))
	g, ok, err := s.PhotoFaceGuides(context.Background(), ana, photo)
	if err != nil || !ok || g.Eyes != now {
		t.Fatalf("the guides saved: %+v, %v, %v (the page had %v)", g, ok, err, now)
	}
}

// sceneOutline is the way a brush takes round the scene's figure, off
// pixels outside it: down its left side, over the head and down its right.
func sceneOutline(sc figureScene, w, h, off int) [][2]float64 {
	var left, right [][2]float64
	top := -1
	for y := 0; y < h; y += max(1, h/60) {
		l, r := -1, -1
		for x := range w {
			if sc.truth[y*w+x] {
				if l < 0 {
					l = x
				}
				r = x
			}
		}
		if l < 0 {
			continue
		}
		if top < 0 {
			top = y
		}
		left = append(left, [2]float64{float64(max(0, l-off)), float64(y)})
		right = append(right, [2]float64{float64(min(w-1, r+off)), float64(y)})
	}
	var out [][2]float64
	for i := len(left) - 1; i >= 0; i-- {
		out = append(out, left[i])
	}
	out = append(out, [2]float64{left[0][0], float64(max(0, top-off))}, [2]float64{right[0][0], float64(max(0, top-off))})
	return append(out, right...)
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
