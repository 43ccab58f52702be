package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
)

// TokenPrefix marks Atelier's API tokens so that secret scanners and people
// can recognise one that leaked.
const TokenPrefix = "atl_"

// tokenBytes is 160 random bits, above the 128 the API promises.
const tokenBytes = 20

var lowerBase32 = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// NewToken returns a fresh random secret with a prefix naming its use
// ("atl_" for API tokens); store only its HashToken.
func NewToken(prefix string) string {
	b := make([]byte, tokenBytes)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
	return prefix + lowerBase32.EncodeToString(b)
}

// HashToken is the stored form of a token: SHA-256, hex. A fast hash is right
// here, unlike for passwords, because the token has 160 bits of entropy.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// NewID returns an opaque, unguessable identifier for a record.
func NewID() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return lowerBase32.EncodeToString(b)
}

// NewSetupCode returns a one-time code to type from a server's log into
// the set-up page: 60 random bits in groups of four, without look-alikes.
func NewSetupCode() string {
	const alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	code := make([]byte, 0, 14)
	for i, c := range b {
		if i > 0 && i%4 == 0 {
			code = append(code, '-')
		}
		code = append(code, alphabet[int(c)%len(alphabet)])
	}
	return string(code)
}

// NormalizeSetupCode forgives case, spaces and hyphens in a typed code.
func NormalizeSetupCode(code string) string {
	out := make([]byte, 0, len(code))
	for _, c := range []byte(code) {
		switch {
		case c >= 'a' && c <= 'z':
			out = append(out, c-'a'+'A')
		case c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
			out = append(out, c)
		}
	}
	return string(out)
}
