package store

import (
	"context"
	"database/sql"
	"errors"

	"atelier/internal/auth"
	"atelier/internal/studio"
)

const materialColumns = `id, studio_id, name, category, unit, quantity, unit_cost_cents, average_cost_cents, reorder_level,
	supplier, notes, colour, line, created_at, updated_at, grams_per_unit`

func scanMaterial(r interface{ Scan(...any) error }) (m studio.Material, err error) {
	err = r.Scan(&m.ID, &m.StudioID, &m.Name, &m.Category, &m.Unit, &m.Quantity, &m.UnitCostCents, &m.AverageCostCents, &m.ReorderLevel,
		&m.Supplier, &m.Notes, &m.Colour, &m.Line, &m.CreatedAt, &m.UpdatedAt, &m.GramsPerUnit)
	m.CreatedAt, m.UpdatedAt = m.CreatedAt.UTC(), m.UpdatedAt.UTC()
	return m, err
}

// materialWhere loads one of the studio's items; in a write it holds the
// item's lock until the end: the item's row is the counter its stock is
// decided from.
func materialWhere(ctx context.Context, tx *Tx, studioID, id string) (studio.Material, error) {
	m, err := scanMaterial(tx.QueryRowContext(ctx, `SELECT `+materialColumns+` FROM materials WHERE studio_id = $1 AND id = $2`+tx.lock, studioID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return m, notFound("material")
	}
	if err == nil {
		tx.locked()
	}
	return m, err
}

// NegativeStockAllowed reports whether the studio lets stock fall below
// zero.
func (s *Store) NegativeStockAllowed(ctx context.Context, studioID string) (allowed bool, err error) {
	err = s.read(ctx, func(tx *Tx) error {
		allowed, err = negativeAllowed(ctx, tx, studioID)
		return err
	})
	return allowed, err
}

func negativeAllowed(ctx context.Context, tx *Tx, studioID string) (bool, error) {
	var allowed bool
	err := tx.QueryRowContext(ctx, `SELECT allow_negative_stock FROM material_settings WHERE studio_id = $1`, studioID).Scan(&allowed)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return allowed, err
}

// SetNegativeStockAllowed switches the check that refuses a use over stock
// off (allowed) or on.
func (s *Store) SetNegativeStockAllowed(ctx context.Context, studioID string, allowed bool) error {
	return s.write(ctx, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO material_settings (studio_id, allow_negative_stock, updated_at) VALUES ($1, $2, $3)
			ON CONFLICT (studio_id) DO UPDATE SET allow_negative_stock = excluded.allow_negative_stock, updated_at = excluded.updated_at`,
			studioID, allowed, tx.now)
		return err
	})
}

// CreateMaterial adds an item to the inventory. Its opening stock is the
// item's first move, an adjustment, at its unit cost.
func (s *Store) CreateMaterial(ctx context.Context, studioID, userID string, m studio.Material) (out studio.Material, err error) {
	err = s.write(ctx, func(tx *Tx) error {
		out, err = createMaterial(ctx, tx, studioID, userID, m)
		return err
	})
	return out, err
}

func createMaterial(ctx context.Context, tx *Tx, studioID, userID string, m studio.Material) (studio.Material, error) {
	if err := m.Validate(false); err != nil {
		return m, err
	}
	if err := nameFree(ctx, tx, studioID, "", m.Name); err != nil {
		return m, err
	}
	m.ID, m.StudioID, m.CreatedAt, m.UpdatedAt = auth.NewID(), studioID, tx.now, tx.now
	m.AverageCostCents = m.UnitCostCents
	_, err := tx.ExecContext(ctx, `INSERT INTO materials (`+materialColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
		m.ID, m.StudioID, m.Name, m.Category, m.Unit, m.Quantity, m.UnitCostCents, m.AverageCostCents, m.ReorderLevel,
		m.Supplier, m.Notes, m.Colour, m.Line, m.CreatedAt, m.UpdatedAt, m.GramsPerUnit)
	if err != nil || m.Quantity == 0 {
		return m, err
	}
	opening := studio.StockMove{Kind: studio.MoveAdjustment, Quantity: m.Quantity, Reason: "Opening stock", UserID: userID}
	return m, insertMove(ctx, tx, m, &opening)
}

// nameFree refuses a name another of the studio's items has.
func nameFree(ctx context.Context, tx *Tx, studioID, id, name string) error {
	var n int
	err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM materials WHERE studio_id = $1 AND name = $2 AND id <> $3`, studioID, name, id).Scan(&n)
	if err == nil && n > 0 {
		return &studio.Error{Code: studio.Conflict, Message: "The inventory has an item named " + studio.Quote(name) + " already.",
			Fields: map[string]string{"name": "is taken by another item"}}
	}
	return err
}

// LoadStarterMaterials adds the guide's starter list to the inventory,
// leaving out the items the studio has by name already; it returns the
// items added.
func (s *Store) LoadStarterMaterials(ctx context.Context, studioID, userID string) (added []studio.Material, err error) {
	err = s.write(ctx, func(tx *Tx) error {
		added = nil
		for _, m := range studio.StarterMaterials() {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM materials WHERE studio_id = $1 AND name = $2`, studioID, m.Name).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				continue
			}
			m, err := createMaterial(ctx, tx, studioID, userID, m)
			if err != nil {
				return err
			}
			added = append(added, m)
		}
		return nil
	})
	return added, err
}

// Material loads one of the studio's items.
func (s *Store) Material(ctx context.Context, studioID, id string) (m studio.Material, err error) {
	err = s.read(ctx, func(tx *Tx) error {
		m, err = materialWhere(ctx, tx, studioID, id)
		return err
	})
	return m, err
}

// Materials lists the studio's inventory by category, then name.
func (s *Store) Materials(ctx context.Context, studioID string) (out []studio.Material, err error) {
	err = s.read(ctx, func(tx *Tx) error {
		out = nil
		return each(ctx, tx, `SELECT `+materialColumns+` FROM materials WHERE studio_id = $1 ORDER BY category, name, id`, []any{studioID},
			func(r *sql.Rows) error {
				m, err := scanMaterial(r)
				out = append(out, m)
				return err
			})
	})
	return out, err
}

// ReorderMaterials lists the studio's items at or below their reorder
// level (studio.Material.Reorder), by category, then name: what the
// dashboard and the daily digest ask the studio to buy.
func (s *Store) ReorderMaterials(ctx context.Context, studioID string) (out []studio.Material, err error) {
	err = s.read(ctx, func(tx *Tx) error {
		out = nil
		return each(ctx, tx, `SELECT `+materialColumns+` FROM materials WHERE studio_id = $1 AND reorder_level > 0 AND quantity <= reorder_level
			ORDER BY category, name, id`, []any{studioID},
			func(r *sql.Rows) error {
				m, err := scanMaterial(r)
				out = append(out, m)
				return err
			})
	})
	return out, err
}

// UpdateMaterial changes an item's fields; its stock changes only by moves.
func (s *Store) UpdateMaterial(ctx context.Context, studioID, id string, upd studio.MaterialUpdate) (m studio.Material, err error) {
	err = s.write(ctx, func(tx *Tx) error {
		if m, err = materialWhere(ctx, tx, studioID, id); err != nil {
			return err
		}
		if m, err = upd.Apply(m); err != nil {
			return err
		}
		if err := nameFree(ctx, tx, studioID, id, m.Name); err != nil {
			return err
		}
		m.UpdatedAt = tx.now
		_, err = tx.ExecContext(ctx, `UPDATE materials SET name = $1, category = $2, unit = $3, unit_cost_cents = $4, reorder_level = $5,
			supplier = $6, notes = $7, colour = $8, line = $9, updated_at = $10, grams_per_unit = $11 WHERE studio_id = $12 AND id = $13`,
			m.Name, m.Category, m.Unit, m.UnitCostCents, m.ReorderLevel, m.Supplier, m.Notes, m.Colour, m.Line, m.UpdatedAt, m.GramsPerUnit,
			studioID, id)
		return err
	})
	return m, err
}

// DeleteMaterial removes an item and its history. An item that went into a
// piece is kept: its uses are part of what the piece cost.
func (s *Store) DeleteMaterial(ctx context.Context, studioID, id string) error {
	return s.write(ctx, func(tx *Tx) error {
		if _, err := materialWhere(ctx, tx, studioID, id); err != nil {
			return err
		}
		var uses int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM material_moves WHERE material_id = $1 AND piece_id IS NOT NULL`, id).Scan(&uses); err != nil {
			return err
		}
		if uses > 0 {
			return studio.Errorf(studio.Conflict, "This item went into %d pieces' records; it cannot be deleted.", uses)
		}
		_, err := tx.ExecContext(ctx, `DELETE FROM materials WHERE studio_id = $1 AND id = $2`, studioID, id)
		return err
	})
}

// AddMove records a stock move. Under the item's lock it checks the stock,
// moves the average cost and inserts the move, so two uses of the last
// unit cannot both succeed.
func (s *Store) AddMove(ctx context.Context, studioID, userID, materialID string, mv studio.StockMove) (m studio.Material, out studio.StockMove, err error) {
	err = s.write(ctx, func(tx *Tx) error {
		if m, err = materialWhere(ctx, tx, studioID, materialID); err != nil {
			return err
		}
		if err := mv.Validate(m.Unit); err != nil {
			return err
		}
		if err := pieceExists(ctx, tx, studioID, mv.PieceID); err != nil {
			return err
		}
		allowed, err := negativeAllowed(ctx, tx, studioID)
		if err != nil {
			return err
		}
		if m, err = studio.ApplyMove(m, mv, allowed); err != nil {
			return err
		}
		m.UpdatedAt = tx.now
		if _, err := tx.ExecContext(ctx, `UPDATE materials SET quantity = $1, unit_cost_cents = $2, average_cost_cents = $3, updated_at = $4
			WHERE studio_id = $5 AND id = $6`, m.Quantity, m.UnitCostCents, m.AverageCostCents, m.UpdatedAt, studioID, m.ID); err != nil {
			return err
		}
		mv.UserID = userID
		if err := insertMove(ctx, tx, m, &mv); err != nil {
			return err
		}
		out = mv
		return nil
	})
	return m, out, err
}

// pieceExists refuses a piece the studio does not have. It takes no lock
// on the piece: the item's lock is the one a move decides under.
func pieceExists(ctx context.Context, tx *Tx, studioID, pieceID string) error {
	if pieceID == "" {
		return nil
	}
	var n int
	err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM pieces WHERE studio_id = $1 AND id = $2`, studioID, pieceID).Scan(&n)
	if err == nil && n == 0 {
		return notFound("piece")
	}
	return err
}

// insertMove records mv against m, whose figures are those after the move,
// as the item's next numbered move.
func insertMove(ctx context.Context, tx *Tx, m studio.Material, mv *studio.StockMove) error {
	if err := tx.QueryRowContext(ctx, `UPDATE materials SET move_count = move_count + 1 WHERE studio_id = $1 AND id = $2 RETURNING move_count`,
		m.StudioID, m.ID).Scan(&mv.Seq); err != nil {
		return err
	}
	mv.ID, mv.StudioID, mv.MaterialID, mv.CreatedAt = auth.NewID(), m.StudioID, m.ID, tx.now
	mv.QuantityAfter, mv.AverageAfter = m.Quantity, m.AverageCostCents
	var piece any
	if mv.PieceID != "" {
		piece = mv.PieceID
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO material_moves (`+moveColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
		mv.ID, mv.StudioID, mv.MaterialID, mv.Seq, mv.Kind, mv.Quantity, mv.UnitCostCents, piece, mv.Reason, mv.QuantityAfter, mv.AverageAfter,
		mv.UserID, mv.CreatedAt)
	return err
}

const moveColumns = `id, studio_id, material_id, seq, kind, quantity, unit_cost_cents, piece_id, reason, quantity_after, average_after,
	user_id, created_at`

func scanMove(r interface{ Scan(...any) error }) (mv studio.StockMove, err error) {
	var piece sql.NullString
	err = r.Scan(&mv.ID, &mv.StudioID, &mv.MaterialID, &mv.Seq, &mv.Kind, &mv.Quantity, &mv.UnitCostCents, &piece, &mv.Reason,
		&mv.QuantityAfter, &mv.AverageAfter, &mv.UserID, &mv.CreatedAt)
	mv.PieceID, mv.CreatedAt = piece.String, mv.CreatedAt.UTC()
	return mv, err
}

// MaterialMoves is the history of one of the studio's items, oldest first.
func (s *Store) MaterialMoves(ctx context.Context, studioID, materialID string) (out []studio.StockMove, err error) {
	err = s.read(ctx, func(tx *Tx) error {
		if _, err := materialWhere(ctx, tx, studioID, materialID); err != nil {
			return err
		}
		out, err = moves(ctx, tx, `studio_id = $1 AND material_id = $2`, studioID, materialID)
		return err
	})
	return out, err
}

// AllMaterialMoves is the history of the whole inventory, item by item,
// each oldest first: the rows of the moves export.
func (s *Store) AllMaterialMoves(ctx context.Context, studioID string) (out []studio.StockMove, err error) {
	err = s.read(ctx, func(tx *Tx) error {
		out, err = moves(ctx, tx, `studio_id = $1`, studioID)
		return err
	})
	return out, err
}

func moves(ctx context.Context, tx *Tx, where string, args ...any) (out []studio.StockMove, err error) {
	err = each(ctx, tx, `SELECT `+moveColumns+` FROM material_moves WHERE `+where+` ORDER BY material_id, seq`, args, func(r *sql.Rows) error {
		mv, err := scanMove(r)
		out = append(out, mv)
		return err
	})
	return out, err
}
