package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// syncBuffer is a log sink that a test may read while the server writes.
type syncBuffer struct {
	mu  sync.Mutex
	buf strings.Builder
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// chromium finds the browser, or skips the test when it is missing and
// ATELIER_TEST_CHROMIUM is not set; CI sets it, so there it must run.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("ATELIER_TEST_CHROMIUM") != "" {
		t.Fatal("ATELIER_TEST_CHROMIUM is set but no Chromium is installed")
	}
	t.Skip("no Chromium on this machine; set ATELIER_TEST_CHROMIUM=1 to require it (.ci/run does)")
	return ""
}

// startServer runs `atelier serve` on port 0 in a fresh data directory,
// the same code path as the binary, and returns its address and its log.
func startServer(t *testing.T) (string, *syncBuffer) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	logs := &syncBuffer{}
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	data := t.TempDir()
	go func() {
		e := env{getenv: func(k string) string {
			if k == "ATELIER_DATA" {
				return data
			}
			return ""
		}, stdin: strings.NewReader(""), stdout: pw, stderr: logs}
		done <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0"}, e)
		pw.Close()
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		cancel()
		t.Fatalf("serve did not start: %v\n%s", <-done, logs)
	}
	go io.Copy(io.Discard, pr)
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	return "http://" + strings.TrimSpace(strings.TrimPrefix(line, "listening on ")), logs
}

// setupCode reads the one-time code from the server's JSON log, where it
// appears as the server starts serving.
func setupCode(t *testing.T, logs *syncBuffer) string {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		for l := range strings.SplitSeq(logs.String(), "\n") {
			var rec struct {
				Code string `json:"setup_code"`
			}
			if json.Unmarshal([]byte(l), &rec) == nil && rec.Code != "" {
				return rec.Code
			}
		}
	}
	t.Fatalf("no set-up code in the log:\n%s", logs)
	return ""
}

func newBrowserContext(t *testing.T, exe string) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe), chromedp.NoSandbox, chromedp.DisableGPU, chromedp.UserDataDir(t.TempDir()),
		// This machine has no network beyond the registries: keep Chromium
		// from reaching for Google's services.
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-quic", true))
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx)
	// A whole walk through the pipeline takes over 90 s on a busy 2-core
	// machine; the bound is against a hang, not a measure of speed.
	ctx, cancelTimeout := context.WithTimeout(ctx, 5*time.Minute)
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })
	return ctx
}

// session is a browser on a server of its own, with what every browser
// test needs: run steps, read text, save a screenshot.
type session struct {
	t     *testing.T
	ctx   context.Context
	base  string
	logs  *syncBuffer
	code  string
	shots string
	// prefix names the screenshots of this test.
	prefix string
}

func newSession(t *testing.T, prefix string) *session {
	t.Helper()
	exe := chromium(t)
	base, logs := startServer(t)
	s := &session{t: t, base: base, logs: logs, code: setupCode(t, logs), ctx: newBrowserContext(t, exe), prefix: prefix,
		shots: os.Getenv("ATELIER_TEST_SCREENSHOTS")}
	if s.shots == "" {
		s.shots = t.TempDir()
	}
	return s
}

// do runs steps, failing the test with the server's log when one fails.
func (s *session) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	s.t.Helper()
	if err := chromedp.Do(s.ctx, steps...); err != nil {
		s.t.Fatalf("%s: %v\nserver log:\n%s", what, err, s.logs)
	}
}

// text is the text of the first element sel selects.
func (s *session) text(sel string) string {
	s.t.Helper()
	out, err := chromedp.Run(s.ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		s.t.Fatalf("reading %s: %v", sel, err)
	}
	return out
}

// shot saves a full-page screenshot as PNG (quality 100 means PNG).
func (s *session) shot(name string) {
	s.t.Helper()
	png, err := chromedp.Run(s.ctx, chromedp.FullScreenshot(100))
	if err == nil {
		err = os.WriteFile(filepath.Join(s.shots, s.prefix+name+".png"), png, 0o644)
	}
	if err != nil {
		s.t.Fatal(err)
	}
}

