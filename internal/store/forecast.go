package store

import (
	"context"
	"database/sql"
	"math"

	"atelier/internal/costing"
	"atelier/internal/studio"
)

// finishedStages is the SQL list of the stages a piece is finished at: its
// logs are complete, and a model learns from them.
const finishedStages = `('collector_grade', 'delivered')`

// ClayEstimate is a piece's clay: what the studio's model expects it to
// take and what was logged as used on it.
type ClayEstimate struct {
	EstimateGrams float64
	// UsedGrams is the clay logged on the piece; UsedUnknown counts the
	// uses of clay whose weight the inventory does not know (blocks
	// without a weight), which UsedGrams leaves out.
	UsedGrams   float64
	UsedUnknown int
	Model       costing.Model
	// FitPieces is the number of finished pieces the model is fitted
	// from, or the number there are while they are too few to fit.
	FitPieces int
}

// clayUse is a use of clay on a piece, in grams when its weight is known.
type clayUse struct {
	pieceID string
	grams   float64
	known   bool
}

// clayUses are the uses of clay on the pieces the condition picks
// (written with the alias p for pieces), piece by piece.
func clayUses(ctx context.Context, tx *Tx, where string, args ...any) (out []clayUse, err error) {
	err = each(ctx, tx, `SELECT mv.piece_id, m.unit, m.grams_per_unit, mv.quantity FROM material_moves mv
		JOIN materials m ON m.id = mv.material_id JOIN pieces p ON p.id = mv.piece_id
		WHERE mv.kind = 'use' AND m.category = 'clay' AND `+where+` ORDER BY mv.piece_id, mv.id`, args, func(r *sql.Rows) error {
		var u clayUse
		var m studio.Material
		var q studio.Quantity
		if err := r.Scan(&u.pieceID, &m.Unit, &m.GramsPerUnit, &q); err != nil {
			return err
		}
		u.grams, u.known = m.Grams(q)
		out = append(out, u)
		return nil
	})
	return out, err
}

// ClayModel is the studio's clay model, fitted from the clay logged on its
// finished pieces, with the number of pieces it is based on.
func (s *Store) ClayModel(ctx context.Context, studioID string) (m costing.Model, n int, err error) {
	err = s.read(ctx, func(tx *Tx) error {
		m, n, err = clayModel(ctx, tx, studioID)
		return err
	})
	return m, n, err
}

// clayModel fits the model from the finished pieces with clay logged on
// them. A piece with a use of clay of unknown weight is left out: its
// grams would be short.
func clayModel(ctx context.Context, tx *Tx, studioID string) (costing.Model, int, error) {
	uses, err := clayUses(ctx, tx, `p.studio_id = $1 AND p.stage IN `+finishedStages, studioID)
	if err != nil {
		return costing.Model{}, 0, err
	}
	grams := map[string]float64{}
	for _, u := range uses {
		switch g, seen := grams[u.pieceID]; {
		case !u.known || (seen && math.IsNaN(g)):
			grams[u.pieceID] = math.NaN()
		default:
			grams[u.pieceID] = g + u.grams
		}
	}
	var samples []costing.Sample
	err = each(ctx, tx, `SELECT id, target_height_mm, COALESCE(foil_share_pct, 0) FROM pieces WHERE studio_id = $1 AND stage IN `+finishedStages+`
		ORDER BY id`, []any{studioID}, func(r *sql.Rows) error {
		var id string
		var s costing.Sample
		if err := r.Scan(&id, &s.HeightMM, &s.FoilSharePct); err != nil {
			return err
		}
		if g, ok := grams[id]; ok && !math.IsNaN(g) {
			s.Grams = g
			samples = append(samples, s)
		}
		return nil
	})
	if err != nil {
		return costing.Model{}, 0, err
	}
	m, n := costing.FitModel(samples)
	return m, n, nil
}

// PieceClay is a piece's clay estimate and the clay logged on it.
func (s *Store) PieceClay(ctx context.Context, studioID, pieceID string) (c ClayEstimate, err error) {
	err = s.read(ctx, func(tx *Tx) error {
		p, err := pieceWhere(ctx, tx, "studio_id = $1 AND id = $2", studioID, pieceID)
		if err != nil {
			return err
		}
		if c.Model, c.FitPieces, err = clayModel(ctx, tx, studioID); err != nil {
			return err
		}
		foil := 0.0
		if p.FoilSharePct != nil {
			foil = *p.FoilSharePct
		}
		c.EstimateGrams = costing.EstimateClay(p.TargetHeightMM, foil, c.Model)
		uses, err := clayUses(ctx, tx, `p.studio_id = $1 AND p.id = $2`, studioID, pieceID)
		for _, u := range uses {
			if !u.known {
				c.UsedUnknown++
			}
			c.UsedGrams += u.grams
		}
		return err
	})
	return c, err
}

// Forecast is what a piece of the height and core share is expected to
// cost the studio, from its clay model, its clay's price and its latest
// finished pieces.
func (s *Store) Forecast(ctx context.Context, studioID string, heightMM, foilSharePct float64) (f costing.Forecast, err error) {
	err = s.read(ctx, func(tx *Tx) error {
		f, err = forecast(ctx, tx, studioID, heightMM, foilSharePct)
		return err
	})
	return f, err
}

