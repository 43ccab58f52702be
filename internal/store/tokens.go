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

// NewToken asks for an API token for the user with Email. A non-empty
// StudioID confines the search to that studio: a user of another studio is
// then "not found", as if they did not exist.
type NewToken struct {
	StudioID string
	Email    string
	Name     string
}

// lastUsedGranularity keeps authentication from writing on every request.
const lastUsedGranularity = time.Minute

const tokenColumns = `t.id, t.studio_id, t.user_id, u.email, t.name, t.created_at, t.last_used_at, t.revoked_at`

func scanToken(row interface{ Scan(...any) error }) (studio.Token, error) {
	var t studio.Token
	var used, revoked sql.NullTime
	err := row.Scan(&t.ID, &t.StudioID, &t.UserID, &t.UserEmail, &t.Name, &t.CreatedAt, &used, &revoked)
	t.CreatedAt, t.LastUsedAt, t.RevokedAt = t.CreatedAt.UTC(), nullTime(used), nullTime(revoked)
	return t, err
}

// CreateToken makes an API token and returns its secret, which is stored
// only as a hash and cannot be shown again.
func (s *Store) CreateToken(ctx context.Context, n NewToken) (secret string, t studio.Token, err error) {
	n.Name = strings.TrimSpace(n.Name)
	if err := studio.TextError("name", n.Name, studio.TokenName); err != nil {
		return "", t, err
	}
	if why := studio.EmailProblem(studio.NormalizeEmail(n.Email)); why != "" {
		return "", t, studio.FieldError("email", why)
	}
	secret = auth.NewToken(auth.TokenPrefix)
	err = s.write(ctx, func(tx *Tx) error {
		u, err := userWhere(ctx, tx, "email = $1", studio.NormalizeEmail(n.Email))
		if err != nil || (n.StudioID != "" && u.StudioID != n.StudioID) {
			return notFound("user")
		}
		t = studio.Token{ID: auth.NewID(), StudioID: u.StudioID, UserID: u.ID, UserEmail: u.Email, Name: n.Name, CreatedAt: tx.now}
		_, err = tx.ExecContext(ctx, `INSERT INTO api_tokens (id, studio_id, user_id, name, token_hash, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
			t.ID, t.StudioID, t.UserID, t.Name, auth.HashToken(secret), t.CreatedAt)
		return err
	})
	if err != nil {
		return "", studio.Token{}, err
	}
	return secret, t, nil
}

// RevokeToken revokes the token with the given secret. Revoking a revoked
// token again changes nothing.
func (s *Store) RevokeToken(ctx context.Context, secret string) (t studio.Token, err error) {
	err = s.write(ctx, func(tx *Tx) error {
		t, err = revokeWhere(ctx, tx, "t.token_hash = $1", auth.HashToken(strings.TrimSpace(secret)))
		return err
	})
	return t, err
}

// RevokeTokenByID revokes a token of the given studio.
func (s *Store) RevokeTokenByID(ctx context.Context, studioID, id string) (t studio.Token, err error) {
	err = s.write(ctx, func(tx *Tx) error {
		t, err = revokeWhere(ctx, tx, "t.id = $1 AND t.studio_id = $2", id, studioID)
		return err
	})
	return t, err
}

func revokeWhere(ctx context.Context, tx *Tx, where string, args ...any) (studio.Token, error) {
	t, err := tokenWhere(ctx, tx, where, args...)
	if err != nil || t.RevokedAt != nil {
		return t, err
	}
	t.RevokedAt = &tx.now
	_, err = tx.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = $1 WHERE id = $2`, tx.now, t.ID)
	return t, err
}

// Tokens lists a studio's tokens, newest first, revoked ones included.
func (s *Store) Tokens(ctx context.Context, studioID string) (tokens []studio.Token, err error) {
	err = s.read(ctx, func(tx *Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT `+tokenColumns+` FROM api_tokens t JOIN users u ON u.id = t.user_id
			WHERE t.studio_id = $1 ORDER BY t.created_at DESC, t.id`, studioID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			t, err := scanToken(rows)
			if err != nil {
				return err
			}
			tokens = append(tokens, t)
		}
		return rows.Err()
	})
	return tokens, err
}

func tokenWhere(ctx context.Context, tx *Tx, where string, args ...any) (studio.Token, error) {
	t, err := scanToken(tx.QueryRowContext(ctx, `SELECT `+tokenColumns+` FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE `+where, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return t, notFound("token")
	}
	return t, err
}

var errBadToken = studio.Errorf(studio.Unauthorized, "The API token is missing, unknown or revoked.")

// Authenticate finds who holds an API token. An unknown or revoked token is
// Unauthorized.
func (s *Store) Authenticate(ctx context.Context, secret string) (p studio.Principal, err error) {
	if !strings.HasPrefix(secret, auth.TokenPrefix) {
		return p, errBadToken
	}
	var t studio.Token
	err = s.read(ctx, func(tx *Tx) error {
		t, err = tokenWhere(ctx, tx, "t.token_hash = $1 AND t.revoked_at IS NULL", auth.HashToken(secret))
		if err != nil {
			return err
		}
		if p.User, err = userWhere(ctx, tx, "id = $1", t.UserID); err != nil {
			return err
		}
		p.Studio, err = studioWhere(ctx, tx, "id = $1", t.StudioID)
		return err
	})
	if studio.ErrorCode(err) == studio.NotFound {
		return p, errBadToken
	}
	if err != nil {
		return p, err
	}
	p.TokenID = t.ID
	if t.LastUsedAt == nil || s.now().Sub(*t.LastUsedAt) > lastUsedGranularity {
		err = s.write(ctx, func(tx *Tx) error {
			_, err := tx.ExecContext(ctx, `UPDATE api_tokens SET last_used_at = $1 WHERE id = $2`, tx.now, t.ID)
			return err
		})
	}
	return p, err
}
