package auth

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestPassword(t *testing.T) {
	h, err := HashPassword(context.Background(), "correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("unexpected hash format %q", h)
	}
	h2, _ := HashPassword(context.Background(), "correct horse battery")
	if h == h2 {
		t.Fatal("two hashes of one password must differ (salt)")
	}
	for pw, want := range map[string]bool{"correct horse battery": true, "correct horse batterY": false, "": false} {
		ok, err := CheckPassword(context.Background(), h, pw)
		if err != nil || ok != want {
			t.Errorf("CheckPassword(%q) = %v, %v; want %v", pw, ok, err, want)
		}
	}
	for _, bad := range []string{"", "plain", "$argon2i$v=19$m=1,t=1,p=1$AA$AA", "$argon2id$v=19$m=x$AA$AA", "$argon2id$v=19$m=1,t=1,p=1$!!$AA"} {
		if _, err := CheckPassword(context.Background(), bad, "x"); err == nil {
			t.Errorf("CheckPassword accepted malformed hash %q", bad)
		}
	}
}

func TestToken(t *testing.T) {
	a, b := NewToken(TokenPrefix), NewToken(TokenPrefix)
	if a == b || !strings.HasPrefix(a, "atl_") {
		t.Fatalf("tokens %q %q", a, b)
	}
	// 160 bits in base32 is 32 characters.
	if len(a) != len("atl_")+32 {
		t.Fatalf("token length %d", len(a))
	}
	if HashToken(a) == HashToken(b) || len(HashToken(a)) != 64 || HashToken(a) != HashToken(a) {
		t.Fatal("hash must be deterministic SHA-256 hex")
	}
	if NewID() == NewID() || len(NewID()) != 20 {
		t.Fatal("ids must be unique and 20 characters")
	}
}

func TestTheInstallSecretIsMadeOnceAndKept(t *testing.T) {
	path := filepath.Join(t.TempDir(), "data", "secret.key")
	key, err := LoadOrCreateSecretKey(path)
	if err != nil || len(key) != SecretKeyLen {
		t.Fatalf("%d bytes, %v", len(key), err)
	}
	info, err := os.Stat(path)
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v, %v", info.Mode(), err)
	}
	again, err := LoadOrCreateSecretKey(path)
	if err != nil || !bytes.Equal(again, key) {
		t.Fatal("a second start made another key")
	}
	os.WriteFile(path, []byte("not base64!\n"), 0o600)
	if _, err := LoadOrCreateSecretKey(path); err == nil {
		t.Fatal("a damaged key file was accepted")
	}
	for _, bad := range []string{"", "c2hvcnQ=", base64.RawStdEncoding.EncodeToString(key), base64.URLEncoding.EncodeToString(bytes.Repeat([]byte{0xfb}, 32))} {
		if _, err := ParseSecretKey(bad); err == nil {
			t.Errorf("%q accepted as a key", bad)
		}
	}
	if got, err := ParseSecretKey(base64.StdEncoding.EncodeToString(key) + "\n"); err != nil || !bytes.Equal(got, key) {
		t.Errorf("a key with its newline: %v", err)
	}
}

func TestSignaturesAreBoundToTheirPurposeAndParts(t *testing.T) {
	key := bytes.Repeat([]byte{7}, SecretKeyLen)
	sig := Sign(key, "device", "ana@example.com", "d1")
	if !Verify(key, sig, "device", "ana@example.com", "d1") {
		t.Fatal("a signature does not verify")
	}
	for name, ok := range map[string]bool{
		"other purpose": Verify(key, sig, "calendar", "ana@example.com", "d1"),
		"other part":    Verify(key, sig, "device", "ben@example.com", "d1"),
		"parts joined":  Verify(key, sig, "device", "ana@example.comd1"),
		"other key":     Verify(bytes.Repeat([]byte{8}, SecretKeyLen), sig, "device", "ana@example.com", "d1"),
	} {
		if ok {
			t.Errorf("%s verifies", name)
		}
	}
}

// Hashes beyond the process's slots wait a little, then give up with
// ErrBusy instead of queueing without limit; a freed slot serves again.
func TestHashingIsBoundedPerProcess(t *testing.T) {
	hashWait = 20 * time.Millisecond
	defer func() { hashWait = MaxWait }()
	ctx := context.Background()
	var held []func()
	for range Slots() {
		release, err := hashing.take(ctx)
		if err != nil {
			t.Fatal(err)
		}
		held = append(held, release)
	}
	if _, err := HashPassword(ctx, "correct horse battery"); !errors.Is(err, ErrBusy) {
		t.Fatalf("a hash beyond the slots: %v, want ErrBusy", err)
	}
	if _, err := CheckPassword(ctx, "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2U", "x"); !errors.Is(err, ErrBusy) {
		t.Fatalf("a check beyond the slots: %v, want ErrBusy", err)
	}
	held[0]()
	if _, err := HashPassword(ctx, "correct horse battery"); err != nil {
		t.Fatalf("a freed slot: %v", err)
	}
	for _, release := range held[1:] {
		release()
	}
}