// The first run in a real browser, at phone and desktop size: set-up with
// the code from the log, the dashboard, signing out, a wrong password and
// signing in again.
func TestBrowserFirstRun(t *testing.T) {
	for _, size := range []struct {
		name string
		w, h int64
	}{{"phone", 390, 844}, {"desktop", 1280, 800}} {
		t.Run(size.name, func(t *testing.T) {
			s := newSession(t, size.name+"-")
			base, code, ctx, do, text, shot := s.base, s.code, s.ctx, s.do, s.text, s.shot

			do("open the start page", chromedp.EmulateViewport(size.w, size.h), chromedp.Navigate(base+"/"), chromedp.WaitVisible(chromedp.ID("code")))
			fitsTheScreen(t, ctx)
			shot("1-setup")
			do("fill in the set-up form",
				chromedp.SetValue(chromedp.ID("code"), strings.ToLower(code)),
				chromedp.SetValue(chromedp.ID("name"), "Ana's Miniatures"),
				chromedp.SetValue(chromedp.ID("slug"), "ana"),
				chromedp.SetValue(chromedp.ID("artist"), "Ana Petrova"),
				chromedp.SetValue(chromedp.ID("timezone"), "Europe/Vienna"),
				chromedp.Click(chromedp.CSS(`input[name=units][value=imperial]`)),
				chromedp.SetValue(chromedp.ID("owner_name"), "Ana"),
				chromedp.SetValue(chromedp.ID("email"), "ana@example.com"),
				chromedp.SetValue(chromedp.ID("password"), "a long password"),
				chromedp.Click(chromedp.CSS(`button[type=submit]`)),
				chromedp.WaitVisible(chromedp.CSS(`.flash`)))
			if h1 := text("main h1"); h1 != "Ana's Miniatures" {
				t.Fatalf("dashboard heading %q", h1)
			}
			if flash := text(".flash"); !strings.Contains(flash, "Welcome, Ana") {
				t.Fatalf("flash %q", flash)
			}
			fitsTheScreen(t, ctx)
			shot("2-dashboard")

			do("sign out", chromedp.Click(chromedp.CSS(`form.signout button`)), chromedp.WaitVisible(chromedp.ID("email")))
			do("a wrong password",
				chromedp.SetValue(chromedp.ID("email"), "ana@example.com"),
				chromedp.SetValue(chromedp.ID("password"), "not my password"),
				chromedp.Click(chromedp.CSS(`button[type=submit]`)),
				chromedp.WaitVisible(chromedp.CSS(`.alert`)))
			if msg := text(".alert"); !strings.Contains(msg, "do not match an account") {
				t.Fatalf("wrong-password message %q", msg)
			}
			fitsTheScreen(t, ctx)
			shot("3-wrong-password")
			do("sign in",
				chromedp.SetValue(chromedp.ID("password"), "a long password"),
				chromedp.Click(chromedp.CSS(`button[type=submit]`)),
				chromedp.WaitVisible(chromedp.CSS(`.cards`)))
			loc, _ := chromedp.Run(ctx, chromedp.Location())
			if !strings.HasSuffix(loc, "/dashboard") {
				t.Fatalf("after sign-in at %s", loc)
			}
			shot("4-signed-in")
			t.Logf("screenshots in %s", s.shots)
		})
	}
}

