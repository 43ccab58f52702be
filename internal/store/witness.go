package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"filippo.io/torchwood"
	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"atelier/internal/auth"
	"atelier/internal/provenance"
	"atelier/internal/studio"
)

// The install as a witness of other studios' logs (C2SP tlog-witness).

const witnessPurpose = "witness cosigning key"

// WitnessIdentity is the install's witness: its name and cosigning key,
// made with the name given the first time and fixed from then on.
func (s *Store) WitnessIdentity(ctx context.Context, name string) (id provenance.WitnessedLog, err error) {
	err = s.write(ctx, func(tx *Tx) error {
		id.Origin, id.Verifier, err = witnessKey(ctx, tx, name)
		return err
	})
	return id, err
}

// witnessKey returns the witness's name and verifier key, making them if
// the install has none.
func witnessKey(ctx context.Context, tx *Tx, name string) (string, string, error) {
	var have, vkey string
	err := tx.QueryRowContext(ctx, `SELECT name, verifier_key FROM witness_keys WHERE id = 1`).Scan(&have, &vkey)
	if err == nil || !errors.Is(err, sql.ErrNoRows) {
		return have, vkey, err
	}
	if tx.secret == nil {
		return "", "", errNoSecret
	}
	seed := make([]byte, 32)
	rand.Read(seed)
	if vkey, err = provenance.WitnessKey(name, seed); err != nil {
		return "", "", fmt.Errorf("store: the witness name %q is unusable: %w", name, err)
	}
	sealed, err := auth.Seal(tx.secret, witnessPurpose, seed)
	if err != nil {
		return "", "", err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO witness_keys (id, name, verifier_key, signer_key_sealed, created_at) VALUES (1, $1, $2, $3, $4)`,
		name, vkey, sealed, tx.now)
	return name, vkey, err
}

// AddWitnessedLog makes the install a witness of the log whose key is
// vkey (its name is the log's origin). A log witnessed already is a
// conflict.
func (s *Store) AddWitnessedLog(ctx context.Context, vkey string) (l provenance.WitnessedLog, err error) {
	v, err := note.NewVerifier(strings.TrimSpace(vkey))
	if err != nil {
		return l, studio.FieldError("verifier_key", "is not a signed-note verifier key (name+hash+key)")
	}
	l = provenance.WitnessedLog{Origin: v.Name(), Verifier: strings.TrimSpace(vkey)}
	err = s.write(ctx, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO witnessed_logs (origin, verifier_key, size, root, created_at, updated_at) VALUES ($1, $2, 0, $3, $4, $4)`,
			l.Origin, l.Verifier, l.Tree.Hash[:], tx.now)
		if isUniqueViolation(err) {
			return studio.Errorf(studio.Conflict, "This install already witnesses the log %s.", l.Origin)
		}
		return err
	})
	return l, err
}

// WitnessedLogs lists the logs the install witnesses, with the latest
// tree it cosigned of each.
func (s *Store) WitnessedLogs(ctx context.Context) (out []provenance.WitnessedLog, err error) {
	err = s.read(ctx, func(tx *Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT origin, verifier_key, size, root FROM witnessed_logs ORDER BY origin`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var l provenance.WitnessedLog
			var root []byte
			if err := rows.Scan(&l.Origin, &l.Verifier, &l.Tree.N, &root); err != nil {
				return err
			}
			copy(l.Tree.Hash[:], root)
			out = append(out, l)
		}
		return rows.Err()
	})
	return out, err
}

// Witness answers an add-checkpoint request as the install's witness named
// name: it checks the checkpoint against the log's key and the tree it
// last cosigned, keeps the new tree and returns its cosignature, in one
// transaction holding the log's row, so that two requests can never roll
// the tree back. An unknown log is not found; the other refusals are
// provenance's errors.
func (s *Store) Witness(ctx context.Context, name string, req provenance.AddCheckpoint) (lines []byte, err error) {
	text, _, _ := strings.Cut(string(req.Checkpoint), "\n\n")
	c, err := torchwood.ParseCheckpoint(text + "\n")
	if err != nil {
		return nil, provenance.ErrMalformedRequest
	}
	err = s.writeRaw(ctx, func(tx *Tx) error {
		var l provenance.WitnessedLog
		var root []byte
		err := tx.QueryRowContext(ctx, `SELECT origin, verifier_key, size, root FROM witnessed_logs WHERE origin = $1`+tx.lock, c.Origin).
			Scan(&l.Origin, &l.Verifier, &l.Tree.N, &root)
		if errors.Is(err, sql.ErrNoRows) {
			return studio.Errorf(studio.NotFound, "This witness does not witness the log %s.", c.Origin)
		}
		if err != nil {
			return err
		}
		copy(l.Tree.Hash[:], root)
		tree, err := provenance.Witness(l, req)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE witnessed_logs SET size = $1, root = $2, updated_at = $3 WHERE origin = $4`,
			tree.N, tree.Hash[:], tx.now, l.Origin); err != nil {
			return err
		}
		witness, _, err := witnessKey(ctx, tx, name)
		if err != nil {
			return err
		}
		var sealed []byte
		if err := tx.QueryRowContext(ctx, `SELECT signer_key_sealed FROM witness_keys WHERE id = 1`).Scan(&sealed); err != nil {
			return err
		}
		seed, err := auth.Open(tx.secret, witnessPurpose, sealed)
		if err != nil {
			return fmt.Errorf("store: the witness key does not open with this install secret: %w", err)
		}
		lines, err = provenance.Cosign(witness, seed, c.String())
		return err
	})
	return lines, err
}

