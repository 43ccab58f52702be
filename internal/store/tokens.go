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

// A commission's portal secret is found by its hash (commissions.
// portal_token_hash) and kept, besides, sealed with the install secret in
// portal_links, so that the studio can show the link again. See migration
// 00021 for why backups leave the sealed copy out.

// portalPurpose binds a sealed portal secret to its commission: a sealed
// value copied onto another commission's row does not open.
func portalPurpose(commissionID string) string { return "portal link " + commissionID }

// keepPortalLink stores the commission's portal secret sealed, replacing
// any kept before. An install without a secret keeps nothing: its pages
// offer a new link instead of showing one.
func keepPortalLink(ctx context.Context, tx *Tx, c studio.Commission, secret string) error {
	if tx.secret == nil {
		return nil
	}
	sealed, err := auth.Seal(tx.secret, portalPurpose(c.ID), []byte(secret))
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO portal_links (commission_id, studio_id, token_sealed, created_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (commission_id) DO UPDATE SET token_sealed = excluded.token_sealed, created_at = excluded.created_at`,
		c.ID, c.StudioID, sealed, tx.now)
	return err
}

// PortalLink returns the secret of a commission's client portal, or ""
// when none is kept: the commission predates kept links, was restored from
// a backup, or the install secret changed. The page then offers a new one.
func (s *Store) PortalLink(ctx context.Context, studioID, commissionID string) (secret string, err error) {
	err = s.read(ctx, func(tx *Tx) error {
		if _, err := commissionWhere(ctx, tx, "studio_id = $1 AND id = $2", studioID, commissionID); err != nil {
			return err
		}
		var sealed []byte
		err := tx.QueryRowContext(ctx, `SELECT token_sealed FROM portal_links WHERE commission_id = $1`, commissionID).Scan(&sealed)
		if errors.Is(err, sql.ErrNoRows) || tx.secret == nil {
			return nil
		}
		if err != nil {
			return err
		}
		plain, err := auth.Open(tx.secret, portalPurpose(commissionID), sealed)
		if errors.Is(err, auth.ErrSealed) {
			return nil
		}
		secret = string(plain)
		return err
	})
	return secret, err
}

// RenewPortalLink gives a commission a new portal secret and returns it.
// The old link stops working at once: only the new hash is kept.
func (s *Store) RenewPortalLink(ctx context.Context, studioID, commissionID, userID string) (secret string, err error) {
	secret = auth.NewToken("")
	err = s.write(ctx, func(tx *Tx) error {
		c, err := commissionWhere(ctx, tx, "studio_id = $1 AND id = $2", studioID, commissionID)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE commissions SET portal_token_hash = $1 WHERE id = $2`, auth.HashToken(secret), c.ID); err != nil {
			return err
		}
		if err := keepPortalLink(ctx, tx, c, secret); err != nil {
			return err
		}
		return addEvent(ctx, tx, c, userID, "new portal link; the old one no longer opens")
	})
	if err != nil {
		return "", err
	}
	return secret, nil
}
