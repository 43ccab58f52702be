package server

import (
	"bytes"
	"context"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"atelier/internal/files"
	"atelier/internal/store"
	"atelier/internal/store/storetest"
	"atelier/internal/studio"
)

// commissionDesk is a served install with studio "ana" set up through the
// set-up page (imperial units, EUR), its owner's browser, and the blobs.
type commissionDesk struct {
	s      *store.Store
	studio studio.Studio
	owner  *browser
	blobs  *files.Store
	ts     *httptest.Server
}

func newCommissionDesk(t *testing.T, s *store.Store, mail bool) *commissionDesk {
	t.Helper()
	b, ts, blobs := serveStudio(t, s, Config{MailEnabled: mail})
	return &commissionDesk{s: s, studio: mustSlug(t, s, "ana"), owner: b, blobs: blobs, ts: ts}
}

// inquiry records a request with a front photo whose every size is made.
func (d *commissionDesk) inquiry(t *testing.T, in studio.InquiryFields) string {
	t.Helper()
	ctx := context.Background()
	sha, size, err := d.blobs.Put(ctx, bytes.NewReader(testJPEG(t, 64, 80)), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	c, _, err := d.s.CreateInquiry(ctx, d.studio.ID, in, []store.NewPhoto{{Angle: studio.Front, SHA256: sha, Size: size, ContentType: "image/jpeg", Width: 64, Height: 80}})
	if err != nil {
		t.Fatal(err)
	}
	detail, err := d.s.Commission(ctx, d.studio.ID, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	var vs []store.PhotoVariant
	for _, n := range studio.VariantSizes {
		vs = append(vs, store.PhotoVariant{Size: n, Width: 64, Height: 80, File: studio.File{StudioID: d.studio.ID, SHA256: sha, Size: size, ContentType: "image/jpeg"}})
	}
	if err := d.s.AddPhotoVariants(ctx, d.studio.ID, detail.Photos[0].ID, vs); err != nil {
		t.Fatal(err)
	}
	return c.ID
}

func rose() studio.InquiryFields {
	return studio.InquiryFields{SubjectName: "Grandma Rose", ContactName: "Lea Berger", ContactEmail: "lea@example.com"}
}

var portalURLIn = regexp.MustCompile(`id="portal-url"[^>]*>([^<]+)<`)

// portalOf reads the client's link off the commission's page; "" when the
// page shows none.
func (d *commissionDesk) portalOf(t *testing.T, id string) string {
	t.Helper()
	res, body := d.owner.get("/commissions/" + id)
	want(t, res, body, 200)
	m := portalURLIn.FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return strings.TrimPrefix(m[1], "http://localhost:8080")
}

func (d *commissionDesk) outbox(t *testing.T) []studio.OutboxItem {
	t.Helper()
	items, err := d.s.Outbox(context.Background(), d.studio.ID)
	if err != nil {
		t.Fatal(err)
	}
	return items
}

// The commission's page shows the client's link, which opens their portal;
// a new link ends the old one.
func TestCommissionPortalLinkShownAndRenewed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		d := newCommissionDesk(t, s, false)
		id := d.inquiry(t, rose())
		client := newBrowser(t, d.ts.URL)

		link := d.portalOf(t, id)
		if !strings.HasPrefix(link, "/p/") {
			t.Fatalf("portal link %q", link)
		}
		res, body := d.owner.get("/commissions/" + id)
		want(t, res, body, 200, `data-copy`, `id="view-as-client"`, "Make a new link")
		if strings.Contains(body, "E-mail it again") {
			t.Fatal("without mail the page offers to e-mail the link")
		}
		res, body = client.get(link)
		want(t, res, body, 200, "A miniature of Grandma Rose", "What happens next")

		res, body = d.owner.post("/commissions/"+id+"/portal", url.Values{}, nil)
		want(t, res, body, 303, "#portal")
		fresh := d.portalOf(t, id)
		if fresh == "" || fresh == link {
			t.Fatalf("new link %q, old %q", fresh, link)
		}
		res, body = client.get(link)
		want(t, res, body, 404)
		res, body = client.get(fresh)
		want(t, res, body, 200, "A miniature of Grandma Rose")
		res, body = d.owner.get("/commissions/" + id)
		want(t, res, body, 200, "new portal link; the old one no longer opens")
	})
}

