package store

import (
	"context"
	"database/sql"

	"atelier/internal/studio"
)

// BoardCard is a piece on the board: where it is, what it waits on, and
// whether it is late against its commission's promised date.
type BoardCard struct {
	studio.Piece
	PromisedDate     string
	CommissionStatus studio.CommissionStatus
	ClientName       string
	// Timers are the open timers, soonest first.
	Timers []Timer
	// WaitsOn says in words what the piece waits for, if anything.
	WaitsOn string
	Late    bool
}

// BoardColumn is one stage of the board.
type BoardColumn struct {
	Stage studio.Stage
	Cards []BoardCard
}

// Board lays out the studio's pieces by stage, delivered ones left out.
func (s *Store) Board(ctx context.Context, studioID string) (cols []BoardColumn, err error) {
	err = s.read(ctx, func(tx *Tx) error {
		st, err := studioWhere(ctx, tx, "id = $1", studioID)
		if err != nil {
			return err
		}
		byStage := map[studio.Stage][]BoardCard{}
		err = activeCards(ctx, tx, studioID, st.Today(tx.now), func(card BoardCard) error {
			byStage[card.Stage] = append(byStage[card.Stage], card)
			return nil
		})
		for _, stage := range studio.Stages[:len(studio.Stages)-1] {
			cols = append(cols, BoardColumn{Stage: stage, Cards: byStage[stage]})
		}
		return err
	})
	return cols, err
}

// activeCards hands fn each piece not yet delivered, oldest change first,
// with its open timers, what it waits on and whether it is late (today is
// the studio's date): the board and the Today view read the same cards.
func activeCards(ctx context.Context, tx *Tx, studioID, today string, fn func(BoardCard) error) error {
	timers, err := openTimers(ctx, tx, studioID)
	if err != nil {
		return err
	}
	return each(ctx, tx, `SELECT `+pieceColumnsOf("p")+`, c.promised_date, c.status, c.contact_name
		FROM pieces p LEFT JOIN commissions c ON c.id = p.commission_id
		WHERE p.studio_id = $1 AND p.stage <> 'delivered' ORDER BY p.updated_at, p.id`, []any{studioID}, func(r *sql.Rows) error {
		card, err := scanCard(r)
		if err != nil {
			return err
		}
		card.Timers = timers[card.ID]
		card.WaitsOn = studio.WaitsOn(card.Piece, card.Timers, card.CommissionStatus, tx.now)
		card.Late = studio.Late(card.Piece, card.PromisedDate, today)
		return fn(card)
	})
}

func scanCard(r *sql.Rows) (BoardCard, error) {
	var c BoardCard
	var promised, status, client sql.NullString
	p, err := scanPiece(scanTail{r, []any{&promised, &status, &client}})
	c.Piece, c.PromisedDate, c.CommissionStatus, c.ClientName = p, promised.String, studio.CommissionStatus(status.String), client.String
	return c, err
}

// scanTail scans a row whose leading columns another scanner reads.
type scanTail struct {
	r    *sql.Rows
	tail []any
}

func (s scanTail) Scan(dest ...any) error { return s.r.Scan(append(dest, s.tail...)...) }

func openTimers(ctx context.Context, tx *Tx, studioID string) (map[string][]Timer, error) {
	out := map[string][]Timer{}
	err := each(ctx, tx, `SELECT id, piece_id, kind, label, due_at, fired_at FROM timers WHERE studio_id = $1 AND fired_at IS NULL ORDER BY due_at`, []any{studioID}, func(r *sql.Rows) error {
		t, err := scanTimer(r)
		out[t.PieceID] = append(out[t.PieceID], t)
		return err
	})
	return out, err
}
