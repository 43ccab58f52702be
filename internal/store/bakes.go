package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"atelier/internal/auth"
	"atelier/internal/cure"
	"atelier/internal/studio"
)

// NewBake is a bake to plan: an oven and the pieces in it; with both
// times, a bake logged afterwards.
type NewBake struct {
	OvenID     string
	PieceIDs   []string
	StartedAt  *time.Time
	FinishedAt *time.Time
}

// Timer kinds of a bake.
const (
	TimerBakeDone = "bake_done"
	TimerCoolDown = "cool_down"
)

const bakeColumns = `id, studio_id, oven_id, status, target_c, target_f, min_c, dial_c, minutes, started_at, finished_at, created_at`

func scanBake(r interface{ Scan(...any) error }) (studio.Bake, error) {
	var b studio.Bake
	var started, finished sql.NullTime
	err := r.Scan(&b.ID, &b.StudioID, &b.OvenID, &b.Status, &b.TargetC, &b.TargetF, &b.MinC, &b.DialC, &b.Minutes, &started, &finished, &b.CreatedAt)
	b.StartedAt, b.FinishedAt, b.CreatedAt = nullTime(started), nullTime(finished), b.CreatedAt.UTC()
	return b, err
}

// PlanBake plans a bake of pieces in an oven: the one temperature all
// their clays accept, the longest of their cure times, and the dial
// setting the oven's calibration asks for. A bake logged afterwards is
// finished at once, its cool-down counted from its end.
func (s *Store) PlanBake(ctx context.Context, studioID, userID string, n NewBake) (b studio.Bake, err error) {
	if err := checkNewBake(n); err != nil {
		return b, err
	}
	err = s.write(ctx, func(tx *Tx) error {
		ids := slices.Sorted(slices.Values(n.PieceIDs)) // one lock order
		var pieces []studio.Piece
		for _, id := range ids {
			p, err := pieceWhere(ctx, tx, "studio_id = $1 AND id = $2", studioID, id)
			if err != nil {
				return err
			}
			pieces = append(pieces, p)
		}
		oven, err := ovenDetail(ctx, tx, studioID, n.OvenID)
		if err != nil {
			return err
		}
		clays, err := claysOf(ctx, tx, studioID)
		if err != nil {
			return err
		}
		b, err = planBake(pieces, clays, oven, tx.now)
		if err != nil {
			return err
		}
		b.ID, b.StudioID, b.OvenID = auth.NewID(), studioID, oven.ID
		if n.StartedAt == nil {
			if err := notBaking(ctx, tx, b.Pieces, b.ID); err != nil {
				return err
			}
		} else {
			if b, err = b.Logged(n.StartedAt.UTC().Truncate(time.Microsecond), n.FinishedAt.UTC().Truncate(time.Microsecond), tx.now); err != nil {
				return err
			}
		}
		if err := insertBake(ctx, tx, b, userID); err != nil {
			return err
		}
		if b.Status == studio.BakeFinished {
			if err := s.bakeTimers(ctx, tx, b, TimerCoolDown, "Cool-down over", *b.CooledAt()); err != nil {
				return err
			}
		}
		b, err = bakeDetail(ctx, tx, studioID, b.ID)
		return err
	})
	return b, err
}

func checkNewBake(n NewBake) error {
	f := studio.Fields{}
	if n.OvenID == "" {
		f.Add("oven_id", "is required")
	}
	switch {
	case len(n.PieceIDs) == 0:
		f.Add("piece_ids", "name at least one piece to bake")
	case len(n.PieceIDs) > 200:
		f.Add("piece_ids", "name at most 200 pieces")
	case len(slices.Compact(slices.Sorted(slices.Values(n.PieceIDs)))) != len(n.PieceIDs):
		f.Add("piece_ids", "names a piece twice")
	}
	if (n.StartedAt == nil) != (n.FinishedAt == nil) {
		f.Add("finished_at", "a bake logged afterwards needs both started_at and finished_at")
	}
	return f.Err()
}

