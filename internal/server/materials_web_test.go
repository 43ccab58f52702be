package server

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"atelier/internal/store"
	"atelier/internal/store/storetest"
	"atelier/internal/studio"
)

// clayForm is a valid new-item form: a block of clay with two in stock.
func clayForm() url.Values {
	return url.Values{"name": {"Premo <beige>"}, "category": {"clay"}, "unit": {"block"}, "quantity": {"2"},
		"unit_cost": {"2.50"}, "reorder_level": {"1"}, "supplier": {"Clay shop"}}
}

// materialNamed finds one of studio ana's items by name.
func materialNamed(t *testing.T, s *store.Store, name string) studio.Material {
	t.Helper()
	list, err := s.Materials(context.Background(), mustSlug(t, s, "ana").ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range list {
		if m.Name == name {
			return m
		}
	}
	t.Fatalf("no item named %q among %d", name, len(list))
	return studio.Material{}
}

// The inventory page in the browser's terms, on both databases: the empty
// state and the starter list, an item added and refused, a purchase and a
// use on a piece that show on the piece's cost card, a use over stock
// refused with nothing changed, and another studio's item.
func TestWebMaterials(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		b, _ := setUpStudio(t, s)
		res, body := b.get("/materials")
		want(t, res, body, 200, `href="/materials" aria-current="page"`, "No material yet", `action="/materials/starter"`, `id="add-material"`)

		// The starter list, at zero stock; loading it again adds nothing.
		res, body = b.post("/materials/starter", nil, nil)
		want(t, res, body, 303, "/materials")
		res, body = b.get("/materials")
		want(t, res, body, 200, "items of the starter list are added", "FIMO professional, flesh", "Certificate paper", "Sculpting aids", "0 block</span> in stock")
		if strings.Contains(body, "No material yet") {
			t.Fatal("the page still shows the empty state after the starter list")
		}
		if len(strings.Split(body, `class="reorder"`)) < 10 {
			t.Fatal("the starter items at zero stock are not marked for reorder")
		}
		res, body = b.post("/materials/starter", nil, nil)
		want(t, res, body, 303)
		_, body = b.get("/materials")
		want(t, res, body, 303, "every item of the starter list already")

		// An item added; refusals beside their fields, with what was typed.
		for _, c := range []struct {
			name string
			form url.Values
			says []string
		}{
			{"no name", with(clayForm(), "name", ""), []string{`id="name-error"`, `value="Clay shop"`}},
			{"a stock that is no number", with(clayForm(), "quantity", "two"), []string{`id="quantity-error"`, `value="two"`}},
			{"half a block", with(clayForm(), "quantity", "1.5"), []string{`id="quantity-error"`, "whole number of blocks"}},
			{"a cost with too many decimals", with(clayForm(), "unit_cost", "2.505", "unit", "kg"), []string{`id="unit_cost-error"`, `id="unit-error"`}},
			{"a name taken", with(clayForm(), "name", "FIMO professional, flesh"), []string{`id="name-error"`, "is taken"}},
		} {
			res, body := b.post("/materials", c.form, nil)
			want(t, res, body, 422, append([]string{`role="alert"`}, c.says...)...)
		}
		res, body = b.post("/materials", clayForm(), nil)
		want(t, res, body, 303, "/materials#material-")
		clay := materialNamed(t, s, "Premo <beige>")
		if clay.Quantity != studio.WholeUnits(2) || clay.AverageCostCents != 250 || clay.Supplier != "Clay shop" {
			t.Fatalf("the item added: %+v", clay)
		}
		_, body = b.get("/materials")
		want(t, res, body, 303, "Premo &lt;beige&gt; is added", `id="stock-`+clay.ID+`">2 block`, "average 2.50 EUR / block")

		// Bought two at 3.50, then used one on the piece: the piece's cost
		// card counts one block at the average, 3.00.
		piece := newWebPiece(t, s, "Grandma Rose")
		res, body = b.get("/pieces/" + piece)
		want(t, res, body, 200)
		if !strings.Contains(body, `id="cost-materials">0.00 EUR`) {
			t.Fatalf("the cost card of a new piece:\n%s", body)
		}
		res, body = b.post("/materials/"+clay.ID+"/moves", url.Values{"kind": {"purchase"}, "quantity": {"2"}, "unit_cost": {"3.50"}}, nil)
		want(t, res, body, 303, "/materials#material-"+clay.ID)
		_, body = b.get("/materials")
		want(t, res, body, 303, "2 block of Premo &lt;beige&gt; recorded as bought", `id="stock-`+clay.ID+`">4 block`, "average 3.00 EUR / block",
			`<option value="`+piece+`">Grandma Rose</option>`)
		res, body = b.post("/materials/"+clay.ID+"/moves", url.Values{"kind": {"use"}, "quantity": {"1"}, "piece_id": {piece}}, nil)
		want(t, res, body, 303)
		_, body = b.get("/pieces/" + piece)
		want(t, res, body, 303, `id="cost-materials">3.00 EUR`, `id="cost-total">`, `id="cost-price">`)

		// A purchase refused beside its fields, on its row.
		res, body = b.post("/materials/"+clay.ID+"/moves", url.Values{"kind": {"purchase"}, "quantity": {"0.5"}, "unit_cost": {"lots"}}, nil)
		want(t, res, body, 422, `role="alert"`, "whole number of blocks", "must be an amount in EUR", `value="lots"`)

		// A use over stock: the shortfall in words, and nothing changed.
		res, body = b.post("/materials/"+clay.ID+"/moves", url.Values{"kind": {"use"}, "quantity": {"5"}, "piece_id": {piece}}, nil)
		want(t, res, body, 422, `role="alert"`, "Only 3 block of Premo &lt;beige&gt; in stock: 2 block short.", `value="5"`)
		if got := materialNamed(t, s, "Premo <beige>"); got.Quantity != studio.WholeUnits(3) || got.AverageCostCents != 300 {
			t.Fatalf("a refused use changed the item: %+v", got)
		}
		if moves, _ := s.MaterialMoves(ctx, mustSlug(t, s, "ana").ID, clay.ID); len(moves) != 3 {
			t.Fatalf("%d moves after opening stock, a purchase and a use", len(moves))
		}
		_, body = b.get("/pieces/" + piece)
		want(t, res, body, 422, `id="cost-materials">3.00 EUR`)

		// Another studio's item does not exist for this one.
		ben, err := s.CreateStudio(ctx, studio.NewStudio("ben", "Ben's Busts", "Ben Okafor"))
		if err != nil {
			t.Fatal(err)
		}
		theirs, err := s.CreateMaterial(ctx, ben.ID, "", studio.Material{Name: "Ben's clay", Category: studio.CatClay, Unit: studio.UnitBlock, Quantity: studio.WholeUnits(3)})
		if err != nil {
			t.Fatal(err)
		}
		for _, form := range []url.Values{
			{"kind": {"use"}, "quantity": {"1"}, "piece_id": {piece}},
			{"kind": {"purchase"}, "quantity": {"1"}, "unit_cost": {"1"}},
		} {
			res, body = b.post("/materials/"+theirs.ID+"/moves", form, nil)
			want(t, res, body, 404)
		}
		if got, _ := s.Material(ctx, ben.ID, theirs.ID); got.Quantity != studio.WholeUnits(3) {
			t.Fatalf("another studio's item changed: %s", got.Quantity)
		}
		if _, body = b.get("/materials"); strings.Contains(body, "Ben&#39;s clay") {
			t.Fatal("the inventory shows another studio's item")
		}
	})
}

