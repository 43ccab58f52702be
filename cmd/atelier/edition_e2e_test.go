package main

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// An edition on a phone, through the pages alone: the new-edition form
// refusing a size outside the guide until it has a reason, the edition's
// page starting its first numbered piece, and a reissue confirmed with
// its tick box leading to the new edition, linked to the first. Each page
// fits the screen with touch-sized controls.
func TestBrowserEdition(t *testing.T) {
	s := newSession(t, "edition-")
	base, ctx, do, text, shot := s.base, s.ctx, s.do, s.text, s.shot
	do("set up", chromedp.EmulateViewport(390, 844), chromedp.Navigate(base+"/setup"), chromedp.WaitVisible(chromedp.ID("code")),
		chromedp.SetValue(chromedp.ID("code"), s.code), chromedp.SetValue(chromedp.ID("name"), "Ana's Miniatures"),
		chromedp.SetValue(chromedp.ID("slug"), "ana"), chromedp.SetValue(chromedp.ID("artist"), "Ana Petrova"),
		chromedp.SetValue(chromedp.ID("owner_name"), "Ana"), chromedp.SetValue(chromedp.ID("email"), "ana@example.com"),
		chromedp.SetValue(chromedp.ID("password"), "a long password"), chromedp.Click(chromedp.CSS(`button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`.cards`)))

	do("open the editions", chromedp.Click(chromedp.CSS(`.bar nav a[href="/editions"]`)), chromedp.WaitVisible(chromedp.ID("new-edition")))
	fitsTheScreen(t, ctx)
	s.submit("open the form", "#new-edition")
	fitsTheScreen(t, ctx)
	shot("1-form")
	do("fill in the form",
		chromedp.SetValue(chromedp.ID("title"), "Grandma Rose"), chromedp.SetValue(chromedp.ID("subject"), "Grandma Rose"),
		chromedp.SetValue(chromedp.ID("size"), "25"), chromedp.Click(chromedp.CSS(`input[name=clay_brands][value=premo]`)),
		chromedp.SetValue(chromedp.ID("target_height"), "38"),
		chromedp.SetValue(chromedp.ID("master_name"), "Rose master"), chromedp.SetValue(chromedp.ID("master_location"), "shelf 2"),
		chromedp.SetValue(chromedp.ID("mould_name_0"), "Head mould"), chromedp.SetValue(chromedp.ID("mould_location_0"), "drawer A"))
	s.submit("send a size outside the guide", "#create-edition")
	if why := text("#size_reason-error"); !strings.Contains(why, "is required for an edition of 25") {
		t.Fatalf("size reason error %q", why)
	}
	fitsTheScreen(t, ctx)
	shot("2-refused")
	do("give the reason", chromedp.SetValue(chromedp.ID("size_reason"), "a club's order"))
	s.submit("start the edition", "#create-edition")
	if got := text("#issued"); !strings.Contains(got, "0 of 25") {
		t.Fatalf("issued %q", got)
	}
	fitsTheScreen(t, ctx)
	shot("3-edition")
	page := s.base + "/editions/" + s.pathTail()

	s.submit("start the first piece", "#start-piece")
	if flash := text(".flash"); !strings.Contains(flash, "Number 1 of 25") {
		t.Fatalf("flash %q", flash)
	}
	do("back to the edition", chromedp.Navigate(page), chromedp.WaitVisible(chromedp.ID("start-piece")))
	if got := text("table.edition-pieces"); !strings.Contains(got, "No. 1/25") {
		t.Fatalf("pieces %q", got)
	}
	do("open the reissue", chromedp.Click(chromedp.CSS(`details.confirm summary`)), chromedp.WaitVisible(chromedp.ID("reissue-edition")),
		chromedp.Click(chromedp.CSS(`input[name=confirm]`)))
	fitsTheScreen(t, ctx)
	shot("4-reissue")
	s.submit("reissue", "#reissue-edition")
	if got := text("#reissue-of"); !strings.Contains(got, "Reissue of Grandma Rose, an edition of 25") {
		t.Fatalf("reissue link %q", got)
	}
	fitsTheScreen(t, ctx)
	shot("5-reissued")
}

// pathTail is the last part of the page's path: the id of what it shows.
func (s *session) pathTail() string {
	s.t.Helper()
	path, err := chromedp.Run(s.ctx, chromedp.Evaluate[string](`location.pathname`))
	if err != nil {
		s.t.Fatal(err)
	}
	return path[strings.LastIndex(path, "/")+1:]
}