// notBaking refuses pieces that are in the oven: in a running bake other
// than except. A bake planned and never started holds nothing back.
func notBaking(ctx context.Context, tx *Tx, pieces []studio.BakePiece, except string) error {
	for _, p := range pieces {
		var n int
		err := tx.QueryRowContext(ctx, `SELECT count(*) FROM bake_pieces bp JOIN bakes b ON b.id = bp.bake_id
			WHERE bp.piece_id = $1 AND b.status = 'running' AND b.id <> $2`, p.PieceID, except).Scan(&n)
		if err != nil {
			return err
		}
		if n > 0 {
			return &studio.Error{Code: studio.Conflict, Message: fmt.Sprintf("%s is in the oven already, in a running bake; finish that bake first.", p.Subject),
				Fields: map[string]string{"piece_ids": p.Subject + " is in a running bake"}}
		}
	}
	return nil
}

// planBake decides the bake's figures from the pieces' clays and
// thicknesses and the oven's calibration.
func planBake(pieces []studio.Piece, clays []studio.Clay, oven OvenDetail, now time.Time) (studio.Bake, error) {
	b := studio.Bake{Status: studio.BakePlanned, CreatedAt: now}
	var all []studio.Clay
	for _, p := range pieces {
		bp, pieceClays, err := bakePiece(p, clays)
		if err != nil {
			return b, err
		}
		for _, c := range pieceClays {
			if !slices.ContainsFunc(all, func(x studio.Clay) bool { return x.Key == c.Key }) {
				all = append(all, c)
			}
		}
		b.Pieces = append(b.Pieces, bp)
	}
	batch, err := cure.ChooseBatch(all)
	if err != nil {
		return b, err
	}
	for _, bp := range b.Pieces {
		b.Minutes = max(b.Minutes, bp.Minutes)
	}
	b.TargetC, b.TargetF, b.MinC = batch.TargetC, batch.TargetF, batch.MinC
	b.DialC = oven.Calibration.Dial(float64(batch.TargetC))
	return b, nil
}

// bakePiece is a piece's part of a bake: its clays and its own cure time,
// the longest of its clays'.
func bakePiece(p studio.Piece, clays []studio.Clay) (studio.BakePiece, []studio.Clay, error) {
	bp := studio.BakePiece{PieceID: p.ID, Subject: p.Subject, Clays: p.ClayBrands, Pass: p.Pass}
	switch {
	case len(p.ClayBrands) == 0:
		return bp, nil, studio.FieldError("piece_ids", p.Subject+": record which clays it is made of first")
	case p.MaxThicknessMM == nil:
		return bp, nil, studio.FieldError("piece_ids", p.Subject+": measure its maximum thickness first; the bake time depends on it")
	}
	bp.ThicknessMM = *p.MaxThicknessMM
	var used []studio.Clay
	for _, key := range p.ClayBrands {
		i := slices.IndexFunc(clays, func(c studio.Clay) bool { return c.Key == key })
		if i < 0 {
			return bp, nil, studio.FieldError("piece_ids", fmt.Sprintf("%s: the clay %q is not one of the studio's", p.Subject, key))
		}
		used = append(used, clays[i])
		if clays[i].Known() {
			bp.Minutes = max(bp.Minutes, cure.Minutes(clays[i].Baking, bp.ThicknessMM))
		}
	}
	return bp, used, nil
}

