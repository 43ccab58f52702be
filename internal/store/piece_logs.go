package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"atelier/internal/auth"
	"atelier/internal/studio"
)

// pieceAt loads a piece of the studio that must be at the given stage.
func pieceAt(ctx context.Context, tx *Tx, studioID, id string, stages ...studio.Stage) (studio.Piece, error) {
	p, err := pieceWhere(ctx, tx, "studio_id = $1 AND id = $2", studioID, id)
	if err != nil {
		return p, err
	}
	return p, p.RequireStage(stages...)
}

// withPiece runs fn on a piece at one of the stages and returns the
// piece's detail afterwards, all in one write transaction.
func (s *Store) withPiece(ctx context.Context, studioID, id string, stages []studio.Stage, fn func(*Tx, studio.Piece) error) (d PieceDetail, err error) {
	err = s.write(ctx, func(tx *Tx) error {
		p, err := pieceAt(ctx, tx, studioID, id, stages...)
		if err != nil {
			return err
		}
		if err := fn(tx, p); err != nil {
			return err
		}
		if p, err = pieceWhere(ctx, tx, "id = $1", id); err != nil {
			return err
		}
		d, err = pieceDetail(ctx, tx, p)
		return err
	})
	return d, err
}

// SetCheck ticks or unticks an item of the piece's current stage.
func (s *Store) SetCheck(ctx context.Context, studioID, id, key, userID string, done bool) (PieceDetail, error) {
	return s.withPiece(ctx, studioID, id, studio.Stages, func(tx *Tx, p studio.Piece) error {
		var stage studio.Stage
		err := tx.QueryRowContext(ctx, `SELECT stage FROM checklist_items WHERE studio_id = $1 AND key = $2`, studioID, key).Scan(&stage)
		if errors.Is(err, sql.ErrNoRows) {
			return studio.Errorf(studio.NotFound, "No checklist item %s.", studio.Quote(key))
		}
		if err != nil {
			return err
		}
		if err := p.CheckTick(studio.ChecklistItem{Stage: stage, Key: key}); err != nil {
			return err
		}
		if !done {
			_, err = tx.ExecContext(ctx, `DELETE FROM piece_checks WHERE piece_id = $1 AND key = $2 AND pass = $3`, p.ID, key, p.Pass)
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO piece_checks (studio_id, piece_id, key, pass, user_id, at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
			studioID, p.ID, key, p.Pass, nullString(userID), tx.now)
		return err
	})
}

// studioAndDetail loads the piece's studio (for its settings) and the
// piece's logs, which the stage rules read.
func studioAndDetail(ctx context.Context, tx *Tx, p studio.Piece) (studio.Studio, PieceDetail, error) {
	st, err := studioWhere(ctx, tx, "id = $1", p.StudioID)
	if err != nil {
		return st, PieceDetail{}, err
	}
	d, err := pieceDetail(ctx, tx, p)
	return st, d, err
}

// LogGrit records a sanding grit, which must be the one due in the
// studio's progression.
func (s *Store) LogGrit(ctx context.Context, studioID, id, userID string, grit int, at *time.Time) (PieceDetail, error) {
	return s.withPiece(ctx, studioID, id, []studio.Stage{studio.Sanding}, func(tx *Tx, p studio.Piece) error {
		t, err := studio.LoggedAt(at, tx.now, "at")
		if err != nil {
			return err
		}
		st, d, err := studioAndDetail(ctx, tx, p)
		if err != nil {
			return err
		}
		if err := studio.CheckGrit(st.GritProgression, d.StageState(st, tx.now).Grits, grit); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO sanding_log (id, studio_id, piece_id, pass, grit, user_id, at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			auth.NewID(), studioID, p.ID, p.Pass, grit, nullString(userID), t)
		return err
	})
}

// SetPalette records the piece's limited palette.
func (s *Store) SetPalette(ctx context.Context, studioID, id string, colours []studio.Colour, reason string) (PieceDetail, error) {
	if err := studio.CheckPalette(colours, reason); err != nil {
		return PieceDetail{}, err
	}
	return s.withPiece(ctx, studioID, id, []studio.Stage{studio.ColourPlan, studio.Paint}, func(tx *Tx, p studio.Piece) error {
		b, err := json.Marshal(colours)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM palettes WHERE piece_id = $1`, p.ID); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO palettes (studio_id, piece_id, colors, override_reason, updated_at) VALUES ($1, $2, $3, $4, $5)`,
			studioID, p.ID, string(b), strings.TrimSpace(reason), tx.now)
		return err
	})
}

