package main

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// eval runs a script on the page and says whether it answered true.
func (s *session) eval(js string) bool {
	ok, err := chromedp.Run(s.ctx, chromedp.Evaluate[bool](js))
	return err == nil && ok
}

// waitFor polls a condition that may span a page load.
func (s *session) waitFor(what, js string) {
	s.t.Helper()
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if s.eval(js) {
			return
		}
	}
	s.t.Fatalf("waiting for %s (%s)\nserver log:\n%s", what, js, s.logs)
}

// submit clicks a button that posts a plain form and waits for the page
// the server sends back (a flag set on the old page is gone).
func (s *session) submit(what, sel string) {
	s.t.Helper()
	if !s.eval("window.atelierOld = true") {
		s.t.Fatal("could not mark the page")
	}
	s.do(what, chromedp.Click(chromedp.CSS(sel)))
	s.waitFor(what, `typeof window.atelierOld === "undefined" && document.readyState === "complete" && !!document.querySelector("main")`)
}

// formClient is a second, script-free client of the same studio that
// prepares what a test needs through the pages' own forms.
type formClient struct {
	t    *testing.T
	base string
	c    *http.Client
}

func newFormClient(t *testing.T, base, email, password string) *formClient {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	fc := &formClient{t: t, base: base, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	if res, body := fc.post("/login", url.Values{"email": {email}, "password": {password}}); res.StatusCode != 303 {
		t.Fatalf("sign-in: %d %s", res.StatusCode, body)
	}
	return fc
}

func (fc *formClient) do(req *http.Request) (*http.Response, string) {
	fc.t.Helper()
	res, err := fc.c.Do(req)
	if err != nil {
		fc.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	return res, string(raw)
}

func (fc *formClient) get(path string) string {
	fc.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, fc.base+path, nil)
	res, body := fc.do(req)
	if res.StatusCode != 200 {
		fc.t.Fatalf("GET %s: %d", path, res.StatusCode)
	}
	return body
}

func (fc *formClient) post(path string, form url.Values) (*http.Response, string) {
	fc.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, fc.base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return fc.do(req)
}

// pieceAtFirstBake starts a piece of Premo, 9 mm thick, and takes it to
// its first bake the way the artist does: every box ticked, then advance.
func (fc *formClient) pieceAtFirstBake(subject string) string {
	fc.t.Helper()
	res, body := fc.post("/pieces", url.Values{"subject": {subject}, "target_height": {"38"}})
	if res.StatusCode != 303 {
		fc.t.Fatalf("new piece: %d %s", res.StatusCode, body)
	}
	id := strings.TrimPrefix(res.Header.Get("Location"), "/pieces/")
	if res, body = fc.post("/pieces/"+id, url.Values{"clay_brands_shown": {"1"}, "clay_brands": {"premo"}, "max_thickness": {"9"}, "subject": {subject}, "target_height": {"38"}}); res.StatusCode != 303 {
		fc.t.Fatalf("clays and thickness: %d %s", res.StatusCode, body)
	}
	open := regexp.MustCompile(`action="/pieces/` + id + `/checks/([a-z0-9_-]+)" data-inplace="[^"]*">\s*<input type="hidden" name="done" value="true">`)
	for range 4 {
		for _, m := range open.FindAllStringSubmatch(fc.get("/pieces/"+id), -1) {
			if res, body := fc.post("/pieces/"+id+"/checks/"+m[1], url.Values{"done": {"true"}}); res.StatusCode != 303 {
				fc.t.Fatalf("tick %s: %d %s", m[1], res.StatusCode, body)
			}
		}
		if res, body := fc.post("/pieces/"+id+"/advance", nil); res.StatusCode != 303 {
			fc.t.Fatalf("advance: %d %s", res.StatusCode, body)
		}
	}
	if page := fc.get("/pieces/" + id); !strings.Contains(page, "<strong>First bake</strong>") {
		fc.t.Fatalf("%s is not at its first bake:\n%s", subject, page)
	}
	return id
}

// A bake at the oven on a phone: an oven calibrated on its page, two
// pieces waiting at first bake picked for one batch, started, a reading
// logged, the ring and the chart on screen, the timer's end announced,
// and the oven turned off.
func TestBrowserBake(t *testing.T) {
	s := newSession(t, "bake-")
	base, ctx, do, text, shot := s.base, s.ctx, s.do, s.text, s.shot
	do("set up", chromedp.EmulateViewport(390, 844), chromedp.Navigate(base+"/setup"), chromedp.WaitVisible(chromedp.ID("code")),
		chromedp.SetValue(chromedp.ID("code"), s.code), chromedp.SetValue(chromedp.ID("name"), "Ana's Miniatures"),
		chromedp.SetValue(chromedp.ID("slug"), "ana"), chromedp.SetValue(chromedp.ID("artist"), "Ana Petrova"),
		chromedp.SetValue(chromedp.ID("owner_name"), "Ana"), chromedp.SetValue(chromedp.ID("email"), "ana@example.com"),
		chromedp.SetValue(chromedp.ID("password"), "a long password"), chromedp.Click(chromedp.CSS(`button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`.cards`)))
	fc := newFormClient(t, base, "ana@example.com", "a long password")
	rose, tulip := fc.pieceAtFirstBake("Rose"), fc.pieceAtFirstBake("Tulip")

	// No oven yet: the bakes page sends the artist to add one.
	do("open the bakes", chromedp.Click(chromedp.CSS(`.bar nav a[href="/bakes"]`)), chromedp.WaitVisible(chromedp.CSS(`.bakes-page`)))
	do("to the ovens", chromedp.Click(chromedp.CSS(`.bakes-page p.empty a[href="/ovens"]`)), chromedp.WaitVisible(chromedp.ID("name")))
	do("name the oven", chromedp.SetValue(chromedp.ID("name"), "Toaster oven"))
	s.submit("add the oven", "#add-oven")
	do("a calibration reading", chromedp.SetValue(chromedp.ID("dial"), "130"), chromedp.SetValue(chromedp.ID("thermometer"), "142"))
	s.submit("log the calibration", "#log-calibration")
	if fit := text("#fit"); !strings.Contains(fit, "runs 12 °C hot at 130 °C: set the dial to 118 °C for 130 °C") {
		t.Fatalf("the fitted line in words: %q", fit)
	}
	do("the calibration chart", chromedp.WaitVisible(chromedp.CSS(`svg.chart circle.point`)))
	fitsTheScreen(t, ctx)
	shot("1-oven-calibrated")

	// The batch: both pieces waiting, the one oven.
	do("back to the bakes", chromedp.Click(chromedp.CSS(`.bar nav a[href="/bakes"]`)), chromedp.WaitVisible(chromedp.ID("pick-"+rose)))
	do("pick the pieces", chromedp.Click(chromedp.ID("pick-"+rose)), chromedp.Click(chromedp.ID("pick-"+tulip)))
	fitsTheScreen(t, ctx)
	shot("2-new-batch")
	s.submit("start the batch", "#start-batch")
	if f := text(".flash"); !strings.Contains(f, "Baking at 130 °C / 275 °F for 45 minutes") {
		t.Fatalf("flash %q", f)
	}
	if temp := text(".bake-temp"); !strings.Contains(temp, "set the dial to 118 °C") {
		t.Fatalf("the plan %q", temp)
	}
	do("the ring", chromedp.WaitVisible(chromedp.CSS(`.countdown.ring`)))
	do("a reading", chromedp.SetValue(chromedp.ID("thermometer"), "131"))
	s.submit("log the reading", "#log-reading")
	if f := text(".flash"); !strings.Contains(f, "Reading logged: 131 °C.") {
		t.Fatalf("flash %q", f)
	}
	do("the ring and the chart", chromedp.WaitVisible(chromedp.CSS(`.countdown.ring`)), chromedp.WaitVisible(chromedp.CSS(`svg.chart`)))
	if n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("svg.chart circle.point").length`)); err != nil || n != 1 {
		t.Fatalf("%d readings in the chart (%v)", n, err)
	}
	fitsTheScreen(t, ctx)
	shot("3-bake-running")

	// The timer's end is announced on the page (and sounds): brought
	// forward here rather than waited for.
	if !s.eval(`(document.querySelector(".countdown.ring").dataset.countdown = new Date(Date.now() - 1000).toISOString(), true)`) {
		t.Fatal("could not bring the timer forward")
	}
	s.waitFor("the timer's end", `!!document.querySelector(".countdown.ring[data-fired]") && !!document.querySelector(".toast")`)
	if toast := text(".toast"); !strings.Contains(toast, "The bake is done") {
		t.Fatalf("toast %q", toast)
	}

	s.submit("oven off", "#finish-bake")
	if f := text(".flash"); !strings.Contains(f, "Oven off.") {
		t.Fatalf("flash %q", f)
	}
	do("the cool-down ring", chromedp.WaitVisible(chromedp.CSS(`.countdown.ring[data-done^="Cooled"]`)))
	if s.eval(`!!document.getElementById("finish-bake")`) {
		t.Fatal("a finished bake offers finishing again")
	}
	fitsTheScreen(t, ctx)
	shot("4-cooling")
	t.Logf("screenshots in %s", s.shots)
}
