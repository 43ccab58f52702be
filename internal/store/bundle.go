package store

import (
	"context"
	"database/sql"
	"errors"

	"atelier/internal/provenance"
)

// CertificateBundle is the bundle of one of the studio's certificates
// (provenance.Bundle): the record exactly as logged, its inclusion proof
// in the log's current tree with the signed checkpoint and its
// cosignatures, and the studio's key. A certificate not in the log is not
// found.
func (s *Store) CertificateBundle(ctx context.Context, studioID, serial string) (bundle []byte, err error) {
	if !provenance.ValidSerial(serial) {
		return nil, notFound("certificate")
	}
	err = s.read(ctx, func(tx *Tx) error {
		bundle, err = bundleOf(ctx, tx, studioID, serial)
		return err
	})
	return bundle, err
}

// PublicCertificateBundle is CertificateBundle for anyone who knows the
// serial.
func (s *Store) PublicCertificateBundle(ctx context.Context, serial string) (bundle []byte, err error) {
	if !provenance.ValidSerial(serial) {
		return nil, notFound("certificate")
	}
	err = s.read(ctx, func(tx *Tx) error {
		var studioID string
		err := tx.QueryRowContext(ctx, `SELECT studio_id FROM certificates WHERE serial = $1`, serial).Scan(&studioID)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("certificate")
		}
		if err != nil {
			return err
		}
		bundle, err = bundleOf(ctx, tx, studioID, serial)
		return err
	})
	return bundle, err
}

func bundleOf(ctx context.Context, tx *Tx, studioID, serial string) ([]byte, error) {
	key, err := verifierOf(ctx, tx, studioID)
	if err != nil {
		return nil, err
	}
	p, err := proveEntry(ctx, tx, studioID, entryCertificate, serial)
	if errors.Is(err, errNotLogged) {
		return nil, notFound("certificate")
	}
	if err != nil {
		return nil, err
	}
	return provenance.NewBundle(p.Leaf, p.Index, p.Proof, p.Checkpoint, key.Verifier)
}
