package store

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"atelier/internal/plan"
	"atelier/internal/studio"
)

// The planner's view of the studio: its open pieces with what each has
// done on its current stage, its ovens, hours and learned durations.
// Every kind of record is read with one query for all open pieces (a
// studio may have a thousand) and grouped here.

// openPieces restricts a query joined to pieces p to the studio's open
// pieces: not yet collector-grade or delivered (the archive is the
// delivered pieces; nothing else marks a piece closed).
const openPieces = `p.studio_id = $1 AND p.stage NOT IN ('collector_grade', 'delivered')`

// PlanProblem gathers the studio's open work for the planner, as of the store's now, in one read transaction.
func (s *Store) PlanProblem(ctx context.Context, studioID string) (pr plan.Problem, err error) {
	err = s.read(ctx, func(tx *Tx) error {
		st, err := studioWhere(ctx, tx, "id = $1", studioID)
		if err != nil {
			return err
		}
		pr.Now = tx.now.UTC()
		if pr.Location, err = time.LoadLocation(st.Timezone); err != nil {
			pr.Location = time.UTC
		}
		pr.DryMinutes = studio.DefaultDryMinutes[studio.MattePolyurethane]
		if m, ok := st.CoatDryMinutes[studio.MattePolyurethane]; ok {
			pr.DryMinutes = m
		}
		if pr.Capacity, err = capacity(ctx, tx, studioID); err != nil {
			return err
		}
		if pr.Ovens, err = planOvens(ctx, tx, studioID); err != nil {
			return err
		}
		samples, err := stageSamples(ctx, tx, studioID)
		if err != nil {
			return err
		}
		defaults, err := stageDefaults(ctx, tx, studioID)
		if err != nil {
			return err
		}
		pr.Durations = plan.EstimateDurations(samples, defaults, tx.now)
		pr.Pieces, err = planPieces(ctx, tx, studioID)
		return err
	})
	return pr, err
}

func planOvens(ctx context.Context, tx *Tx, studioID string) (out []plan.Oven, err error) {
	err = each(ctx, tx, `SELECT id, name, capacity_pieces FROM ovens WHERE studio_id = $1 ORDER BY created_at, id`, []any{studioID}, func(r *sql.Rows) error {
		var o plan.Oven
		err := r.Scan(&o.ID, &o.Name, &o.Capacity)
		out = append(out, o)
		return err
	})
	return out, err
}

