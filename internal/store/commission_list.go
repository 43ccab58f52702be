package store

import (
	"context"
	"fmt"
	"slices"
	"strings"

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
	// Q keeps commissions whose client's name or e-mail or whose subject
	// contains it, whatever the case.
	Q string
	// Sort orders the list by one of CommissionSorts; "" is newest first.
	// Desc reverses it. Empty dates and prices go last either way.
	Sort string
	Desc bool
}

// CommissionSorts are the orders the list offers.
var CommissionSorts = []string{"subject", "client", "status", "promised", "price"}

// CommissionSummary is a line of the studio's list.
type CommissionSummary struct {
	studio.Commission
	MissingAngles []string
	Overdue       bool
	// Thumb is the id of the first reference photo whose smallest variant
	// is made; "" while none is.
	Thumb string
}

// Commissions lists a studio's commissions, newest first.
func (s *Store) Commissions(ctx context.Context, studioID string, f CommissionFilter) (out []CommissionSummary, err error) {
	if f.Status != "" && !f.Status.Valid() {
		return nil, studio.FieldError("status", "must be one of inquiry, quoted, accepted, in_production, ready, shipped, closed, declined, cancelled")
	}
	if f.Sort != "" && !slices.Contains(CommissionSorts, f.Sort) {
		return nil, studio.FieldError("sort", "must be one of "+strings.Join(CommissionSorts, ", "))
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
			if (f.Overdue && !sum.Overdue) || (f.MissingReferences && len(sum.MissingAngles) == 0) || !matches(c, f.Q) {
				continue
			}
			out = append(out, sum)
		}
		sortCommissions(out, f.Sort, f.Desc)
		return nil
	})
	return out, err
}

// matches reports whether q occurs in the commission's client or subject.
// Done here rather than in SQL so that case folding is the same Unicode
// folding on both databases.
func matches(c studio.Commission, q string) bool {
	q = strings.ToLower(strings.TrimSpace(q))
	if q == "" {
		return true
	}
	in := c.Inquiry
	for _, s := range []string{in.ContactName, in.ContactEmail, in.SubjectName} {
		if strings.Contains(strings.ToLower(s), q) {
			return true
		}
	}
	return false
}

// sortCommissions orders the list (which comes newest first) by key,
// stably, so that equal keys stay newest first.
func sortCommissions(list []CommissionSummary, key string, desc bool) {
	if key == "" {
		if desc {
			slices.Reverse(list)
		}
		return
	}
	slices.SortStableFunc(list, func(a, b CommissionSummary) int {
		ka, kb := sortKey(a, key), sortKey(b, key)
		// Nothing to sort by (no date, no price yet) goes last both ways.
		if (ka == "") != (kb == "") {
			if ka == "" {
				return 1
			}
			return -1
		}
		n := strings.Compare(ka, kb)
		if desc {
			n = -n
		}
		return n
	})
}

// sortKey is the text a commission sorts by under key: names folded, the
// status by its place in the lifecycle, amounts zero-padded.
func sortKey(c CommissionSummary, key string) string {
	switch key {
	case "subject":
		return strings.ToLower(c.Inquiry.SubjectName)
	case "client":
		return strings.ToLower(c.Inquiry.ContactName)
	case "status":
		return fmt.Sprintf("%02d", slices.Index(studio.CommissionStatuses, c.Status))
	case "promised":
		return c.Due()
	case "price":
		if c.PriceCents == nil {
			return ""
		}
		return fmt.Sprintf("%020d", *c.PriceCents)
	}
	return ""
}

// Due is the date the commission is due: the promised one, or before a
// quote the client's wish.
func (c CommissionSummary) Due() string {
	if c.PromisedDate != "" {
		return c.PromisedDate
	}
	return c.Inquiry.Deadline
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
		// The page asks for the photo by its own id: a variant's id is a
		// file's, which no photo address knows.
		if sum.Thumb == "" && p.Variants[160] != "" {
			sum.Thumb = p.ID
		}
	}
	sum.MissingAngles = studio.MissingAngles(angles)
	due := sum.Due()
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