// A commission from before links were kept cannot show its link: the page
// says so and offers a new one, which it then shows.
func TestCommissionWithoutKeptLinkOffersANewOne(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		d := newCommissionDesk(t, s, true)
		id := d.inquiry(t, rose())
		if _, err := s.DB().ExecContext(context.Background(), `DELETE FROM portal_links WHERE commission_id = $1`, id); err != nil {
			t.Fatal(err)
		}
		res, body := d.owner.get("/commissions/" + id)
		want(t, res, body, 200, "cannot be shown", "Make a new link and end the old one")
		if d.portalOf(t, id) != "" || strings.Contains(body, "E-mail it again") {
			t.Fatal("a link is shown, or offered by mail, that is not kept")
		}
		res, body = d.owner.post("/commissions/"+id+"/portal/mail", url.Values{}, nil)
		wantRefused(t, d.owner, res, body, "/commissions/"+id+"#portal", "make a new link first")
		res, body = d.owner.post("/commissions/"+id+"/portal", url.Values{}, nil)
		want(t, res, body, 303)
		if d.portalOf(t, id) == "" {
			t.Fatal("the new link is not shown")
		}
	})
}

// "E-mail it again" queues the link for the client, and only when the
// install sends mail.
func TestCommissionPortalLinkMailedOnlyWithMail(t *testing.T) {
	for _, mail := range []bool{false, true} {
		t.Run(map[bool]string{false: "mail off", true: "mail on"}[mail], func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, s *store.Store) {
				d := newCommissionDesk(t, s, mail)
				id := d.inquiry(t, rose())
				link := d.portalOf(t, id)
				res, body := d.owner.post("/commissions/"+id+"/portal/mail", url.Values{}, nil)
				if !mail {
					wantRefused(t, d.owner, res, body, "/commissions/"+id+"#portal", "sends no e-mail")
					if n := len(d.outbox(t)); n != 0 {
						t.Fatalf("%d mails queued without mail", n)
					}
					return
				}
				want(t, res, body, 303)
				res, body = d.owner.get("/commissions/" + id)
				want(t, res, body, 200, "E-mail it again")
				items := d.outbox(t)
				if len(items) != 1 || items[0].To != "lea@example.com" || !strings.Contains(items[0].Body, "http://localhost:8080"+link) {
					t.Fatalf("outbox %+v", items)
				}
			})
		})
	}
}

// Every image of the commission list and of a commission's page loads.
func TestCommissionPagesImagesAnswer200(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		d := newCommissionDesk(t, s, false)
		id := d.inquiry(t, rose())
		for _, page := range []string{"/commissions", "/commissions/" + id} {
			res, body := d.owner.get(page)
			want(t, res, body, 200)
			srcs := imgSrc.FindAllStringSubmatch(body, -1)
			if len(srcs) == 0 {
				t.Fatalf("%s shows no image", page)
			}
			for _, m := range srcs {
				res, body := d.owner.get(strings.ReplaceAll(m[1], "&amp;", "&"))
				if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "image/") {
					t.Fatalf("%s: image %s answers %d %s %.200s", page, m[1], res.StatusCode, res.Header.Get("Content-Type"), body)
				}
			}
		}
	})
}