// fitsTheScreen checks that the page needs no sideways scrolling and that
// every button and link in the app bar is a comfortable touch target.
func fitsTheScreen(t *testing.T, ctx context.Context) {
	t.Helper()
	overflow, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth`))
	if err != nil || overflow {
		t.Fatalf("the page scrolls sideways (%v)", err)
	}
	small, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("button, .button, .bar a, input[type=text], input[type=email], input[type=password]"))
		.filter(e => e.offsetParent !== null && e.getBoundingClientRect().height < 44).map(e => e.outerHTML.slice(0, 80))`))
	if err != nil || len(small) > 0 {
		t.Fatalf("touch targets under 44 px: %v %v", small, err)
	}
	inline, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("script:not([src]), [style], [onclick]").length`))
	if err != nil || inline != 0 {
		t.Fatal(fmt.Sprintf("inline script or style in the page: %d %v", inline, err))
	}
}

// A client commissions from a phone with two photos; the artist signs in,
// sees the missing angles and quotes; the client's portal shows the quote.
func TestBrowserCommission(t *testing.T) {
	s := newSession(t, "commission-")
	base, code, ctx, do, text, shot := s.base, s.code, s.ctx, s.do, s.text, s.shot
	dir := t.TempDir()
	front, back := filepath.Join(dir, "front.jpg"), filepath.Join(dir, "back.jpg")
	os.WriteFile(front, photoJPEG(t, 300, 400), 0o644)
	os.WriteFile(back, photoJPEG(t, 400, 300), 0o644)

	// The artist sets the studio up first, at desk size.
	do("set up", chromedp.EmulateViewport(1280, 800), chromedp.Navigate(base+"/setup"), chromedp.WaitVisible(chromedp.ID("code")),
		chromedp.SetValue(chromedp.ID("code"), code), chromedp.SetValue(chromedp.ID("name"), "Ana's Miniatures"),
		chromedp.SetValue(chromedp.ID("slug"), "ana"), chromedp.SetValue(chromedp.ID("artist"), "Ana Petrova"),
		chromedp.SetValue(chromedp.ID("owner_name"), "Ana"), chromedp.SetValue(chromedp.ID("email"), "ana@example.com"),
		chromedp.SetValue(chromedp.ID("password"), "a long password"), chromedp.Click(chromedp.CSS(`button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`.cards`)), chromedp.Click(chromedp.CSS(`form.signout button`)), chromedp.WaitVisible(chromedp.ID("email")))

	// The client, on a phone.
	do("open the questionnaire", chromedp.EmulateViewport(390, 844), chromedp.Navigate(base+"/s/ana/commission"), chromedp.WaitVisible(chromedp.ID("subject_name")))
	do("fill it in",
		chromedp.SetValue(chromedp.ID("subject_name"), "Grandma Rose"),
		chromedp.SetValue(chromedp.ID("relationship"), "grandmother"),
		chromedp.SetValue(chromedp.ID("story"), "She taught us all to bake <Kipferl>."),
		chromedp.SetValue(chromedp.ID("contact_name"), "Lea Berger"),
		chromedp.SetValue(chromedp.ID("contact_email"), "lea@example.com"),
		chromedp.SetUploadFiles(chromedp.ID("photo_front"), []string{front}),
		chromedp.SetUploadFiles(chromedp.ID("photo_back"), []string{back}))
	fitsTheScreen(t, ctx)
	shot("1-questionnaire")
	do("send it", chromedp.Click(chromedp.CSS(`button[type=submit]`)), chromedp.WaitVisible(chromedp.CSS(`ul.checklist`)))
	portal, _ := chromedp.Run(ctx, chromedp.Location())
	if !strings.Contains(portal, "/p/") {
		t.Fatalf("after sending, at %s", portal)
	}
	if got := text("main h1"); got != "A miniature of Grandma Rose" {
		t.Fatalf("portal heading %q", got)
	}
	fitsTheScreen(t, ctx)
	shot("2-portal")

	// The artist signs in on the phone, sees the missing angles and quotes.
	do("sign in", chromedp.Navigate(base+"/login"), chromedp.WaitVisible(chromedp.ID("email")),
		chromedp.SetValue(chromedp.ID("email"), "ana@example.com"), chromedp.SetValue(chromedp.ID("password"), "a long password"),
		chromedp.Click(chromedp.CSS(`button[type=submit]`)), chromedp.WaitVisible(chromedp.CSS(`.cards`)),
		chromedp.Navigate(base+"/commissions"), chromedp.WaitVisible(chromedp.CSS(`table.list`)))
	if row := text("table.list tbody tr"); !strings.Contains(row, "missing profile, three quarter") {
		t.Fatalf("list row %q", row)
	}
	do("open it", chromedp.Click(chromedp.CSS(`table.list tbody a`)), chromedp.WaitVisible(chromedp.ID("price")))
	if alert := text(".columns .alert"); !strings.Contains(alert, "Missing: profile, three quarter") {
		t.Fatalf("detail alert %q", alert)
	}
	fitsTheScreen(t, ctx)
	do("quote", chromedp.SetValue(chromedp.ID("price"), "450"), chromedp.SetValue(chromedp.ID("deposit"), "150"),
		chromedp.SetValue(chromedp.ID("promised_date"), "2099-03-01"),
		chromedp.Click(chromedp.CSS(`input[value=quoted] ~ button`)), chromedp.WaitVisible(chromedp.CSS(`.flash`)))
	shot("3-quoted")

	do("the portal again", chromedp.Navigate(portal), chromedp.WaitVisible(chromedp.CSS(`dl.facts`)))
	if facts := text("dl.facts"); !strings.Contains(facts, "450.00 EUR") || !strings.Contains(facts, "2099-03-01") {
		t.Fatalf("portal facts %q", facts)
	}
	shot("4-portal-quoted")
}

