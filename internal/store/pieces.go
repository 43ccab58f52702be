package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"atelier/internal/auth"
	"atelier/internal/studio"
)

// seedPipeline gives a studio without them the guide's checklists and the
// clay presets. A studio that has a list keeps it as it made it: an item it
// deleted does not come back.
func seedPipeline(ctx context.Context, tx *Tx, studioID string) error {
	var clays, items int
	err := tx.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM clay_brands WHERE studio_id = $1), (SELECT count(*) FROM checklist_items WHERE studio_id = $1)`, studioID).Scan(&clays, &items)
	if err != nil || (clays > 0 && items > 0) {
		return err
	}
	for _, c := range studio.DefaultClays {
		if clays > 0 {
			break
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO clay_brands (studio_id, `+clayColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING`,
			studioID, c.Key, c.Name, c.TemperatureC, c.TemperatureF, c.MinC, c.MaxC, c.MinutesPer6mm, c.MinimumMinutes)
		if err != nil {
			return err
		}
	}
	for i, it := range studio.DefaultChecklist {
		if items > 0 {
			break
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO checklist_items (studio_id, key, stage, label, required, position) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
			studioID, it.Key, it.Stage, it.Label, it.Required, i); err != nil {
			return err
		}
	}
	return nil
}

func clayKeys(ctx context.Context, tx *Tx, studioID string) ([]string, error) {
	rows, err := tx.QueryContext(ctx, `SELECT key FROM clay_brands WHERE studio_id = $1 ORDER BY key`, studioID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var keys []string
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			return nil, err
		}
		keys = append(keys, k)
	}
	return keys, rows.Err()
}

var pieceColumnList = []string{"id", "studio_id", "commission_id", "edition_id", "subject", "clay_brands", "target_height_mm",
	"max_thickness_mm", "height_mm", "width_mm", "depth_mm", "foil_share_pct", "stage", "pass", "created_at", "updated_at", "edition_number"}

var pieceColumns = strings.Join(pieceColumnList, ", ")

// pieceColumnsOf names the piece columns of a joined table alias.
func pieceColumnsOf(alias string) string {
	return alias + "." + strings.Join(pieceColumnList, ", "+alias+".")
}

func scanPiece(row interface{ Scan(...any) error }) (studio.Piece, error) {
	var p studio.Piece
	var commission, edition sql.NullString
	var brands string
	var thick, h, w, d, foil sql.NullFloat64
	var number sql.NullInt64
	err := row.Scan(&p.ID, &p.StudioID, &commission, &edition, &p.Subject, &brands, &p.TargetHeightMM, &thick, &h, &w, &d, &foil,
		&p.Stage, &p.Pass, &p.CreatedAt, &p.UpdatedAt, &number)
	p.EditionNumber = int(number.Int64)
	p.FoilSharePct = nullFloat(foil)
	p.CommissionID, p.EditionID = commission.String, edition.String
	if brands != "" {
		p.ClayBrands = strings.Split(brands, ",")
	}
	p.MaxThicknessMM, p.HeightMM, p.WidthMM, p.DepthMM = nullFloat(thick), nullFloat(h), nullFloat(w), nullFloat(d)
	p.CreatedAt, p.UpdatedAt = p.CreatedAt.UTC(), p.UpdatedAt.UTC()
	return p, err
}

func nullFloat(n sql.NullFloat64) *float64 {
	if !n.Valid {
		return nil
	}
	return &n.Float64
}

// pieceWhere loads a piece; in a write transaction it holds the piece's
// lock until the end (see the package comment).
func pieceWhere(ctx context.Context, tx *Tx, where string, args ...any) (studio.Piece, error) {
	p, err := scanPiece(tx.QueryRowContext(ctx, `SELECT `+pieceColumns+` FROM pieces WHERE `+where+tx.lock, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return p, notFound("piece")
	}
	if err == nil {
		tx.locked()
	}
	return p, err
}

// CreatePiece starts a piece at the concept stage; one of an edition takes
// the edition's next number.
func (s *Store) CreatePiece(ctx context.Context, studioID, userID string, n studio.NewPieceFields) (d PieceDetail, err error) {
	if n.EditionID != "" {
		if err := studio.TextError("edition_id", n.EditionID, studio.IDText); err != nil {
			return d, err
		}
		var over EditionPieceFields
		if strings.TrimSpace(n.Subject) != "" {
			over.Subject = &n.Subject
		}
		if n.ClayBrands != nil {
			over.ClayBrands = &n.ClayBrands
		}
		if n.TargetHeightMM != 0 {
			over.TargetHeightMM = &n.TargetHeightMM
		}
		over.MaxThicknessMM = n.MaxThicknessMM
		d, _, err = s.IssueEditionPiece(ctx, studioID, userID, n.EditionID, over)
		if studio.ErrorCode(err) == studio.NotFound {
			err = studio.FieldError("edition_id", "is not an edition of this studio")
		}
		return d, err
	}
	err = s.write(ctx, func(tx *Tx) error {
		p, err := createPiece(ctx, tx, studioID, userID, n)
		if err != nil {
			return err
		}
		d, err = pieceDetail(ctx, tx, p)
		return err
	})
	return d, err
}

func createPiece(ctx context.Context, tx *Tx, studioID, userID string, n studio.NewPieceFields) (studio.Piece, error) {
	if err := seedPipeline(ctx, tx, studioID); err != nil {
		return studio.Piece{}, err
	}
	known, err := clayKeys(ctx, tx, studioID)
	if err != nil {
		return studio.Piece{}, err
	}
	if err := n.Validate(known); err != nil {
		return studio.Piece{}, err
	}
	if n.CommissionID != "" {
		if _, err := commissionDetail(ctx, tx, "studio_id = $1 AND id = $2", studioID, n.CommissionID); err != nil {
			return studio.Piece{}, studio.FieldError("commission_id", "is not a commission of this studio")
		}
	}
	if n.EditionID != "" && n.EditionNumber == 0 {
		return studio.Piece{}, studio.FieldError("edition_id", "takes its number from the edition: add the piece to the edition instead")
	}
	p := studio.Piece{ID: auth.NewID(), StudioID: studioID, CommissionID: n.CommissionID, EditionID: n.EditionID, EditionNumber: n.EditionNumber, Subject: n.Subject,
		ClayBrands: n.ClayBrands, TargetHeightMM: n.TargetHeightMM, MaxThicknessMM: n.MaxThicknessMM, Stage: studio.Concept, Pass: 1,
		CreatedAt: tx.now, UpdatedAt: tx.now}
	var number any
	if p.EditionNumber > 0 {
		number = p.EditionNumber
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO pieces (`+pieceColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)`,
		p.ID, p.StudioID, nullString(p.CommissionID), nullString(p.EditionID), p.Subject, strings.Join(p.ClayBrands, ","), p.TargetHeightMM,
		p.MaxThicknessMM, p.HeightMM, p.WidthMM, p.DepthMM, p.FoilSharePct, p.Stage, p.Pass, p.CreatedAt, p.UpdatedAt, number)
	if isUniqueViolation(err) {
		return p, &studio.Error{Code: studio.Conflict, Message: "This commission already has its piece.", Fields: map[string]string{"commission_id": "already has a piece"}}
	}
	if err != nil {
		return p, err
	}
	return p, pieceEvent(ctx, tx, p, studio.PieceCreated, "", userID, "")
}

func pieceEvent(ctx context.Context, tx *Tx, p studio.Piece, kind studio.PieceEventKind, from studio.Stage, userID, reason string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO piece_events (id, studio_id, piece_id, kind, from_stage, to_stage, reason, user_id, at, seq)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, (SELECT COALESCE(MAX(seq), 0) + 1 FROM piece_events WHERE piece_id = $3))`,
		auth.NewID(), p.StudioID, p.ID, kind, nullString(string(from)), p.Stage, reason, nullString(userID), tx.now)
	return err
}