// CommissionForecast is the forecast for a commission's piece: its
// requested height, and a solid piece, since the core is decided at the
// armature (a quote had better price too much clay than too little).
func (s *Store) CommissionForecast(ctx context.Context, studioID, commissionID string) (f costing.Forecast, err error) {
	err = s.read(ctx, func(tx *Tx) error {
		var height sql.NullFloat64
		err := tx.QueryRowContext(ctx, `SELECT target_height_mm FROM commissions WHERE studio_id = $1 AND id = $2`, studioID, commissionID).Scan(&height)
		if err == sql.ErrNoRows {
			return notFound("commission")
		}
		if err != nil {
			return err
		}
		f, err = forecast(ctx, tx, studioID, height.Float64, 0)
		return err
	})
	return f, err
}

func forecast(ctx context.Context, tx *Tx, studioID string, heightMM, foilSharePct float64) (costing.Forecast, error) {
	in := costing.ForecastInput{HeightMM: heightMM, FoilSharePct: foilSharePct}
	r, err := costingRates(ctx, tx, studioID)
	if err != nil {
		return costing.Forecast{}, err
	}
	if in.Clay, in.FitPieces, err = clayModel(ctx, tx, studioID); err != nil {
		return costing.Forecast{}, err
	}
	if in.ClayMilliCentsPerGram, err = clayPrice(ctx, tx, studioID); err != nil {
		return costing.Forecast{}, err
	}
	if in.Past, err = pastPieces(ctx, tx, studioID, r); err != nil {
		return costing.Forecast{}, err
	}
	return costing.ForecastCost(in, r)
}

// clayPrice is what a gram of the studio's clay costs on average, in
// thousandths of a cent: the items of known weight and cost, weighted by
// the grams in stock.
func clayPrice(ctx context.Context, tx *Tx, studioID string) (int64, error) {
	var stock []costing.ClayStock
	err := each(ctx, tx, `SELECT unit, grams_per_unit, quantity, average_cost_cents FROM materials
		WHERE studio_id = $1 AND category = 'clay' AND average_cost_cents > 0 ORDER BY id`, []any{studioID}, func(r *sql.Rows) error {
		var m studio.Material
		if err := r.Scan(&m.Unit, &m.GramsPerUnit, &m.Quantity, &m.AverageCostCents); err != nil {
			return err
		}
		perUnit, known := m.Grams(studio.WholeUnits(1))
		if !known || perUnit <= 0 {
			return nil
		}
		inStock, _ := m.Grams(max(m.Quantity, 0))
		stock = append(stock, costing.ClayStock{Grams: inStock, MilliCentsPerGram: int64(math.Round(float64(m.AverageCostCents) * 1000 / perUnit))})
		return nil
	})
	return costing.ClayPrice(stock), err
}

// pastPieces are the studio's latest finished pieces as a forecast learns
// from them, newest first.
func pastPieces(ctx context.Context, tx *Tx, studioID string, r costing.Rates) ([]costing.Past, error) {
	var ids []string
	err := each(ctx, tx, `SELECT id FROM pieces WHERE studio_id = $1 AND stage IN `+finishedStages+` ORDER BY updated_at DESC, id LIMIT $2`,
		[]any{studioID, costing.PastPieces}, func(r *sql.Rows) error {
			var id string
			err := r.Scan(&id)
			ids = append(ids, id)
			return err
		})
	if err != nil {
		return nil, err
	}
	out := make([]costing.Past, 0, len(ids))
	for _, id := range ids {
		parts, err := pieceParts(ctx, tx, id)
		if err != nil {
			return nil, err
		}
		b, err := costing.Cost(parts.other, nil, parts.bakes, r)
		if err != nil {
			return nil, err
		}
		p := costing.Past{OtherMaterialsCents: b.MaterialsCents, EnergyCents: b.EnergyCents}
		for _, w := range parts.work {
			p.WorkMinutes += w.Minutes
		}
		out = append(out, p)
	}
	return out, nil
}

// EditionPieceCost is the cost of one piece of an edition.
type EditionPieceCost struct {
	PieceID string
	Number  int
	Stage   studio.Stage
	costing.Breakdown
}

// EditionCost is the cost of each of an edition's pieces, by number, and
// their total.
func (s *Store) EditionCost(ctx context.Context, studioID, editionID string) (pieces []EditionPieceCost, total costing.Breakdown, err error) {
	err = s.read(ctx, func(tx *Tx) error {
		pieces = nil
		if _, err := editionWhere(ctx, tx, studioID, editionID); err != nil {
			return err
		}
		r, err := costingRates(ctx, tx, studioID)
		if err != nil {
			return err
		}
		err = each(ctx, tx, `SELECT id, COALESCE(edition_number, 0), stage FROM pieces WHERE studio_id = $1 AND edition_id = $2
			ORDER BY edition_number, id`, []any{studioID, editionID}, func(r *sql.Rows) error {
			var c EditionPieceCost
			err := r.Scan(&c.PieceID, &c.Number, &c.Stage)
			pieces = append(pieces, c)
			return err
		})
		if err != nil {
			return err
		}
		all := make([]costing.Breakdown, len(pieces))
		for i := range pieces {
			if pieces[i].Breakdown, err = pieceCost(ctx, tx, pieces[i].PieceID, r); err != nil {
				return err
			}
			all[i] = pieces[i].Breakdown
		}
		total, err = costing.Sum(all...)
		return err
	})
	return pieces, total, err
}
