package store

import (
	"context"
	"slices"

	"atelier/internal/studio"
)

// CommissionFilter narrows the studio's list; zero values do not filter.
type CommissionFilter struct {
	Status studio.CommissionStatus
	// Overdue keeps open commissions whose promised date (or, before a
	// quote, the client's deadline) has passed.
	Overdue bool
	// MissingReferences keeps commissions whose reference set is incomplete.
	MissingReferences bool
}

// CommissionSummary is a line of the studio's list.
type CommissionSummary struct {
	studio.Commission
	MissingAngles []string
	Overdue       bool
	// Thumb is the id of the smallest variant of the first reference photo.
	Thumb string
}

// Commissions lists a studio's commissions, newest first.
func (s *Store) Commissions(ctx context.Context, studioID string, f CommissionFilter) (out []CommissionSummary, err error) {
	if f.Status != "" && !f.Status.Valid() {
		return nil, studio.FieldError("status", "must be one of inquiry, quoted, accepted, in_production, ready, shipped, closed, declined, cancelled")
	}
	err = s.read(ctx, func(tx *Tx) error {
		st, err := studioWhere(ctx, tx, "id = $1", studioID)
		if err != nil {
			return err
		}
		list, err := listCommissions(ctx, tx, studioID, f.Status)
		if err != nil {
			return err
		}
		ids := make([]string, len(list))
		for i, c := range list {
			ids[i] = c.ID
		}
		photos, err := commissionPhotos(ctx, tx, studioID, ids)
		if err != nil {
			return err
		}
		today := st.Today(tx.now)
		for _, c := range list {
			sum := summarize(c, photos, today)
			if (f.Overdue && !sum.Overdue) || (f.MissingReferences && len(sum.MissingAngles) == 0) {
				continue
			}
			out = append(out, sum)
		}
		return nil
	})
	return out, err
}

func listCommissions(ctx context.Context, tx *Tx, studioID string, status studio.CommissionStatus) ([]studio.Commission, error) {
	q, args := `SELECT `+commissionColumns+` FROM commissions WHERE studio_id = $1`, []any{studioID}
	if status != "" {
		q, args = q+` AND status = $2`, append(args, status)
	}
	rows, err := tx.QueryContext(ctx, q+` ORDER BY created_at DESC, id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []studio.Commission
	for rows.Next() {
		c, err := scanCommission(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

func summarize(c studio.Commission, photos []studio.Photo, today string) CommissionSummary {
	var angles []studio.Angle
	sum := CommissionSummary{Commission: c}
	for _, p := range photos {
		if p.CommissionID != c.ID || p.Kind != studio.ReferencePhoto {
			continue
		}
		angles = append(angles, p.Angle)
		if sum.Thumb == "" {
			sum.Thumb = p.Variants[160]
		}
	}
	sum.MissingAngles = studio.MissingAngles(angles)
	due := c.PromisedDate
	if due == "" {
		due = c.Inquiry.Deadline
	}
	sum.Overdue = c.Status.Open() && due != "" && due < today
	return sum
}

// photoOf finds a photo among a commission's by id.
func photoOf(d CommissionDetail, id string) (studio.Photo, bool) {
	i := slices.IndexFunc(d.Photos, func(p studio.Photo) bool { return p.ID == id })
	if i < 0 {
		return studio.Photo{}, false
	}
	return d.Photos[i], true
}
