package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"slices"
	"time"

	"atelier/internal/studio"
)

// PieceDetail is a piece with everything its page and the API show.
type PieceDetail struct {
	studio.Piece
	History   []PieceEvent
	Checklist []CheckState
	Sanding   []SandingEntry
	Coats     []CoatEntry
	Palette   []studio.Colour
	// PaletteReason allows a palette of other than 3–4 colours.
	PaletteReason string
	Timers        []Timer
	QC            []QCAttempt
	// WorkMinutes is the logged work time per stage; Running a started timer.
	WorkMinutes map[studio.Stage]int
	Running     *time.Time
	// Photos are the process photos, stage by stage.
	Photos []studio.Photo
	// Bakes are the piece's bakes with their readings, the latest first.
	Bakes []studio.Bake
}

// PieceEvent is a stage change.
type PieceEvent = studio.PieceEvent

// CheckState is a checklist item and whether it is done for the piece.
type CheckState struct {
	studio.ChecklistItem
	Done bool
}

// SandingEntry is one grit logged, in the pass it belongs to.
type SandingEntry struct {
	Grit int
	Pass int
	At   time.Time
}

// CoatEntry is one coat logged, in the pass it belongs to.
type CoatEntry struct {
	studio.Coat
	Pass int
}

// Timer is something a piece waits on.
type Timer = studio.Timer

// QCAttempt is one quality control of a piece.
type QCAttempt struct {
	Checks   map[string]bool
	Passed   bool
	ReturnTo studio.Stage
	Notes    string
	At       time.Time
}

// StageState gathers what the current stage has done, for its rules.
func (d PieceDetail) StageState(st studio.Studio, now time.Time) studio.StageState {
	s := studio.StageState{Piece: d.Piece, Progression: st.GritProgression, Palette: d.Palette, PaletteReason: d.PaletteReason,
		Grits: d.PassGrits(), Coats: d.PassCoats(), Now: now, Baked: d.Baked(now)}
	for _, c := range d.Checklist {
		if c.Stage == d.Stage && c.Required && !c.Done {
			s.Open = append(s.Open, c.ChecklistItem)
		}
	}
	return s
}

// Baked reports whether a bake planned in the current pass has finished
// and cooled by now.
func (d PieceDetail) Baked(now time.Time) bool {
	for _, b := range d.Bakes {
		if b.Cooled(now) && slices.ContainsFunc(b.Pieces, func(bp studio.BakePiece) bool { return bp.PieceID == d.ID && bp.Pass == d.Pass }) {
			return true
		}
	}
	return false
}

// PassGrits are the grits logged in the current pass.
func (d PieceDetail) PassGrits() []int {
	var out []int
	for _, g := range d.Sanding {
		if g.Pass == d.Pass {
			out = append(out, g.Grit)
		}
	}
	return out
}

// PassCoats are the coats of the current pass.
func (d PieceDetail) PassCoats() []studio.Coat {
	var out []studio.Coat
	for _, c := range d.Coats {
		if c.Pass == d.Pass {
			out = append(out, c.Coat)
		}
	}
	return out
}

func pieceDetail(ctx context.Context, tx *Tx, p studio.Piece) (PieceDetail, error) {
	d := PieceDetail{Piece: p}
	for _, load := range []func(context.Context, *Tx, *PieceDetail) error{loadHistory, loadChecklist, loadSanding, loadCoats, loadPalette, loadTimers, loadQC, loadWork, loadPhotos, loadBakes} {
		if err := load(ctx, tx, &d); err != nil {
			return d, err
		}
	}
	return d, nil
}

