package store

import (
	"context"
	"strconv"

	"atelier/internal/auth"
	"atelier/internal/studio"
)

func itoa(n int) string { return strconv.Itoa(n) }

// IssueSetupCode stores the hash of a fresh one-time set-up code and
// returns the code, or "" when the install already has a studio. Each
// instance that starts on an empty install issues its own; any one of them
// sets the install up once.
func (s *Store) IssueSetupCode(ctx context.Context) (code string, err error) {
	err = s.write(ctx, func(tx *Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM studios`).Scan(&n); err != nil || n > 0 {
			return err
		}
		code = auth.NewSetupCode()
		_, err := tx.ExecContext(ctx, `INSERT INTO setup_codes (code_hash, created_at) VALUES ($1, $2)`, auth.HashToken(auth.NormalizeSetupCode(code)), tx.now)
		return err
	})
	return code, err
}

// SetUp creates the first studio and its owner in one transaction, if code
// is a set-up code issued for this install. It uses up every set-up code.
func (s *Store) SetUp(ctx context.Context, code string, st studio.Studio, owner studio.NewUser) (studio.Studio, studio.User, error) {
	var u studio.User
	owner.StudioSlug, owner.Role = st.Slug, studio.Owner
	fields := studio.Fields{}
	if err := st.Validate(); err != nil {
		mergeFields(fields, err, nil)
	}
	if err := owner.Validate(); err != nil {
		// The owner's name is not the studio's name.
		mergeFields(fields, err, map[string]string{"name": "owner_name"})
	}
	if err := fields.Err(); err != nil {
		return st, u, err
	}
	hash, err := hashPassword(ctx, owner.Password)
	if err != nil {
		return st, u, err
	}
	err = s.write(ctx, func(tx *Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM studios`).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return studio.Errorf(studio.NotFound, "This install is already set up.")
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM setup_codes WHERE code_hash = $1`, auth.HashToken(auth.NormalizeSetupCode(code)))
		if err != nil {
			return err
		}
		if used, _ := res.RowsAffected(); used == 0 {
			return studio.FieldError("code", "is not the set-up code this server printed in its log")
		}
		if st, err = insertStudio(ctx, tx, st); err != nil {
			return err
		}
		if u, err = insertUser(ctx, tx, st.ID, owner, hash); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM setup_codes`)
		return err
	})
	return st, u, err
}

// mergeFields adds the field errors of err to f, renaming fields as asked.
func mergeFields(f studio.Fields, err error, rename map[string]string) {
	if e, ok := err.(*studio.Error); ok {
		for k, v := range e.Fields {
			if to, ok := rename[k]; ok {
				k = to
			}
			f.Add(k, v)
		}
	}
}
