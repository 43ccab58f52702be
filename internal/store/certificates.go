package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"strings"
	"time"

	"atelier/internal/provenance"
	"atelier/internal/studio"
)

// IssuedCertificate is a certificate as it was issued: its fields, the
// signed note that carries them, and the key that signed it.
type IssuedCertificate struct {
	studio.Certificate
	StudioID string
	PieceID  string
	// Signed is the signed note, byte for byte as issued.
	Signed []byte
	Key    StudioKey
	// TransferCode is the owner's transfer code, in its printed form: set
	// only by IssueCertificate, the one time it is shown.
	TransferCode string
}

// CertificateCheck is what verification finds about a serial: the record
// on file, whether its signature holds under the studio's key, and how
// many of its edition are certified.
type CertificateCheck struct {
	IssuedCertificate
	Genuine bool
	// Reason says why a record is not genuine.
	Reason string
	// Certified counts the certificates of the piece's edition so far.
	Certified int
	// Log proves that the certificate is in the studio's log: nil when it
	// is not logged (a serial the studio never issued).
	Log *LogProof
	// Provenance is the certificate's history, for a genuine record on
	// file: its issue, then each transfer, oldest first.
	Provenance []ProvenanceEntry
}

// IssueCertificate issues the certificate of a collector-grade piece,
// signed with the studio's key. story, when not nil, replaces the
// commission's story. A piece has one certificate: a second request is a
// conflict that names the first.
func (s *Store) IssueCertificate(ctx context.Context, studioID, pieceID string, story *string) (ic IssuedCertificate, err error) {
	err = s.write(ctx, func(tx *Tx) error {
		p, err := pieceWhere(ctx, tx, "studio_id = $1 AND id = $2", studioID, pieceID)
		if err != nil {
			return err
		}
		if serial, err := certificateOfPiece(ctx, tx, pieceID); err != nil || serial != "" {
			if err == nil {
				err = &studio.Error{Code: studio.Conflict, Message: "This piece already has its certificate, " + serial + ".",
					Data: map[string]any{"serial": serial}}
			}
			return err
		}
		if err := studio.CheckCertifiable(p); err != nil {
			return err
		}
		c, err := certificateFields(ctx, tx, p, story)
		if err != nil {
			return err
		}
		skey, err := signerOf(ctx, tx, studioID)
		if err != nil {
			return err
		}
		if ic.Key, err = verifierOf(ctx, tx, studioID); err != nil {
			return err
		}
		if c.Serial, err = provenance.NewSerial(rand.Reader); err != nil {
			return err
		}
		signed, err := provenance.Sign(c, skey)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO certificates (serial, studio_id, piece_id, signed, issued_at) VALUES ($1, $2, $3, $4, $5)`,
			c.Serial, studioID, pieceID, string(signed), c.IssuedAt)
		if err != nil {
			return err
		}
		ic.Certificate, ic.StudioID, ic.PieceID, ic.Signed = c, studioID, pieceID, signed
		if _, err = appendLeaf(ctx, tx, studioID, entryCertificate, c.Serial, signed); err != nil {
			return err
		}
		ic.TransferCode, err = newTransferCode(ctx, tx, studioID, c.Serial, true)
		return err
	})
	return ic, err
}

func certificateOfPiece(ctx context.Context, tx *Tx, pieceID string) (serial string, err error) {
	err = tx.QueryRowContext(ctx, `SELECT serial FROM certificates WHERE piece_id = $1`, pieceID).Scan(&serial)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return serial, err
}

// certificateFields gathers what a piece's certificate says.
func certificateFields(ctx context.Context, tx *Tx, p studio.Piece, story *string) (c studio.Certificate, err error) {
	st, err := studioWhere(ctx, tx, "id = $1", p.StudioID)
	if err != nil {
		return c, err
	}
	var commissionStory string
	if p.CommissionID != "" {
		if err := tx.QueryRowContext(ctx, `SELECT story FROM commissions WHERE id = $1`, p.CommissionID).Scan(&commissionStory); err != nil {
			return c, err
		}
	}
	if c.Story, err = studio.CertificateStory(story, commissionStory); err != nil {
		return c, err
	}
	c.StudioSlug, c.StudioName, c.Artist, c.Subject = st.Slug, st.Name, st.Artist, p.Subject
	if p.EditionID != "" {
		e, err := editionWhere(ctx, tx, p.StudioID, p.EditionID)
		if err != nil {
			return c, err
		}
		c.EditionID, c.EditionTitle, c.EditionNumber, c.EditionSize = e.ID, e.Title, p.EditionNumber, e.Size
	}
	for _, d := range []struct {
		from *float64
		to   *float64
	}{{p.HeightMM, &c.HeightMM}, {p.WidthMM, &c.WidthMM}, {p.DepthMM, &c.DepthMM}} {
		if d.from != nil {
			*d.to = *d.from
		}
	}
	if c.Clay, err = clayNames(ctx, tx, p.StudioID, p.ClayBrands); err != nil {
		return c, err
	}
	if c.Finish, err = finishOf(ctx, tx, p.ID); err != nil {
		return c, err
	}
	// The day it passed quality control for the last time, in the studio's
	// time zone.
	// (SQLite's max() would return the time as text.)
	done := tx.now
	err = tx.QueryRowContext(ctx, `SELECT at FROM piece_events WHERE piece_id = $1 AND kind = $2 ORDER BY at DESC LIMIT 1`,
		p.ID, string(studio.PieceQCPassed)).Scan(&done)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return c, err
	}
	c.Completed = st.Today(done)
	c.IssuedAt = tx.now.UTC().Truncate(time.Second)
	return c, nil
}

// clayNames names a piece's clays as the studio calls them.
func clayNames(ctx context.Context, tx *Tx, studioID string, keys []string) (string, error) {
	names := make([]string, 0, len(keys))
	for _, k := range keys {
		var name string
		err := tx.QueryRowContext(ctx, `SELECT name FROM clay_brands WHERE studio_id = $1 AND key = $2`, studioID, k).Scan(&name)
		if errors.Is(err, sql.ErrNoRows) {
			name, err = k, nil
		}
		if err != nil {
			return "", err
		}
		names = append(names, name)
	}
	return strings.Join(names, ", "), nil
}

// finishOf describes the coats of finish logged on a piece.
func finishOf(ctx context.Context, tx *Tx, pieceID string) (string, error) {
	rows, err := tx.QueryContext(ctx, `SELECT kind FROM coats WHERE piece_id = $1 ORDER BY applied_at, id`, pieceID)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	var kinds []studio.CoatKind
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			return "", err
		}
		kinds = append(kinds, studio.CoatKind(k))
	}
	return studio.DescribeFinish(kinds), rows.Err()
}

// CheckCertificate looks a serial up for anyone who asks, and verifies the
// record on file against the studio's published key. An unknown serial is
// not found.
func (s *Store) CheckCertificate(ctx context.Context, serial string) (cc CertificateCheck, err error) {
	if !provenance.ValidSerial(serial) {
		return cc, notFound("certificate")
	}
	err = s.read(ctx, func(tx *Tx) error {
		var signed string
		err := tx.QueryRowContext(ctx, `SELECT studio_id, piece_id, signed FROM certificates WHERE serial = $1`, serial).
			Scan(&cc.StudioID, &cc.PieceID, &signed)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("certificate")
		}
		if err != nil {
			return err
		}
		cc.Signed = []byte(signed)
		if cc.Key, err = verifierOf(ctx, tx, cc.StudioID); err != nil {
			return err
		}
		cc.Certificate, cc.Genuine, cc.Reason = judge(cc.Signed, cc.Key.Verifier, serial)
		if cc.Log, err = logged(ctx, tx, cc.StudioID, serial); err != nil {
			return err
		}
		if cc.Genuine {
			if cc.Provenance, err = provenanceOf(ctx, tx, cc); err != nil {
				return err
			}
		}
		cc.Certified, err = certifiedIn(ctx, tx, cc.StudioID, cc.EditionID)
		return err
	})
	return cc, err
}

// judge verifies a signed record. Whether genuine or not, it returns the
// fields the record claims when they can be read, so that a reader sees
// what was altered.
func judge(signed []byte, vkey, serial string) (c studio.Certificate, genuine bool, reason string) {
	c, err := provenance.Verify(signed, vkey)
	switch {
	case err != nil:
		claimed, _, _ := strings.Cut(string(signed), "\n\n")
		c, _ = provenance.Decode([]byte(claimed + "\n"))
		return c, false, err.Error()
	case c.Serial != serial:
		return c, false, "the record is signed for another serial"
	}
	return c, true, ""
}

// PieceCertificate is the certificate issued for a piece, if any: ok is
// false when it has none.
func (s *Store) PieceCertificate(ctx context.Context, studioID, pieceID string) (ic IssuedCertificate, ok bool, err error) {
	err = s.read(ctx, func(tx *Tx) error {
		var serial string
		err := tx.QueryRowContext(ctx, `SELECT serial FROM certificates WHERE studio_id = $1 AND piece_id = $2`, studioID, pieceID).Scan(&serial)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		ic, err = certificateBySerial(ctx, tx, studioID, serial)
		ok = err == nil
		return err
	})
	return ic, ok, err
}

// StudioCertificate is a certificate the studio issued, by serial.
func (s *Store) StudioCertificate(ctx context.Context, studioID, serial string) (ic IssuedCertificate, err error) {
	if !provenance.ValidSerial(serial) {
		return ic, notFound("certificate")
	}
	err = s.read(ctx, func(tx *Tx) error {
		ic, err = certificateBySerial(ctx, tx, studioID, serial)
		return err
	})
	return ic, err
}

// EditionCertificates are the certificates of an edition's pieces, by
// number.
func (s *Store) EditionCertificates(ctx context.Context, studioID, editionID string) (out []IssuedCertificate, err error) {
	err = s.read(ctx, func(tx *Tx) error {
		if _, err := editionWhere(ctx, tx, studioID, editionID); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT c.serial FROM certificates c JOIN pieces p ON p.id = c.piece_id
			WHERE p.studio_id = $1 AND p.edition_id = $2 ORDER BY p.edition_number`, studioID, editionID)
		if err != nil {
			return err
		}
		var serials []string
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				rows.Close()
				return err
			}
			serials = append(serials, s)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, serial := range serials {
			ic, err := certificateBySerial(ctx, tx, studioID, serial)
			if err != nil {
				return err
			}
			out = append(out, ic)
		}
		return nil
	})
	return out, err
}

