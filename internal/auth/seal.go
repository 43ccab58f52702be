package auth

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"errors"
)

// ErrSealed says a sealed value cannot be opened: it was sealed under
// another install secret or for another purpose, or it was altered.
var ErrSealed = errors.New("auth: sealed value cannot be opened with this key")

// Seal encrypts plaintext with AES-256-GCM under a key derived from the
// install secret and the purpose (HKDF-SHA256), so that a value sealed for
// one use never opens for another and the install secret itself never
// touches the cipher. The random nonce leads the result.
func Seal(secret []byte, purpose string, plaintext []byte) ([]byte, error) {
	aead, err := sealer(secret, purpose)
	if err != nil {
		return nil, err
	}
	nonce := make([]byte, aead.NonceSize(), aead.NonceSize()+len(plaintext)+aead.Overhead())
	_, _ = rand.Read(nonce) // crypto/rand.Read never fails on supported platforms
	return aead.Seal(nonce, nonce, plaintext, []byte(purpose)), nil
}

// Open decrypts what Seal sealed with the same secret and purpose; anything
// else is ErrSealed.
func Open(secret []byte, purpose string, sealed []byte) ([]byte, error) {
	aead, err := sealer(secret, purpose)
	if err != nil {
		return nil, err
	}
	if len(sealed) < aead.NonceSize()+aead.Overhead() {
		return nil, ErrSealed
	}
	n := aead.NonceSize()
	plain, err := aead.Open(nil, sealed[:n], sealed[n:], []byte(purpose))
	if err != nil {
		return nil, ErrSealed
	}
	return plain, nil
}

func sealer(secret []byte, purpose string) (cipher.AEAD, error) {
	if len(secret) < SecretKeyLen {
		return nil, errors.New("auth: the install secret is missing or shorter than 32 bytes")
	}
	key, err := hkdf.Key(sha256.New, secret, nil, "atelier seal: "+purpose, 32)
	if err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}
