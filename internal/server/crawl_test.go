package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"golang.org/x/net/html"

	"atelier/internal/files"
	"atelier/internal/store"
	"atelier/internal/store/storetest"
	"atelier/internal/studio"
)

// axeSource is axe-core's script, installed from npm by .ci/run
// (ATELIER_TEST_AXE names it). Without it the crawl is skipped, except
// where the browser tests are required, as in CI.
func axeSource(t *testing.T) string {
	t.Helper()
	path := os.Getenv("ATELIER_TEST_AXE")
	if path == "" {
		path = filepath.Join("..", "..", ".ci", "axe", "node_modules", "axe-core", "axe.min.js")
	}
	src, err := os.ReadFile(path)
	if err != nil {
		if os.Getenv("ATELIER_TEST_CHROMIUM") != "" {
			t.Fatalf("axe-core is required with ATELIER_TEST_CHROMIUM (run .ci/run, or set ATELIER_TEST_AXE): %v", err)
		}
		t.Skip("no axe-core; .ci/run installs it")
	}
	return string(src)
}

// page is what the crawl found on one page.
type page struct {
	links, images []string
	forms         []form
}

// form is a form of a page with the values it shows.
type form struct {
	page, action, method string
	values               url.Values
	// text names the fields a person types into; kinds gives each its
	// input type ("textarea" for a text area) and min, its lower bound.
	text  []string
	kinds map[string]string
	min   map[string]string
}

// maxPerKind is how many pages of one kind the crawl opens: enough to meet
// each kind in its different states (a commission new and quoted, a piece
// early and late).
const maxPerKind = 6

// idSegment is a path segment that is an id or a serial: pages that differ
// only by one are one kind of page.
var idSegment = regexp.MustCompile(`^[a-z0-9]{16,}$|^[A-Z0-9-]{16,}$`)

// pattern is the kind of page a path is.
func pattern(p string) string {
	segs := strings.Split(p, "/")
	for i, s := range segs {
		if idSegment.MatchString(s) {
			segs[i] = "{id}"
		}
	}
	return strings.Join(segs, "/")
}

// crawlSkipped are paths the crawl does not follow: signing out ends the
// session it crawls with.
func crawlSkipped(p string) bool {
	return p == "/logout" || strings.HasPrefix(p, "/static/")
}