// The studio's side: the witnesses it submits its checkpoints to.

// StudioWitness is a witness a studio submits its checkpoints to: its
// submission prefix and cosigning key, the size it is known to have
// cosigned, and the last error it answered.
type StudioWitness struct {
	ID        string
	URL       string
	Verifier  string
	KnownSize int64
	LastError string
	// Cosigned says it has cosigned the log's current checkpoint.
	Cosigned bool
}

// MaxWitnesses bounds the witnesses a studio lists.
const MaxWitnesses = 20

// StudioWitnesses lists the studio's witnesses and its quorum: how many of
// them must cosign.
func (s *Store) StudioWitnesses(ctx context.Context, studioID string) (quorum int, out []StudioWitness, err error) {
	err = s.read(ctx, func(tx *Tx) error {
		var size int64
		if err := tx.QueryRowContext(ctx, `SELECT witness_quorum, size FROM logs WHERE studio_id = $1`, studioID).Scan(&quorum, &size); err != nil {
			return err
		}
		out, err = studioWitnesses(ctx, tx, studioID, size)
		return err
	})
	return quorum, out, err
}

func studioWitnesses(ctx context.Context, tx *Tx, studioID string, size int64) ([]StudioWitness, error) {
	rows, err := tx.QueryContext(ctx, `SELECT w.id, w.url, w.verifier_key, w.known_size, w.last_error,
		EXISTS (SELECT 1 FROM log_cosignatures c WHERE c.witness_id = w.id AND c.size = $2)
		FROM studio_witnesses w WHERE w.studio_id = $1 ORDER BY w.created_at, w.id`, studioID, size)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []StudioWitness
	for rows.Next() {
		var w StudioWitness
		if err := rows.Scan(&w.ID, &w.URL, &w.Verifier, &w.KnownSize, &w.LastError, &w.Cosigned); err != nil {
			return nil, err
		}
		out = append(out, w)
	}
	return out, rows.Err()
}

