package store

import (
	"encoding/base64"

	"atelier/internal/auth"
)

// SealText seals data under the install secret for one purpose, as text a
// page can carry and give back (a hidden form field): only this install
// opens it, only for that purpose, and any change is noticed.
func (s *Store) SealText(purpose string, data []byte) (string, error) {
	sealed, err := auth.Seal(s.secret, purpose, data)
	if err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(sealed), nil
}

// OpenText opens what SealText sealed for purpose; anything else, altered
// or sealed for another purpose or install, is auth.ErrSealed.
func (s *Store) OpenText(purpose, text string) ([]byte, error) {
	sealed, err := base64.RawURLEncoding.DecodeString(text)
	if err != nil {
		return nil, auth.ErrSealed
	}
	return auth.Open(s.secret, purpose, sealed)
}
