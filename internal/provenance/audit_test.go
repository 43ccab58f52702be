package provenance_test

import (
	"strings"
	"testing"
	"time"

	"atelier/internal/provenance"
)

func TestAuditHoldsEachLogRule(t *testing.T) {
	k := newKey(t, "ana")
	at := time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC)
	edition := func(id string, size int, reissueOf string) []byte {
		return provenance.EditionLeaf{EditionID: id, Studio: "ana", Title: "Roses", Size: size, ReissueOf: reissueOf, Created: at}.Encode()
	}
	cert := func(serial, edition string, n, size int) []byte {
		c := sample()
		c.Serial, c.EditionID, c.EditionNumber, c.EditionSize = serial, edition, n, size
		signed, err := provenance.Sign(c, k.Signer)
		if err != nil {
			t.Fatal(err)
		}
		return signed
	}
	transfer := func(serial string) []byte {
		return provenance.TransferLeaf{Serial: serial, Owner: provenance.OwnerHash([]byte("salt"), "Zoë"), At: at}.Encode()
	}
	const s1, s2 = "K7Q2M4XZB3WJ5R6T", "AAAABBBBCCCCDDDD"
	for _, tc := range []struct {
		name   string
		leaves [][]byte
		want   string // "" for a log that keeps every rule
	}{
		{"a good log", [][]byte{edition("ed1", 3, ""), cert(s1, "ed1", 1, 3), transfer(s1), edition("ed2", 5, "ed1"), cert(s2, "ed2", 1, 5)}, ""},
		{"a number certified twice", [][]byte{edition("ed1", 3, ""), cert(s1, "ed1", 2, 3), cert(s2, "ed1", 2, 3)}, "leaf 2: certificate " + s2 + " certifies number 2 of edition ed1 a second time (first at leaf 1)"},
		{"a number above the size", [][]byte{edition("ed1", 3, ""), cert(s1, "ed1", 4, 4)}, "leaf 1: certificate " + s1 + " is number 4 of edition ed1, whose size is 3"},
		{"a size other than the edition's", [][]byte{edition("ed1", 3, ""), cert(s1, "ed1", 2, 20)}, "says 2/20, but edition ed1 was logged with size 3"},
		{"a serial logged twice", [][]byte{edition("ed1", 3, ""), cert(s1, "ed1", 1, 3), cert(s1, "ed1", 2, 3)}, "certificate " + s1 + " is logged again"},
		{"an edition logged twice", [][]byte{edition("ed1", 3, ""), edition("ed1", 3, "")}, "edition ed1 is logged again"},
		{"a reissue of an edition never logged", [][]byte{edition("ed2", 3, "ed1")}, "reissues ed1, which the log does not hold"},
		{"a transfer before its certificate", [][]byte{transfer(s1), edition("ed1", 3, ""), cert(s1, "ed1", 1, 3)}, "leaf 0: a transfer of certificate " + s1},
		{"another studio's edition", [][]byte{provenance.EditionLeaf{EditionID: "ed1", Studio: "ben", Title: "R", Size: 3, Created: at}.Encode()}, `names studio "ben"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := provenance.NewAudit(k.Verifier)
			for i, l := range tc.leaves {
				a.Add(int64(i), l)
			}
			var got []string
			for _, f := range a.Failures {
				got = append(got, f.String())
			}
			if tc.want == "" && !a.OK() || tc.want != "" && (len(got) != 1 || !strings.Contains(got[0], tc.want)) {
				t.Fatalf("want %q, got %q", tc.want, got)
			}
			if a.Entries != len(tc.leaves) {
				t.Fatalf("counted %d entries of %d", a.Entries, len(tc.leaves))
			}
		})
	}
}
