package server

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"atelier/internal/provenance"
	"atelier/internal/store"
	"atelier/internal/store/storetest"
	"atelier/internal/studio"
)

// The verification page shows the certificate's provenance, naming only
// the owners who chose it, its place in the log, and offers its bundle,
// which proves it against the studio's key.
func TestWebVerifyPageShowsProvenanceAndTheProof(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		_, ts := setUpStudio(t, s)
		ana := mustSlug(t, s, "ana").ID
		d, err := s.CreatePiece(ctx, ana, "", studio.NewPieceFields{Subject: "Grandma Rose", ClayBrands: []string{"premo"}, TargetHeightMM: 40})
		if err != nil {
			t.Fatal(err)
		}
		storetest.CollectorGrade(t, s, ana, d.ID)
		ic, err := s.IssueCertificate(ctx, ana, d.ID, nil)
		if err != nil {
			t.Fatal(err)
		}
		code, err := s.TransferCertificate(ctx, studio.Transfer{Serial: ic.Serial, Code: ic.TransferCode, NewOwnerName: "Zoë Ørsted", ShowName: true})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.TransferCertificate(ctx, studio.Transfer{Serial: ic.Serial, Code: code, NewOwnerName: "Hidden Collector"}); err != nil {
			t.Fatal(err)
		}
		anyone := newBrowser(t, ts.URL)
		res, body := anyone.get("/v/" + ic.Serial)
		want(t, res, body, 200, `id="provenance"`, "issued by", "to Zoë Ørsted", "to a private collector", `id="log-place"`, `href="/v/`+ic.Serial+`/bundle"`)
		if strings.Contains(body, "Hidden Collector") {
			t.Fatal("the page names an owner who chose not to be named")
		}
		res, body = anyone.get("/v/" + ic.Serial + "/bundle")
		if res.StatusCode != 200 || !strings.Contains(res.Header.Get("Content-Disposition"), "attachment") {
			t.Fatalf("bundle: %d %v", res.StatusCode, res.Header)
		}
		b, err := provenance.ParseBundle([]byte(body))
		if err != nil {
			t.Fatal(err)
		}
		key, _ := s.StudioKey(ctx, "ana")
		if c, tree, err := b.Verify(key.Verifier); err != nil || c.Serial != ic.Serial || tree.N != 3 { // the certificate and two transfers
			t.Fatalf("the bundle does not prove the certificate: %v %v %v", c.Serial, tree, err)
		}
		var raw map[string]any
		json.Unmarshal([]byte(body), &raw)
		if strings.Contains(body, "Zoë") || raw["key"] != key.Verifier {
			t.Fatalf("bundle %s", body)
		}
		for _, bad := range []string{"AAAAAAAAAAAAAAAA", "nope"} {
			res, body = anyone.get("/v/" + bad + "/bundle")
			want(t, res, body, 404)
		}
	})
}
