package store

import (
	"context"
	"database/sql"
	"errors"

	"atelier/internal/auth"
	"atelier/internal/studio"
)

const userColumns = `id, studio_id, email, name, role, created_at, updated_at`

func scanUser(row interface{ Scan(...any) error }) (studio.User, error) {
	var u studio.User
	err := row.Scan(&u.ID, &u.StudioID, &u.Email, &u.Name, &u.Role, &u.CreatedAt, &u.UpdatedAt)
	u.CreatedAt, u.UpdatedAt = u.CreatedAt.UTC(), u.UpdatedAt.UTC()
	return u, err
}

// CreateUser adds a user to the studio n.StudioSlug names. An e-mail address
// already used anywhere in the install is a conflict.
func (s *Store) CreateUser(ctx context.Context, n studio.NewUser) (u studio.User, err error) {
	if err := n.Validate(); err != nil {
		return u, err
	}
	// Hashing is slow on purpose; do it before the write lock is taken.
	hash, err := auth.HashPassword(n.Password)
	if err != nil {
		return u, err
	}
	err = s.write(ctx, func(tx *Tx) error {
		st, err := studioWhere(ctx, tx, "slug = $1", n.StudioSlug)
		if err != nil {
			return err
		}
		u = studio.User{ID: auth.NewID(), StudioID: st.ID, Email: n.Email, Name: n.Name, Role: n.Role, CreatedAt: tx.now, UpdatedAt: tx.now}
		_, err = tx.ExecContext(ctx, `INSERT INTO users (`+userColumns+`, password_hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
			u.ID, u.StudioID, u.Email, u.Name, u.Role, u.CreatedAt, u.UpdatedAt, hash)
		if isUniqueViolation(err) {
			return &studio.Error{Code: studio.Conflict, Message: "A user with that e-mail address already exists.",
				Fields: map[string]string{"email": "is already in use"}}
		}
		return err
	})
	return u, err
}

// Users lists the users of a studio, oldest first.
func (s *Store) Users(ctx context.Context, studioID string) (users []studio.User, err error) {
	err = s.read(ctx, func(tx *Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT `+userColumns+` FROM users WHERE studio_id = $1 ORDER BY created_at, id`, studioID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			u, err := scanUser(rows)
			if err != nil {
				return err
			}
			users = append(users, u)
		}
		return rows.Err()
	})
	return users, err
}

// UserByEmail finds a user anywhere in the install by e-mail address.
func (s *Store) UserByEmail(ctx context.Context, email string) (u studio.User, err error) {
	err = s.read(ctx, func(tx *Tx) error {
		u, err = userWhere(ctx, tx, "email = $1", studio.NormalizeEmail(email))
		return err
	})
	return u, err
}

func userWhere(ctx context.Context, tx *Tx, where string, args ...any) (studio.User, error) {
	u, err := scanUser(tx.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE `+where, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return u, notFound("user")
	}
	return u, err
}