// each runs q and calls scan for every row.
func each(ctx context.Context, tx *Tx, q string, args []any, scan func(*sql.Rows) error) error {
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

func loadHistory(ctx context.Context, tx *Tx, d *PieceDetail) error {
	return each(ctx, tx, `SELECT kind, from_stage, to_stage, reason, user_id, at FROM piece_events WHERE piece_id = $1 ORDER BY seq`, []any{d.ID}, func(r *sql.Rows) error {
		var e PieceEvent
		var from, user sql.NullString
		err := r.Scan(&e.Kind, &from, &e.To, &e.Reason, &user, &e.At)
		e.From, e.UserID, e.At = studio.Stage(from.String), user.String, e.At.UTC()
		d.History = append(d.History, e)
		return err
	})
}

// loadChecklist marks an item done when it was ticked in the pass that
// counts: the current pass for the current stage, the latest for earlier
// stages; later stages are not reached yet.
func loadChecklist(ctx context.Context, tx *Tx, d *PieceDetail) error {
	ticked := map[string]int{}
	err := each(ctx, tx, `SELECT key, pass FROM piece_checks WHERE piece_id = $1`, []any{d.ID}, func(r *sql.Rows) error {
		var k string
		var pass int
		err := r.Scan(&k, &pass)
		ticked[k] = max(ticked[k], pass)
		return err
	})
	if err != nil {
		return err
	}
	return each(ctx, tx, `SELECT key, stage, label, required FROM checklist_items WHERE studio_id = $1 ORDER BY position, key`, []any{d.StudioID}, func(r *sql.Rows) error {
		var c CheckState
		if err := r.Scan(&c.Key, &c.Stage, &c.Label, &c.Required); err != nil {
			return err
		}
		pass, ok := ticked[c.Key]
		switch {
		case c.Stage == d.Stage:
			c.Done = ok && pass == d.Pass
		case c.Stage.Index() < d.Stage.Index():
			c.Done = ok
		}
		d.Checklist = append(d.Checklist, c)
		return nil
	})
}

func loadSanding(ctx context.Context, tx *Tx, d *PieceDetail) error {
	return each(ctx, tx, `SELECT grit, pass, at FROM sanding_log WHERE piece_id = $1 ORDER BY at, grit`, []any{d.ID}, func(r *sql.Rows) error {
		var e SandingEntry
		err := r.Scan(&e.Grit, &e.Pass, &e.At)
		e.At = e.At.UTC()
		d.Sanding = append(d.Sanding, e)
		return err
	})
}

func loadCoats(ctx context.Context, tx *Tx, d *PieceDetail) error {
	return each(ctx, tx, `SELECT kind, sanded_2000_before, applied_at, dry_at, pass FROM coats WHERE piece_id = $1 ORDER BY applied_at, id`, []any{d.ID}, func(r *sql.Rows) error {
		var c CoatEntry
		err := r.Scan(&c.Kind, &c.Sanded2000Before, &c.AppliedAt, &c.DryAt, &c.Pass)
		c.AppliedAt, c.DryAt = c.AppliedAt.UTC(), c.DryAt.UTC()
		d.Coats = append(d.Coats, c)
		return err
	})
}

func loadPalette(ctx context.Context, tx *Tx, d *PieceDetail) error {
	var colours string
	err := tx.QueryRowContext(ctx, `SELECT colors, override_reason FROM palettes WHERE piece_id = $1`, d.ID).Scan(&colours, &d.PaletteReason)
	if err == sql.ErrNoRows {
		return nil
	}
	if err != nil {
		return err
	}
	return json.Unmarshal([]byte(colours), &d.Palette)
}

func loadTimers(ctx context.Context, tx *Tx, d *PieceDetail) error {
	return each(ctx, tx, `SELECT id, piece_id, kind, label, due_at, fired_at FROM timers WHERE piece_id = $1 AND fired_at IS NULL ORDER BY due_at`, []any{d.ID}, func(r *sql.Rows) error {
		t, err := scanTimer(r)
		d.Timers = append(d.Timers, t)
		return err
	})
}

func scanTimer(r interface{ Scan(...any) error }) (Timer, error) {
	var t Timer
	var fired sql.NullTime
	err := r.Scan(&t.ID, &t.PieceID, &t.Kind, &t.Label, &t.DueAt, &fired)
	t.DueAt, t.FiredAt = t.DueAt.UTC(), nullTime(fired)
	return t, err
}

func loadQC(ctx context.Context, tx *Tx, d *PieceDetail) error {
	return each(ctx, tx, `SELECT checks, passed, return_to, notes, at FROM qc_attempts WHERE piece_id = $1 ORDER BY at, id`, []any{d.ID}, func(r *sql.Rows) error {
		var q QCAttempt
		var checks string
		var ret sql.NullString
		if err := r.Scan(&checks, &q.Passed, &ret, &q.Notes, &q.At); err != nil {
			return err
		}
		q.ReturnTo, q.At = studio.Stage(ret.String), q.At.UTC()
		d.QC = append(d.QC, q)
		return json.Unmarshal([]byte(checks), &d.QC[len(d.QC)-1].Checks)
	})
}

func loadWork(ctx context.Context, tx *Tx, d *PieceDetail) error {
	d.WorkMinutes = map[studio.Stage]int{}
	return each(ctx, tx, `SELECT stage, started_at, minutes FROM work_sessions WHERE piece_id = $1`, []any{d.ID}, func(r *sql.Rows) error {
		var stage studio.Stage
		var started time.Time
		var minutes sql.NullInt64
		if err := r.Scan(&stage, &started, &minutes); err != nil {
			return err
		}
		if !minutes.Valid {
			t := started.UTC()
			d.Running = &t
			return nil
		}
		d.WorkMinutes[stage] += int(minutes.Int64)
		return nil
	})
}
