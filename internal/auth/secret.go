package auth

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// SecretKeyLen is the size of the install secret: 32 random bytes.
const SecretKeyLen = 32

// ErrSecretKeyFormat says how an install secret is written.
var ErrSecretKeyFormat = errors.New("must be standard base64 of 32 random bytes; make one with: openssl rand -base64 32")

// ParseSecretKey reads an install secret written as standard base64.
func ParseSecretKey(s string) ([]byte, error) {
	key, err := base64.StdEncoding.Strict().DecodeString(strings.TrimSpace(s))
	if err != nil || len(key) != SecretKeyLen {
		return nil, ErrSecretKeyFormat
	}
	return key, nil
}

// LoadOrCreateSecretKey reads the install secret kept in path, creating a
// random one there (readable by its owner alone) the first time.
func LoadOrCreateSecretKey(path string) ([]byte, error) {
	raw, err := os.ReadFile(path)
	if err == nil {
		key, err := ParseSecretKey(string(raw))
		if err != nil {
			return nil, fmt.Errorf("%s %w", path, err)
		}
		return key, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	key := make([]byte, SecretKeyLen)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return nil, err
	}
	// Written aside and linked into place: of two processes starting at
	// once, one key wins whole and the other process reads it.
	tmp, err := os.CreateTemp(filepath.Dir(path), ".secret-*")
	if err != nil {
		return nil, err
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.WriteString(base64.StdEncoding.EncodeToString(key) + "\n")
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp.Name(), 0o600)
	}
	if err == nil {
		err = os.Link(tmp.Name(), path)
	}
	if errors.Is(err, fs.ErrExist) {
		return LoadOrCreateSecretKey(path)
	}
	if err != nil {
		return nil, err
	}
	return key, nil
}

// Sign is an HMAC-SHA256 of the parts under key, for a value handed out
// that must come back unchanged (a device cookie). The purpose names what
// the signature is for, so that one signature never serves another use.
func Sign(key []byte, purpose string, parts ...string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(purpose))
	for _, p := range parts {
		m.Write([]byte{0})
		m.Write([]byte(p))
	}
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// Verify reports whether sig is Sign's signature of the parts.
func Verify(key []byte, sig, purpose string, parts ...string) bool {
	return hmac.Equal([]byte(sig), []byte(Sign(key, purpose, parts...)))
}