// certificateBySerial reads a certificate of the studio back from its
// signed record. A record that no longer verifies is not served as the
// studio's: it is an internal error to look into, never a certificate to
// print.
func certificateBySerial(ctx context.Context, tx *Tx, studioID, serial string) (ic IssuedCertificate, err error) {
	var signed string
	err = tx.QueryRowContext(ctx, `SELECT piece_id, signed FROM certificates WHERE studio_id = $1 AND serial = $2`, studioID, serial).
		Scan(&ic.PieceID, &signed)
	if errors.Is(err, sql.ErrNoRows) {
		return ic, notFound("certificate")
	}
	if err != nil {
		return ic, err
	}
	ic.StudioID, ic.Signed = studioID, []byte(signed)
	if ic.Key, err = verifierOf(ctx, tx, studioID); err != nil {
		return ic, err
	}
	c, genuine, reason := judge(ic.Signed, ic.Key.Verifier, serial)
	if !genuine {
		return ic, errors.New("store: certificate " + serial + " on file does not verify: " + reason)
	}
	ic.Certificate = c
	return ic, nil
}

// PieceFacts is what a piece's certificate says, or would say if it were
// issued now (then without a serial): what its labels print.
func (s *Store) PieceFacts(ctx context.Context, studioID, pieceID string) (c studio.Certificate, err error) {
	err = s.read(ctx, func(tx *Tx) error {
		p, err := pieceWhere(ctx, tx, "studio_id = $1 AND id = $2", studioID, pieceID)
		if err != nil {
			return err
		}
		serial, err := certificateOfPiece(ctx, tx, pieceID)
		if err != nil {
			return err
		}
		if serial != "" {
			ic, err := certificateBySerial(ctx, tx, studioID, serial)
			c = ic.Certificate
			return err
		}
		c, err = certificateFields(ctx, tx, p, nil)
		return err
	})
	return c, err
}