// The studio records a request that came another way: refused with the
// messages beside the fields and nothing written, then taken.
func TestCommissionCreatedByHand(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		d := newCommissionDesk(t, s, false)
		res, body := d.owner.get("/commissions/new")
		want(t, res, body, 200, "New commission", `name="contact_email"`, `<option value="in" selected>`)
		bad := url.Values{"subject_name": {""}, "contact_name": {"Lea"}, "contact_email": {"not-an-address"}, "target_height": {"tall"}, "height_unit": {"in"}}
		res, body = d.owner.post("/commissions", bad, nil)
		want(t, res, body, 422, `id="target_height-error"`, `value="not-an-address"`)
		bad.Set("target_height", "1.5")
		res, body = d.owner.post("/commissions", bad, nil)
		want(t, res, body, 422, `id="subject_name-error"`, `id="contact_email-error"`, `value="Lea"`)
		if list, _ := s.Commissions(context.Background(), d.studio.ID, store.CommissionFilter{}); len(list) != 0 {
			t.Fatalf("a refused request was written: %+v", list)
		}
		good := url.Values{"subject_name": {"Uncle Tom"}, "contact_name": {"Lea"}, "contact_email": {"lea@example.com"}, "target_height": {"1.5"},
			"height_unit": {"in"}, "budget": {"300"}, "occasion": {"met at the Vienna fair"}}
		res, body = d.owner.post("/commissions", good, nil)
		want(t, res, body, 303, "#portal")
		list, _ := s.Commissions(context.Background(), d.studio.ID, store.CommissionFilter{})
		if len(list) != 1 || *list[0].Inquiry.TargetHeightMM != 38.1 || *list[0].Inquiry.BudgetCents != 30000 || list[0].Status != studio.Inquiry {
			t.Fatalf("stored %+v", list)
		}
		if d.portalOf(t, list[0].ID) == "" {
			t.Fatal("a commission recorded by hand shows no link for the client")
		}
	})
}

// The studio edits a request's details; a bad edit changes nothing.
func TestCommissionDetailsEdited(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		d := newCommissionDesk(t, s, false)
		id := d.inquiry(t, rose())
		res, body := d.owner.get("/commissions/" + id + "/edit")
		want(t, res, body, 200, `value="Grandma Rose"`, `value="lea@example.com"`, `value="1.5"`)
		form := url.Values{"subject_name": {"Grandma Rosa"}, "contact_name": {"Lea Berger"}, "contact_email": {""}, "target_height": {"2"}, "height_unit": {"in"}}
		res, body = d.owner.post("/commissions/"+id, form, nil)
		want(t, res, body, 422, `id="contact_email-error"`, `value="Grandma Rosa"`)
		form.Set("contact_email", "lea.berger@example.com")
		res, body = d.owner.post("/commissions/"+id, form, nil)
		want(t, res, body, 303)
		c, err := s.Commission(context.Background(), d.studio.ID, id)
		if err != nil {
			t.Fatal(err)
		}
		if c.Inquiry.SubjectName != "Grandma Rosa" || c.Inquiry.ContactEmail != "lea.berger@example.com" || *c.Inquiry.TargetHeightMM != 50.8 {
			t.Fatalf("edited %+v", c.Inquiry)
		}
		res, body = d.owner.get("/commissions/" + id)
		want(t, res, body, 200, "details edited")
	})
}