// planPieces reads the open pieces, then what each did in its current
// stage: work, coats, bakes and the timers it waits on.
func planPieces(ctx context.Context, tx *Tx, studioID string) ([]plan.Piece, error) {
	clays, err := claysOf(ctx, tx, studioID)
	if err != nil {
		return nil, err
	}
	byKey := make(map[string]studio.Clay, len(clays))
	for _, c := range clays {
		byKey[c.Key] = c
	}
	set := planSet{index: map[string]int{}}
	err = each(ctx, tx, `SELECT p.id, p.subject, p.commission_id, p.edition_id, p.stage, p.target_height_mm, p.max_thickness_mm, p.clay_brands, c.promised_date
		FROM pieces p LEFT JOIN commissions c ON c.id = p.commission_id
		WHERE `+openPieces+` ORDER BY p.created_at, p.id`, []any{studioID}, func(r *sql.Rows) error {
		var p plan.Piece
		var commission, edition, promised sql.NullString
		var thick sql.NullFloat64
		var brands string
		if err := r.Scan(&p.ID, &p.Subject, &commission, &edition, &p.Stage, &p.TargetHeightMM, &thick, &brands, &promised); err != nil {
			return err
		}
		p.CommissionID, p.EditionID, p.ThicknessMM, p.Promised = commission.String, edition.String, thick.Float64, promised.String
		for _, b := range strings.Split(brands, ",") {
			if b == "" {
				continue
			}
			c, ok := byKey[b]
			if !ok {
				c = studio.Clay{Key: b, Name: b}
			}
			p.Clays = append(p.Clays, c)
		}
		set.index[p.ID] = len(set.pieces)
		set.pieces = append(set.pieces, p)
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, load := range []func(context.Context, *Tx, string, *planSet) error{planWork, planCoats, planBakes, planTimers} {
		if err := load(ctx, tx, studioID, &set); err != nil {
			return nil, err
		}
	}
	return set.pieces, nil
}

// planSet is the open pieces in order, found by id.
type planSet struct {
	pieces []plan.Piece
	index  map[string]int
}

// piece is the open piece of the id. A row of any other piece (none, in
// one snapshot) lands on a spare rather than on the wrong piece.
func (s *planSet) piece(id string) *plan.Piece {
	if i, ok := s.index[id]; ok {
		return &s.pieces[i]
	}
	return &plan.Piece{}
}

// planWork sums the work logged on each piece's current stage since it
// last entered it: the sessions do not record their pass, so a session
// of this pass is one that ended (or runs) after the entry. Work booked
// by hand starts minutes before it is booked, which may be before the
// entry, hence the end and not the start. A piece without an entry event
// counts all its work on the stage. A running session counts up to now.
func planWork(ctx context.Context, tx *Tx, studioID string, set *planSet) error {
	entered := map[string]time.Time{}
	err := each(ctx, tx, `SELECT e.piece_id, e.at FROM piece_events e JOIN pieces p ON p.id = e.piece_id AND p.stage = e.to_stage
		WHERE `+openPieces, []any{studioID}, func(r *sql.Rows) error {
		var id string
		var at time.Time
		if err := r.Scan(&id, &at); err != nil {
			return err
		}
		if at.After(entered[id]) {
			entered[id] = at
		}
		return nil
	})
	if err != nil {
		return err
	}
	return each(ctx, tx, `SELECT w.piece_id, w.started_at, w.stopped_at, w.minutes FROM work_sessions w
		JOIN pieces p ON p.id = w.piece_id AND p.stage = w.stage WHERE `+openPieces, []any{studioID}, func(r *sql.Rows) error {
		var id string
		var started time.Time
		var stopped sql.NullTime
		var minutes sql.NullInt64
		if err := r.Scan(&id, &started, &stopped, &minutes); err != nil {
			return err
		}
		if !minutes.Valid {
			set.piece(id).WorkedMinutes += max(0, tx.now.Sub(started).Minutes())
			return nil
		}
		end := started.Add(time.Duration(minutes.Int64) * time.Minute)
		if stopped.Valid {
			end = stopped.Time
		}
		if !end.Before(entered[id]) {
			set.piece(id).WorkedMinutes += float64(minutes.Int64)
		}
		return nil
	})
}

// planCoats counts the coats of the current pass of pieces in finish.
func planCoats(ctx context.Context, tx *Tx, studioID string, set *planSet) error {
	return each(ctx, tx, `SELECT c.piece_id, COUNT(*) FROM coats c JOIN pieces p ON p.id = c.piece_id AND p.pass = c.pass
		WHERE `+openPieces+` AND p.stage = 'finish' GROUP BY c.piece_id`, []any{studioID}, func(r *sql.Rows) error {
		var id string
		var n int
		err := r.Scan(&id, &n)
		set.piece(id).CoatsDone = n
		return err
	})
}

// planBakes marks pieces in their first bake whose bake of this pass has
// started: they are out of the oven when it is done and cooled (a
// running bake's end is its start plus its minutes).
func planBakes(ctx context.Context, tx *Tx, studioID string, set *planSet) error {
	return each(ctx, tx, `SELECT bp.piece_id, b.minutes, b.started_at, b.finished_at FROM bake_pieces bp
		JOIN bakes b ON b.id = bp.bake_id JOIN pieces p ON p.id = bp.piece_id AND p.pass = bp.pass
		WHERE `+openPieces+` AND p.stage = 'first_bake' AND b.status IN ('running', 'finished')`, []any{studioID}, func(r *sql.Rows) error {
		var id string
		var b studio.Bake
		var started, finished sql.NullTime
		if err := r.Scan(&id, &b.Minutes, &started, &finished); err != nil {
			return err
		}
		b.StartedAt, b.FinishedAt = nullTime(started), nullTime(finished)
		var ready *time.Time
		switch {
		case b.FinishedAt != nil:
			ready = b.CooledAt()
		case b.StartedAt != nil:
			t := b.DoneAt().Add(studio.CoolDown)
			ready = &t
		default:
			return nil
		}
		p := set.piece(id)
		if !p.Baked || ready.After(p.ReadyAt) {
			p.ReadyAt = *ready
		}
		p.Baked = true
		return nil
	})
}

// planTimers gives a piece not baked the latest of its open timers still
// ahead: a coat drying.
func planTimers(ctx context.Context, tx *Tx, studioID string, set *planSet) error {
	return each(ctx, tx, `SELECT t.piece_id, t.due_at FROM timers t JOIN pieces p ON p.id = t.piece_id
		WHERE `+openPieces+` AND t.fired_at IS NULL`, []any{studioID}, func(r *sql.Rows) error {
		var id string
		var due time.Time
		if err := r.Scan(&id, &due); err != nil {
			return err
		}
		p := set.piece(id)
		if !p.Baked && due.After(tx.now) && due.After(p.ReadyAt) {
			p.ReadyAt = due.UTC()
		}
		return nil
	})
}