// Piece loads a piece of the studio with its history, logs and timers.
func (s *Store) Piece(ctx context.Context, studioID, id string) (d PieceDetail, err error) {
	err = s.read(ctx, func(tx *Tx) error {
		p, err := pieceWhere(ctx, tx, "studio_id = $1 AND id = $2", studioID, id)
		if err != nil {
			return err
		}
		d, err = pieceDetail(ctx, tx, p)
		return err
	})
	return d, err
}

// UpdatePiece changes a piece's editable fields.
func (s *Store) UpdatePiece(ctx context.Context, studioID, id string, upd studio.PieceUpdate) (d PieceDetail, err error) {
	err = s.write(ctx, func(tx *Tx) error {
		p, err := pieceWhere(ctx, tx, "studio_id = $1 AND id = $2", studioID, id)
		if err != nil {
			return err
		}
		known, err := clayKeys(ctx, tx, studioID)
		if err != nil {
			return err
		}
		if p, err = upd.Apply(p, known); err != nil {
			return err
		}
		p.UpdatedAt = tx.now
		if err := updatePiece(ctx, tx, p, upd); err != nil {
			return err
		}
		d, err = pieceDetail(ctx, tx, p)
		return err
	})
	return d, err
}

// updatePiece writes the fields the update changed, and no other.
func updatePiece(ctx context.Context, tx *Tx, p studio.Piece, upd studio.PieceUpdate) error {
	set, args := []string{}, []any{}
	for _, c := range []struct {
		changed bool
		column  string
		value   any
	}{
		{upd.Subject != nil, "subject", p.Subject},
		{upd.ClayBrands != nil, "clay_brands", strings.Join(p.ClayBrands, ",")},
		{upd.TargetHeightMM != nil, "target_height_mm", p.TargetHeightMM},
		{upd.MaxThicknessMM != nil, "max_thickness_mm", p.MaxThicknessMM},
		{upd.HeightMM != nil, "height_mm", p.HeightMM},
		{upd.WidthMM != nil, "width_mm", p.WidthMM},
		{upd.DepthMM != nil, "depth_mm", p.DepthMM},
		{upd.FoilSharePct != nil, "foil_share_pct", p.FoilSharePct},
		{true, "updated_at", p.UpdatedAt},
	} {
		if c.changed {
			args = append(args, c.value)
			set = append(set, c.column+" = $"+itoa(len(args)))
		}
	}
	args = append(args, p.ID)
	_, err := tx.ExecContext(ctx, `UPDATE pieces SET `+strings.Join(set, ", ")+` WHERE id = $`+itoa(len(args)), args...)
	return err
}