// The list searches client and subject and sorts by its columns; empty
// prices go last either way.
func TestCommissionListSearchAndSort(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		d := newCommissionDesk(t, s, false)
		ids := map[string]string{}
		for _, c := range []struct{ subject, client, email string }{
			{"Anton", "Zoe Adler", "zoe@example.com"}, {"Bella", "Yann Brun", "yann@shop.example"}, {"Carla", "Xavier Cole", "x@example.com"},
		} {
			ids[c.subject] = d.inquiry(t, studio.InquiryFields{SubjectName: c.subject, ContactName: c.client, ContactEmail: c.email})
		}
		for subject, cents := range map[string]int64{"Anton": 90000, "Carla": 30000} {
			deposit := int64(0)
			if _, err := s.MoveCommission(ctx, d.studio.ID, ids[subject], "", studio.Move{To: studio.Quoted, PriceCents: &cents, DepositCents: &deposit, PromisedDate: "2099-01-01"}); err != nil {
				t.Fatal(err)
			}
		}
		order := func(query string) string {
			t.Helper()
			res, body := d.owner.get("/commissions?" + query)
			want(t, res, body, 200)
			type at struct {
				name string
				i    int
			}
			var seen []at
			for _, n := range []string{"Anton", "Bella", "Carla"} {
				if i := strings.Index(body, ">"+n+"</a>"); i >= 0 {
					seen = append(seen, at{n, i})
				}
			}
			for i := range seen {
				for j := i + 1; j < len(seen); j++ {
					if seen[j].i < seen[i].i {
						seen[i], seen[j] = seen[j], seen[i]
					}
				}
			}
			var names []string
			for _, a := range seen {
				names = append(names, a.name)
			}
			return strings.Join(names, " ")
		}
		cases := []struct{ query, want string }{
			{"", "Carla Bella Anton"},
			{"q=SHOP.example", "Bella"},
			{"q=xavier", "Carla"},
			{"q=ant", "Anton"},
			{"q=nobody", ""},
			{"sort=client", "Carla Bella Anton"},
			{"sort=client&order=desc", "Anton Bella Carla"},
			{"sort=subject", "Anton Bella Carla"},
			{"sort=price", "Carla Anton Bella"},
			{"sort=price&order=desc", "Anton Carla Bella"},
			{"sort=status&order=desc", "Carla Anton Bella"},
			{"sort=client&q=example.com", "Carla Anton"},
		}
		for _, c := range cases {
			if got := order(c.query); got != c.want {
				t.Errorf("%q: %q, want %q", c.query, got, c.want)
			}
		}
		res, body := d.owner.get("/commissions?sort=client&q=a")
		want(t, res, body, 200, `aria-sort="ascending"`, `href="/commissions?order=desc&amp;q=a&amp;sort=client"`)
		res, body = d.owner.get("/commissions?sort=colour")
		want(t, res, body, 422)
	})
}

// "Mark ready" waits for the piece: the page shows the piece's stages and
// offers no such move until quality control passes, which makes the
// commission ready by itself.
func TestCommissionMarkReadyNotOfferedBeforeCollectorGrade(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		d := newCommissionDesk(t, s, false)
		id := d.inquiry(t, rose())
		price, deposit := int64(45000), int64(15000)
		for _, m := range []studio.Move{{To: studio.Quoted, PriceCents: &price, DepositCents: &deposit, PromisedDate: "2099-01-01"}, {To: studio.Accepted}, {To: studio.InProduction}} {
			if _, err := s.MoveCommission(ctx, d.studio.ID, id, "", m); err != nil {
				t.Fatal(err)
			}
		}
		piece, err := s.PieceOfCommission(ctx, d.studio.ID, id)
		if err != nil {
			t.Fatal(err)
		}
		res, body := d.owner.get("/commissions/" + id)
		want(t, res, body, 200, `href="/pieces/`+piece.ID+`"`, "Stages of the piece", `id="ready-follows"`)
		if strings.Contains(body, "Mark ready") {
			t.Fatal("Mark ready is offered for a piece at the concept stage")
		}
		res, body = d.owner.post("/commissions/"+id+"/status", url.Values{"status": {"ready"}}, nil)
		wantRefused(t, d.owner, res, body, "/commissions/"+id, "passes quality control")

		storetest.CollectorGrade(t, s, d.studio.ID, piece.ID)
		c, err := s.Commission(ctx, d.studio.ID, id)
		if err != nil {
			t.Fatal(err)
		}
		if c.Status != studio.Ready {
			t.Fatalf("after quality control the commission is %s", c.Status)
		}
		res, body = d.owner.get("/commissions/" + id)
		want(t, res, body, 200, "Mark shipped")
	})
}

