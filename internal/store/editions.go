package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"atelier/internal/auth"
	"atelier/internal/studio"
)

// EditionPieceFields override an edition's defaults for one piece; nil
// keeps the edition's.
type EditionPieceFields struct {
	Subject        *string
	ClayBrands     *[]string
	TargetHeightMM *float64
	MaxThicknessMM *float64
}

// EditionDetail is an edition with the numbers it has given out.
type EditionDetail struct {
	studio.Edition
	// Pieces are the edition's pieces by number.
	Pieces []EditionPiece
}

// EditionPiece is a piece of an edition and its number.
type EditionPiece struct {
	PieceID string
	Number  int
	Subject string
	Stage   studio.Stage
}

const editionColumns = `id, studio_id, title, subject, size, size_reason, clay_brands, target_height_mm, master_id, reissue_of, issued, created_at`

func scanEdition(r interface{ Scan(...any) error }) (e studio.Edition, masterID string, err error) {
	var brands string
	var master, reissue sql.NullString
	err = r.Scan(&e.ID, &e.StudioID, &e.Title, &e.Subject, &e.Size, &e.SizeReason, &brands, &e.TargetHeightMM, &master, &reissue, &e.Issued, &e.CreatedAt)
	if brands != "" {
		e.ClayBrands = strings.Split(brands, ",")
	}
	e.ReissueOf, e.CreatedAt = reissue.String, e.CreatedAt.UTC()
	return e, master.String, err
}

// CreateEdition records an edition with its master armature and moulds.
func (s *Store) CreateEdition(ctx context.Context, studioID string, e studio.Edition) (d EditionDetail, err error) {
	err = s.write(ctx, func(tx *Tx) error {
		if err := seedPipeline(ctx, tx, studioID); err != nil {
			return err
		}
		known, err := clayKeys(ctx, tx, studioID)
		if err != nil {
			return err
		}
		if err := e.Validate(known); err != nil {
			return err
		}
		e.ID, e.StudioID, e.CreatedAt, e.Issued = auth.NewID(), studioID, tx.now, 0
		if e.Master != nil {
			e.Master.ID = auth.NewID()
			if err := insertStored(ctx, tx, "masters", studioID, e.Master); err != nil {
				return err
			}
		}
		for i := range e.Moulds {
			e.Moulds[i].ID = auth.NewID()
			if err := insertStored(ctx, tx, "moulds", studioID, &e.Moulds[i]); err != nil {
				return err
			}
		}
		if err := insertEdition(ctx, tx, e); err != nil {
			return err
		}
		d, err = editionDetail(ctx, tx, studioID, e.ID)
		return err
	})
	return d, err
}

func insertStored(ctx context.Context, tx *Tx, table, studioID string, st *studio.Stored) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO `+table+` (id, studio_id, name, location, created_at) VALUES ($1, $2, $3, $4, $5)`,
		st.ID, studioID, st.Name, st.Location, tx.now)
	return err
}

func insertEdition(ctx context.Context, tx *Tx, e studio.Edition) error {
	var master, reissue any
	if e.Master != nil {
		master = e.Master.ID
	}
	if e.ReissueOf != "" {
		reissue = e.ReissueOf
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO editions (`+editionColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
		e.ID, e.StudioID, e.Title, e.Subject, e.Size, e.SizeReason, strings.Join(e.ClayBrands, ","), e.TargetHeightMM, master, reissue, e.Issued, e.CreatedAt)
	if err != nil {
		return err
	}
	for _, m := range e.Moulds {
		if _, err := tx.ExecContext(ctx, `INSERT INTO edition_moulds (edition_id, studio_id, mould_id) VALUES ($1, $2, $3)`, e.ID, e.StudioID, m.ID); err != nil {
			return err
		}
	}
	return logEdition(ctx, tx, e)
}

