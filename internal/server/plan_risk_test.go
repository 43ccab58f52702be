package server

import (
	"context"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"atelier/internal/store"
	"atelier/internal/store/storetest"
	"atelier/internal/studio"
)

// latePiece makes an accepted commission of a 40 mm piece whose promised
// date, 3 Feb 2001, has long passed, and returns its piece's ID.
func latePiece(t *testing.T, s *store.Store, studioID, subject string) string {
	t.Helper()
	ctx := context.Background()
	height := 40.0
	c, _, err := s.CreateInquiry(ctx, studioID, studio.InquiryFields{SubjectName: subject, ContactName: "Lea", ContactEmail: "lea@example.com", TargetHeightMM: &height}, nil)
	if err != nil {
		t.Fatal(err)
	}
	price := int64(45000)
	if _, err := s.MoveCommission(ctx, studioID, c.ID, "", studio.Move{To: studio.Quoted, PriceCents: &price, DepositCents: &price, PromisedDate: "2099-01-01"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.MoveCommission(ctx, studioID, c.ID, "", studio.Move{To: studio.Accepted}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.DB().ExecContext(ctx, `UPDATE commissions SET promised_date = '2001-02-03' WHERE id = $1`, c.ID); err != nil {
		t.Fatal(err)
	}
	piece, err := s.PieceOfCommission(ctx, studioID, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	return piece.ID
}

// boardCard is the board card of piece id, as the page draws it.
func boardCard(t *testing.T, body, id string) string {
	t.Helper()
	start := strings.Index(body, `id="piece-`+id+`"`)
	if start < 0 {
		t.Fatalf("no card of piece %s on the board:\n%s", id, body)
	}
	start = strings.LastIndex(body[:start], "<li")
	rest := body[start:]
	// The card ends where the next begins, or its column's list ends.
	for _, next := range []string{`<li class="piece-card`, `</ol>`} {
		if end := strings.Index(rest[1:], next); end >= 0 {
			rest = rest[:end+1]
		}
	}
	return rest
}

// The board's JSON says which pieces the plan has done after their
// promise: not a piece without one, but one whose promise has passed;
// each planned card has its 90 % date.
func TestBoardAPIMarksPieceWithPastPromiseAtRisk(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		onTime := f.mustCall(t, "POST", "/api/v1/pieces", "owner", `{"subject":"Rex","target_height_mm":40,"clay_brands":["premo"]}`, 201)["id"].(string)
		late := latePiece(t, s, f.ana.ID, "Grandpa Joe")

		cards := map[string]map[string]any{}
		for _, col := range f.mustCall(t, "GET", "/api/v1/board", "assistant", "", 200)["columns"].([]any) {
			for _, c := range col.(map[string]any)["cards"].([]any) {
				card := c.(map[string]any)
				cards[card["id"].(string)] = card
			}
		}
		today := time.Now().UTC().AddDate(0, 0, -1).Format(time.DateOnly)
		for id, wantRisk := range map[string]bool{onTime: false, late: true} {
			card, ok := cards[id]
			if !ok {
				t.Fatalf("piece %s is not on the board: %v", id, cards)
			}
			if card["at_risk"] != wantRisk {
				t.Errorf("%v: at_risk %v, want %v", card["subject"], card["at_risk"], wantRisk)
			}
			p90, _ := card["finish_p90"].(string)
			if _, err := time.Parse(time.DateOnly, p90); err != nil || p90 < today {
				t.Errorf("%v: finish_p90 %v, want a date from today on", card["subject"], card["finish_p90"])
			}
		}
	})
}

// The board page marks in words the piece the plan has done after its
// promise, with its 90 % date and the promise, and no other.
func TestWebBoardShowsAtRiskOnPieceWithPastPromise(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		b, _ := setUpStudio(t, s)
		ana := mustSlug(t, s, "ana")
		res, body := b.post("/pieces", url.Values{"subject": {"Rex"}, "target_height": {"1.5"}}, nil)
		want(t, res, body, 303)
		onTime := strings.TrimPrefix(res.Header.Get("Location"), "/pieces/")
		late := latePiece(t, s, ana.ID, "Grandpa Joe")

		res, body = b.get("/board")
		want(t, res, body, 200)
		card := boardCard(t, body, late)
		if !strings.Contains(card, "is-at-risk") || !regexp.MustCompile(`<strong class="risk-badge">At risk</strong> · done by <time datetime="\d{4}-\d\d-\d\d">\d{1,2} [A-Z][a-z]{2}( \d{4})?</time>, promised 3 Feb 2001`).MatchString(card) {
			t.Errorf("the late piece's card lacks its risk mark:\n%s", card)
		}
		if card := boardCard(t, body, onTime); strings.Contains(card, "At risk") {
			t.Errorf("a piece without a promise is marked at risk:\n%s", card)
		}
	})
}

// The quote form says when the studio could ship if it accepted the
// commission today; once the quote promises a date before the 90 % one,
// it warns; a request without a height gets a sentence, not an error.
func TestWebQuoteFormShowsShipDateAndWarnsOfEarlyPromise(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		b, _ := setUpStudio(t, s)
		ana := mustSlug(t, s, "ana")
		height := 40.0
		c, _, err := s.CreateInquiry(ctx, ana.ID, studio.InquiryFields{SubjectName: "Grandma Rose", ContactName: "Lea", ContactEmail: "lea@example.com", TargetHeightMM: &height}, nil)
		if err != nil {
			t.Fatal(err)
		}
		when := regexp.MustCompile(`If you accept this today: ready by about <time datetime="(\d{4}-\d\d-\d\d)">\d{1,2} [A-Z][a-z]{2}( \d{4})?</time>, by <time datetime="(\d{4}-\d\d-\d\d)">\d{1,2} [A-Z][a-z]{2}( \d{4})?</time> at the latest \(9 times in 10\)\.`)
		res, body := b.get("/commissions/" + c.ID)
		want(t, res, body, 200, "Send a quote", "For one piece of 1.57 in")
		m := when.FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("the quote form lacks the ship date:\n%s", body)
		}
		today := ana.Today(time.Now())
		if m[1] < today || m[3] < m[1] {
			t.Errorf("ship dates %s and %s, today %s", m[1], m[3], today)
		}
		if strings.Contains(body, `id="ship-warning"`) {
			t.Error("a warning with no promised date")
		}

		res, body = b.post("/commissions/"+c.ID+"/status", url.Values{"status": {"quoted"}, "price": {"450"}, "deposit": {"150"}, "promised_date": {today}}, nil)
		want(t, res, body, 303)
		res, body = b.get("/commissions/" + c.ID)
		want(t, res, body, 200, "Revise the quote", `<p class="alert" role="alert" id="ship-warning">The promised date `,
			"is earlier than the date you can ship with 90 % confidence (")
		if when.FindStringSubmatch(body) == nil {
			t.Errorf("the revised quote's form lacks the ship date:\n%s", body)
		}

		bare, _, err := s.CreateInquiry(ctx, ana.ID, studio.InquiryFields{SubjectName: "Grandpa Joe", ContactName: "Lea", ContactEmail: "lea@example.com"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		// The questionnaire always asks a height; one recorded before it did has none.
		if _, err := s.DB().ExecContext(ctx, `UPDATE commissions SET target_height_mm = NULL WHERE id = $1`, bare.ID); err != nil {
			t.Fatal(err)
		}
		res, body = b.get("/commissions/" + bare.ID)
		want(t, res, body, 200, "Send a quote", "The ship date needs the requested height: add it to the request.")
		if strings.Contains(body, "If you accept this today") {
			t.Error("a ship date for a request without a height")
		}
	})
}
