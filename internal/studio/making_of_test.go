package studio

import (
	"testing"
	"time"
)

// The making-of's rule: a commission needs its client's consent, a piece
// made for no client does not; withdrawing is always allowed; a published
// page lives only while the consent holds.
func TestMakingOf(t *testing.T) {
	at := time.Date(2026, 12, 2, 1, 0, 0, 0, time.UTC)
	tests := []struct {
		name    string
		c       MakingOfConsent
		publish bool
		refused bool
		public  bool
	}{
		{"a commission with consent", MakingOfConsent{Commissioned: true, Consented: true}, true, false, true},
		{"a commission without consent", MakingOfConsent{Commissioned: true}, true, true, false},
		{"withdrawing without consent", MakingOfConsent{Commissioned: true}, false, false, false},
		{"a piece made for no client", MakingOfConsent{}, true, false, true},
	}
	for _, tt := range tests {
		err := CheckPublishMakingOf(tt.publish, tt.c)
		if refused := err != nil; refused != tt.refused {
			t.Errorf("%s: refused %v, want %v (%v)", tt.name, refused, tt.refused, err)
		}
		if err != nil && (ErrorCode(err) != Conflict || err.(*Error).Message != tt.c.Refusal() || tt.c.Refusal() == "") {
			t.Errorf("%s: %v is not a conflict saying why", tt.name, err)
		}
		if got := MakingOfPublic(&at, tt.c); got != tt.public {
			t.Errorf("%s: public %v, want %v", tt.name, got, tt.public)
		}
		if MakingOfPublic(nil, tt.c) {
			t.Errorf("%s: public without being published", tt.name)
		}
	}
}

// The time-lapse shows every process photo, so one unshared photo keeps it
// off the public page.
func TestMakingOfVideoPublic(t *testing.T) {
	if !MakingOfVideoPublic(0) || MakingOfVideoPublic(1) {
		t.Error("the video's rule")
	}
}