// editionWhere loads one of the studio's editions with its master and
// moulds, holding its lock in a write: the edition's row is the counter
// its numbers are decided from.
func editionWhere(ctx context.Context, tx *Tx, studioID, id string) (studio.Edition, error) {
	e, masterID, err := scanEdition(tx.QueryRowContext(ctx, `SELECT `+editionColumns+` FROM editions WHERE studio_id = $1 AND id = $2`+tx.lock, studioID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return e, notFound("edition")
	}
	if err != nil {
		return e, err
	}
	tx.locked()
	if masterID != "" {
		var m studio.Stored
		err := tx.QueryRowContext(ctx, `SELECT id, name, location FROM masters WHERE id = $1`, masterID).Scan(&m.ID, &m.Name, &m.Location)
		if err != nil {
			return e, err
		}
		e.Master = &m
	}
	err = each(ctx, tx, `SELECT m.id, m.name, m.location FROM edition_moulds em JOIN moulds m ON m.id = em.mould_id
		WHERE em.edition_id = $1 ORDER BY m.created_at, m.id`, []any{e.ID}, func(r *sql.Rows) error {
		var m studio.Stored
		err := r.Scan(&m.ID, &m.Name, &m.Location)
		e.Moulds = append(e.Moulds, m)
		return err
	})
	return e, err
}

func editionDetail(ctx context.Context, tx *Tx, studioID, id string) (d EditionDetail, err error) {
	if d.Edition, err = editionWhere(ctx, tx, studioID, id); err != nil {
		return d, err
	}
	err = each(ctx, tx, `SELECT id, edition_number, subject, stage FROM pieces WHERE edition_id = $1 ORDER BY edition_number`, []any{id}, func(r *sql.Rows) error {
		var p EditionPiece
		var n sql.NullInt64
		err := r.Scan(&p.PieceID, &n, &p.Subject, &p.Stage)
		p.Number = int(n.Int64)
		d.Pieces = append(d.Pieces, p)
		return err
	})
	return d, err
}

// Edition loads one of the studio's editions.
func (s *Store) Edition(ctx context.Context, studioID, id string) (d EditionDetail, err error) {
	err = s.read(ctx, func(tx *Tx) error {
		d, err = editionDetail(ctx, tx, studioID, id)
		return err
	})
	return d, err
}

// Editions lists the studio's editions, the latest first.
func (s *Store) Editions(ctx context.Context, studioID string) (out []EditionDetail, err error) {
	err = s.read(ctx, func(tx *Tx) error {
		var ids []string
		err := each(ctx, tx, `SELECT id FROM editions WHERE studio_id = $1 ORDER BY created_at DESC, id`, []any{studioID}, func(r *sql.Rows) error {
			ids = append(ids, "")
			return r.Scan(&ids[len(ids)-1])
		})
		for _, id := range ids {
			d, err := editionDetail(ctx, tx, studioID, id)
			if err != nil {
				return err
			}
			out = append(out, d)
		}
		return err
	})
	return out, err
}

// IssueEditionPiece starts the next piece of an edition with its number
// (the piece's EditionNumber), and returns it with the edition it joined.
// The edition's row is locked and its counter raised in the same
// transaction, and the number is unique per edition: numbers run 1..size,
// each once, however many requests and instances ask at once.
func (s *Store) IssueEditionPiece(ctx context.Context, studioID, userID, editionID string, over EditionPieceFields) (d PieceDetail, e studio.Edition, err error) {
	err = s.write(ctx, func(tx *Tx) error {
		if e, err = editionWhere(ctx, tx, studioID, editionID); err != nil {
			return err
		}
		number, err := e.Next()
		if err != nil {
			return err
		}
		n := studio.NewPieceFields{Subject: e.Subject, EditionID: e.ID, EditionNumber: number, ClayBrands: e.ClayBrands,
			TargetHeightMM: e.TargetHeightMM, MaxThicknessMM: over.MaxThicknessMM}
		if over.Subject != nil {
			n.Subject = *over.Subject
		}
		if over.ClayBrands != nil {
			n.ClayBrands = *over.ClayBrands
		}
		if over.TargetHeightMM != nil {
			n.TargetHeightMM = *over.TargetHeightMM
		}
		p, err := createPiece(ctx, tx, studioID, userID, n)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE editions SET issued = $1 WHERE id = $2`, number, e.ID); err != nil {
			return err
		}
		e.Issued = number
		d, err = pieceDetail(ctx, tx, p)
		return err
	})
	return d, e, err
}

// ReissueEdition starts a new edition from the same master and moulds as
// an earlier one, linked to it.
func (s *Store) ReissueEdition(ctx context.Context, studioID, id string, size int, reason string) (d EditionDetail, err error) {
	err = s.write(ctx, func(tx *Tx) error {
		old, err := editionWhere(ctx, tx, studioID, id)
		if err != nil {
			return err
		}
		if size == 0 {
			size, reason = old.Size, old.SizeReason
		}
		e := old.Reissue(size, reason)
		known, err := clayKeys(ctx, tx, studioID)
		if err != nil {
			return err
		}
		if err := e.Validate(known); err != nil {
			return err
		}
		e.ID, e.CreatedAt = auth.NewID(), tx.now
		if err := insertEdition(ctx, tx, e); err != nil {
			return err
		}
		d, err = editionDetail(ctx, tx, studioID, e.ID)
		return err
	})
	return d, err
}

// RegistryEntry is a master armature or mould, where it is kept, and the
// editions cast from it.
type RegistryEntry struct {
	Kind string // "master" or "mould"
	studio.Stored
	Editions []string // titles, oldest first
}

// Registry lists the studio's masters and moulds with the editions that
// used each.
func (s *Store) Registry(ctx context.Context, studioID string) (out []RegistryEntry, err error) {
	err = s.read(ctx, func(tx *Tx) error {
		for _, q := range []struct{ kind, sql string }{
			{"master", `SELECT m.id, m.name, m.location, e.title FROM masters m LEFT JOIN editions e ON e.master_id = m.id
				WHERE m.studio_id = $1 ORDER BY m.name, m.id, e.created_at`},
			{"mould", `SELECT m.id, m.name, m.location, e.title FROM moulds m LEFT JOIN edition_moulds em ON em.mould_id = m.id
				LEFT JOIN editions e ON e.id = em.edition_id WHERE m.studio_id = $1 ORDER BY m.name, m.id, e.created_at`},
		} {
			err := each(ctx, tx, q.sql, []any{studioID}, func(r *sql.Rows) error {
				var st studio.Stored
				var title sql.NullString
				if err := r.Scan(&st.ID, &st.Name, &st.Location, &title); err != nil {
					return err
				}
				if n := len(out); n == 0 || out[n-1].ID != st.ID {
					out = append(out, RegistryEntry{Kind: q.kind, Stored: st})
				}
				if title.Valid {
					out[len(out)-1].Editions = append(out[len(out)-1].Editions, title.String)
				}
				return nil
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
	return out, err
}
