package store

import (
	"context"
	"database/sql"
	"time"

	"atelier/internal/plan"
	"atelier/internal/studio"
)

// The planner's learned stage durations: the work logged on the studio's
// finished pieces, and the studio's own defaults for stages not yet learned.

// StageDurations fits the studio's stage durations as of now.
func (s *Store) StageDurations(ctx context.Context, studioID string) (d plan.Durations, err error) {
	err = s.read(ctx, func(tx *Tx) error {
		samples, err := stageSamples(ctx, tx, studioID)
		if err != nil {
			return err
		}
		defaults, err := stageDefaults(ctx, tx, studioID)
		d = plan.EstimateDurations(samples, defaults, tx.now)
		return err
	})
	return d, err
}

// StageSamples reads the minutes logged per stage on every finished
// (collector-grade or delivered) piece of the studio.
func (s *Store) StageSamples(ctx context.Context, studioID string) (out map[studio.Stage][]plan.DurationSample, err error) {
	err = s.read(ctx, func(tx *Tx) error {
		out, err = stageSamples(ctx, tx, studioID)
		return err
	})
	return out, err
}

// stageSamples sums each finished piece's minutes per stage. A piece
// finished when it last passed QC; one moved on by hand without a QC pass
// falls back to its last change. The QC passes are read apart from the
// sums because SQLite loses a timestamp's type through MAX and COALESCE.
func stageSamples(ctx context.Context, tx *Tx, studioID string) (map[studio.Stage][]plan.DurationSample, error) {
	passed, err := qcPassedAt(ctx, tx, studioID)
	if err != nil {
		return nil, err
	}
	out := map[studio.Stage][]plan.DurationSample{}
	err = each(ctx, tx, `SELECT p.id, w.stage, SUM(w.minutes), p.target_height_mm, p.updated_at
		FROM work_sessions w JOIN pieces p ON p.studio_id = w.studio_id AND p.id = w.piece_id
		WHERE p.studio_id = $1 AND p.stage IN ('collector_grade', 'delivered') AND w.minutes IS NOT NULL
		GROUP BY p.id, w.stage, p.target_height_mm, p.updated_at
		ORDER BY p.id, w.stage`, []any{studioID}, func(r *sql.Rows) error {
		var id string
		var st studio.Stage
		var smp plan.DurationSample
		var minutes int64
		if err := r.Scan(&id, &st, &minutes, &smp.HeightMM, &smp.FinishedAt); err != nil {
			return err
		}
		smp.Minutes = float64(minutes)
		if at, ok := passed[id]; ok {
			smp.FinishedAt = at
		}
		smp.FinishedAt = smp.FinishedAt.UTC()
		out[st] = append(out[st], smp)
		return nil
	})
	return out, err
}

// qcPassedAt is the last QC pass of every piece of the studio.
func qcPassedAt(ctx context.Context, tx *Tx, studioID string) (map[string]time.Time, error) {
	out := map[string]time.Time{}
	err := each(ctx, tx, `SELECT piece_id, at FROM piece_events WHERE studio_id = $1 AND kind = 'qc_passed'`, []any{studioID}, func(r *sql.Rows) error {
		var id string
		var at time.Time
		if err := r.Scan(&id, &at); err != nil {
			return err
		}
		if at.After(out[id]) {
			out[id] = at
		}
		return nil
	})
	return out, err
}

// StageDefaults is the studio's own default minutes per stage; a stage it
// never set is absent.
func (s *Store) StageDefaults(ctx context.Context, studioID string) (out map[studio.Stage]int, err error) {
	err = s.read(ctx, func(tx *Tx) error {
		out, err = stageDefaults(ctx, tx, studioID)
		return err
	})
	return out, err
}

func stageDefaults(ctx context.Context, tx *Tx, studioID string) (map[studio.Stage]int, error) {
	out := map[studio.Stage]int{}
	err := each(ctx, tx, `SELECT stage, minutes FROM stage_defaults WHERE studio_id = $1`, []any{studioID}, func(r *sql.Rows) error {
		var st studio.Stage
		var m int
		if err := r.Scan(&st, &m); err != nil {
			return err
		}
		out[st] = m
		return nil
	})
	return out, err
}

// SetStageDefaults keeps the studio's own default minutes for the stages
// given, leaving the others as they were; one bad value writes nothing.
func (s *Store) SetStageDefaults(ctx context.Context, studioID string, defaults map[studio.Stage]int) error {
	in := make(map[string]int, len(defaults))
	for st, m := range defaults {
		in[string(st)] = m
	}
	if _, err := plan.ParseStageDefaults(in); err != nil {
		return err
	}
	return s.write(ctx, func(tx *Tx) error {
		if _, err := studioWhere(ctx, tx, "id = $1", studioID); err != nil {
			return err
		}
		for st, m := range defaults {
			_, err := tx.ExecContext(ctx, `INSERT INTO stage_defaults (studio_id, stage, minutes, updated_at) VALUES ($1, $2, $3, $4)
				ON CONFLICT (studio_id, stage) DO UPDATE SET minutes = excluded.minutes, updated_at = excluded.updated_at`,
				studioID, string(st), m, tx.now)
			if err != nil {
				return err
			}
		}
		return nil
	})
}
