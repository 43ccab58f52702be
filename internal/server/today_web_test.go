package server

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"atelier/internal/store"
	"atelier/internal/store/storetest"
	"atelier/internal/studio"
)

// todayStudio fills studio ana with a day's work: Grandma Rose's
// commission accepted and promised in two days, with two unread messages
// from the client; Uncle Bo's new inquiry; Rex the dog waiting on the
// artist, Aunt May on a bake and Grandpa Joe on a drying coat. It returns
// the commission's id.
func todayStudio(t *testing.T, s *store.Store) string {
	t.Helper()
	ctx, ana := context.Background(), mustSlug(t, s, "ana")
	inquiry := func(subject string) studio.Commission {
		c, _, err := s.CreateInquiry(ctx, ana.ID, studio.InquiryFields{SubjectName: subject, ContactName: "Lea", ContactEmail: "lea@example.com"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	rose := inquiry("Grandma Rose")
	price, deposit := int64(45000), int64(0)
	promised := ana.Today(time.Now().Add(48 * time.Hour))
	if _, err := s.MoveCommission(ctx, ana.ID, rose.ID, "", studio.Move{To: studio.Quoted, PriceCents: &price, DepositCents: &deposit, PromisedDate: promised}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.MoveCommission(ctx, ana.ID, rose.ID, "", studio.Move{To: studio.Accepted}); err != nil {
		t.Fatal(err)
	}
	inquiry("Uncle Bo")
	newWebPiece(t, s, "Rex the dog")
	storetest.WalkPiece(t, s, ana.ID, newWebPiece(t, s, "Aunt May"), studio.FirstBake)
	joe := newWebPiece(t, s, "Grandpa Joe")
	storetest.WalkPiece(t, s, ana.ID, joe, studio.Finish)
	if _, err := s.LogCoat(ctx, ana.ID, joe, "", studio.MattePolyurethane, true, nil); err != nil {
		t.Fatal(err)
	}
	for _, body := range []string{"Here is her profile.", "And the hat she wore."} {
		if _, err := s.PostMessage(ctx, store.NewMessage{StudioID: ana.ID, CommissionID: rose.ID, Author: studio.ByClient, Body: body}); err != nil {
			t.Fatal(err)
		}
	}
	return rose.ID
}

// An empty studio's Today is its first steps and the questionnaire to
// share; once work comes in, Today shows the running timer as a ring, what
// is due, what waits on the artist and on something else, the new
// inquiry and the unread messages, counted in the navigation until read.
func TestWebTodayShowsTheArtistsDay(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		b, _ := setUpStudio(t, s)
		res, body := b.get("/dashboard")
		want(t, res, body, 200, `id="first-steps"`, `href="/board">Add a piece`, `href="/team">Invite an assistant`,
			"Share your questionnaire", `id="questionnaire-url" value="http://localhost:8080/s/ana/commission" readonly`,
			`data-copy-from="questionnaire-url"`, `/static/today.js?v=`)
		for _, absent := range []string{`id="timers"`, `id="due"`, `id="on-you"`, `class="nav-count"`} {
			if strings.Contains(body, absent) {
				t.Fatalf("an empty studio's Today has %s", absent)
			}
		}
		res, body = b.get("/static/today.js")
		want(t, res, body, 200, "data-copy-from")

		rose := todayStudio(t, s)
		res, body = b.get("/dashboard")
		want(t, res, body, 200, `id="timers"`, `class="countdown ring" data-countdown="`, "Grandpa Joe",
			`id="due"`, `href="/commissions/`+rose+`">Grandma Rose</a>`, "due in 2 days",
			`id="on-you"`, "Rex the dog", `id="on-other"`, "waiting: a bake", "waiting: the client&#39;s references",
			`id="inquiries"`, "Uncle Bo", `href="/commissions?status=inquiry"`,
			`id="messages"`, "And the hat she wore.", `href="/commissions/`+rose+`#messages"`,
			`<span class="nav-count" aria-hidden="true">2</span><span class="sr-only">, 2 unread messages</span>`, `id="share"`)
		if strings.Contains(body, `id="first-steps"`) {
			t.Fatal("a studio at work still gets its first steps")
		}
		if !regexp.MustCompile(`(?s)id="on-you".*Rex the dog.*id="on-other"`).MatchString(body) {
			t.Fatal("Rex the dog is not among the pieces waiting on the artist")
		}

		// Two days past the promise the commission is late; read, the
		// messages leave Today and the badge leaves every page.
		if _, err := s.DB().Exec(`UPDATE commissions SET promised_date = '2000-01-02' WHERE id = $1`, rose); err != nil {
			t.Fatal(err)
		}
		// Opening the commission reads its messages: its own page already
		// counts them read.
		res, body = b.get("/commissions/" + rose)
		want(t, res, body, 200, "And the hat she wore.")
		if strings.Contains(body, `class="nav-count"`) {
			t.Fatal("the commission's page counts the messages it shows as unread")
		}
		res, body = b.get("/dashboard")
		want(t, res, body, 200, `class="is-late"`, "days late")
		for _, page := range []string{"/dashboard", "/board"} {
			res, body = b.get(page)
			want(t, res, body, 200)
			if strings.Contains(body, `class="nav-count"`) || strings.Contains(body, "And the hat she wore.") {
				t.Fatalf("%s still shows read messages as unread", page)
			}
		}
	})
}

// The navigation names every section, the archive among them, and the
// unread count on every signed-in page.
func TestWebNavShowsUnreadCountOnEveryPage(t *testing.T) {
	s := storetest.Open(t, store.SQLite, nil)
	b, _ := setUpStudio(t, s)
	ctx, ana := context.Background(), mustSlug(t, s, "ana")
	c, _, err := s.CreateInquiry(ctx, ana.ID, studio.InquiryFields{SubjectName: "Grandma Rose", ContactName: "Lea", ContactEmail: "lea@example.com"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.PostMessage(ctx, store.NewMessage{StudioID: ana.ID, CommissionID: c.ID, Author: studio.ByClient, Body: "Hello!"}); err != nil {
		t.Fatal(err)
	}
	for _, page := range []string{"/dashboard", "/board", "/commissions", "/materials", "/archive", "/settings"} {
		res, body := b.get(page)
		want(t, res, body, 200, `<span class="nav-count" aria-hidden="true">1</span><span class="sr-only">, 1 unread message</span>`,
			`href="/archive"`, `href="/calendar"`, `href="/team"`)
	}
}

// The archive lists delivered pieces newest first, each with a thumbnail
// that answers: a commissioned piece shows its client's front reference,
// a studio piece without photos says so; pieces still in production stay
// out.
func TestWebArchiveListsDeliveredPiecesWithPhotos(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		b, ts := setUpStudio(t, s)
		ctx, ana := context.Background(), mustSlug(t, s, "ana")
		res, body := b.get("/archive")
		want(t, res, body, 200, "No piece is delivered yet")

		client := newBrowser(t, ts.URL)
		fields := map[string]string{"subject_name": "Grandma Rose", "contact_name": "Lea", "contact_email": "lea@example.com",
			"target_height": "1.5", "height_unit": "in", "story": "She baked every Sunday."}
		ct, form := multipartBody(t, fields, part{"photo_front", "front.jpg", testJPEG(t, 64, 80)})
		res, body = client.send("POST", "/s/ana/commission", form, http.Header{"Content-Type": {ct}})
		want(t, res, body, 303, "/p/")
		list, err := s.Commissions(ctx, ana.ID, store.CommissionFilter{})
		if err != nil || len(list) != 1 {
			t.Fatal(list, err)
		}
		rose := list[0].ID
		d, err := s.Commission(ctx, ana.ID, rose)
		if err != nil {
			t.Fatal(err)
		}
		// The thumbnail job does not run here: the original stands in for
		// its 400 px variant.
		f, err := s.File(ctx, ana.ID, d.Photos[0].FileID)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.AddPhotoVariants(ctx, ana.ID, d.Photos[0].ID, []store.PhotoVariant{{Size: 400, Width: 64, Height: 80,
			File: studio.File{StudioID: ana.ID, SHA256: f.SHA256, ContentType: "image/jpeg"}}}); err != nil {
			t.Fatal(err)
		}
		price, deposit := int64(45000), int64(0)
		for _, m := range []studio.Move{{To: studio.Quoted, PriceCents: &price, DepositCents: &deposit, PromisedDate: "2099-03-01"}, {To: studio.Accepted}, {To: studio.InProduction}} {
			if _, err := s.MoveCommission(ctx, ana.ID, rose, "", m); err != nil {
				t.Fatal(err)
			}
		}
		piece, err := s.PieceOfCommission(ctx, ana.ID, rose)
		if err != nil {
			t.Fatal(err)
		}
		storetest.CollectorGrade(t, s, ana.ID, piece.ID)
		// Collector-grade made the commission ready; shipping it delivers
		// the piece.
		if _, err := s.MoveCommission(ctx, ana.ID, rose, "", studio.Move{To: studio.Shipped}); err != nil {
			t.Fatal(err)
		}
		own := storetest.CollectorGradeNew(t, s, ana.ID)
		if _, err := s.AdvancePiece(ctx, ana.ID, own, ""); err != nil {
			t.Fatal(err)
		}
		busy := newWebPiece(t, s, "Still in the works")

		res, body = b.get("/archive")
		want(t, res, body, 200, `id="piece-`+piece.ID+`"`, `id="piece-`+own+`"`, "Delivered", "to Lea", `aria-label="No photo"`)
		if strings.Contains(body, busy) {
			t.Fatal("a piece in production is in the archive")
		}
		if strings.Index(body, `id="piece-`+own+`"`) > strings.Index(body, `id="piece-`+piece.ID+`"`) {
			t.Fatal("the archive is not newest first")
		}
		imgs := regexp.MustCompile(`<img src="([^"]+)"`).FindAllStringSubmatch(body, -1)
		if len(imgs) != 1 || !strings.HasPrefix(imgs[0][1], "/archive/"+piece.ID+"/photos/"+d.Photos[0].ID+"/400") {
			t.Fatalf("the archive's images: %v", imgs)
		}
		for _, img := range imgs {
			res, body = b.get(img[1])
			want(t, res, body, 200)
			if !strings.HasPrefix(res.Header.Get("Content-Type"), "image/") {
				t.Fatalf("%s is %s", img[1], res.Header.Get("Content-Type"))
			}
		}
		res, body = b.get("/archive/" + busy + "/photos/" + d.Photos[0].ID + "/400")
		want(t, res, body, 404)
		res, body = b.get("/archive?from=nonsense")
		want(t, res, body, 200, `id="piece-`+own+`"`)
	})
}
