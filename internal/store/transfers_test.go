package store_test

import (
	"strings"
	"sync"
	"testing"

	"atelier/internal/provenance"
	"atelier/internal/store"
	"atelier/internal/store/storetest"
	"atelier/internal/studio"
)

// issue makes a collector-grade piece in a new studio and issues its
// certificate.
func issue(t *testing.T, s *store.Store, slug string) (studio.Studio, store.IssuedCertificate) {
	t.Helper()
	st := mustStudio(t, s, slug)
	ic, err := s.IssueCertificate(ctx, st.ID, storetest.CollectorGradeNew(t, s, st.ID), nil)
	if err != nil {
		t.Fatal(err)
	}
	return st, ic
}

// A certificate is issued with an 80-bit code in groups of four; the code
// transfers it once, the log gains one transfer leaf that names the owner
// by a salted hash only, and the new code is the only one that works.
func TestTransferWithTheCodeLogsTheNewOwnerByHash(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		st, ic := issue(t, s, "ana")
		code := ic.TransferCode
		if len(code) != 19 || strings.Count(code, "-") != 3 || strings.ToUpper(code) != code {
			t.Fatalf("transfer code %q; want ABCD-EFGH-IJKL-MNOP", code)
		}
		before, _ := s.Log(ctx, "ana")
		// Typed in lower case, without dashes, with spaces.
		typed := strings.ToLower(strings.ReplaceAll(code, "-", " "))
		next, err := s.TransferCertificate(ctx, studio.Transfer{Serial: ic.Serial, Code: typed, NewOwnerName: "Marta Lindqvist", ShowName: true})
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := studio.NormalizeTransferCode(next); !ok || next == code {
			t.Fatalf("new code %q after %q", next, code)
		}
		after, _ := s.Log(ctx, "ana")
		if after.Tree.N != before.Tree.N+1 {
			t.Fatalf("log grew from %d to %d", before.Tree.N, after.Tree.N)
		}
		var leaf []byte
		if err := s.DB().QueryRowContext(ctx, `SELECT data FROM log_entries WHERE studio_id = $1 AND idx = $2`, st.ID, before.Tree.N).Scan(&leaf); err != nil {
			t.Fatal(err)
		}
		l, err := provenance.ParseLeaf(leaf)
		if err != nil || l.Kind != provenance.TransferHeader || l.Transfer.Serial != ic.Serial {
			t.Fatalf("leaf %q: %v", leaf, err)
		}
		if strings.Contains(string(leaf), "Marta") || l.Transfer.Owner == "" || l.Transfer.Owner == "Marta Lindqvist" {
			t.Fatalf("the leaf names the owner: %q", leaf)
		}
		var salt []byte
		if err := s.DB().QueryRowContext(ctx, `SELECT salt FROM certificate_owners WHERE log_idx = $1`, before.Tree.N).Scan(&salt); err != nil {
			t.Fatal(err)
		}
		if provenance.OwnerHash(salt, "Marta Lindqvist") != l.Transfer.Owner {
			t.Fatal("the leaf's hash is not the owner's name salted with the stored salt")
		}
		for _, old := range []string{code, typed} {
			_, err := s.TransferCertificate(ctx, studio.Transfer{Serial: ic.Serial, Code: old, NewOwnerName: "Thief"})
			if studio.ErrorCode(err) != studio.Forbidden {
				t.Fatalf("used code %q: %v", old, err)
			}
		}
		if _, err := s.TransferCertificate(ctx, studio.Transfer{Serial: ic.Serial, Code: next, NewOwnerName: "Jonas"}); err != nil {
			t.Fatalf("the new code: %v", err)
		}
	})
}

// Every bad request is refused, and a refused one changes nothing.
func TestTransferRefusals(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		_, ic := issue(t, s, "ana")
		_, other := issue(t, s, "ben")
		for _, tc := range []struct {
			name string
			in   studio.Transfer
			want studio.Code
		}{
			{"guessed code", studio.Transfer{Serial: ic.Serial, Code: "AAAA-AAAA-AAAA-AAAA", NewOwnerName: "X"}, studio.Forbidden},
			{"not a code", studio.Transfer{Serial: ic.Serial, Code: "hello", NewOwnerName: "X"}, studio.Forbidden},
			{"another certificate's code", studio.Transfer{Serial: ic.Serial, Code: other.TransferCode, NewOwnerName: "X"}, studio.Forbidden},
			{"unknown serial", studio.Transfer{Serial: "AAAAAAAAAAAAAAAA", Code: ic.TransferCode, NewOwnerName: "X"}, studio.NotFound},
			{"no name", studio.Transfer{Serial: ic.Serial, Code: ic.TransferCode, NewOwnerName: "  "}, studio.Invalid},
			{"name with a NUL", studio.Transfer{Serial: ic.Serial, Code: ic.TransferCode, NewOwnerName: "A\x00B"}, studio.Invalid},
			{"name too long", studio.Transfer{Serial: ic.Serial, Code: ic.TransferCode, NewOwnerName: strings.Repeat("n", 101)}, studio.Invalid},
			{"no code", studio.Transfer{Serial: ic.Serial, NewOwnerName: "X"}, studio.Invalid},
		} {
			if _, err := s.TransferCertificate(ctx, tc.in); studio.ErrorCode(err) != tc.want {
				t.Errorf("%s: %v; want %s", tc.name, err, tc.want)
			}
		}
		if _, err := s.TransferCertificate(ctx, studio.Transfer{Serial: ic.Serial, Code: ic.TransferCode, NewOwnerName: "Marta"}); err != nil {
			t.Fatalf("the right code after refusals: %v", err)
		}
	})
}

