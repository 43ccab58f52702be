package store

import (
	"context"
	"database/sql"
	"fmt"

	"atelier/internal/studio"
)

// MaterialDigest is one studio's daily list of items to reorder, as the
// digest job records it.
type MaterialDigest struct {
	StudioID string
	// Day is the studio's local date, YYYY-MM-DD.
	Day string
	// Items is how many items the digest lists.
	Items int
	// Subject and Body are mailed to each of the studio's owners; an empty
	// Subject records the day without mail (mail is off).
	Subject, Body string
}

// Studios lists every studio of the install, for the jobs that visit each.
func (s *Store) Studios(ctx context.Context) (out []studio.Studio, err error) {
	err = s.read(ctx, func(tx *Tx) error {
		out = nil
		return each(ctx, tx, `SELECT `+studioColumns+` FROM studios ORDER BY id`, nil, func(r *sql.Rows) error {
			st, err := scanStudio(r)
			out = append(out, st)
			return err
		})
	})
	return out, err
}

// MaterialDigestDone reports whether the studio's digest of day is
// recorded already, so that the job need not compose it again.
func (s *Store) MaterialDigestDone(ctx context.Context, studioID, day string) (done bool, err error) {
	err = s.read(ctx, func(tx *Tx) error {
		var n int
		err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM material_digests WHERE studio_id = $1 AND day = $2`, studioID, day).Scan(&n)
		done = n > 0
		return err
	})
	return done, err
}

// RecordMaterialDigest records the studio's digest of d.Day and, when it
// has a subject, queues its mail to each of the studio's owners in the
// same transaction. A digest of that day recorded already (by another
// process, or a run before) wins: nothing is queued and recorded is false.
// So a studio gets at most one digest a day, and never a digest without
// its record or a record without its mail.
func (s *Store) RecordMaterialDigest(ctx context.Context, d MaterialDigest) (recorded bool, err error) {
	err = s.write(ctx, func(tx *Tx) error {
		var owners []string
		if d.Subject != "" {
			if owners, err = ownerEmails(ctx, tx, d.StudioID); err != nil {
				return err
			}
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO material_digests (studio_id, day, items, mails, created_at) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (studio_id, day) DO NOTHING`, d.StudioID, d.Day, d.Items, len(owners), tx.now)
		if err != nil {
			return fmt.Errorf("store: recording the reorder digest: %w", err)
		}
		n, err := res.RowsAffected()
		if recorded = n == 1; err != nil || !recorded {
			return err
		}
		for _, to := range owners {
			if err := s.queueMail(ctx, tx, d.StudioID, "", to, d.Subject, d.Body); err != nil {
				return err
			}
		}
		return nil
	})
	return recorded, err
}

// ownerEmails lists the addresses of the studio's owners.
func ownerEmails(ctx context.Context, tx *Tx, studioID string) (out []string, err error) {
	err = each(ctx, tx, `SELECT email FROM users WHERE studio_id = $1 AND role = $2 ORDER BY created_at, id`, []any{studioID, studio.Owner},
		func(r *sql.Rows) error {
			var e string
			err := r.Scan(&e)
			out = append(out, e)
			return err
		})
	return out, err
}