// The dashboard's Reorder card: absent while nothing is low; then the low
// items, each linking to its row of the inventory with its stock, level
// and supplier, at most eight and the rest counted, and never an item
// above its level.
func TestWebDashboardShowsTheItemsToReorder(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		b, _ := setUpStudio(t, s)
		ana := mustSlug(t, s, "ana")
		add := func(name string, qty, level int64, supplier string) studio.Material {
			t.Helper()
			m, err := s.CreateMaterial(ctx, ana.ID, "", studio.Material{Name: name, Category: studio.CatClay, Unit: studio.UnitBlock,
				Quantity: studio.WholeUnits(qty), ReorderLevel: studio.WholeUnits(level), Supplier: supplier})
			if err != nil {
				t.Fatal(err)
			}
			return m
		}
		add("Plenty <white>", 9, 2, "")
		res, body := b.get("/dashboard")
		want(t, res, body, 200)
		if strings.Contains(body, `id="reorder"`) {
			t.Fatal("the Reorder card shows with nothing to reorder")
		}

		low := add("Premo <beige>", 1, 2, "Clay & Co")
		for _, n := range []string{"b", "c", "d", "e", "f", "g", "h", "i", "j"} {
			add("Quick "+n, 0, 1, "")
		}
		res, body = b.get("/dashboard")
		want(t, res, body, 200, `id="reorder"`, `href="/materials#material-`+low.ID+`">Premo &lt;beige&gt;</a>`,
			"1 block in stock · reorder at 2 block · from Clay &amp; Co", "Quick h", "and 2 more", `href="/materials"`)
		if strings.Contains(body, "Plenty") || strings.Contains(body, "Quick i") {
			t.Fatalf("the card lists an item above its level, or more than eight:\n%s", body)
		}
	})
}