// Two transfers with the same code at once: exactly one succeeds, and the
// log holds one transfer.
func TestConcurrentTransfersWithOneCodeOneWins(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		st, ic := issue(t, s, "ana")
		const n = 8
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				_, errs[i] = s.TransferCertificate(ctx, studio.Transfer{Serial: ic.Serial, Code: ic.TransferCode, NewOwnerName: "Owner " + string(rune('A'+i))})
			})
		}
		wg.Wait()
		won := 0
		for _, err := range errs {
			switch studio.ErrorCode(err) {
			case "":
				won++
			case studio.Forbidden:
			default:
				t.Errorf("transfer: %v", err)
			}
		}
		var logged int
		if err := s.DB().QueryRowContext(ctx, `SELECT count(*) FROM log_entries WHERE studio_id = $1 AND kind = 'transfer'`, st.ID).Scan(&logged); err != nil {
			t.Fatal(err)
		}
		if won != 1 || logged != 1 {
			t.Fatalf("%d transfers succeeded, %d logged; want 1", won, logged)
		}
	})
}

// The first print carries the code, once; a reprint, or a print after a
// transfer, does not.
func TestFirstPrintOnlyCarriesTheCode(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		st, ic := issue(t, s, "ana")
		got, code, err := s.CertificateForPrint(ctx, st.ID, ic.Serial)
		if err != nil || code != ic.TransferCode || got.Serial != ic.Serial {
			t.Fatalf("first print: %q, %v", code, err)
		}
		if _, code, err := s.CertificateForPrint(ctx, st.ID, ic.Serial); err != nil || code != "" {
			t.Fatalf("reprint carries %q, %v", code, err)
		}
		ic2 := func() store.IssuedCertificate {
			c, err := s.IssueCertificate(ctx, st.ID, storetest.CollectorGradeNew(t, s, st.ID), nil)
			if err != nil {
				t.Fatal(err)
			}
			return c
		}()
		if _, err := s.TransferCertificate(ctx, studio.Transfer{Serial: ic2.Serial, Code: ic2.TransferCode, NewOwnerName: "M"}); err != nil {
			t.Fatal(err)
		}
		if _, code, err := s.CertificateForPrint(ctx, st.ID, ic2.Serial); err != nil || code != "" {
			t.Fatalf("print after a transfer carries %q, %v", code, err)
		}
		ben := mustStudio(t, s, "ben")
		if _, _, err := s.CertificateForPrint(ctx, ben.ID, ic.Serial); studio.ErrorCode(err) != studio.NotFound {
			t.Fatalf("another studio's print: %v", err)
		}
	})
}

// Verification shows the history: the issue, then each transfer, with the
// name only where its owner chose to show it; erasing a name leaves the
// transfer as made to an owner whose name was erased, and nothing of the
// name in the database.
func TestProvenanceShowsChosenNamesAndErasure(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		st, ic := issue(t, s, "ana")
		next, err := s.TransferCertificate(ctx, studio.Transfer{Serial: ic.Serial, Code: ic.TransferCode, NewOwnerName: "Marta Lindqvist", ShowName: true})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.TransferCertificate(ctx, studio.Transfer{Serial: ic.Serial, Code: next, NewOwnerName: "Jonas Private"}); err != nil {
			t.Fatal(err)
		}
		cc, err := s.CheckCertificate(ctx, ic.Serial)
		if err != nil {
			t.Fatal(err)
		}
		p := cc.Provenance
		if len(p) != 3 || p[0].Kind != "issued" || p[0].Owner != st.Name || p[0].Index != cc.Log.Index ||
			p[1].Kind != "transfer" || p[1].Owner != "Marta Lindqvist" || p[2].Owner != "" || p[2].Erased || !(p[1].Index < p[2].Index) {
			t.Fatalf("provenance %+v", p)
		}
		owners, err := s.CertificateOwners(ctx, st.ID, ic.Serial)
		if err != nil || len(owners) != 2 || owners[1].Name != "Jonas Private" || owners[1].ShowName {
			t.Fatalf("owners %+v, %v", owners, err)
		}
		if err := s.EraseOwner(ctx, st.ID, ic.Serial, p[1].Index); err != nil {
			t.Fatal(err)
		}
		if err := s.EraseOwner(ctx, st.ID, ic.Serial, p[1].Index); err != nil {
			t.Fatalf("erasing again: %v", err)
		}
		if err := s.EraseOwner(ctx, st.ID, ic.Serial, p[0].Index); studio.ErrorCode(err) != studio.NotFound {
			t.Fatalf("erasing the issue: %v", err)
		}
		ben := mustStudio(t, s, "ben")
		if err := s.EraseOwner(ctx, ben.ID, ic.Serial, p[2].Index); studio.ErrorCode(err) != studio.NotFound {
			t.Fatalf("another studio erases: %v", err)
		}
		cc, _ = s.CheckCertificate(ctx, ic.Serial)
		if e := cc.Provenance[1]; e.Owner != "" || !e.Erased {
			t.Fatalf("erased owner shows as %+v", e)
		}
		var names, salts int
		if err := s.DB().QueryRowContext(ctx, `SELECT count(*) FROM certificate_owners WHERE name LIKE '%Marta%'`).Scan(&names); err != nil {
			t.Fatal(err)
		}
		if err := s.DB().QueryRowContext(ctx, `SELECT count(*) FROM certificate_owners WHERE log_idx = $1 AND salt IS NOT NULL`, p[1].Index).Scan(&salts); err != nil {
			t.Fatal(err)
		}
		if names != 0 || salts != 0 {
			t.Fatalf("after erasure: %d names, %d salts left", names, salts)
		}
		// The log is untouched: its transfer leaf is still there.
		var leaves int
		s.DB().QueryRowContext(ctx, `SELECT count(*) FROM log_entries WHERE kind = 'transfer' AND ref = $1`, ic.Serial).Scan(&leaves)
		if leaves != 2 {
			t.Fatalf("%d transfer leaves after erasure; want 2", leaves)
		}
	})
}

