package studio

import (
	"bytes"
	"crypto/rand"
	"regexp"
	"strings"
	"testing"
)

func TestNewTransferCodeIs80BitsInGroupsOfFour(t *testing.T) {
	seen := map[string]bool{}
	for range 100 {
		code, err := NewTransferCode(rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		if !regexp.MustCompile(`^[A-Z2-7]{4}(-[A-Z2-7]{4}){3}$`).MatchString(code) || seen[code] {
			t.Fatalf("code %q (seen before: %v)", code, seen[code])
		}
		seen[code] = true
	}
	if _, err := NewTransferCode(bytes.NewReader(make([]byte, TransferCodeBytes-1))); err == nil {
		t.Fatal("a short random source gave a code")
	}
}

func TestNormalizeTransferCodeForgivesHowItIsTyped(t *testing.T) {
	for _, typed := range []string{"ABCD-EFGH-IJKL-MNOP", "abcd efgh ijkl mnop", "abcdefghijklmnop", " AbCd-EfGh IjKl-MnOp ",
		"A8CD-EFGH-1JKL-MN0P"} {
		if got, ok := NormalizeTransferCode(typed); !ok || got != "ABCDEFGHIJKLMNOP" {
			t.Errorf("NormalizeTransferCode(%q) = %q, %v", typed, got, ok)
		}
	}
	for _, bad := range []string{"", "ABCD-EFGH-IJKL", "ABCD-EFGH-IJKL-MNOP-QRST", "ABCD-EFGH-IJKL-MNO9", "ÄBCD-EFGH-IJKL-MNOP"} {
		if got, ok := NormalizeTransferCode(bad); ok {
			t.Errorf("NormalizeTransferCode(%q) = %q, ok", bad, got)
		}
	}
}

func TestTransferValidate(t *testing.T) {
	ok := Transfer{Serial: "ABCDEFGHIJKLMNOP", Code: "ABCD-EFGH-IJKL-MNOP", NewOwnerName: "  Marta  "}
	if err := ok.Validate(); err != nil || ok.NewOwnerName != "Marta" {
		t.Fatalf("valid transfer: %v, name %q", err, ok.NewOwnerName)
	}
	for _, tc := range []struct {
		field string
		t     Transfer
	}{
		{"new_owner_name", Transfer{Serial: "S", Code: "C"}},
		{"new_owner_name", Transfer{Serial: "S", Code: "C", NewOwnerName: strings.Repeat("x", 101)}},
		{"new_owner_name", Transfer{Serial: "S", Code: "C", NewOwnerName: "a\x00b"}},
		{"serial", Transfer{Code: "C", NewOwnerName: "M"}},
		{"code", Transfer{Serial: "S", NewOwnerName: "M"}},
		{"code", Transfer{Serial: "S", Code: strings.Repeat("A", 65), NewOwnerName: "M"}},
	} {
		err := tc.t.Validate()
		if e, isErr := err.(*Error); !isErr || e.Code != Invalid || e.Fields[tc.field] == "" {
			t.Errorf("%+v: %v; want invalid %s", tc.t, err, tc.field)
		}
	}
}