func insertBake(ctx context.Context, tx *Tx, b studio.Bake, userID string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO bakes (`+bakeColumns+`, user_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
		b.ID, b.StudioID, b.OvenID, b.Status, b.TargetC, b.TargetF, b.MinC, b.DialC, b.Minutes, b.StartedAt, b.FinishedAt, b.CreatedAt, nullString(userID))
	if err != nil {
		return err
	}
	for _, p := range b.Pieces {
		_, err := tx.ExecContext(ctx, `INSERT INTO bake_pieces (bake_id, studio_id, piece_id, clays, thickness_mm, minutes, pass) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			b.ID, b.StudioID, p.PieceID, strings.Join(p.Clays, ","), p.ThicknessMM, p.Minutes, p.Pass)
		if err != nil {
			return err
		}
	}
	return nil
}

// bakeWhere loads one of the studio's bakes, holding its lock in a write.
func bakeWhere(ctx context.Context, tx *Tx, studioID, id string) (studio.Bake, error) {
	b, err := scanBake(tx.QueryRowContext(ctx, `SELECT `+bakeColumns+` FROM bakes WHERE studio_id = $1 AND id = $2`+tx.lock, studioID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return b, notFound("bake")
	}
	if err == nil {
		tx.locked()
	}
	return b, err
}

func bakeDetail(ctx context.Context, tx *Tx, studioID, id string) (studio.Bake, error) {
	b, err := bakeWhere(ctx, tx, studioID, id)
	if err != nil {
		return b, err
	}
	return b, loadBakeParts(ctx, tx, &b)
}

func loadBakeParts(ctx context.Context, tx *Tx, b *studio.Bake) error {
	b.Pieces, b.Readings = nil, nil
	err := each(ctx, tx, `SELECT bp.piece_id, p.subject, bp.clays, bp.thickness_mm, bp.minutes, bp.pass FROM bake_pieces bp
		JOIN pieces p ON p.id = bp.piece_id WHERE bp.bake_id = $1 ORDER BY p.subject, p.id`, []any{b.ID}, func(r *sql.Rows) error {
		var bp studio.BakePiece
		var clays string
		err := r.Scan(&bp.PieceID, &bp.Subject, &clays, &bp.ThicknessMM, &bp.Minutes, &bp.Pass)
		bp.Clays = strings.Split(clays, ",")
		b.Pieces = append(b.Pieces, bp)
		return err
	})
	if err != nil {
		return err
	}
	return each(ctx, tx, `SELECT thermometer_c, flags, at FROM bake_readings WHERE bake_id = $1 ORDER BY at, id`, []any{b.ID}, func(r *sql.Rows) error {
		var br studio.BakeReading
		var flags string
		err := r.Scan(&br.ThermometerC, &flags, &br.At)
		br.At, br.Flags = br.At.UTC(), []string{}
		if flags != "" {
			br.Flags = strings.Split(flags, ",")
		}
		b.Readings = append(b.Readings, br)
		return err
	})
}

// Bake loads one of the studio's bakes with its pieces and readings.
func (s *Store) Bake(ctx context.Context, studioID, id string) (b studio.Bake, err error) {
	err = s.read(ctx, func(tx *Tx) error {
		b, err = bakeDetail(ctx, tx, studioID, id)
		return err
	})
	return b, err
}

// Bakes lists the studio's bakes, the latest first, at most limit.
func (s *Store) Bakes(ctx context.Context, studioID string, limit int) (out []studio.Bake, err error) {
	err = s.read(ctx, func(tx *Tx) error {
		err := each(ctx, tx, `SELECT `+bakeColumns+` FROM bakes WHERE studio_id = $1 ORDER BY created_at DESC, id LIMIT $2`, []any{studioID, limit}, func(r *sql.Rows) error {
			b, err := scanBake(r)
			out = append(out, b)
			return err
		})
		if err != nil {
			return err
		}
		for i := range out {
			if err := loadBakeParts(ctx, tx, &out[i]); err != nil {
				return err
			}
		}
		return nil
	})
	return out, err
}

// withBake runs fn on a bake in one write transaction and returns the bake
// as that transaction leaves it.
func (s *Store) withBake(ctx context.Context, studioID, id string, fn func(*Tx, studio.Bake) error) (b studio.Bake, err error) {
	err = s.write(ctx, func(tx *Tx) error {
		if b, err = bakeDetail(ctx, tx, studioID, id); err != nil {
			return err
		}
		if err := fn(tx, b); err != nil {
			return err
		}
		b, err = bakeDetail(ctx, tx, studioID, id)
		return err
	})
	return b, err
}

// StartBake starts a planned bake now, and the timer of its end.
func (s *Store) StartBake(ctx context.Context, studioID, id string) (studio.Bake, error) {
	return s.withBake(ctx, studioID, id, func(tx *Tx, b studio.Bake) error {
		b, err := b.Start(tx.now)
		if err != nil {
			return err
		}
		if err := notBaking(ctx, tx, b.Pieces, b.ID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE bakes SET status = $1, started_at = $2 WHERE id = $3`, b.Status, b.StartedAt, b.ID); err != nil {
			return err
		}
		return s.bakeTimers(ctx, tx, b, TimerBakeDone, "Bake done", *b.DoneAt())
	})
}

