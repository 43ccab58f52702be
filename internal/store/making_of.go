package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"atelier/internal/studio"
)

// MakingOf is the state of a piece's public making-of page.
type MakingOf struct {
	PieceID string
	// PublishedAt is when the artist published it; nil while private.
	PublishedAt *time.Time
	Consent     studio.MakingOfConsent
}

// Public reports whether the page shows: published, and the consent still
// holds.
func (m MakingOf) Public() bool { return studio.MakingOfPublic(m.PublishedAt, m.Consent) }

// MakingOfPage is what the public making-of page shows. Photos holds the
// shared process photos alone: nothing else of the piece's may leave the
// studio through it.
type MakingOfPage struct {
	MakingOf
	Studio    studio.Studio
	Piece     studio.Piece
	History   []PieceEvent
	Photos    []studio.Photo
	Materials []UsedMaterial
	// Serial is the piece's certificate, "" when it has none.
	Serial string
	// Unshared counts the process photos kept from sharing, which the
	// time-lapse (made from them all) would show.
	Unshared int
}

// UsedMaterial is a material the studio recorded as used for a piece.
type UsedMaterial struct {
	Name     string
	Category studio.Category
	Colour   string
	Line     string
}

// MakingOf is the making-of state of a piece of the studio.
func (s *Store) MakingOf(ctx context.Context, studioID, pieceID string) (m MakingOf, err error) {
	err = s.read(ctx, func(tx *Tx) error {
		m, err = makingOf(ctx, tx, studioID, pieceID)
		return err
	})
	return m, err
}

// PublishMakingOf publishes the piece's making-of page or withdraws it.
// Publishing without the client's consent is a conflict saying why;
// publishing again keeps the first date, so the page's age stays honest.
func (s *Store) PublishMakingOf(ctx context.Context, studioID, pieceID string, publish bool) (m MakingOf, err error) {
	err = s.write(ctx, func(tx *Tx) error {
		m, err = makingOf(ctx, tx, studioID, pieceID)
		if err != nil {
			return err
		}
		if err := studio.CheckPublishMakingOf(publish, m.Consent); err != nil {
			return err
		}
		switch {
		case !publish:
			m.PublishedAt = nil
		case m.PublishedAt == nil:
			at := tx.now
			m.PublishedAt = &at
		}
		_, err = tx.ExecContext(ctx, `UPDATE pieces SET making_of_published_at = $1 WHERE studio_id = $2 AND id = $3`,
			nullTimeArg(m.PublishedAt), studioID, pieceID)
		return err
	})
	return m, err
}

// PublicMakingOf loads the making-of page of a studio's piece, by the
// studio's slug. A piece not published, whose client has not consented
// (or took the consent back), or of another studio, is not found: the
// page's existence says nothing.
func (s *Store) PublicMakingOf(ctx context.Context, slug, pieceID string) (pg MakingOfPage, err error) {
	err = s.read(ctx, func(tx *Tx) error {
		st, err := studioWhere(ctx, tx, "slug = $1", slug)
		if err != nil {
			return err
		}
		m, err := makingOf(ctx, tx, st.ID, pieceID)
		if err != nil || !m.Public() {
			return notFound("making-of")
		}
		pg = MakingOfPage{MakingOf: m, Studio: st}
		if pg.Piece, err = pieceWhere(ctx, tx, "studio_id = $1 AND id = $2", st.ID, pieceID); err != nil {
			return err
		}
		return loadMakingOfPage(ctx, tx, &pg)
	})
	return pg, err
}

func loadMakingOfPage(ctx context.Context, tx *Tx, pg *MakingOfPage) error {
	d := PieceDetail{Piece: pg.Piece}
	if err := loadHistory(ctx, tx, &d); err != nil {
		return err
	}
	if err := loadPhotos(ctx, tx, &d); err != nil {
		return err
	}
	pg.History = d.History
	for _, ph := range d.Photos {
		switch {
		case ph.Kind != studio.ProcessPhoto:
		case ph.Shared:
			pg.Photos = append(pg.Photos, ph)
		default:
			pg.Unshared++
		}
	}
	var err error
	if pg.Materials, err = usedMaterials(ctx, tx, pg.Piece.ID); err != nil {
		return err
	}
	pg.Serial, err = certificateOfPiece(ctx, tx, pg.Piece.ID)
	return err
}

// makingOf reads the piece's publication and its commission's consent.
func makingOf(ctx context.Context, tx *Tx, studioID, pieceID string) (MakingOf, error) {
	m := MakingOf{PieceID: pieceID}
	var at sql.NullTime
	var commission sql.NullString
	var consent sql.NullBool
	err := tx.QueryRowContext(ctx, `SELECT p.making_of_published_at, p.commission_id, c.consent_show_process
		FROM pieces p LEFT JOIN commissions c ON c.id = p.commission_id AND c.studio_id = p.studio_id
		WHERE p.studio_id = $1 AND p.id = $2`, studioID, pieceID).Scan(&at, &commission, &consent)
	if errors.Is(err, sql.ErrNoRows) {
		return m, notFound("piece")
	}
	m.PublishedAt = nullTime(at)
	m.Consent = studio.MakingOfConsent{Commissioned: commission.Valid && commission.String != "", Consented: consent.Bool}
	return m, err
}

// usedMaterials are the materials taken from stock for the piece, each
// once, in the order first used.
func usedMaterials(ctx context.Context, tx *Tx, pieceID string) ([]UsedMaterial, error) {
	rows, err := tx.QueryContext(ctx, `SELECT m.name, m.category, m.colour, m.line, MIN(mv.created_at) AS first
		FROM material_moves mv JOIN materials m ON m.id = mv.material_id AND m.studio_id = mv.studio_id
		WHERE mv.piece_id = $1 AND mv.kind = $2
		GROUP BY m.id, m.name, m.category, m.colour, m.line ORDER BY first, m.name`, pieceID, studio.MoveUse)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []UsedMaterial
	for rows.Next() {
		var u UsedMaterial
		var first any
		if err := rows.Scan(&u.Name, &u.Category, &u.Colour, &u.Line, &first); err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

func nullTimeArg(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.UTC()
}