// photoJPEG is a real JPEG for the upload.
func photoJPEG(t *testing.T, w, h int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), 150, 255})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, nil); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// A piece from concept to collector-grade through the web pages, on a
// phone: the empty board, a refused advance updated in place, the tick
// boxes, every stage's own form, one failed quality control on the way
// back to Paint, and the board at desk size at the end.
func TestBrowserPipeline(t *testing.T) {
	s := newSession(t, "pipeline-")
	base, code, ctx, logs, do, text, shot := s.base, s.code, s.ctx, s.logs, s.do, s.text, s.shot
	eval := func(js string) bool {
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](js))
		return err == nil && ok
	}
	// mark sets a flag on the page that a page load clears. On a busy
	// machine the page may still be loading from the step before (the
	// evaluation then fails while its document is replaced): try again.
	mark := func(name string) {
		t.Helper()
		for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
			if eval(`document.readyState === "complete" && (window.` + name + ` = true)`) {
				return
			}
		}
		t.Fatalf("could not mark the page with %s", name)
	}
	// waitFor polls a condition that may span a page load.
	waitFor := func(what, js string) {
		t.Helper()
		for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
			if eval(js) {
				return
			}
		}
		t.Fatalf("waiting for %s (%s)\nserver log:\n%s", what, js, logs)
	}
	// submit clicks a button that posts a plain form and waits for the
	// page the server sends back.
	submit := func(what, sel string) {
		t.Helper()
		mark("atelierOld")
		do(what, chromedp.Click(chromedp.CSS(sel)))
		waitFor(what, `typeof window.atelierOld === "undefined" && document.readyState === "complete" && !!document.querySelector("main")`)
	}
	stage := func() string { t.Helper(); return text("#stage h2") }
	// tickAll ticks every open box of the stage; each tick is swapped in place.
	tickAll := func() {
		t.Helper()
		ids, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('button.tick[aria-pressed="false"]')).map(b => b.id)`))
		if err != nil {
			t.Fatal(err)
		}
		mark("atelierSame")
		for _, id := range ids {
			do("tick "+id, chromedp.Click(chromedp.ID(id)))
			waitFor("the tick of "+id, `document.getElementById("`+id+`").getAttribute("aria-pressed") === "true"`)
		}
		if !eval(`window.atelierSame === true`) {
			t.Fatal("ticking reloaded the page instead of updating it in place")
		}
	}
	advance := func(to string) {
		t.Helper()
		submit("advance to "+to, "#advance")
		if got := stage(); got != to {
			t.Fatalf("after advancing the stage is %q, want %q; %s", got, to, text("main"))
		}
	}
	utc := func(d time.Duration) string { return time.Now().UTC().Add(d).Format("2006-01-02T15:04") }
	logCoats := func() {
		t.Helper()
		do("the first coat, logged afterwards", chromedp.SetValue(chromedp.ID("applied_at"), utc(-3*time.Hour)))
		submit("log coat 1", "#log-coat")
		if f := text(".flash"); !strings.Contains(f, "Coat 1 logged") {
			t.Fatalf("flash %q", f)
		}
		do("the second coat", chromedp.Click(chromedp.CSS(`input[name=sanded_2000_before]`)), chromedp.SetValue(chromedp.ID("applied_at"), utc(-2*time.Hour)))
		submit("log coat 2", "#log-coat")
	}

	do("set up", chromedp.EmulateViewport(390, 844), chromedp.Navigate(base+"/setup"), chromedp.WaitVisible(chromedp.ID("code")),
		chromedp.SetValue(chromedp.ID("code"), code), chromedp.SetValue(chromedp.ID("name"), "Ana's Miniatures"),
		chromedp.SetValue(chromedp.ID("slug"), "ana"), chromedp.SetValue(chromedp.ID("artist"), "Ana Petrova"),
		chromedp.SetValue(chromedp.ID("owner_name"), "Ana"), chromedp.SetValue(chromedp.ID("email"), "ana@example.com"),
		chromedp.SetValue(chromedp.ID("password"), "a long password"), chromedp.Click(chromedp.CSS(`button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`.cards`)))

	// The empty board says how to start, and starts a piece.
	do("open the board", chromedp.Click(chromedp.CSS(`.bar nav a[href="/board"]`)), chromedp.WaitVisible(chromedp.CSS(`p.empty`)))
	if empty := text("p.empty"); !strings.Contains(empty, "No pieces in the making yet") {
		t.Fatalf("empty board %q", empty)
	}
	fitsTheScreen(t, ctx)
	shot("1-empty-board")
	do("name the piece", chromedp.SetValue(chromedp.ID("subject"), "Grandma Rose <3"), chromedp.SetValue(chromedp.ID("target_height"), "38"))
	submit("start the piece", `.new-piece button[type=submit]`)
	if h1 := text("main h1"); h1 != "Grandma Rose <3" || stage() != "Concept" {
		t.Fatalf("new piece page %q at %q", h1, stage())
	}
	loc, _ := chromedp.Run(ctx, chromedp.Location())
	id := loc[strings.LastIndex(loc, "/")+1:]
	fitsTheScreen(t, ctx)
	shot("2-piece-concept")

	// A tap on the card's advance with the checklist open: refused, in place.
	do("back to the board", chromedp.Click(chromedp.CSS(`a[href="/board"]`)), chromedp.WaitVisible(chromedp.ID("piece-"+id)))
	mark("atelierSame")
	do("advance from the board", chromedp.Click(chromedp.ID("advance-"+id)))
	waitFor("the open items on the card", `!!document.querySelector("#piece-`+id+` .open-items")`)
	if !eval(`window.atelierSame === true`) {
		t.Fatal("the board reloaded instead of updating the card in place")
	}
	if open := text("#piece-" + id + " .open-items"); !strings.Contains(open, "Silhouette sketched") {
		t.Fatalf("open items %q", open)
	}
	fitsTheScreen(t, ctx)
	shot("3-board-refused")

	// Tick the concept's boxes on the piece's page, then one tap on the board moves the card.
	do("open the piece", chromedp.Click(chromedp.CSS(`#piece-`+id+` a.subject`)), chromedp.WaitVisible(chromedp.CSS(`button.tick`)))
	tickAll()
	if eval(`!!document.querySelector("#stage .open-items")`) {
		t.Fatalf("open items after ticking all: %s", text("#stage .open-items"))
	}
	fitsTheScreen(t, ctx)
	shot("4-concept-ticked")
	do("back to the board", chromedp.Click(chromedp.CSS(`a[href="/board"]`)), chromedp.WaitVisible(chromedp.ID("piece-"+id)))
	mark("atelierSame")
	do("advance from the board", chromedp.Click(chromedp.ID("advance-"+id)))
	waitFor("the card in the armature column", `!!document.querySelector("#col-armature #piece-`+id+`")`)
	if !eval(`window.atelierSame === true`) || eval(`!!document.querySelector("#col-concept #piece-`+id+`")`) {
		t.Fatal("the card did not move in place")
	}
	waitFor("the toast", `!!document.querySelector(".toast")`)
	shot("5-board-advanced")

	// Every stage on the piece's page.
	do("open the piece", chromedp.Navigate(base+"/pieces/"+id), chromedp.WaitVisible(chromedp.CSS(`#stage`)))
	failedOnce := false
	for step := 0; stage() != "Collector-grade"; step++ {
		if step > 30 {
			t.Fatalf("the piece is stuck at %s", stage())
		}
		tickAll()
		switch s := stage(); s {
		case "Texture":
			do("clays and thickness", chromedp.Click(chromedp.CSS(`input[name=clay_brands][value=premo]`)), chromedp.SetValue(chromedp.ID("max_thickness"), "9"))
			submit("save the details", "#save-details")
		case "First bake":
			// At the oven: add it, start the bake, read the thermometer,
			// oven off; then the bake of an hour ago, cooled, is logged.
			do("the oven", chromedp.SetValue(chromedp.ID("oven_name"), "Toaster oven"))
			submit("add the oven", "#add-oven")
			submit("start the bake", "#start-bake")
			if f := text(".flash"); !strings.Contains(f, "Baking at 130 °C / 275 °F for 45 minutes") {
				t.Fatalf("bake flash %q", f)
			}
			if !eval(`!!document.querySelector(".countdown.ring")`) {
				t.Fatal("no countdown ring for the running bake")
			}
			do("a reading", chromedp.SetValue(chromedp.ID("thermometer"), "131"))
			submit("log the reading", "#log-reading")
			fitsTheScreen(t, ctx)
			shot("5-bake-running")
			submit("oven off", "#finish-bake")
			vienna, _ := time.LoadLocation("Europe/Vienna")
			local := func(d time.Duration) string { return time.Now().Add(d).In(vienna).Format("2006-01-02T15:04") }
			if !eval(`(document.querySelector("#bake details").open = true)`) {
				t.Fatal("no form to log a bake afterwards")
			}
			do("the earlier bake", chromedp.SetValue(chromedp.ID("started_at"), local(-3*time.Hour)), chromedp.SetValue(chromedp.ID("finished_at"), local(-2*time.Hour)))
			submit("log the bake", "#log-bake")
		case "Sanding":
			for eval(`!!document.getElementById("log-grit")`) {
				submit("log a grit", "#log-grit")
			}
			if f := text(".flash"); !strings.Contains(f, "2000 grit logged: the sanding is complete") {
				t.Fatalf("sanding flash %q", f)
			}
			fitsTheScreen(t, ctx)
			shot("6-sanding-done")
		case "Colour plan":
			do("the palette",
				chromedp.SetValue(chromedp.ID("name_0"), "skin"), chromedp.SetValue(chromedp.ID("hex_0"), "#e8b99a"), chromedp.SetValue(chromedp.ID("role_0"), "base"),
				chromedp.SetValue(chromedp.ID("name_1"), "shadow"), chromedp.SetValue(chromedp.ID("hex_1"), "#8a5a44"), chromedp.SetValue(chromedp.ID("role_1"), "shadow"),
				chromedp.SetValue(chromedp.ID("name_2"), "light"), chromedp.SetValue(chromedp.ID("hex_2"), "#fff1e6"), chromedp.SetValue(chromedp.ID("role_2"), "highlight"))
			submit("save the palette", "#save-palette")
			if n, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("ul.swatches rect").length`)); n != 3 {
				t.Fatalf("%d swatches", n)
			}
			fitsTheScreen(t, ctx)
			shot("7-colour-plan")
		case "Finish":
			logCoats()
			fitsTheScreen(t, ctx)
			shot("8-finish")
		case "Mount":
			do("the measured size", chromedp.SetValue(chromedp.ID("height"), "41"), chromedp.SetValue(chromedp.ID("width"), "22"), chromedp.SetValue(chromedp.ID("depth"), "19"))
			submit("save the size", "#save-details")
		case "Quality control":
			for _, c := range []string{"proportions", "no_seams", "even_paint", "eyes", "coating", "no_cracks"} {
				if c == "eyes" && !failedOnce {
					do("fail the eyes", chromedp.Click(chromedp.CSS(`label[for="qc-eyes-fail"]`))) // the left eye drifts
					continue
				}
				do("pass "+c, chromedp.Click(chromedp.CSS(`label[for="qc-`+c+`-pass"]`)))
			}
			if !failedOnce {
				do("a note", chromedp.SetValue(chromedp.ID("notes"), "the left eye drifts"))
				fitsTheScreen(t, ctx)
				shot("9-qc-form")
			}
			submit("record quality control", "#record-qc")
			if !failedOnce {
				failedOnce = true
				if got := stage(); got != "Paint" || !strings.Contains(text(".flash"), "Quality control failed (eyes are centred and clear): back to Paint.") {
					t.Fatalf("after a failed QC: %q, %q", got, text(".flash"))
				}
				fitsTheScreen(t, ctx)
				shot("10-qc-failed")
			}
			continue
		}
		if s := stage(); s != "Quality control" && s != "Collector-grade" {
			next := map[string]string{"Concept": "Armature", "Armature": "Sculpt", "Sculpt": "Texture", "Texture": "First bake", "First bake": "Sanding",
				"Sanding": "Colour plan", "Colour plan": "Paint", "Paint": "Finish", "Finish": "Mount", "Mount": "Quality control"}[s]
			advance(next)
		}
	}
	if !failedOnce {
		t.Fatal("quality control never failed")
	}
	if f := text(".flash"); !strings.Contains(f, "Quality control passed: Grandma Rose <3 is collector-grade.") {
		t.Fatalf("flash %q", f)
	}
	if h := text("#history"); !strings.Contains(h, "Back to Paint after quality control") {
		t.Fatalf("history %q", h)
	}
	fitsTheScreen(t, ctx)
	shot("11-collector-grade")

	do("the board", chromedp.Navigate(base+"/board"), chromedp.WaitVisible(chromedp.CSS(`#col-collector_grade #piece-`+id)))
	fitsTheScreen(t, ctx)
	shot("12-board-phone")
	// At the desk: a second piece, and the board dense with both.
	do("the board at the desk", chromedp.EmulateViewport(1280, 800), chromedp.Reload(), chromedp.WaitVisible(chromedp.ID("piece-"+id)),
		chromedp.Click(chromedp.CSS(`.new-piece summary`)), chromedp.WaitVisible(chromedp.ID("subject")),
		chromedp.SetValue(chromedp.ID("subject"), "Uncle Tom with his dog"), chromedp.SetValue(chromedp.ID("target_height"), "45"))
	submit("start the second piece", `.new-piece button[type=submit]`)
	fitsTheScreen(t, ctx)
	shot("13-piece-desktop")
	do("the board again", chromedp.Navigate(base+"/board"), chromedp.WaitVisible(chromedp.CSS(`#col-concept .piece-card`)))
	fitsTheScreen(t, ctx)
	shot("14-board-desktop")
	t.Logf("screenshots in %s", s.shots)
}
