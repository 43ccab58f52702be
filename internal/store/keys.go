package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"

	"atelier/internal/auth"
	"atelier/internal/provenance"
	"atelier/internal/studio"
)

// StudioKey is the public half of a studio's signing key.
type StudioKey struct {
	StudioID string
	// Name is the studio's log origin, atelier/{slug}/{8 hex digits}.
	Name string
	// Verifier is the public key in the signed-note verifier format.
	Verifier string
}

// signerPurpose seals a studio's private key for that studio alone: a
// sealed key copied to another studio's row does not open.
func signerPurpose(studioID string) string { return "studio signing key " + studioID }

// errNoSecret is what a store opened without the install secret answers
// when it is asked to make or use a signing key.
var errNoSecret = errors.New("store: the install secret is required to keep studios' signing keys (ATELIER_SECRET_KEY or DATA/secret.key)")

// createKey makes the studio's signing key and stores it, its private half
// sealed with the install secret. A key made meanwhile by another process
// stays: a studio's key is never replaced.
func createKey(ctx context.Context, tx *Tx, st studio.Studio) error {
	if tx.secret == nil {
		return errNoSecret
	}
	k, err := provenance.NewKey(rand.Reader, st.Slug)
	if err != nil {
		return err
	}
	sealed, err := auth.Seal(tx.secret, signerPurpose(st.ID), []byte(k.Signer))
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO studio_keys (studio_id, name, verifier_key, signer_key_sealed, created_at)
		VALUES ($1, $2, $3, $4, $5) ON CONFLICT (studio_id) DO NOTHING`, st.ID, k.Name, k.Verifier, sealed, tx.now)
	if err != nil {
		return err
	}
	return logStudio(ctx, tx, st.ID)
}

// ProvisionStudios gives every studio that has no signing key or no log
// yet its key and its log, with what it did before logging (its editions
// and certificates) appended: the studios made before keys and logs
// existed, or restored from such a backup. It runs with each start
// (Migrate) and is a no-op once all have both, or when the store has no
// install secret to seal keys with.
func (s *Store) ProvisionStudios(ctx context.Context) error {
	if s.secret == nil {
		return nil
	}
	return s.write(ctx, func(tx *Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT `+studioColumns+` FROM studios
			WHERE NOT EXISTS (SELECT 1 FROM studio_keys k WHERE k.studio_id = studios.id)
			OR NOT EXISTS (SELECT 1 FROM logs l WHERE l.studio_id = studios.id) ORDER BY id`)
		if err != nil {
			return err
		}
		var keyless []studio.Studio
		for rows.Next() {
			st, err := scanStudio(rows)
			if err != nil {
				rows.Close()
				return err
			}
			keyless = append(keyless, st)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, st := range keyless {
			if err := createKey(ctx, tx, st); err != nil {
				return err
			}
		}
		return nil
	})
}

// StudioKey is the public half of the signing key of the studio with the
// given slug.
func (s *Store) StudioKey(ctx context.Context, slug string) (k StudioKey, err error) {
	err = s.read(ctx, func(tx *Tx) error {
		err := tx.QueryRowContext(ctx, `SELECT k.studio_id, k.name, k.verifier_key FROM studio_keys k
			JOIN studios s ON s.id = k.studio_id WHERE s.slug = $1`, slug).Scan(&k.StudioID, &k.Name, &k.Verifier)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("studio")
		}
		return err
	})
	return k, err
}

// verifierOf is the public key a studio signs with.
func verifierOf(ctx context.Context, tx *Tx, studioID string) (k StudioKey, err error) {
	k.StudioID = studioID
	err = tx.QueryRowContext(ctx, `SELECT name, verifier_key FROM studio_keys WHERE studio_id = $1`, studioID).Scan(&k.Name, &k.Verifier)
	if errors.Is(err, sql.ErrNoRows) {
		return k, fmt.Errorf("store: studio %s has no signing key yet: start the server with its install secret", studioID)
	}
	return k, err
}

// signerOf opens the studio's private key with the install secret.
func signerOf(ctx context.Context, tx *Tx, studioID string) (string, error) {
	if tx.secret == nil {
		return "", errNoSecret
	}
	var sealed []byte
	err := tx.QueryRowContext(ctx, `SELECT signer_key_sealed FROM studio_keys WHERE studio_id = $1`, studioID).Scan(&sealed)
	if errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("store: studio %s has no signing key yet: start the server with its install secret", studioID)
	}
	if err != nil {
		return "", err
	}
	skey, err := auth.Open(tx.secret, signerPurpose(studioID), sealed)
	if err != nil {
		return "", fmt.Errorf("store: the signing key of studio %s does not open with this install secret: %w", studioID, err)
	}
	return string(skey), nil
}

// checkKeyRow refuses a studio key row whose private key, as an archive
// carries it, is not the private half of its public key: a studio restored
// with it would sign what its published key does not verify.
func checkKeyRow(r Row) error {
	name, _ := r["name"].(string)
	skey, _ := r["signer_key"].(string)
	vkey, _ := r["verifier_key"].(string)
	if err := provenance.CheckPair(name, skey, vkey); err != nil {
		return fmt.Errorf("the studio's signing key does not match its public key")
	}
	return nil
}
