package store

import (
	"context"
	"database/sql"
	"errors"
	"sync"
	"time"

	"atelier/internal/auth"
	"atelier/internal/studio"
)

const userColumns = `id, studio_id, email, name, role, created_at, updated_at, password_changed_at`

func scanUser(row interface{ Scan(...any) error }) (studio.User, error) {
	var u studio.User
	var changed sql.NullTime
	err := row.Scan(&u.ID, &u.StudioID, &u.Email, &u.Name, &u.Role, &u.CreatedAt, &u.UpdatedAt, &changed)
	u.CreatedAt, u.UpdatedAt, u.PasswordChangedAt = u.CreatedAt.UTC(), u.UpdatedAt.UTC(), nullTime(changed)
	return u, err
}

// CreateUser adds a user to the studio n.StudioSlug names. An e-mail address
// already used anywhere in the install is a conflict.
func (s *Store) CreateUser(ctx context.Context, n studio.NewUser) (u studio.User, err error) {
	if err := n.Validate(); err != nil {
		return u, err
	}
	// Hashing is slow on purpose; do it before the write lock is taken.
	hash, err := hashPassword(ctx, n.Password)
	if err != nil {
		return u, err
	}
	err = s.write(ctx, func(tx *Tx) error {
		st, err := studioWhere(ctx, tx, "slug = $1", n.StudioSlug)
		if err != nil {
			return err
		}
		u, err = insertUser(ctx, tx, st.ID, n, hash)
		return err
	})
	return u, err
}

func insertUser(ctx context.Context, tx *Tx, studioID string, n studio.NewUser, hash string) (studio.User, error) {
	u := studio.User{ID: auth.NewID(), StudioID: studioID, Email: n.Email, Name: n.Name, Role: n.Role, CreatedAt: tx.now, UpdatedAt: tx.now}
	_, err := tx.ExecContext(ctx, `INSERT INTO users (`+userColumns+`, password_hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		u.ID, u.StudioID, u.Email, u.Name, u.Role, u.CreatedAt, u.UpdatedAt, u.PasswordChangedAt, hash)
	if isUniqueViolation(err) {
		return u, &studio.Error{Code: studio.Conflict, Message: "A user with that e-mail address already exists.",
			Fields: map[string]string{"email": "is already in use"}}
	}
	return u, err
}

// dummyHash is checked against when no user has the e-mail address, so
// that a failed login takes as long whether or not the account exists.
var dummyHash = sync.OnceValue(func() string {
	h, _ := auth.HashPassword(context.Background(), "no such user; this only spends time")
	return h
})

// CheckLogin returns the user with the e-mail address if password is
// theirs. Any failure is one Unauthorized error that does not tell whether
// the account exists.
func (s *Store) CheckLogin(ctx context.Context, email, password string) (u studio.User, err error) {
	var hash string
	err = s.read(ctx, func(tx *Tx) error {
		u, err = scanUserWithHash(tx.QueryRowContext(ctx, `SELECT `+userColumns+`, password_hash FROM users WHERE email = $1`, studio.NormalizeEmail(email)), &hash)
		return err
	})
	if errors.Is(err, sql.ErrNoRows) {
		hash = dummyHash()
	} else if err != nil {
		return u, err
	}
	ok, err := auth.CheckPassword(ctx, hash, password)
	if errors.Is(err, auth.ErrBusy) {
		return studio.User{}, errBusy
	}
	if err != nil && ctx.Err() != nil {
		return studio.User{}, err
	}
	if !ok || err != nil || u.ID == "" {
		return studio.User{}, errBadLogin
	}
	return u, nil
}

// hashPassword hashes a new password, or says the server is too busy.
func hashPassword(ctx context.Context, password string) (string, error) {
	hash, err := auth.HashPassword(ctx, password)
	if errors.Is(err, auth.ErrBusy) {
		return "", errBusy
	}
	return hash, err
}

// errBusy answers a password check that found every hashing slot taken.
var errBusy = &studio.Error{Code: studio.Unavailable, Message: "The server is busy checking other passwords. Please try again in a few seconds.",
	Data: map[string]any{studio.RetryAfter: int(auth.MaxWait / time.Second)}}

var errBadLogin = studio.Errorf(studio.Unauthorized, "That e-mail address and password do not match an account.")

func scanUserWithHash(row *sql.Row, hash *string) (studio.User, error) {
	var u studio.User
	var changed sql.NullTime
	err := row.Scan(&u.ID, &u.StudioID, &u.Email, &u.Name, &u.Role, &u.CreatedAt, &u.UpdatedAt, &changed, hash)
	u.CreatedAt, u.UpdatedAt, u.PasswordChangedAt = u.CreatedAt.UTC(), u.UpdatedAt.UTC(), nullTime(changed)
	return u, err
}

// Principal loads a signed-in user with their studio.
func (s *Store) Principal(ctx context.Context, userID string) (p studio.Principal, err error) {
	err = s.read(ctx, func(tx *Tx) error {
		if p.User, err = userWhere(ctx, tx, "id = $1", userID); err != nil {
			return err
		}
		p.Studio, err = studioWhere(ctx, tx, "id = $1", p.User.StudioID)
		return err
	})
	return p, err
}

// SetPassword replaces the password of a user of the studio and ends the
// user's browser sessions (see studio.User.SessionValid).
func (s *Store) SetPassword(ctx context.Context, studioID, userID, password string) (u studio.User, err error) {
	if why := studio.PasswordProblem(password); why != "" {
		return u, studio.FieldError("password", why)
	}
	hash, err := hashPassword(ctx, password)
	if err != nil {
		return u, err
	}
	err = s.write(ctx, func(tx *Tx) error {
		if u, err = userWhere(ctx, tx, "id = $1 AND studio_id = $2", userID, studioID); err != nil {
			return err
		}
		u.UpdatedAt, u.PasswordChangedAt = tx.now, &tx.now
		_, err = tx.ExecContext(ctx, `UPDATE users SET password_hash = $1, updated_at = $2, password_changed_at = $2 WHERE id = $3`, hash, u.UpdatedAt, u.ID)
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
