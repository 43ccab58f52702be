package demo

import (
	"context"
	"fmt"

	"atelier/internal/costing"
	"atelier/internal/store"
	"atelier/internal/studio"
)

// costingRates are a small Austrian studio's: its hourly rate, the
// household tariff, and prices rounded to five euros.
var costingRates = costing.Rates{HourlyRateCents: 3500, KWhPriceMilliCents: 31720, Markup: 2.5, Rounding: costing.RoundFive}

// editionStages are where the edition's pieces stand, number 1 first; with
// the commissions they cover the whole pipeline.
var editionStages = []studio.Stage{studio.CollectorGrade, studio.Mount, studio.Paint, studio.ColourPlan, studio.Sanding, studio.Texture, studio.Sculpt}

// edition makes a limited edition with its master and moulds, issues its
// first numbers at staggered stages, certifies number 1, and leaves the
// work timer running on the newest.
func (b *builder) edition(ctx context.Context) error {
	e, err := b.st.CreateEdition(ctx, b.studio.ID, studio.Edition{Title: "The Lighthouse Keeper", Subject: "The lighthouse keeper",
		Size: 12, ClayBrands: []string{"premo"}, TargetHeightMM: 45,
		Master: &studio.Stored{Name: "Keeper master armature", Location: "Shelf B, box 3"},
		Moulds: []studio.Stored{{Name: "Head mould", Location: "Drawer 2"}, {Name: "Lantern mould", Location: "Drawer 2"}}})
	if err != nil {
		return err
	}
	const hue = 205 // sea blue
	var last string
	for n, stage := range editionStages {
		p, _, err := b.st.IssueEditionPiece(ctx, b.studio.ID, "", e.ID, store.EditionPieceFields{})
		if err != nil {
			return err
		}
		if stage == studio.CollectorGrade {
			err = b.certified(ctx, p.ID, hue)
		} else {
			_, err = b.walk(ctx, p.ID, stage, hue)
		}
		if err != nil {
			return fmt.Errorf("edition piece %d: %w", n+1, err)
		}
		last = p.ID
	}
	_, err = b.st.StartWork(ctx, b.studio.ID, last, "")
	return err
}

// certified takes a piece to collector-grade and issues its certificate,
// so the verification page has something to show.
func (b *builder) certified(ctx context.Context, pieceID string, hue float64) error {
	if err := b.collectorGrade(ctx, pieceID, hue); err != nil {
		return err
	}
	b.finished = append(b.finished, pieceID)
	story := "Number one of twelve, cast from the master the keeper's granddaughter sat for."
	_, err := b.st.IssueCertificate(ctx, b.studio.ID, pieceID, &story)
	return err
}

// stock is what the studio has bought of an item: how many units at what
// price each. Items left out stay at zero; those below their reorder level
// show on the dashboard's reorder list.
type stock struct {
	units, cents int64
}

var stocks = map[string]stock{
	"FIMO professional, flesh":      {8, 329},
	"FIMO soft, white":              {5, 299},
	"Sculpey Premo!, beige":         {10, 349},
	"Sculpey Premo!, translucent":   {1, 349}, // below its reorder level of 2
	"Silicone work mat":             {1, 1290},
	"Ceramic tile":                  {2, 250},
	"Precision knife":               {2, 890},
	"Precision knife blades":        {6, 45}, // below its reorder level of 10
	"Dental picks":                  {1, 1450},
	"Ball styluses":                 {1, 990},
	"Copper wire, 22 gauge":         {20, 35},
	"Aluminium foil":                {10, 20},
	"Modelling pins":                {60, 5},
	"Sandpaper 400":                 {6, 90},
	"Sandpaper 800":                 {6, 90},
	"Sandpaper 1200":                {6, 95},
	"Sandpaper 2000":                {5, 95},
	"Polishing cloth":               {2, 350},
	"Matte polyurethane varnish":    {120, 8},
	"Epoxy resin":                   {80, 12},
	"Acrylic paint, titanium white": {75, 9},
	"Acrylic paint, burnt sienna":   {60, 9},
	"Acrylic paint, mars black":     {45, 9},
	"Sable brush, size 0":           {4, 690},
	"Sable brush, size 000":         {3, 790},
	"Oven thermometer":              {1, 1290},
	"Baking paper":                  {20, 15},
	"Wooden base block":             {8, 320},
	"Display box":                   {6, 450},
	"Packing foam":                  {6, 120},
	"Certificate paper":             {25, 60},
}

// materials loads the guide's starter list, buys stock, and books a block
// of clay to each finished piece.
func (b *builder) materials(ctx context.Context) error {
	items, err := b.st.LoadStarterMaterials(ctx, b.studio.ID, "")
	if err != nil {
		return err
	}
	clay := ""
	for _, m := range items {
		if m.Name == "Sculpey Premo!, beige" {
			clay = m.ID
		}
		s, ok := stocks[m.Name]
		if !ok {
			continue
		}
		mv := studio.StockMove{Kind: studio.MovePurchase, Quantity: studio.WholeUnits(s.units), UnitCostCents: s.cents}
		if _, _, err := b.st.AddMove(ctx, b.studio.ID, "", m.ID, mv); err != nil {
			return fmt.Errorf("stock of %s: %w", m.Name, err)
		}
	}
	for _, p := range b.finished {
		mv := studio.StockMove{Kind: studio.MoveUse, Quantity: studio.WholeUnits(1), PieceID: p}
		if _, _, err := b.st.AddMove(ctx, b.studio.ID, "", clay, mv); err != nil {
			return err
		}
	}
	return nil
}
