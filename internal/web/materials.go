package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"atelier/internal/studio"
)

// The inventory page: the studio's materials by category, with what is
// in stock and what it cost on average, and two quick moves on each row
// that work from a phone at the bench: "Used" against a piece, and
// "Bought".

var categoryLabels = map[studio.Category]string{studio.CatClay: "Clay", studio.CatWorkSurface: "Work surface",
	studio.CatCutting: "Cutting and shaping", studio.CatSculpting: "Sculpting aids", studio.CatFinishing: "Finishing",
	studio.CatPainting: "Painting", studio.CatBaking: "Baking", studio.CatPresentation: "Presentation"}

type materialsData struct {
	Groups     []materialGroup
	Pieces     []choice
	Categories []choice
	Units      []choice
	Currency   string
	// Values are what a refused form sent; Row is the item whose move
	// was refused ("" for the new-item form).
	Values url.Values
	Row    string
}

type materialGroup struct {
	Label string
	Items []materialRow
}

type materialRow struct {
	ID, Name, Unit, Quantity, Average string
	Reorder                           bool
}

// materialAnswer is what a refused form puts back on the page.
type materialAnswer struct {
	status  int
	message string
	errs    map[string]string
	values  url.Values
	row     string
}

func (w *Web) materialsShow(rw http.ResponseWriter, r *http.Request, p studio.Principal) error {
	return w.renderMaterials(rw, r, p, materialAnswer{status: http.StatusOK})
}

func (w *Web) renderMaterials(rw http.ResponseWriter, r *http.Request, p studio.Principal, a materialAnswer) error {
	items, err := w.store.Materials(r.Context(), p.Studio.ID)
	if err != nil {
		return err
	}
	board, err := w.store.Board(r.Context(), p.Studio.ID)
	if err != nil {
		return err
	}
	d := materialsData{Currency: p.Studio.Currency, Values: a.values, Row: a.row}
	for _, col := range board {
		for _, c := range col.Cards {
			d.Pieces = append(d.Pieces, choice{Value: c.ID, Label: c.Subject})
		}
	}
	for _, c := range studio.Categories {
		d.Categories = append(d.Categories, choice{Value: string(c), Label: categoryLabels[c]})
		g := materialGroup{Label: categoryLabels[c]}
		for _, m := range items {
			if m.Category == c {
				g.Items = append(g.Items, materialRow{ID: m.ID, Name: m.Name, Unit: string(m.Unit), Quantity: m.Quantity.String() + " " + string(m.Unit),
					Average: studio.FormatMoney(m.AverageCostCents, p.Studio.Currency) + " / " + string(m.Unit), Reorder: m.Reorder()})
			}
		}
		if len(g.Items) > 0 {
			d.Groups = append(d.Groups, g)
		}
	}
	for _, u := range studio.MaterialUnits {
		d.Units = append(d.Units, choice{Value: string(u), Label: string(u)})
	}
	w.render(rw, r, a.status, "materials", pageData{Title: "Materials", Principal: &p, Nav: "materials", Message: a.message, Errors: a.errs, Data: d})
	return nil
}

// materialNames are the new-item and move forms' names for the domain's
// fields: money is typed in major units.
var materialNames = fieldNames{"unit_cost_cents": "unit_cost"}

// quantityField reads a quantity typed in units, noting a bad one.
func quantityField(errs studio.Fields, field, typed string, required bool) studio.Quantity {
	typed = strings.TrimSpace(typed)
	if typed == "" {
		if required {
			errs.Add(field, "is required: a number such as 1 or 2.5")
		}
		return 0
	}
	v, err := strconv.ParseFloat(typed, 64)
	q, ok := studio.QuantityOf(v)
	if err != nil || !ok {
		errs.Add(field, "must be a number such as 1 or 2.5, with at most three decimals")
		return 0
	}
	return q
}

// materialCreate adds an item from the form.
func (w *Web) materialCreate(rw http.ResponseWriter, r *http.Request, p studio.Principal) error {
	f, err := postForm(r)
	if err != nil {
		return err
	}
	errs := studio.Fields{}
	m := studio.Material{Name: strings.TrimSpace(f.Get("name")), Category: studio.Category(f.Get("category")), Unit: studio.Unit(f.Get("unit")),
		Supplier: strings.TrimSpace(f.Get("supplier"))}
	m.Quantity = quantityField(errs, "quantity", f.Get("quantity"), false)
	m.ReorderLevel = quantityField(errs, "reorder_level", f.Get("reorder_level"), false)
	m.GramsPerUnit = quantityField(errs, "grams_per_unit", f.Get("grams_per_unit"), false)
	if c := money(errs, "unit_cost", f.Get("unit_cost"), p.Studio.Currency); c != nil {
		m.UnitCostCents = *c
	}
	if len(errs) > 0 {
		// The domain's word on the other fields comes along.
		if fe, _, ok := formError(nil, m.Validate(false)); ok {
			for k, v := range errorsIn(materialNames, fe) {
				errs.Add(k, v)
			}
		}
		err = errs.Err()
	} else {
		m, err = w.store.CreateMaterial(r.Context(), p.Studio.ID, p.User.ID, m)
	}
	if fe, status, ok := formError(rw, err); ok {
		return w.renderMaterials(rw, r, p, materialAnswer{status: status, message: friendly(fe), errs: errorsIn(materialNames, fe), values: f})
	}
	if err != nil {
		return err
	}
	w.sessions.Put(r.Context(), "flash", fmt.Sprintf("%s is added to the inventory.", m.Name))
	http.Redirect(rw, r, "/materials#material-"+m.ID, http.StatusSeeOther)
	return nil
}

