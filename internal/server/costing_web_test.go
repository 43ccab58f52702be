package server

import (
	"context"
	"net/url"
	"testing"

	"atelier/internal/costing"
	"atelier/internal/store"
	"atelier/internal/store/storetest"
	"atelier/internal/studio"
)

// The costing rates on the settings page, refused beside their fields with
// nothing saved, then saved; the quote form suggesting a price from them
// and starting from it; an edition's cost per piece and in total; a
// piece's clay estimate.
func TestWebCostingAndSuggestedPrices(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		b, _ := setUpStudio(t, s)
		ana := mustSlug(t, s, "ana")
		res, body := b.get("/settings")
		want(t, res, body, 200, `id="costing"`, `id="hourly_rate" name="hourly_rate" type="text" inputmode="decimal" autocomplete="off" value="0"`,
			`id="markup" name="markup" type="text" inputmode="decimal" autocomplete="off" value="2"`, `id="save-costing"`)

		good := url.Values{"hourly_rate": {"60"}, "kwh_price": {"0.3172"}, "markup": {"2.5"}, "rounding": {"five"}}
		for _, c := range []struct {
			name string
			form url.Values
			says string
		}{
			{"an hourly rate that is no amount", with(good, "hourly_rate", "sixty"), `id="hourly_rate-error"`},
			{"a negative hourly rate", with(good, "hourly_rate", "-1"), `id="hourly_rate-error"`},
			{"a kWh price past a thousandth of a cent", with(good, "kwh_price", "0.317201"), `id="kwh_price-error"`},
			{"a markup below one", with(good, "markup", "0.5"), `id="markup-error"`},
			{"a markup in exponent form", with(good, "markup", "1e3"), `id="markup-error"`},
			{"an unknown rounding", with(good, "rounding", "pennies"), `id="rounding-error"`},
		} {
			res, body := b.post("/settings/costing", c.form, nil)
			want(t, res, body, 422, `id="costing-alert"`, c.says)
			if r, _ := s.CostingRates(ctx, ana.ID); r.HourlyRateCents != 0 || r.Rounding != costing.RoundCent {
				t.Fatalf("%s: the rates changed to %+v", c.name, r)
			}
		}
		res, body = b.post("/settings/costing", good, nil)
		want(t, res, body, 303, "/settings#costing")
		r, err := s.CostingRates(ctx, ana.ID)
		if err != nil || r.HourlyRateCents != 6000 || r.KWhPriceMilliCents != 31720 || r.Markup != 2.5 || r.Rounding != costing.RoundFive {
			t.Fatalf("the rates saved: %+v, %v", r, err)
		}
		_, body = b.get("/settings")
		want(t, res, body, 303, "Costing rates saved", `value="60"`, `value="0.3172"`, `value="2.5"`, `<option value="five" selected>`)

		// A new inquiry for a 40 mm piece: no finished piece and no clay
		// priced, so 780 minutes at 60.00 = 780.00, × 2.5 = 1950.00.
		height := 40.0
		c, _, err := s.CreateInquiry(ctx, ana.ID, studio.InquiryFields{SubjectName: "Grandpa Joe", ContactName: "Lea", ContactEmail: "lea@example.com",
			TargetHeightMM: &height}, nil)
		if err != nil {
			t.Fatal(err)
		}
		res, body = b.get("/commissions/" + c.ID)
		want(t, res, body, 200, `id="quote-suggestion"`, `id="suggested-price">1950.00 EUR`, `about 15 g for the requested height`, "780.00 EUR (13 h of work)",
			`name="price" type="text" inputmode="decimal" value="1950.00"`, "No finished piece yet")

		// A revision starts from the quote as it stands.
		res, body = b.post("/commissions/"+c.ID+"/status", url.Values{"status": {"quoted"}, "price": {"1800"}, "deposit": {"500"}, "promised_date": {"2099-03-01"}}, nil)
		want(t, res, body, 303)
		_, body = b.get("/commissions/" + c.ID)
		want(t, res, body, 303, `name="price" type="text" inputmode="decimal" value="1800.00"`, `value="500.00"`, `value="2099-03-01"`, `id="suggested-price">1950.00 EUR`)

		// An edition's pieces with their costs and the total: a block at
		// 2.50 on the first piece.
		e, err := s.CreateEdition(ctx, ana.ID, studio.Edition{Title: "Rose", Subject: "Grandma Rose", Size: 12, ClayBrands: []string{"premo"}, TargetHeightMM: 40})
		if err != nil {
			t.Fatal(err)
		}
		first, _, err := s.IssueEditionPiece(ctx, ana.ID, "", e.ID, store.EditionPieceFields{})
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.IssueEditionPiece(ctx, ana.ID, "", e.ID, store.EditionPieceFields{}); err != nil {
			t.Fatal(err)
		}
		res, body = b.post("/materials", with(clayForm(), "grams_per_unit", "57"), nil)
		want(t, res, body, 303)
		clay := materialNamed(t, s, "Premo <beige>")
		if clay.GramsPerUnit != studio.WholeUnits(57) {
			t.Fatalf("the block's weight: %+v", clay)
		}
		res, body = b.post("/materials", with(clayForm(), "name", "Heavy", "grams_per_unit", "-3"), nil)
		want(t, res, body, 422, `id="grams_per_unit-error"`)
		res, body = b.post("/materials/"+clay.ID+"/moves", url.Values{"kind": {"use"}, "quantity": {"1"}, "piece_id": {first.ID}}, nil)
		want(t, res, body, 303)
		res, body = b.get("/editions/" + e.ID)
		want(t, res, body, 200, `<td data-label="Cost so far">2.50 EUR</td><td data-label="Suggested price">10.00 EUR</td>`,
			`<tr id="edition-cost"><th scope="row" colspan="4">All 2 pieces</th><td data-label="Cost so far">2.50 EUR</td>`)

		// The piece's clay: the model's estimate and the block logged.
		res, body = b.get("/pieces/" + first.ID)
		want(t, res, body, 200, `id="cost-clay">about 15 g expected · 57 g logged`, "the default model")
	})
}
