package store

import (
	"context"
	"database/sql"
	"errors"

	"atelier/internal/costing"
	"atelier/internal/studio"
)

// CostingRates are the studio's rates for costing its pieces, in its
// currency; a studio that set none has zero rates and the default markup.
func (s *Store) CostingRates(ctx context.Context, studioID string) (r costing.Rates, err error) {
	err = s.read(ctx, func(tx *Tx) error {
		r, err = costingRates(ctx, tx, studioID)
		return err
	})
	return r, err
}

func costingRates(ctx context.Context, tx *Tx, studioID string) (r costing.Rates, err error) {
	st, err := studioWhere(ctx, tx, "id = $1", studioID)
	if err != nil {
		return r, err
	}
	r.Currency, r.Markup = st.Currency, costing.DefaultMarkup
	var rounding string
	err = tx.QueryRowContext(ctx, `SELECT hourly_rate_cents, kwh_price_milli_cents, markup, rounding FROM costing_settings WHERE studio_id = $1`, studioID).
		Scan(&r.HourlyRateCents, &r.KWhPriceMilliCents, &r.Markup, &rounding)
	if errors.Is(err, sql.ErrNoRows) {
		return r, nil
	}
	r.Rounding = costing.Rounding(rounding)
	return r, err
}

// SetCostingRates keeps the studio's rates, checked against its currency.
func (s *Store) SetCostingRates(ctx context.Context, studioID string, r costing.Rates) (costing.Rates, error) {
	err := s.write(ctx, func(tx *Tx) error {
		st, err := studioWhere(ctx, tx, "id = $1", studioID)
		if err != nil {
			return err
		}
		r.Currency = st.Currency
		if r.Markup == 0 {
			r.Markup = costing.DefaultMarkup
		}
		if err := r.Validate(); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO costing_settings (studio_id, hourly_rate_cents, kwh_price_milli_cents, markup, rounding, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (studio_id) DO UPDATE SET hourly_rate_cents = excluded.hourly_rate_cents,
			kwh_price_milli_cents = excluded.kwh_price_milli_cents, markup = excluded.markup, rounding = excluded.rounding, updated_at = excluded.updated_at`,
			studioID, r.HourlyRateCents, r.KWhPriceMilliCents, r.Markup, string(r.Rounding), tx.now)
		return err
	})
	return r, err
}

// PieceCost is a piece's cost: its parts and the suggested price.
func (s *Store) PieceCost(ctx context.Context, studioID, pieceID string) (b costing.Breakdown, err error) {
	err = s.read(ctx, func(tx *Tx) error {
		if _, err := pieceWhere(ctx, tx, "studio_id = $1 AND id = $2", studioID, pieceID); err != nil {
			return err
		}
		r, err := costingRates(ctx, tx, studioID)
		if err != nil {
			return err
		}
		b, err = pieceCost(ctx, tx, pieceID, r)
		return err
	})
	return b, err
}

// pieceLogs are what a piece's cost is made of: its work sessions, its
// bakes, and the materials used on it, clay apart from the rest.
type pieceLogs struct {
	work        []costing.Work
	bakes       []costing.Bake
	clay, other []costing.Use
}

func pieceParts(ctx context.Context, tx *Tx, pieceID string) (l pieceLogs, err error) {
	if l.work, err = pieceWork(ctx, tx, pieceID); err != nil {
		return l, err
	}
	if l.bakes, err = pieceBakes(ctx, tx, pieceID); err != nil {
		return l, err
	}
	l.clay, l.other, err = pieceUses(ctx, tx, pieceID)
	return l, err
}

// pieceCost rolls up a piece's logs at the rates.
func pieceCost(ctx context.Context, tx *Tx, pieceID string, r costing.Rates) (costing.Breakdown, error) {
	l, err := pieceParts(ctx, tx, pieceID)
	if err != nil {
		return costing.Breakdown{}, err
	}
	return costing.Cost(append(l.clay, l.other...), l.work, l.bakes, r)
}

// pieceWork is the work time logged on a piece, session by session.
func pieceWork(ctx context.Context, tx *Tx, pieceID string) ([]costing.Work, error) {
	rows, err := tx.QueryContext(ctx, `SELECT minutes FROM work_sessions WHERE piece_id = $1 AND minutes IS NOT NULL`, pieceID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []costing.Work
	for rows.Next() {
		var w costing.Work
		if err := rows.Scan(&w.Minutes); err != nil {
			return nil, err
		}
		out = append(out, w)
	}
	return out, rows.Err()
}

// pieceBakes are the finished bakes a piece was in, with the oven's power
// shared among the pieces the bake held: a batch bake's energy is paid
// once, by all of its pieces together.
func pieceBakes(ctx context.Context, tx *Tx, pieceID string) ([]costing.Bake, error) {
	rows, err := tx.QueryContext(ctx, `SELECT COALESCE(o.power_w, 0), b.minutes, (SELECT count(*) FROM bake_pieces n WHERE n.bake_id = b.id)
		FROM bake_pieces bp JOIN bakes b ON b.id = bp.bake_id JOIN ovens o ON o.id = b.oven_id
		WHERE bp.piece_id = $1 AND b.status = 'finished'`, pieceID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []costing.Bake
	for rows.Next() {
		var power, minutes, pieces int
		if err := rows.Scan(&power, &minutes, &pieces); err != nil {
			return nil, err
		}
		out = append(out, costing.Bake{PowerW: power / max(pieces, 1), Minutes: minutes})
	}
	return out, rows.Err()
}

// pieceUses are the materials used on a piece, clay and the rest, each
// valued at the item's average cost at the time of use (the average its
// move recorded), in thousandths of the unit and of a cent.
func pieceUses(ctx context.Context, tx *Tx, pieceID string) (clay, other []costing.Use, err error) {
	err = each(ctx, tx, `SELECT mv.quantity, mv.average_after, m.category FROM material_moves mv JOIN materials m ON m.id = mv.material_id
		WHERE mv.piece_id = $1 AND mv.kind = 'use' ORDER BY mv.id`, []any{pieceID}, func(r *sql.Rows) error {
		var u costing.Use
		var averageCents int64
		var category studio.Category
		if err := r.Scan(&u.QuantityMilli, &averageCents, &category); err != nil {
			return err
		}
		u.AverageCostMilliCents = averageCents * 1000
		if category == studio.CatClay {
			clay = append(clay, u)
		} else {
			other = append(other, u)
		}
		return nil
	})
	return clay, other, err
}