// parsePage collects a page's same-site links, images and forms.
func parsePage(base *url.URL, at, body string) page {
	var pg page
	doc, err := html.Parse(strings.NewReader(body))
	if err != nil {
		return pg
	}
	resolve := func(ref string) (string, bool) {
		u, err := base.Parse(at)
		if err == nil {
			u, err = u.Parse(ref)
		}
		if err != nil || u.Host != base.Host || u.Scheme != base.Scheme {
			return "", false
		}
		u.Fragment = ""
		return u.RequestURI(), true
	}
	var cur *form
	for n := range doc.Descendants() {
		if n.Type != html.ElementNode {
			continue
		}
		attr := func(k string) string {
			for _, a := range n.Attr {
				if a.Key == k {
					return a.Val
				}
			}
			return ""
		}
		has := func(k string) bool {
			return slices.ContainsFunc(n.Attr, func(a html.Attribute) bool { return a.Key == k })
		}
		switch n.Data {
		case "a":
			if p, ok := resolve(attr("href")); ok && attr("download") == "" {
				pg.links = append(pg.links, p)
			}
		case "img":
			if p, ok := resolve(attr("src")); ok {
				pg.images = append(pg.images, p)
			}
		case "form":
			action, ok := resolve(cmpOr(attr("action"), at))
			if !ok {
				continue
			}
			pg.forms = append(pg.forms, form{page: at, action: action, method: strings.ToUpper(cmpOr(attr("method"), "GET")), values: url.Values{},
				kinds: map[string]string{}, min: map[string]string{}})
			cur = &pg.forms[len(pg.forms)-1]
		case "input", "textarea", "select", "button":
			if cur == nil || attr("name") == "" || !inside(n, "form") {
				continue
			}
			name := attr("name")
			switch typ := attr("type"); {
			case n.Data == "button" || typ == "submit":
				// The first submit button is the one a tap would send.
				if !cur.values.Has(name) && !has("formaction") {
					cur.values.Set(name, attr("value"))
				}
			case typ == "checkbox" || typ == "radio":
				if has("checked") {
					cur.values.Add(name, cmpOr(attr("value"), "on"))
				}
			case typ == "file":
			case n.Data == "select":
				cur.values.Set(name, firstOption(n))
			case n.Data == "textarea":
				cur.values.Set(name, textOf(n))
				cur.text = append(cur.text, name)
				cur.kinds[name] = "textarea"
			default:
				cur.values.Set(name, attr("value"))
				if typ == "" || typ == "text" || typ == "email" || typ == "number" || typ == "date" || typ == "datetime-local" || typ == "password" {
					cur.text = append(cur.text, name)
					cur.kinds[name], cur.min[name] = cmpOr(typ, "text"), attr("min")
				}
			}
		}
	}
	return pg
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func inside(n *html.Node, tag string) bool {
	for p := n.Parent; p != nil; p = p.Parent {
		if p.Type == html.ElementNode && p.Data == tag {
			return true
		}
	}
	return false
}

// firstOption is the value a select sends as shown: its selected option,
// or its first.
func firstOption(sel *html.Node) string {
	var first string
	seen := false
	for n := range sel.Descendants() {
		if n.Type != html.ElementNode || n.Data != "option" {
			continue
		}
		v, selected := textOf(n), false
		for _, a := range n.Attr {
			switch a.Key {
			case "value":
				v = a.Val
			case "selected":
				selected = true
			}
		}
		if selected {
			return v
		}
		if !seen {
			first, seen = v, true
		}
	}
	return first
}

func textOf(n *html.Node) string {
	var b strings.Builder
	for c := range n.Descendants() {
		if c.Type == html.TextNode {
			b.WriteString(c.Data)
		}
	}
	return b.String()
}

// crawlStudio fills a studio with something of every kind for the crawl:
// a commission quoted, a piece under way, an edition with certified
// pieces, the starter materials, an oven.
func crawlStudio(t *testing.T, s *store.Store, blobs *files.Store) {
	t.Helper()
	ctx, ana := context.Background(), mustSlug(t, s, "ana").ID
	put := func(jpeg []byte) studio.File {
		sha, size, err := blobs.Put(ctx, bytes.NewReader(jpeg), int64(len(jpeg)))
		if err != nil {
			t.Fatal(err)
		}
		return studio.File{StudioID: ana, SHA256: sha, Size: size, ContentType: "image/jpeg"}
	}
	// A commission accepted, its piece through quality control, a bake, an
	// edition, materials, messages, with a reference photo in every size
	// the thumbnail job makes. The seed records files without their sizes,
	// which a server sending them as Content-Length must have.
	original, medium := put(testJPEG(t, 640, 480)), put(testJPEG(t, 400, 300))
	storetest.SeedCommission(t, s, ana, original.SHA256, medium.SHA256)
	for _, f := range []studio.File{original, medium} {
		if _, err := s.DB().ExecContext(ctx, `UPDATE files SET size = $1 WHERE sha256 = $2`, f.Size, f.SHA256); err != nil {
			t.Fatal(err)
		}
	}
	var photo string
	if err := s.DB().QueryRowContext(ctx, `SELECT id FROM photos WHERE studio_id = $1 AND kind = 'reference'`, ana).Scan(&photo); err != nil {
		t.Fatal(err)
	}
	if err := s.AddPhotoVariants(ctx, ana, photo, []store.PhotoVariant{{Size: 1600, Width: 640, Height: 480, File: put(testJPEG(t, 640, 481))},
		{Size: 160, Width: 160, Height: 120, File: put(testJPEG(t, 160, 120))}}); err != nil {
		t.Fatal(err)
	}
	crawlMask(t, s, blobs, ana, photo)
	height := 40.0
	c, _, err := s.CreateInquiry(ctx, ana, studio.InquiryFields{SubjectName: "Grandpa Joe", ContactName: "Lea", ContactEmail: "lea@example.com",
		TargetHeightMM: &height, Story: "He fixed every clock in the village."}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.CreateInquiry(ctx, ana, studio.InquiryFields{SubjectName: "Biscuit the dog", ContactName: "Sam", ContactEmail: "sam@example.com"}, nil); err != nil {
		t.Fatal(err)
	}
	price := int64(45000)
	if _, err := s.MoveCommission(ctx, ana, c.ID, "", studio.Move{To: studio.Quoted, PriceCents: &price, DepositCents: &price, PromisedDate: "2099-01-01"}); err != nil {
		t.Fatal(err)
	}
	newWebPiece(t, s, "Grandma Rose")
	certifiedEdition(t, s)
	if _, err := s.LoadStarterMaterials(ctx, ana, ""); err != nil {
		t.Fatal(err)
	}
	// The seeded commission's client consented: its piece's making-of page
	// is public, so that the crawl reaches it from the piece's card.
	var seeded string
	if err := s.DB().QueryRowContext(ctx, `SELECT id FROM pieces WHERE studio_id = $1 AND commission_id IS NOT NULL`, ana).Scan(&seeded); err != nil {
		t.Fatal(err)
	}
	if _, err := s.PublishMakingOf(ctx, ana, seeded, true); err != nil {
		t.Fatal(err)
	}
}

// The whole app as a signed-in owner meets it: every link followed (up to
// maxPerKind pages of each kind), every image loaded, every page checked by axe-core
// in Chromium, and every form posted as shown, filled in as a person would
// and with hostile text. It fails on a broken link or image, any 5xx, a
// post answered 200 (a reload would post again: success redirects,
// refusal is 4xx), any axe-core violation, and when fewer than three in
// four forms filled in are taken.
func TestCrawlEveryPage(t *testing.T) {
	axe := axeSource(t)
	// Every page in Chromium with axe-core: minutes on a busy machine.
	ctx := headlessFor(t, 12*time.Minute)
	s := storetest.Open(t, store.SQLite, nil)
	b, ts, blobs := serveStudio(t, s, Config{})
	crawlStudio(t, s, blobs)
	base, _ := url.Parse(ts.URL)

	// axe-core must find what it is there to find.
	if v := axeViolations(t, ctx, "data:text/html,<title>x</title><img src=x.png>", axe); len(v) == 0 {
		t.Fatal("axe-core found nothing on a page with an image without alt text")
	}

	signIn(t, ctx, ts.URL, 390, 844)

	var problems []string
	fail := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	queue, seen, kinds := []string{"/dashboard"}, map[string]bool{"/dashboard": true}, map[string]int{}
	images := map[string]bool{}
	var forms []form
	pages := 0
	for len(queue) > 0 {
		at := queue[0]
		queue = queue[1:]
		res, body := b.get(at)
		switch {
		case res.StatusCode >= 500:
			fail("GET %s: %d", at, res.StatusCode)
			continue
		case res.StatusCode >= 300 && res.StatusCode < 400:
			if loc, err := res.Location(); err == nil && loc.Host == base.Host && !seen[loc.RequestURI()] {
				seen[loc.RequestURI()] = true
				queue = append(queue, loc.RequestURI())
			}
			continue
		case res.StatusCode >= 400:
			fail("GET %s, linked from the app: %d", at, res.StatusCode)
			continue
		case !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html"):
			continue
		}
		pages++
		pg := parsePage(base, at, body)
		for _, img := range pg.images {
			images[img] = true
		}
		forms = append(forms, pg.forms...)
		for _, l := range pg.links {
			if seen[l] || crawlSkipped(strings.SplitN(l, "?", 2)[0]) {
				continue
			}
			seen[l] = true
			if k := pattern(strings.SplitN(l, "?", 2)[0]); kinds[k] < maxPerKind {
				kinds[k]++
				queue = append(queue, l)
			}
		}
		for _, v := range axeViolations(t, ctx, ts.URL+at, axe) {
			fail("axe on %s: %s", at, v)
		}
	}
	for img := range images {
		if res, _ := b.get(img); res.StatusCode != http.StatusOK {
			fail("image %s: %d", img, res.StatusCode)
		}
	}
	posts, succeeded := 0, 0
	for _, f := range forms {
		if f.method != http.MethodPost || crawlSkipped(f.action) {
			continue
		}
		posts++
		checkPost(b, f, f.values, "as shown", fail)
		if checkPost(b, f, filled(f, posts), "filled in", fail) {
			succeeded++
		}
		hostile := url.Values{}
		for k, v := range f.values {
			hostile[k] = slices.Clone(v)
		}
		for _, name := range f.text {
			hostile.Set(name, "'\"><script>x</script> 1e309 \u0000 -1")
		}
		checkPost(b, f, hostile, "with hostile text", fail)
	}
	t.Logf("crawled %d pages, %d images, %d forms posted three ways; %d filled in were taken", pages, len(images), posts, succeeded)
	if pages < 15 || posts < 10 {
		t.Errorf("the crawl reached only %d pages and %d forms", pages, posts)
	}
	// Filled in as a person would, most forms are taken (the rest refuse
	// what the state of things forbids: a second certificate, a bake of a
	// piece not ready): success paths are crawled, not only refusals.
	if succeeded < posts*3/4 {
		t.Errorf("only %d of %d forms filled in were taken", succeeded, posts)
	}
	for _, p := range problems {
		t.Error(p)
	}
}

// checkPost posts a form's values and reports an answer that is a 5xx or
// a 200 (post/redirect/get: success is a 303, refusal a 4xx or a 303 to a
// page that shows the refusal). It tells whether the post was taken: a
// file such as a PDF, or a redirect to a page that shows no refusal.
func checkPost(b *browser, f form, values url.Values, how string, fail func(string, ...any)) bool {
	res, err := b.c.PostForm(b.base+f.action, values)
	if err != nil {
		fail("POST %s (the form of %s, %s): %v", f.action, f.page, how, err)
		return false
	}
	res.Body.Close()
	switch {
	case res.StatusCode >= 500:
		fail("POST %s (the form of %s, %s): %d", f.action, f.page, how, res.StatusCode)
	case res.StatusCode < 300 && strings.HasPrefix(res.Header.Get("Content-Type"), "text/html"):
		fail("POST %s (the form of %s, %s): %d without a redirect", f.action, f.page, how, res.StatusCode)
	}
	if res.StatusCode >= 400 {
		return false
	}
	loc, err := res.Location()
	if err != nil {
		return true
	}
	next, err := b.c.Get(loc.String())
	if err != nil {
		return false
	}
	page, _ := io.ReadAll(next.Body)
	next.Body.Close()
	return !strings.Contains(string(page), "flash-error")
}

// filled is a form's values with every empty field a person types into
// filled as they would: a number at its lower bound, a date to come, an
// address, a name made unique by n (names are often unique in a studio).
func filled(f form, n int) url.Values {
	out := url.Values{}
	for k, v := range f.values {
		out[k] = slices.Clone(v)
	}
	for _, name := range f.text {
		if strings.TrimSpace(out.Get(name)) != "" {
			continue
		}
		out.Set(name, typical(name, f.kinds[name], f.min[name], n))
	}
	return out
}

// typical is what a person would type into a field of that name and type.
func typical(name, kind, min string, n int) string {
	switch {
	case kind == "email" || strings.Contains(name, "email"):
		return fmt.Sprintf("crawl%d@example.com", n)
	case kind == "password" || strings.Contains(name, "password"):
		return "a long crawl password"
	case kind == "date" || name == "deadline" || strings.HasSuffix(name, "_date"):
		return "2099-06-01"
	case kind == "datetime-local":
		return "2099-06-01T10:00"
	case kind == "number" && min != "":
		return min
	case kind == "number", strings.Contains(name, "quantity"), strings.Contains(name, "count"):
		return "1"
	case strings.Contains(name, "price"), strings.Contains(name, "cost"), strings.Contains(name, "budget"), strings.Contains(name, "deposit"), strings.Contains(name, "amount"):
		return "25"
	case strings.Contains(name, "height"), strings.Contains(name, "thickness"), strings.Contains(name, "width"), strings.Contains(name, "depth"):
		return "40"
	case kind == "textarea":
		return "A note from the crawl."
	}
	return fmt.Sprintf("Crawl %d", n)
}

// axeViolations opens the page in Chromium, runs axe-core on it and
// describes each violation with the elements it found.
func axeViolations(t *testing.T, ctx context.Context, pageURL, axe string) []string {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Navigate(pageURL), chromedp.WaitReady(chromedp.CSS("body"))); err != nil {
		return []string{fmt.Sprintf("opening the page: %v", err)}
	}
	// The page's CSP allows no inline script, but DevTools' evaluation is
	// not the page's script.
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](axe+";true")); err != nil {
		t.Fatalf("loading axe-core into %s: %v", pageURL, err)
	}
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[string](`axe.run(document).then(r => JSON.stringify(r.violations.map(v =>
		({id: v.id, help: v.help, nodes: v.nodes.slice(0, 3).map(n => n.target.join(" "))}))))`, chromedp.EvalAwaitPromise))
	if err != nil {
		return []string{fmt.Sprintf("running axe-core: %v", err)}
	}
	var found []struct {
		ID, Help string
		Nodes    []string
	}
	if err := json.Unmarshal([]byte(raw), &found); err != nil {
		return []string{fmt.Sprintf("reading axe-core's answer: %v", err)}
	}
	var out []string
	for _, v := range found {
		out = append(out, fmt.Sprintf("%s (%s) at %s", v.ID, v.Help, strings.Join(v.Nodes, ", ")))
	}
	return out
}
