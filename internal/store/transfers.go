package store

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"database/sql"
	"errors"
	"strings"
	"time"

	"atelier/internal/auth"
	"atelier/internal/provenance"
	"atelier/internal/studio"
)

// stubPurpose seals a certificate's unprinted transfer code for that
// certificate alone.
func stubPurpose(serial string) string { return "certificate transfer code " + serial }

// hashTransferCode is the stored form of a code as typed: the hash of its
// normalized digits, or "" for what cannot be a code.
func hashTransferCode(typed string) string {
	code, ok := studio.NormalizeTransferCode(typed)
	if !ok {
		return ""
	}
	return auth.HashToken(code)
}

// newTransferCode gives a certificate a fresh transfer code, replacing the
// one it had, and returns it in its printed form. With stub, the code is
// also kept sealed until the certificate's first print.
func newTransferCode(ctx context.Context, tx *Tx, studioID, serial string, stub bool) (string, error) {
	code, err := studio.NewTransferCode(rand.Reader)
	if err != nil {
		return "", err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE certificates SET transfer_code_hash = $1 WHERE serial = $2`, hashTransferCode(code), serial); err != nil {
		return "", err
	}
	if !stub {
		return code, nil
	}
	if tx.secret == nil {
		return "", errNoSecret
	}
	sealed, err := auth.Seal(tx.secret, stubPurpose(serial), []byte(code))
	if err != nil {
		return "", err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO certificate_stubs (serial, studio_id, code_sealed) VALUES ($1, $2, $3)`, serial, studioID, sealed)
	return code, err
}

// CertificateForPrint is a certificate of the studio to print, with its
// transfer code when this is its first print: the sealed copy is deleted
// in the transaction that hands it out, so that a reprint (or a print of
// a certificate since transferred) gets "". A first print that then fails
// to render loses its stub; the code was handed out at issue. A
// certificate issued before transfer codes existed gets its code at its
// next print, on that print's stub.
func (s *Store) CertificateForPrint(ctx context.Context, studioID, serial string) (ic IssuedCertificate, code string, err error) {
	if !provenance.ValidSerial(serial) {
		return ic, "", notFound("certificate")
	}
	err = s.write(ctx, func(tx *Tx) error {
		if ic, err = certificateBySerial(ctx, tx, studioID, serial); err != nil {
			return err
		}
		if code, err = takeStub(ctx, tx, studioID, serial); code != "" || err != nil {
			return err
		}
		var stored sql.NullString
		err := tx.QueryRowContext(ctx, `SELECT transfer_code_hash FROM certificates WHERE serial = $1`+tx.lock, serial).Scan(&stored)
		if err != nil || stored.Valid {
			return err
		}
		code, err = newTransferCode(ctx, tx, studioID, serial, false)
		return err
	})
	return ic, code, err
}

// takeStub opens and deletes a certificate's unprinted code, if it has one.
func takeStub(ctx context.Context, tx *Tx, studioID, serial string) (string, error) {
	var sealed []byte
	err := tx.QueryRowContext(ctx, `SELECT code_sealed FROM certificate_stubs WHERE studio_id = $1 AND serial = $2`+tx.lock, studioID, serial).Scan(&sealed)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	res, err := tx.ExecContext(ctx, `DELETE FROM certificate_stubs WHERE serial = $1`, serial)
	if err != nil {
		return "", err
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return "", err // taken meanwhile (n = 0): no stub for this print
	}
	if tx.secret == nil {
		return "", errNoSecret
	}
	code, err := auth.Open(tx.secret, stubPurpose(serial), sealed)
	if err != nil {
		return "", errors.New("store: the transfer code of certificate " + serial + " does not open with this install secret")
	}
	return string(code), nil
}

// errWrongCode is the one answer to every code that does not transfer a
// certificate: wrong, used already, or never valid.
var errWrongCode = studio.Errorf(studio.Forbidden,
	"This transfer code does not transfer this certificate. Check the code on the stub, or ask its present owner for the current one.")

// NormalizeSerial reads a serial as a person may type it: in any case,
// with spaces or dashes between its groups.
func NormalizeSerial(typed string) string {
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' {
			return -1
		}
		return r
	}, strings.ToUpper(strings.TrimSpace(typed)))
}

