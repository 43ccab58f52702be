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
		if u, err = reinstateUser(ctx, tx, st.ID, n, hash); err == nil || studio.ErrorCode(err) != studio.NotFound {
			return err
		}
		u, err = insertUser(ctx, tx, st.ID, n, hash)
		return err
	})
	return u, err
}

// reinstateUser brings a person removed from the studio back, with the
// name, role and password given now, when the address is theirs: their
// row, kept for the history that names them, holds the address. A person
// never removed is "not found" here.
func reinstateUser(ctx context.Context, tx *Tx, studioID string, n studio.NewUser, hash string) (studio.User, error) {
	u, err := scanUser(tx.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users
		WHERE email = $1 AND studio_id = $2 AND removed_at IS NOT NULL`+tx.lock, n.Email, studioID))
	if errors.Is(err, sql.ErrNoRows) {
		return u, notFound("user")
	}
	if err != nil {
		return u, err
	}
	u.Name, u.Role, u.UpdatedAt, u.PasswordChangedAt = n.Name, n.Role, tx.now, &tx.now
	_, err = tx.ExecContext(ctx, `UPDATE users SET removed_at = NULL, name = $1, role = $2, password_hash = $3, updated_at = $4, password_changed_at = $4
		WHERE id = $5`, u.Name, u.Role, hash, tx.now, u.ID)
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
		u, err = scanUserWithHash(tx.QueryRowContext(ctx, `SELECT `+userColumns+`, password_hash FROM users WHERE email = $1 AND removed_at IS NULL`, studio.NormalizeEmail(email)), &hash)
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

// Users lists the users of a studio, oldest first; removed people are
// no longer on the team.
func (s *Store) Users(ctx context.Context, studioID string) (users []studio.User, err error) {
	err = s.read(ctx, func(tx *Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT `+userColumns+` FROM users WHERE studio_id = $1 AND removed_at IS NULL ORDER BY created_at, id`, studioID)
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

// userWhere finds a user who is still on the team: a removed person's row
// stays only for the history that names them, so every sign-in, token,
// feed and form that looks a user up finds them no more.
func userWhere(ctx context.Context, tx *Tx, where string, args ...any) (studio.User, error) {
	u, err := scanUser(tx.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE removed_at IS NULL AND `+where, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return u, notFound("user")
	}
	return u, err
}

// ChangeRole gives a person of the studio another role. Taking the owner's
// role from the studio's last owner is a conflict: nobody could manage
// the team any more.
func (s *Store) ChangeRole(ctx context.Context, studioID, userID string, role studio.Role) (u studio.User, err error) {
	if !role.Valid() {
		return u, studio.FieldError("role", `must be "owner" or "assistant"`)
	}
	err = s.write(ctx, func(tx *Tx) error {
		if u, err = teamMember(ctx, tx, studioID, userID); err != nil {
			return err
		}
		if u.Role == role {
			return nil
		}
		if err := keepAnOwner(ctx, tx, u, "take the owner's role from"); err != nil {
			return err
		}
		u.Role, u.UpdatedAt = role, tx.now
		_, err = tx.ExecContext(ctx, `UPDATE users SET role = $1, updated_at = $2 WHERE id = $3`, u.Role, u.UpdatedAt, u.ID)
		return err
	})
	return u, err
}

// RemoveUser takes a person off the team. Their row stays, so that the
// history that names them stays attributed, but from now on they cannot
// sign in: their browser sessions end (Principal finds them no more, and
// their password counts as changed), their API tokens are revoked, their
// calendar feed and any password-reset link stop working. The removed
// keep no role (the assistant's, the least), so that nothing that asks
// for the owners, such as a digest's recipients, reaches them. Removing
// the last owner is a conflict.
func (s *Store) RemoveUser(ctx context.Context, studioID, userID string) (u studio.User, err error) {
	err = s.write(ctx, func(tx *Tx) error {
		if u, err = teamMember(ctx, tx, studioID, userID); err != nil {
			return err
		}
		if err := keepAnOwner(ctx, tx, u, "remove"); err != nil {
			return err
		}
		return removeUser(ctx, tx, u.ID)
	})
	return u, err
}

func removeUser(ctx context.Context, tx *Tx, userID string) error {
	for _, q := range []string{
		`UPDATE users SET removed_at = $1, updated_at = $1, password_changed_at = $1, role = 'assistant' WHERE id = $2`,
		`UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL`,
	} {
		if _, err := tx.ExecContext(ctx, q, tx.now, userID); err != nil {
			return err
		}
	}
	for _, table := range []string{"calendar_tokens", "password_resets"} {
		if _, err := tx.ExecContext(ctx, `DELETE FROM `+table+` WHERE user_id = $1`, userID); err != nil {
			return err
		}
	}
	return nil
}

// teamMember loads a person of the studio for a change of the team. The
// studio's row is locked first: every change of roles in one studio then
// waits for the one before, so that two owners demoting each other at
// once cannot both see the other still an owner (on SQLite the one writer
// already orders them).
func teamMember(ctx context.Context, tx *Tx, studioID, userID string) (studio.User, error) {
	var id string
	err := tx.QueryRowContext(ctx, `SELECT id FROM studios WHERE id = $1`+tx.lock, studioID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return studio.User{}, notFound("user")
	}
	if err != nil {
		return studio.User{}, err
	}
	tx.locked()
	return userWhere(ctx, tx, "id = $1 AND studio_id = $2", userID, studioID)
}

// keepAnOwner refuses to take u's role as an owner away (to do what) when
// u is the studio's last owner. The caller holds the studio's lock.
func keepAnOwner(ctx context.Context, tx *Tx, u studio.User, what string) error {
	if u.Role != studio.Owner {
		return nil
	}
	var owners int
	err := tx.QueryRowContext(ctx, `SELECT count(*) FROM users WHERE studio_id = $1 AND role = $2 AND removed_at IS NULL`,
		u.StudioID, studio.Owner).Scan(&owners)
	if err != nil || owners > 1 {
		return err
	}
	return studio.Errorf(studio.Conflict, "%s is the studio's only owner: make someone else an owner before you %s them.", u.Name, what)
}