// materialsStarter loads the guide's starter list.
func (w *Web) materialsStarter(rw http.ResponseWriter, r *http.Request, p studio.Principal) error {
	added, err := w.store.LoadStarterMaterials(r.Context(), p.Studio.ID, p.User.ID)
	if err != nil {
		return err
	}
	msg := fmt.Sprintf("%d items of the starter list are added, at zero stock: count what you have and record it as bought.", len(added))
	if len(added) == 0 {
		msg = "The inventory has every item of the starter list already."
	}
	w.sessions.Put(r.Context(), "flash", msg)
	http.Redirect(rw, r, "/materials", http.StatusSeeOther)
	return nil
}

// materialMove records a use against a piece or a purchase, from a row's
// quick forms.
func (w *Web) materialMove(rw http.ResponseWriter, r *http.Request, p studio.Principal) error {
	f, err := postForm(r)
	if err != nil {
		return err
	}
	id := r.PathValue("id")
	m, err := w.store.Material(r.Context(), p.Studio.ID, id)
	if err != nil {
		return err
	}
	errs := studio.Fields{}
	mv := studio.StockMove{Kind: studio.MoveKind(f.Get("kind"))}
	switch mv.Kind {
	case studio.MoveUse:
		mv.PieceID = f.Get("piece_id")
		mv.Quantity = quantityField(errs, "quantity", f.Get("quantity"), true)
	case studio.MovePurchase:
		mv.Quantity = quantityField(errs, "quantity", f.Get("quantity"), true)
		if c := money(errs, "unit_cost", f.Get("unit_cost"), p.Studio.Currency); c != nil {
			mv.UnitCostCents = *c
		} else if _, bad := errs["unit_cost"]; !bad {
			errs.Add("unit_cost", "is required: what one "+string(m.Unit)+" cost, such as 3.50")
		}
	default:
		errs.Add("kind", "must be a use or a purchase")
	}
	if len(errs) > 0 {
		// The domain's word on the other fields comes along.
		if fe, _, ok := formError(nil, mv.Validate(m.Unit)); ok {
			for k, v := range errorsIn(materialNames, fe) {
				errs.Add(k, v)
			}
		}
	}
	err = errs.Err()
	if err == nil {
		_, _, err = w.store.AddMove(r.Context(), p.Studio.ID, p.User.ID, id, mv)
	}
	if fe, status, ok := formError(rw, err); ok {
		return w.renderMaterials(rw, r, p, materialAnswer{status: status, message: friendly(fe), errs: errorsIn(materialNames, fe), values: f, row: id})
	}
	if err != nil {
		return err
	}
	what := "bought"
	if mv.Kind == studio.MoveUse {
		what = "used"
	}
	w.sessions.Put(r.Context(), "flash", fmt.Sprintf("%s %s of %s recorded as %s.", mv.Quantity, m.Unit, m.Name, what))
	http.Redirect(rw, r, "/materials#material-"+id, http.StatusSeeOther)
	return nil
}

// dashboardReorderRows is how many items the dashboard's Reorder card
// lists; the rest are counted.
const dashboardReorderRows = 8

// reorderCard is the dashboard's list of the items to reorder.
type reorderCard struct {
	Items []reorderRow
	More  int
}

type reorderRow struct {
	ID, Name, Stock, Level, Supplier string
}

// newReorderCard lists the first items to reorder, or is nil when there
// are none: the dashboard then shows no card at all.
func newReorderCard(items []studio.Material) *reorderCard {
	if len(items) == 0 {
		return nil
	}
	c := &reorderCard{More: max(0, len(items)-dashboardReorderRows)}
	for _, m := range items[:min(len(items), dashboardReorderRows)] {
		c.Items = append(c.Items, reorderRow{ID: m.ID, Name: m.Name, Stock: m.Quantity.String() + " " + string(m.Unit),
			Level: m.ReorderLevel.String() + " " + string(m.Unit), Supplier: m.Supplier})
	}
	return c
}