// AddBakeReading logs what the oven thermometer says during a bake,
// flagged against the bake's target and range.
func (s *Store) AddBakeReading(ctx context.Context, studioID, id string, thermometerC float64) (r studio.BakeReading, err error) {
	_, err = s.withBake(ctx, studioID, id, func(tx *Tx, b studio.Bake) error {
		if err := b.CheckReading(thermometerC); err != nil {
			return err
		}
		r = studio.BakeReading{ThermometerC: thermometerC, At: tx.now, Flags: []string{}}
		for _, f := range cure.Judge(cure.Batch{TargetC: b.TargetC, MinC: b.MinC}, thermometerC) {
			r.Flags = append(r.Flags, string(f))
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO bake_readings (id, studio_id, bake_id, thermometer_c, flags, at) VALUES ($1, $2, $3, $4, $5, $6)`,
			auth.NewID(), studioID, id, thermometerC, strings.Join(r.Flags, ","), tx.now)
		return err
	})
	return r, err
}

// FinishBake ends a running bake now: its end timer is done with, and the
// cool-down's begins.
func (s *Store) FinishBake(ctx context.Context, studioID, id string) (studio.Bake, error) {
	return s.withBake(ctx, studioID, id, func(tx *Tx, b studio.Bake) error {
		b, err := b.Finish(tx.now)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE bakes SET status = $1, finished_at = $2 WHERE id = $3`, b.Status, b.FinishedAt, b.ID); err != nil {
			return err
		}
		for _, p := range b.Pieces {
			_, err := tx.ExecContext(ctx, `UPDATE timers SET fired_at = $1 WHERE piece_id = $2 AND kind = $3 AND fired_at IS NULL`, tx.now, p.PieceID, TimerBakeDone)
			if err != nil {
				return err
			}
		}
		return s.bakeTimers(ctx, tx, b, TimerCoolDown, "Cool-down over", *b.CooledAt())
	})
}

// bakeTimers starts a timer of kind on every piece of the bake.
func (s *Store) bakeTimers(ctx context.Context, tx *Tx, b studio.Bake, kind, label string, due time.Time) error {
	for _, bp := range b.Pieces {
		if err := s.startTimer(ctx, tx, studio.Piece{ID: bp.PieceID, StudioID: b.StudioID}, kind, label, due); err != nil {
			return err
		}
	}
	return nil
}

// loadBakes gives a piece its bakes, the latest first.
func loadBakes(ctx context.Context, tx *Tx, d *PieceDetail) error {
	err := each(ctx, tx, `SELECT `+prefixed("b", bakeColumns)+` FROM bakes b JOIN bake_pieces bp ON bp.bake_id = b.id
		WHERE bp.piece_id = $1 ORDER BY b.created_at DESC, b.id`, []any{d.ID}, func(r *sql.Rows) error {
		b, err := scanBake(r)
		d.Bakes = append(d.Bakes, b)
		return err
	})
	if err != nil {
		return err
	}
	for i := range d.Bakes {
		if err := loadBakeParts(ctx, tx, &d.Bakes[i]); err != nil {
			return err
		}
	}
	return nil
}

// prefixed names the columns of a list under a table alias.
func prefixed(alias, columns string) string {
	cols := strings.Split(columns, ", ")
	for i, c := range cols {
		cols[i] = alias + "." + c
	}
	return strings.Join(cols, ", ")
}
