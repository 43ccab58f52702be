package auth

import (
	"bytes"
	"errors"
	"testing"
)

func TestSealOpensOnlyWithItsSecretAndPurpose(t *testing.T) {
	secret, other := bytes.Repeat([]byte{1}, SecretKeyLen), bytes.Repeat([]byte{2}, SecretKeyLen)
	plain := []byte("cal_secret")
	a, err := Seal(secret, "calendar token", plain)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := Seal(secret, "calendar token", plain)
	if bytes.Equal(a, b) || bytes.Contains(a, plain) {
		t.Fatal("two seals of one value must differ (nonce) and hide it")
	}
	if got, err := Open(secret, "calendar token", a); err != nil || !bytes.Equal(got, plain) {
		t.Fatalf("Open = %q, %v", got, err)
	}
	tampered := bytes.Clone(a)
	tampered[len(tampered)-1] ^= 1
	for name, tt := range map[string]struct {
		secret  []byte
		purpose string
		sealed  []byte
	}{
		"another secret":  {other, "calendar token", a},
		"another purpose": {secret, "device", a},
		"tampered":        {secret, "calendar token", tampered},
		"truncated":       {secret, "calendar token", a[:10]},
		"empty":           {secret, "calendar token", nil},
	} {
		if _, err := Open(tt.secret, tt.purpose, tt.sealed); !errors.Is(err, ErrSealed) {
			t.Errorf("%s: Open err %v, want ErrSealed", name, err)
		}
	}
	if _, err := Seal(nil, "calendar token", plain); err == nil {
		t.Fatal("sealing without an install secret must fail")
	}
}
