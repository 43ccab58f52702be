package store

import (
	"context"
	"database/sql"
	"errors"

	"atelier/internal/costing"
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
		work, err := pieceWork(ctx, tx, pieceID)
		if err != nil {
			return err
		}
		bakes, err := pieceBakes(ctx, tx, pieceID)
		if err != nil {
			return err
		}
		uses, err := pieceUses(ctx, tx, pieceID)
		if err != nil {
			return err
		}
		b, err = costing.Cost(uses, work, bakes, r)
		return err
	})
	return b, err
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

// pieceUses are the materials used on a piece, each valued at the item's
// average cost at the time of use (the average its move recorded), in
// thousandths of the unit and of a cent.
func pieceUses(ctx context.Context, tx *Tx, pieceID string) ([]costing.Use, error) {
	rows, err := tx.QueryContext(ctx, `SELECT quantity, average_after FROM material_moves WHERE piece_id = $1 AND kind = 'use'`, pieceID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []costing.Use
	for rows.Next() {
		var u costing.Use
		var averageCents int64
		if err := rows.Scan(&u.QuantityMilli, &averageCents); err != nil {
			return nil, err
		}
		u.AverageCostMilliCents = averageCents * 1000
		out = append(out, u)
	}
	return out, rows.Err()
}