// CheckSignedCertificate verifies a signed record someone holds, against
// the key of the studio it names and that studio's record of its serial.
// A record that is damaged, names no studio here, does not verify, or
// carries a serial the studio never issued is not genuine: the verdict
// says why, and is not an error.
func (s *Store) CheckSignedCertificate(ctx context.Context, signed []byte) (cc CertificateCheck, err error) {
	cc.Signed = signed
	claimed, _, _ := strings.Cut(string(signed), "\n\n")
	c, err := provenance.Decode([]byte(claimed + "\n"))
	if err != nil {
		cc.Reason = provenance.ErrMalformed.Error()
		return cc, nil
	}
	cc.Certificate = c
	err = s.read(ctx, func(tx *Tx) error {
		err := tx.QueryRowContext(ctx, `SELECT s.id, k.name, k.verifier_key FROM studios s JOIN studio_keys k ON k.studio_id = s.id
			WHERE s.slug = $1`, c.StudioSlug).Scan(&cc.StudioID, &cc.Key.Name, &cc.Key.Verifier)
		if errors.Is(err, sql.ErrNoRows) {
			cc.Reason = "no studio here signs as " + c.StudioSlug
			return nil
		}
		if err != nil {
			return err
		}
		cc.Key.StudioID = cc.StudioID
		if _, err := provenance.Verify(signed, cc.Key.Verifier); err != nil {
			cc.Reason = err.Error()
			return nil
		}
		var onFile string
		err = tx.QueryRowContext(ctx, `SELECT piece_id, signed FROM certificates WHERE studio_id = $1 AND serial = $2`, cc.StudioID, c.Serial).
			Scan(&cc.PieceID, &onFile)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			cc.Reason = "the studio has no record of this serial"
			return nil
		case err != nil:
			return err
		case onFile != string(signed):
			cc.Reason = "the studio's record of this serial differs from this one"
			return nil
		}
		cc.Genuine = true
		if cc.Log, err = logged(ctx, tx, cc.StudioID, c.Serial); err != nil {
			return err
		}
		if cc.Provenance, err = provenanceOf(ctx, tx, cc); err != nil {
			return err
		}
		cc.Certified, err = certifiedIn(ctx, tx, cc.StudioID, c.EditionID)
		return err
	})
	return cc, err
}

// certifiedIn counts the certificates of an edition's pieces; none for a
// unique piece.
func certifiedIn(ctx context.Context, tx *Tx, studioID, editionID string) (n int, err error) {
	if editionID == "" {
		return 0, nil
	}
	err = tx.QueryRowContext(ctx, `SELECT count(*) FROM certificates c JOIN pieces p ON p.id = c.piece_id
		WHERE p.studio_id = $1 AND p.edition_id = $2`, studioID, editionID).Scan(&n)
	return n, err
}

// logged proves a certificate's inclusion in its studio's log, or is nil
// when the log does not hold it.
func logged(ctx context.Context, tx *Tx, studioID, serial string) (*LogProof, error) {
	p, err := proveEntry(ctx, tx, studioID, entryCertificate, serial)
	if errors.Is(err, errNotLogged) {
		return nil, nil
	}
	return &p, err
}
