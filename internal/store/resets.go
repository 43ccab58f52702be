package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"atelier/internal/auth"
	"atelier/internal/studio"
)

// PasswordResetPrefix marks the tokens of password-reset links.
const PasswordResetPrefix = "rst_"

// PasswordResetTTL is how long a reset link works: long enough to find the
// mail, short enough that an old mailbox holds no working key.
const PasswordResetTTL = time.Hour

// ResetMail writes the e-mail that carries a reset link's token to u.
type ResetMail func(u studio.User, token string) (subject, body string)

var errResetLink = studio.Errorf(studio.NotFound,
	"This link to set a new password has expired or was used already. Ask for a new one from the sign-in page.")

// RequestPasswordReset issues a one-time reset link to the person with the
// e-mail address and queues the mail compose writes, in one transaction.
// An address that is nobody's is no error: the caller answers the same
// either way, so that the form tells no one who has an account.
func (s *Store) RequestPasswordReset(ctx context.Context, email string, compose ResetMail) error {
	return s.write(ctx, func(tx *Tx) error {
		// Expired links go here, where links are made, so that the table
		// holds at most an hour of them without a sweep.
		if _, err := tx.ExecContext(ctx, `DELETE FROM password_resets WHERE expires_at <= $1`, tx.now); err != nil {
			return err
		}
		u, err := userWhere(ctx, tx, "email = $1", studio.NormalizeEmail(email))
		if studio.ErrorCode(err) == studio.NotFound {
			return nil
		}
		if err != nil {
			return err
		}
		token := auth.NewToken(PasswordResetPrefix)
		_, err = tx.ExecContext(ctx, `INSERT INTO password_resets (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)`,
			auth.HashToken(token), u.ID, tx.now, tx.now.Add(PasswordResetTTL))
		if err != nil {
			return err
		}
		subject, body := compose(u, token)
		return s.queueMail(ctx, tx, u.StudioID, "", u.Email, subject, body)
	})
}

// PasswordResetUser finds whose password a reset link sets, so that its
// page can greet them; an unknown, expired or used link is errResetLink.
func (s *Store) PasswordResetUser(ctx context.Context, token string) (u studio.User, err error) {
	err = s.read(ctx, func(tx *Tx) error {
		u, err = resetUser(ctx, tx, token)
		return err
	})
	return u, err
}

// ResetPassword sets a new password through a reset link and uses the
// link up, with every other link of the person, in the same transaction:
// of two uses of one link, the second finds it gone. Like SetPassword, it
// ends the person's browser sessions.
func (s *Store) ResetPassword(ctx context.Context, token, password string) (u studio.User, err error) {
	if why := studio.PasswordProblem(password); why != "" {
		return u, studio.FieldError("password", why)
	}
	// Hashing is slow on purpose: spend it only on a link that works.
	if _, err := s.PasswordResetUser(ctx, token); err != nil {
		return u, err
	}
	hash, err := hashPassword(ctx, password)
	if err != nil {
		return u, err
	}
	err = s.write(ctx, func(tx *Tx) error {
		if u, err = resetUser(ctx, tx, token); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM password_resets WHERE user_id = $1`, u.ID); err != nil {
			return err
		}
		u.UpdatedAt, u.PasswordChangedAt = tx.now, &tx.now
		_, err = tx.ExecContext(ctx, `UPDATE users SET password_hash = $1, updated_at = $2, password_changed_at = $2 WHERE id = $3`, hash, tx.now, u.ID)
		return err
	})
	return u, err
}

// resetUser loads, and in a write locks, the link of token and its person,
// who must still be on the team.
func resetUser(ctx context.Context, tx *Tx, token string) (studio.User, error) {
	if !strings.HasPrefix(token, PasswordResetPrefix) {
		return studio.User{}, errResetLink
	}
	var userID string
	err := tx.QueryRowContext(ctx, `SELECT user_id FROM password_resets WHERE token_hash = $1 AND expires_at > $2`+tx.lock,
		auth.HashToken(token), tx.now).Scan(&userID)
	if errors.Is(err, sql.ErrNoRows) {
		return studio.User{}, errResetLink
	}
	if err != nil {
		return studio.User{}, err
	}
	tx.locked()
	u, err := userWhere(ctx, tx, "id = $1", userID)
	if studio.ErrorCode(err) == studio.NotFound {
		return u, errResetLink
	}
	return u, err
}