// movePiece makes a move the domain decided: the piece's new stage, the
// event, and the commission following its piece.
func movePiece(ctx context.Context, tx *Tx, p studio.Piece, m studio.PieceMove, userID string) (studio.Piece, error) {
	from := p.Stage
	p = p.Moved(m, tx.now)
	if _, err := tx.ExecContext(ctx, `UPDATE pieces SET stage = $1, pass = $2, updated_at = $3 WHERE id = $4`, p.Stage, p.Pass, p.UpdatedAt, p.ID); err != nil {
		return p, err
	}
	if err := pieceEvent(ctx, tx, p, m.Kind, from, userID, m.Reason); err != nil {
		return p, err
	}
	return p, syncCommission(ctx, tx, p, from, userID)
}

// syncCommission moves a commission as the domain says it follows its
// piece.
func syncCommission(ctx context.Context, tx *Tx, p studio.Piece, from studio.Stage, userID string) error {
	if p.CommissionID == "" {
		return nil
	}
	c, err := commissionWhere(ctx, tx, "id = $1", p.CommissionID)
	if err != nil {
		return err
	}
	to, note, ok := c.FollowPiece(from, p)
	if !ok {
		return nil
	}
	c.Status, c.UpdatedAt = to, tx.now
	if _, err := tx.ExecContext(ctx, `UPDATE commissions SET status = $1, updated_at = $2 WHERE id = $3`, c.Status, c.UpdatedAt, c.ID); err != nil {
		return err
	}
	return addEvent(ctx, tx, c, userID, note)
}

// AdvancePiece moves a piece to the next stage when the domain finds the
// current one done; otherwise it is refused with everything still open.
func (s *Store) AdvancePiece(ctx context.Context, studioID, id, userID string) (PieceDetail, error) {
	return s.moveBy(ctx, studioID, id, userID, func(tx *Tx, p studio.Piece) (studio.PieceMove, error) {
		st, before, err := studioAndDetail(ctx, tx, p)
		if err != nil {
			return studio.PieceMove{}, err
		}
		return studio.Advance(before.StageState(st, tx.now))
	})
}

// ReturnPiece sends a piece back to an earlier stage, with the reason.
func (s *Store) ReturnPiece(ctx context.Context, studioID, id, userID string, to studio.Stage, reason string) (PieceDetail, error) {
	if err := studio.CheckReturn(to, reason); err != nil {
		return PieceDetail{}, err
	}
	return s.moveBy(ctx, studioID, id, userID, func(_ *Tx, p studio.Piece) (studio.PieceMove, error) {
		return studio.Return(p, to, reason)
	})
}

// moveBy makes the move decide finds for the locked piece, and returns the
// piece's detail afterwards, in one write transaction.
func (s *Store) moveBy(ctx context.Context, studioID, id, userID string, decide func(*Tx, studio.Piece) (studio.PieceMove, error)) (d PieceDetail, err error) {
	err = s.write(ctx, func(tx *Tx) error {
		p, err := pieceWhere(ctx, tx, "studio_id = $1 AND id = $2", studioID, id)
		if err != nil {
			return err
		}
		m, err := decide(tx, p)
		if err != nil {
			return err
		}
		if p, err = movePiece(ctx, tx, p, m, userID); err != nil {
			return err
		}
		d, err = pieceDetail(ctx, tx, p)
		return err
	})
	return d, err
}

// deliverCommissionPiece delivers a commission's piece, if it has one,
// when the commission ships.
func deliverCommissionPiece(ctx context.Context, tx *Tx, commissionID, userID string) error {
	p, err := pieceWhere(ctx, tx, "commission_id = $1", commissionID)
	if studio.ErrorCode(err) == studio.NotFound {
		return nil
	}
	if err != nil {
		return err
	}
	if m, ok := p.DeliverWithCommission(); ok {
		_, err = movePiece(ctx, tx, p, m, userID)
	}
	return err
}

// PieceOfCommission finds the piece a commission made.
func (s *Store) PieceOfCommission(ctx context.Context, studioID, commissionID string) (p studio.Piece, err error) {
	err = s.read(ctx, func(tx *Tx) error {
		p, err = pieceWhere(ctx, tx, "studio_id = $1 AND commission_id = $2", studioID, commissionID)
		return err
	})
	return p, err
}