// TransferCertificate hands a certificate on to a new owner with the code
// its present owner holds, in one transaction under the certificate's row
// lock: the transfer's leaf is appended to the studio's log (naming the
// owner by a salted hash only), the owner is recorded, and the code is
// replaced by a new one, which it returns. A wrong or used code is
// Forbidden; of two transfers with one code, one wins.
func (s *Store) TransferCertificate(ctx context.Context, t studio.Transfer) (newCode string, err error) {
	if err := t.Validate(); err != nil {
		return "", err
	}
	serial := NormalizeSerial(t.Serial)
	if !provenance.ValidSerial(serial) {
		return "", notFound("certificate")
	}
	given := hashTransferCode(t.Code)
	err = s.write(ctx, func(tx *Tx) error {
		var studioID string
		var stored sql.NullString
		err := tx.QueryRowContext(ctx, `SELECT studio_id, transfer_code_hash FROM certificates WHERE serial = $1`+tx.lock, serial).
			Scan(&studioID, &stored)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("certificate")
		}
		if err != nil {
			return err
		}
		tx.locked()
		if given == "" || !stored.Valid || subtle.ConstantTimeCompare([]byte(given), []byte(stored.String)) != 1 {
			return errWrongCode
		}
		if err := recordOwner(ctx, tx, studioID, serial, t.NewOwnerName, t.ShowName); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM certificate_stubs WHERE serial = $1`, serial); err != nil {
			return err
		}
		newCode, err = newTransferCode(ctx, tx, studioID, serial, false)
		return err
	})
	return newCode, err
}

// recordOwner logs a transfer to a new owner and keeps the name beside
// the log, with the salt that links the two.
func recordOwner(ctx context.Context, tx *Tx, studioID, serial, name string, show bool) error {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return err
	}
	at := tx.now.UTC().Truncate(time.Second)
	leaf := provenance.TransferLeaf{Serial: serial, Owner: provenance.OwnerHash(salt, name), At: at}
	idx, err := appendLeaf(ctx, tx, studioID, entryTransfer, serial, leaf.Encode())
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO certificate_owners (studio_id, log_idx, serial, name, salt, show_name, at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, studioID, idx, serial, name, salt, show, at)
	return err
}

// Owner is one owner a certificate was transferred to: the transfer's
// index in the studio's log, when, and the name unless it was erased.
type Owner struct {
	Index    int64
	At       time.Time
	Name     string
	ShowName bool
	Erased   bool
}

// ProvenanceEntry is one step of a certificate's history as anyone may
// see it: its issue by the studio, then each transfer. Owner is the name
// only where its owner chose to show it and it was not erased.
type ProvenanceEntry struct {
	Kind   string // "issued" or "transfer"
	Index  int64
	At     time.Time
	Owner  string
	Erased bool
}

// CertificateOwners lists a certificate's owners, oldest first, with
// their names, for its studio.
func (s *Store) CertificateOwners(ctx context.Context, studioID, serial string) (out []Owner, err error) {
	if !provenance.ValidSerial(serial) {
		return nil, notFound("certificate")
	}
	err = s.read(ctx, func(tx *Tx) error {
		if _, err := certificateOfStudio(ctx, tx, studioID, serial); err != nil {
			return err
		}
		out, err = ownersOf(ctx, tx, studioID, serial)
		return err
	})
	return out, err
}

func certificateOfStudio(ctx context.Context, tx *Tx, studioID, serial string) (issued time.Time, err error) {
	err = tx.QueryRowContext(ctx, `SELECT issued_at FROM certificates WHERE studio_id = $1 AND serial = $2`, studioID, serial).Scan(&issued)
	if errors.Is(err, sql.ErrNoRows) {
		return issued, notFound("certificate")
	}
	return issued, err
}

func ownersOf(ctx context.Context, tx *Tx, studioID, serial string) ([]Owner, error) {
	rows, err := tx.QueryContext(ctx, `SELECT log_idx, at, name, show_name FROM certificate_owners
		WHERE studio_id = $1 AND serial = $2 ORDER BY log_idx`, studioID, serial)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Owner{}
	for rows.Next() {
		var o Owner
		var name sql.NullString
		if err := rows.Scan(&o.Index, &o.At, &name, &o.ShowName); err != nil {
			return nil, err
		}
		o.At = o.At.UTC()
		o.Name, o.Erased = name.String, !name.Valid
		out = append(out, o)
	}
	return out, rows.Err()
}

// EraseOwner forgets the name of a certificate's owner, by the index of
// the transfer to them: the name and the salt are deleted, so that the
// log's hash no longer leads to anyone. The transfer itself stays, as
// made to "an owner (name erased)". Erasing again changes nothing.
func (s *Store) EraseOwner(ctx context.Context, studioID, serial string, index int64) error {
	if !provenance.ValidSerial(serial) {
		return notFound("owner")
	}
	return s.write(ctx, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE certificate_owners SET name = NULL, salt = NULL, erased_at = COALESCE(erased_at, $1)
			WHERE studio_id = $2 AND serial = $3 AND log_idx = $4`, tx.now, studioID, serial, index)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			if err == nil {
				err = notFound("owner")
			}
			return err
		}
		return nil
	})
}

// provenanceOf is a certificate's public history: its issue (the studio
// holding it) and its transfers.
func provenanceOf(ctx context.Context, tx *Tx, cc CertificateCheck) ([]ProvenanceEntry, error) {
	issued, err := certificateOfStudio(ctx, tx, cc.StudioID, cc.Serial)
	if err != nil {
		return nil, err
	}
	first := ProvenanceEntry{Kind: "issued", At: issued.UTC(), Owner: cc.StudioName, Index: -1}
	if cc.Log != nil {
		first.Index = cc.Log.Index
	}
	out := []ProvenanceEntry{first}
	owners, err := ownersOf(ctx, tx, cc.StudioID, cc.Serial)
	if err != nil {
		return nil, err
	}
	for _, o := range owners {
		e := ProvenanceEntry{Kind: "transfer", Index: o.Index, At: o.At, Erased: o.Erased}
		if o.ShowName {
			e.Owner = o.Name
		}
		out = append(out, e)
	}
	return out, nil
}