// LogCoat records a coat of finish and starts the timer of its drying,
// a durable job that fires when the coat is dry.
func (s *Store) LogCoat(ctx context.Context, studioID, id, userID string, kind studio.CoatKind, sanded bool, at *time.Time) (PieceDetail, error) {
	return s.withPiece(ctx, studioID, id, []studio.Stage{studio.Finish}, func(tx *Tx, p studio.Piece) error {
		t, err := studio.LoggedAt(at, tx.now, "applied_at")
		if err != nil {
			return err
		}
		st, d, err := studioAndDetail(ctx, tx, p)
		if err != nil {
			return err
		}
		prev := d.PassCoats()
		c, err := studio.NewCoat(prev, kind, sanded, t, tx.now, st.CoatDryMinutes)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO coats (id, studio_id, piece_id, pass, kind, sanded_2000_before, applied_at, dry_at, user_id)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, auth.NewID(), studioID, p.ID, p.Pass, c.Kind, c.Sanded2000Before, c.AppliedAt, c.DryAt, nullString(userID))
		if err != nil {
			return err
		}
		label := "Coat " + itoa(len(prev)+1) + " dry"
		return s.startTimer(ctx, tx, p, "coat_dry", label, c.DryAt)
	})
}

// startTimer records a timer and schedules the job that fires it; a timer
// already due fires at once.
func (s *Store) startTimer(ctx context.Context, tx *Tx, p studio.Piece, kind, label string, due time.Time) error {
	id := auth.NewID()
	var fired any
	if !due.After(tx.now) {
		fired = tx.now
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO timers (id, studio_id, piece_id, kind, label, due_at, fired_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		id, p.StudioID, p.ID, kind, label, due, fired, tx.now)
	if err != nil || fired != nil {
		return err
	}
	return s.enqueueAt(ctx, tx, TimerJob{TimerID: id}, due)
}

// FireTimer marks a timer fired; a timer fired already stays as it was.
func (s *Store) FireTimer(ctx context.Context, id string) (t Timer, err error) {
	err = s.write(ctx, func(tx *Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE timers SET fired_at = $1 WHERE id = $2 AND fired_at IS NULL`, tx.now, id); err != nil {
			return err
		}
		t, err = scanTimer(tx.QueryRowContext(ctx, `SELECT id, piece_id, kind, label, due_at, fired_at FROM timers WHERE id = $1`, id))
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("timer")
		}
		return err
	})
	return t, err
}

// RecordQC records a quality control and makes the move the domain decides:
// collector-grade when all six checks pass, otherwise back to the stage
// that fixes the earliest failure.
func (s *Store) RecordQC(ctx context.Context, studioID, id, userID string, checks map[string]*bool, notes string) (PieceDetail, error) {
	// The piece is looked up before the body is judged, so another
	// studio's piece is not found whatever the body holds; the stage is
	// checked after it, as before.
	return s.withPiece(ctx, studioID, id, studio.Stages, func(tx *Tx, p studio.Piece) error {
		qc, err := studio.DecideQC(checks, notes)
		if err != nil {
			return err
		}
		if err := p.RequireStage(studio.QC); err != nil {
			return err
		}
		plain := map[string]bool{}
		for k, v := range checks {
			plain[k] = *v
		}
		b, _ := json.Marshal(plain) // a map of bools always marshals
		var ret any
		if !qc.Passed() {
			ret = string(qc.Move.To)
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO qc_attempts (id, studio_id, piece_id, checks, passed, return_to, notes, user_id, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
			auth.NewID(), studioID, p.ID, string(b), qc.Passed(), ret, strings.TrimSpace(notes), nullString(userID), tx.now)
		if err != nil {
			return err
		}
		_, err = movePiece(ctx, tx, p, qc.Move, userID)
		return err
	})
}

// StartWork starts the work timer of a piece at its current stage.
func (s *Store) StartWork(ctx context.Context, studioID, id, userID string) (PieceDetail, error) {
	return s.withPiece(ctx, studioID, id, studio.Stages, func(tx *Tx, p studio.Piece) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM work_sessions WHERE piece_id = $1 AND minutes IS NULL`, p.ID).Scan(&n); err != nil {
			return err
		}
		if err := studio.WorkStarted(n > 0); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO work_sessions (id, studio_id, piece_id, stage, started_at, user_id) VALUES ($1, $2, $3, $4, $5, $6)`,
			auth.NewID(), studioID, p.ID, p.Stage, tx.now, nullString(userID))
		return err
	})
}

// StopWork stops the running work timer and books its minutes, rounded up.
func (s *Store) StopWork(ctx context.Context, studioID, id string) (PieceDetail, error) {
	return s.withPiece(ctx, studioID, id, studio.Stages, func(tx *Tx, p studio.Piece) error {
		var sid string
		var started time.Time
		err := tx.QueryRowContext(ctx, `SELECT id, started_at FROM work_sessions WHERE piece_id = $1 AND minutes IS NULL`, p.ID).Scan(&sid, &started)
		if errors.Is(err, sql.ErrNoRows) {
			return studio.Errorf(studio.Conflict, "No work timer is running for this piece.")
		}
		if err != nil {
			return err
		}
		minutes := studio.WorkMinutes(started, tx.now)
		_, err = tx.ExecContext(ctx, `UPDATE work_sessions SET stopped_at = $1, minutes = $2 WHERE id = $3`, tx.now, minutes, sid)
		return err
	})
}

// AddWork books minutes of work entered by hand, at the given stage or the
// current one.
func (s *Store) AddWork(ctx context.Context, studioID, id, userID string, stage studio.Stage, minutes int) (PieceDetail, error) {
	if err := studio.CheckWork(stage, minutes); err != nil {
		return PieceDetail{}, err
	}
	return s.withPiece(ctx, studioID, id, studio.Stages, func(tx *Tx, p studio.Piece) error {
		if stage == "" {
			stage = p.Stage
		}
		start := tx.now.Add(-time.Duration(minutes) * time.Minute)
		_, err := tx.ExecContext(ctx, `INSERT INTO work_sessions (id, studio_id, piece_id, stage, started_at, stopped_at, minutes, user_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
			auth.NewID(), studioID, p.ID, stage, start, tx.now, minutes, nullString(userID))
		return err
	})
}

// RescheduleTimers gives the studio's open timers their jobs again, as
// after a restore, which carries the timers but not the job queue: a
// timer due already fires at once, the others when they are due.
func (s *Store) RescheduleTimers(ctx context.Context, studioID string) (n int, err error) {
	err = s.write(ctx, func(tx *Tx) error {
		timers, err := openTimers(ctx, tx, studioID)
		if err != nil {
			return err
		}
		for _, list := range timers {
			for _, t := range list {
				if !t.DueAt.After(tx.now) {
					_, err = tx.ExecContext(ctx, `UPDATE timers SET fired_at = $1 WHERE id = $2`, tx.now, t.ID)
				} else {
					err = s.enqueueAt(ctx, tx, TimerJob{TimerID: t.ID}, t.DueAt)
				}
				if err != nil {
					return err
				}
				n++
			}
		}
		return nil
	})
	return n, err
}