// A certificate issued before transfer codes existed gets its code at its
// next print, once.
func TestCertificateWithoutCodeGetsOneAtItsNextPrint(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		st, ic := issue(t, s, "ana")
		if _, err := s.DB().ExecContext(ctx, `UPDATE certificates SET transfer_code_hash = NULL`); err != nil {
			t.Fatal(err)
		}
		if _, err := s.DB().ExecContext(ctx, `DELETE FROM certificate_stubs`); err != nil {
			t.Fatal(err)
		}
		_, err := s.TransferCertificate(ctx, studio.Transfer{Serial: ic.Serial, Code: ic.TransferCode, NewOwnerName: "M"})
		if studio.ErrorCode(err) != studio.Forbidden {
			t.Fatalf("a certificate without a code: %v", err)
		}
		_, code, err := s.CertificateForPrint(ctx, st.ID, ic.Serial)
		if err != nil || code == "" {
			t.Fatalf("print of a certificate without a code: %q, %v", code, err)
		}
		if _, again, _ := s.CertificateForPrint(ctx, st.ID, ic.Serial); again != "" {
			t.Fatalf("the next print has a code too: %q", again)
		}
		if _, err := s.TransferCertificate(ctx, studio.Transfer{Serial: ic.Serial, Code: code, NewOwnerName: "M"}); err != nil {
			t.Fatalf("the printed code: %v", err)
		}
	})
}

// A backup carries the owners (names, salts, the choice to show) and the
// codes' hashes, so that codes keep working after a restore; it does not
// carry the sealed code of an unprinted certificate.
func TestRestoredStudioKeepsOwnersAndCodes(t *testing.T) {
	storetest.EachDialect(t, func(t *testing.T, d store.Dialect) {
		src := storetest.Open(t, d, nil)
		st, ic := issue(t, src, "ana")
		next, err := src.TransferCertificate(ctx, studio.Transfer{Serial: ic.Serial, Code: ic.TransferCode, NewOwnerName: "Marta", ShowName: true})
		if err != nil {
			t.Fatal(err)
		}
		unprinted, err := src.IssueCertificate(ctx, st.ID, storetest.CollectorGradeNew(t, src, st.ID), nil)
		if err != nil {
			t.Fatal(err)
		}
		tables := viaJSON(t, dumpStudio(t, src, "ana"))
		dst := storetest.Open(t, d, nil)
		if err := dst.RestoreStudio(ctx, tables); err != nil {
			t.Fatal(err)
		}
		cc, err := dst.CheckCertificate(ctx, ic.Serial)
		if err != nil || len(cc.Provenance) != 2 || cc.Provenance[1].Owner != "Marta" {
			t.Fatalf("restored provenance %+v, %v", cc.Provenance, err)
		}
		if _, err := dst.TransferCertificate(ctx, studio.Transfer{Serial: ic.Serial, Code: next, NewOwnerName: "Jonas"}); err != nil {
			t.Fatalf("the owner's code after a restore: %v", err)
		}
		if _, code, err := dst.CertificateForPrint(ctx, st.ID, unprinted.Serial); err != nil || code != "" {
			t.Fatalf("a restored unprinted certificate prints %q, %v", code, err)
		}
		if _, err := dst.TransferCertificate(ctx, studio.Transfer{Serial: unprinted.Serial, Code: unprinted.TransferCode, NewOwnerName: "K"}); err != nil {
			t.Fatalf("the code handed out at issue, after a restore: %v", err)
		}
	})
}