// SetStudioWitnesses replaces the studio's witnesses and quorum. A witness
// kept (same key) keeps what it cosigned; the checkpoint goes to every
// witness at once.
func (s *Store) SetStudioWitnesses(ctx context.Context, studioID string, quorum int, list []StudioWitness) error {
	f := studio.Fields{}
	if len(list) > MaxWitnesses {
		f.Add("witnesses", fmt.Sprintf("at most %d", MaxWitnesses))
	}
	if quorum < 0 || quorum > len(list) {
		f.Add("quorum", fmt.Sprintf("must be from 0 to the %d witnesses listed", len(list)))
	}
	seen := map[string]bool{}
	for i, w := range list {
		u, err := url.Parse(w.URL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || len(w.URL) > 500 || u.User != nil {
			f.Add(fmt.Sprintf("witnesses.%d.url", i), "must be the witness's http(s) submission address")
		}
		if _, err := torchwood.NewCosignatureVerifier(w.Verifier); err != nil || len(w.Verifier) > 500 {
			f.Add(fmt.Sprintf("witnesses.%d.verifier_key", i), "is not a cosignature/v1 verifier key (name+hash+key)")
		} else if seen[w.Verifier] {
			f.Add(fmt.Sprintf("witnesses.%d.verifier_key", i), "is listed twice")
		}
		seen[w.Verifier] = true
	}
	if err := f.Err(); err != nil {
		return err
	}
	return s.write(ctx, func(tx *Tx) error {
		var size int64
		if err := tx.QueryRowContext(ctx, `SELECT size FROM logs WHERE studio_id = $1`+tx.lock, studioID).Scan(&size); err != nil {
			return err
		}
		old, err := studioWitnesses(ctx, tx, studioID, size)
		if err != nil {
			return err
		}
		// Witnesses no longer listed go; after this loop seen holds only the
		// new ones, to insert, and the others keep their row and state.
		for _, o := range old {
			if !seen[o.Verifier] {
				if _, err := tx.ExecContext(ctx, `DELETE FROM studio_witnesses WHERE id = $1`, o.ID); err != nil {
					return err
				}
			}
			delete(seen, o.Verifier)
		}
		for _, w := range list {
			if !seen[w.Verifier] {
				_, err = tx.ExecContext(ctx, `UPDATE studio_witnesses SET url = $1 WHERE studio_id = $2 AND verifier_key = $3`, w.URL, studioID, w.Verifier)
			} else {
				_, err = tx.ExecContext(ctx, `INSERT INTO studio_witnesses (id, studio_id, url, verifier_key, created_at) VALUES ($1, $2, $3, $4, $5)`,
					auth.NewID(), studioID, w.URL, w.Verifier, tx.now)
			}
			if err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE logs SET witness_quorum = $1 WHERE studio_id = $2`, quorum, studioID); err != nil {
			return err
		}
		if len(list) == 0 {
			return nil
		}
		return tx.store.enqueue(ctx, tx, WitnessJob{StudioID: studioID})
	})
}

// WitnessSubmission is an add-checkpoint request for one witness of a
// studio: from the size it is known to have cosigned to the log's current
// checkpoint.
type WitnessSubmission struct {
	Witness StudioWitness
	Request provenance.AddCheckpoint
	// Text is the checkpoint's text, which the cosignatures sign.
	Text string
	Size int64
}

// WitnessSubmissions builds the requests for the studio's witnesses that
// have not cosigned its current checkpoint.
func (s *Store) WitnessSubmissions(ctx context.Context, studioID string) (out []WitnessSubmission, err error) {
	err = s.read(ctx, func(tx *Tx) error {
		ls, err := logOf(ctx, tx, "l.studio_id = $1", studioID)
		if err != nil {
			return err
		}
		ws, err := studioWitnesses(ctx, tx, studioID, ls.Tree.N)
		if err != nil {
			return err
		}
		text, _, _ := strings.Cut(string(ls.Checkpoint), "\n\n")
		for _, w := range ws {
			if w.Cosigned {
				continue
			}
			req := provenance.AddCheckpoint{OldSize: w.KnownSize, Checkpoint: ls.Checkpoint}
			if w.KnownSize > ls.Tree.N {
				// The witness knows a larger tree than this log holds: only a
				// log rolled back gets here. Say so; the witness will refuse.
				req.OldSize = w.KnownSize
			} else if w.KnownSize > 0 && w.KnownSize < ls.Tree.N {
				if req.Proof, err = tlog.ProveTree(ls.Tree.N, w.KnownSize, hashReader{ctx, tx, studioID}); err != nil {
					return err
				}
			}
			out = append(out, WitnessSubmission{Witness: w, Request: req, Text: text + "\n", Size: ls.Tree.N})
		}
		return nil
	})
	return out, err
}

// RecordCosignature keeps a witness's checked cosignature of the studio's
// checkpoint of size.
func (s *Store) RecordCosignature(ctx context.Context, studioID, witnessID string, size int64, lines []byte) error {
	return s.write(ctx, func(tx *Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO log_cosignatures (studio_id, witness_id, size, lines, created_at) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (studio_id, witness_id, size) DO NOTHING`, studioID, witnessID, size, string(lines), tx.now); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE studio_witnesses SET known_size = $1, last_error = '' WHERE id = $2 AND studio_id = $3`, size, witnessID, studioID)
		return err
	})
}

// RecordWitnessAnswer keeps what a witness said when it did not cosign:
// the size it says it knows (when it said one) and why.
func (s *Store) RecordWitnessAnswer(ctx context.Context, studioID, witnessID string, knownSize int64, why string) error {
	if len(why) > 500 {
		why = why[:500]
	}
	why = strings.ToValidUTF8(strings.ReplaceAll(why, "\x00", ""), "?")
	return s.write(ctx, func(tx *Tx) error {
		q := `UPDATE studio_witnesses SET last_error = $1 WHERE id = $2 AND studio_id = $3`
		args := []any{why, witnessID, studioID}
		if knownSize >= 0 {
			q = `UPDATE studio_witnesses SET last_error = $1, known_size = $4 WHERE id = $2 AND studio_id = $3`
			args = append(args, knownSize)
		}
		_, err := tx.ExecContext(ctx, q, args...)
		return err
	})
}

// cosignatures are the witnesses' cosignature lines of the studio's
// checkpoint of size, to serve with it.
func cosignatures(ctx context.Context, tx *Tx, studioID string, size int64) ([]byte, error) {
	rows, err := tx.QueryContext(ctx, `SELECT c.lines FROM log_cosignatures c JOIN studio_witnesses w ON w.id = c.witness_id
		WHERE c.studio_id = $1 AND c.size = $2 ORDER BY w.created_at, w.id`, studioID, size)
	if err != nil {
		return nil, err
	}
	lines, err := scanStrings(rows)
	return []byte(strings.Join(lines, "")), err
}