// The API hands studio users the client's link with the commission, takes
// a request recorded by hand, edits one, and makes a new link.
func TestCommissionAPIPortalURLCreateAndEdit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		res, out := f.send(t, "POST", "/api/v1/commissions", "assistant", "application/json",
			strings.NewReader(`{"subject_name": "", "contact_name": "Lea", "contact_email": "nope", "target_height_mm": 900}`))
		if res.StatusCode != 422 {
			t.Fatalf("bad create: %d %v", res.StatusCode, out)
		}
		fields := out["error"].(map[string]any)["fields"].(map[string]any)
		if fields["subject_name"] == nil || fields["contact_email"] == nil || fields["target_height_mm"] == nil {
			t.Fatalf("fields %v", fields)
		}
		res, out = f.send(t, "POST", "/api/v1/commissions", "assistant", "application/json",
			strings.NewReader(`{"subject_name": "Uncle Tom", "contact_name": "Lea", "contact_email": "lea@example.com", "budget_cents": 20000}`))
		if res.StatusCode != 201 || out["status"] != "inquiry" || out["target_height_mm"] != 38.1 {
			t.Fatalf("create: %d %v", res.StatusCode, out)
		}
		id, link := out["id"].(string), out["portal_url"].(string)
		if !strings.HasPrefix(link, "http://localhost:8080/p/") {
			t.Fatalf("portal_url %q", link)
		}
		token := strings.TrimPrefix(link, "http://localhost:8080/p/")
		res, portal := f.send(t, "GET", "/api/v1/portal/"+token, "", "", nil)
		if res.StatusCode != 200 || portal["subject_name"] != "Uncle Tom" {
			t.Fatalf("portal: %d %v", res.StatusCode, portal)
		}
		_, out = f.send(t, "GET", "/api/v1/commissions/"+id, "owner", "", nil)
		if out["portal_url"] != link {
			t.Fatalf("show: portal_url %v", out["portal_url"])
		}
		res, out = f.send(t, "GET", "/api/v1/commissions/"+id, "ben", "", nil)
		if res.StatusCode != 404 {
			t.Fatalf("another studio sees the commission: %d %v", res.StatusCode, out)
		}

		res, out = f.send(t, "PATCH", "/api/v1/commissions/"+id, "owner", "application/json", strings.NewReader(`{"contact_email": ""}`))
		if res.StatusCode != 422 {
			t.Fatalf("bad edit: %d %v", res.StatusCode, out)
		}
		res, out = f.send(t, "PATCH", "/api/v1/commissions/"+id, "owner", "application/json", strings.NewReader(`{"occasion": "retirement", "target_height_mm": 45}`))
		if res.StatusCode != 200 || out["occasion"] != "retirement" || out["target_height_mm"] != 45.0 || out["subject_name"] != "Uncle Tom" || out["budget_cents"] != 20000.0 {
			t.Fatalf("edit: %d %v", res.StatusCode, out)
		}

		res, out = f.send(t, "POST", "/api/v1/commissions/"+id+"/portal", "owner", "", nil)
		if res.StatusCode != 200 || out["portal_url"] == link || out["portal_url"] == nil {
			t.Fatalf("new link: %d %v", res.StatusCode, out)
		}
		if res, _ := f.send(t, "GET", "/api/v1/portal/"+token, "", "", nil); res.StatusCode != 404 {
			t.Fatalf("the old link still opens: %d", res.StatusCode)
		}
		res, out = f.send(t, "GET", "/api/v1/commissions?q=uncle&sort=price", "owner", "", nil)
		if list := out["commissions"].([]any); res.StatusCode != 200 || len(list) != 1 {
			t.Fatalf("search: %d %v", res.StatusCode, out)
		}
	})
}

// The portal tells the client what happens next at each step.
func TestCommissionPortalSaysWhatHappensNext(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		d := newCommissionDesk(t, s, false)
		id := d.inquiry(t, rose())
		client := newBrowser(t, d.ts.URL)
		link := d.portalOf(t, id)
		price, deposit := int64(45000), int64(15000)
		steps := []struct {
			move studio.Move
			says string
		}{
			{studio.Move{}, "will send you a quote on this page"},
			{studio.Move{To: studio.Quoted, PriceCents: &price, DepositCents: &deposit, PromisedDate: "2099-01-01"}, "To accept it, pay the deposit of 150.00 EUR"},
			{studio.Move{To: studio.Accepted}, "Your deposit has arrived"},
			{studio.Move{To: studio.InProduction}, "is making the miniature"},
		}
		for _, st := range steps {
			if st.move.To != "" {
				if _, err := s.MoveCommission(ctx, d.studio.ID, id, "", st.move); err != nil {
					t.Fatal(err)
				}
			}
			res, body := client.get(link)
			want(t, res, body, 200, st.says)
		}
	})
}
